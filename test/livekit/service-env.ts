/**
 * Browser-side helpers for the server-authority tests: the room service (@micseat/server) and
 * its LiveKit server, started by test/livekit/service-plugin.mjs. Tokens come from the service's
 * own POST /token (development mode: it believes `{ identity, name, role }`), so roles come only
 * from tokens the service mints, as in production.
 *
 *   const room = createServiceRoom();
 *   const host = await room.join('alice', 'host');           // a connected LiveKitRoomBackend, authority 'server'
 *   const info = await participantAtServer(room.name, 'bob'); // the LiveKit server's view (permission, tracks)
 */
import type { MemberRole } from '@micseat/core';
import { LiveKitRoomBackend } from '@micseat/backend-livekit';
import { executeServerCommand } from '@web/test-runner-commands';
import { uniqueRoom } from './env.js';
import { connectOrThrow, type LkRoom } from './harness.js';

interface Answer<T> {
  ok: boolean;
  value: T;
  error?: { message: string; code?: string; status?: number };
}

async function call<T>(command: string, payload: unknown): Promise<T> {
  const r = await executeServerCommand<Answer<T>, unknown>(command, payload);
  if (!r) throw new Error(`${command}: no plugin answered (is test/livekit/service-plugin.mjs loaded?)`);
  if (!r.ok) throw new Error(`${command}: ${r.error?.status ?? ''} ${r.error?.code ?? ''} ${r.error?.message}`);
  return r.value;
}

let started: Promise<{ url: string; serviceUrl: string }> | undefined;
/** Starts (once per run) the service and its LiveKit server; their URLs. */
export function service(): Promise<{ url: string; serviceUrl: string }> {
  started ??= executeServerCommand<{ url: string; serviceUrl: string }, unknown>('svc:start', {}).then((r) => {
    if (!r) throw new Error('svc:start: no plugin answered (is test/livekit/service-plugin.mjs loaded?)');
    return r;
  });
  return started;
}

/** A token minted by the service for `identity` with `role` in `room`. */
export async function serviceToken(room: string, identity: string, role: MemberRole, name = identity): Promise<string> {
  const body = await call<{ token: string }>('svc:token', { room, identity, name, role });
  return body.token;
}

export interface ParticipantAtServer {
  identity: string;
  permission?: { canPublish?: boolean; canPublishSources?: string[]; canUpdateMetadata?: boolean };
  tracks: { sid: string; source?: string; muted?: boolean }[];
}

/** The participant as the LiveKit server lists it (null when not in the room). */
export function participantAtServer(room: string, identity: string): Promise<ParticipantAtServer | null> {
  return call<ParticipantAtServer | null>('svc:participant', { room, identity });
}

/** A room of backends in server-authority mode (tokens from the service), as test/livekit/harness.ts's LkRoom. */
export type ServiceRoom = Pick<LkRoom, 'name' | 'backends' | 'make' | 'join' | 'close'>;

export function createServiceRoom(prefix = 'svc'): ServiceRoom {
  const name = uniqueRoom(prefix);
  const backends: LiveKitRoomBackend[] = [];
  const room: ServiceRoom = {
    name,
    backends,
    async make(identity, role, extra = {}) {
      const { url } = await service();
      const token = await serviceToken(name, identity, role);
      const b = new LiveKitRoomBackend({ url, token, authority: 'server', ...extra });
      backends.push(b);
      return b;
    },
    async join(identity, role, displayName, extra) {
      return connectOrThrow(await room.make(identity, role, extra), displayName ?? identity);
    },
    async close() {
      await Promise.all(backends.splice(0).map((b) => b.disconnect()));
    },
  };
  return room;
}
