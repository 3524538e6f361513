/**
 * Tokens the service mints: the only place roles come from. No token grants
 * `canUpdateOwnMetadata`, so a client can never rewrite its role attribute.
 * - audience and cohost: canPublish false (the authority grants publish when it seats them);
 * - host: publishes from the host seat (microphone, camera when the room allows it);
 * - the authority itself: kind `agent` (does not keep the room open, not counted as a listener),
 *   not hidden (a hidden participant cannot receive RPC), publishes data only.
 */
import { AccessToken, TrackSource } from 'livekit-server-sdk';
import type { RoomRole } from './store.js';

/** The identity the service joins each room with; clients send commands to it. */
export const AUTHORITY_IDENTITY = 'micseat-authority';
/** Participant attribute carrying the role (set only by the minter). */
export const ROLE_ATTRIBUTE = 'micseat.role';

export interface MintOptions {
  apiKey: string;
  apiSecret: string;
  /** Token lifetime in seconds. */
  ttlSeconds: number;
  /** Whether the room allows cameras (host's token may then publish one from the start). */
  allowCamera?: boolean;
}

export interface Grant {
  room: string;
  identity: string;
  name: string;
  role: RoomRole;
}

export async function mintParticipantToken(grant: Grant, options: MintOptions): Promise<string> {
  const at = new AccessToken(options.apiKey, options.apiSecret, {
    identity: grant.identity,
    name: grant.name,
    ttl: options.ttlSeconds,
    attributes: { [ROLE_ATTRIBUTE]: grant.role },
  });
  const host = grant.role === 'host';
  at.addGrant({
    room: grant.room,
    roomJoin: true,
    canSubscribe: true,
    canPublishData: true, // commands travel as RPC, which is data
    canPublish: host,
    canPublishSources: host
      ? options.allowCamera
        ? [TrackSource.MICROPHONE, TrackSource.CAMERA]
        : [TrackSource.MICROPHONE]
      : [],
    canUpdateOwnMetadata: false,
  });
  return at.toJwt();
}

export async function mintAuthorityToken(room: string, options: MintOptions): Promise<string> {
  const at = new AccessToken(options.apiKey, options.apiSecret, {
    identity: AUTHORITY_IDENTITY,
    name: 'micseat',
    ttl: options.ttlSeconds,
  });
  at.kind = 'agent';
  at.addGrant({
    room,
    roomJoin: true,
    agent: true,
    hidden: false,
    canSubscribe: true,
    canPublishData: true,
    canPublish: false,
    canUpdateOwnMetadata: false,
  });
  return at.toJwt();
}
