/**
 * Rooms of real livekit-client participants (one LiveKitRoomBackend each, all in this page)
 * against the real LiveKit server (test/livekit/wtr-plugin.mjs).
 */
import type { MemberRole, RoomConfig } from '@micseat/core';
import { LiveKitRoomBackend, type LiveKitBackendOptions, type SnapshotStore } from '@micseat/backend-livekit';
import { disconnectAll, targets, token, uniqueRoom, type Grants, type Target } from './env.js';

export class MapStore implements SnapshotStore {
  readonly map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

/** The grants of the README recipe. */
export function grantsFor(role: MemberRole, room: string): Grants {
  return role === 'host'
    ? { room, canPublish: true, canSubscribe: true, canPublishData: true, canUpdateOwnMetadata: false }
    : // Host-authority mode: nobody can grant publish at run time, so listeners may publish;
      // honest clients only subscribe to seated identities.
      // As the README recipe: listeners the mic only, cohosts mic and camera.
      {
        room,
        canPublish: true,
        canPublishSources: role === 'cohost' ? ['microphone', 'camera'] : ['microphone'],
        canSubscribe: true,
        canPublishData: true,
        canUpdateOwnMetadata: false,
      };
}

export interface LkRoom {
  readonly name: string;
  readonly store: MapStore;
  hostIdentity: string;
  readonly backends: LiveKitRoomBackend[];
  /** A backend (not yet connected) for `identity`. */
  make(identity: string, role: MemberRole, extra?: Partial<LiveKitBackendOptions>): Promise<LiveKitRoomBackend>;
  /** A connected, joined backend; throws when connect fails. */
  join(
    identity: string,
    role: MemberRole,
    name?: string,
    extra?: Partial<LiveKitBackendOptions>,
  ): Promise<LiveKitRoomBackend>;
  close(): Promise<void>;
}

/** Connects and joins `backend` as `name`; throws (naming the error) when it cannot. */
export async function connectOrThrow(backend: LiveKitRoomBackend, name: string): Promise<LiveKitRoomBackend> {
  const r = await backend.connect({ name });
  if (!r.ok) throw new Error(`${backend.identity} could not join: ${r.error.code} ${r.error.message}`);
  return backend;
}

export function createLkRoom(target: Target, config?: Partial<RoomConfig>, hostIdentity = 'c-host'): LkRoom {
  const name = uniqueRoom('micseat');
  const store = new MapStore();
  const backends: LiveKitRoomBackend[] = [];
  const room: LkRoom = {
    name,
    store,
    hostIdentity,
    backends,
    async make(identity, role, extra = {}) {
      if (role === 'host') room.hostIdentity = identity;
      const attributes = role === 'cohost' ? { 'micseat.role': 'cohost' } : undefined;
      const jwt = await token(target, identity, grantsFor(role, name), attributes, { name: identity });
      const b = new LiveKitRoomBackend({
        url: target.url,
        token: jwt,
        hostIdentity: room.hostIdentity,
        config: { reconnectGraceMs: 2000, ...config },
        storage: store,
        beaconMs: 1000,
        ...extra,
      });
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

/**
 * The server contract files (server-*.test.ts): their tests once per target (the real LiveKit
 * server, or the one LIVEKIT_URL names), 40 s each, everyone disconnected after each test.
 */
export async function contractTests(body: (target: Target) => void): Promise<void> {
  for (const target of await targets()) {
    describe(`livekit-client against ${target.name}`, function () {
      this.timeout(40_000);
      afterEach(() => disconnectAll());
      body(target);
    });
  }
}

/** The first `ev` from `emitter`, with its arguments; rejects after `timeoutMs`. */
export function once<T extends unknown[]>(
  emitter: { once(ev: string, cb: (...a: T) => void): unknown },
  ev: string,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${ev} within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(ev, (...a: T) => {
      clearTimeout(t);
      resolve(a);
    });
  });
}
