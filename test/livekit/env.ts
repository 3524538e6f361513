/**
 * Browser-side helpers for tests that run livekit-client against the real LiveKit server (started
 * by test/livekit/wtr-plugin.mjs, or the one LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET name).
 * Everything that needs the API secret runs in Node inside the plugin.
 *
 *   const ts = await targets();                       // [{ name: 'livekit', url, httpUrl, webhooks }]
 *   for (const t of ts) describe(`… [${t.name}]`, () => { … });
 *   const room = uniqueRoom('rpc');
 *   const jwt = await token(t, 'alice', { room, canPublish: false });
 *   const alice = await connect(t, 'alice', { room });   // a connected livekit-client Room
 *   await roomService(t, 'updateParticipant', room, 'alice', { permission: { … } });
 *   const left = await waitForWebhook(t, 'participant_left', room);   // when t.webhooks
 *   const event = await verifyWebhook(t, left);          // livekit-server-sdk WebhookReceiver
 *
 * Used by test/livekit. Keep it general.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { DataPacket_Kind, Room, type RoomConnectOptions, type RoomOptions } from 'livekit-client';

export type TargetName = 'livekit';

export interface Target {
  name: TargetName;
  /** ws(s):// URL for `room.connect`. */
  url: string;
  /** http(s):// URL of the same server. */
  httpUrl: string;
  /** Whether the server's webhooks reach the test plugin (not for an external LIVEKIT_URL server). */
  webhooks: boolean;
}

/** The video grant, as livekit-server-sdk's AccessToken.addGrant takes it (roomJoin is added). */
export interface Grants {
  room: string;
  roomJoin?: boolean;
  roomAdmin?: boolean;
  canPublish?: boolean;
  canSubscribe?: boolean;
  canPublishData?: boolean;
  canPublishSources?: ('camera' | 'microphone' | 'screen_share' | 'screen_share_audio')[];
  canUpdateOwnMetadata?: boolean;
  hidden?: boolean;
}

export interface TokenOptions {
  name?: string;
  metadata?: string;
  /** Seconds; default 600. */
  ttl?: number;
  kind?: 'standard' | 'agent';
}

/** A webhook as it was POSTed: the exact body and its Authorization header (a JWT). */
export interface RecordedWebhook {
  body: string;
  authorization: string;
  contentType: string;
  receivedAt: number;
}

export class ServerCommandError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ServerCommandError';
  }
}

interface Result<T> {
  ok: boolean;
  value: T;
  error?: { message: string; code?: string; status?: number };
}

async function call<T>(command: string, payload: unknown): Promise<T> {
  const r = await executeServerCommand<Result<T>, unknown>(command, payload);
  if (!r) throw new Error(`${command}: no plugin answered (is wtr-plugin.mjs loaded?)`);
  if (!r.ok) throw new ServerCommandError(r.error?.message ?? 'failed', r.error?.code, r.error?.status);
  return r.value;
}

let targetsCache: Promise<{ targets: Target[] }> | undefined;
function loadTargets() {
  targetsCache ??= executeServerCommand<{ targets: Target[] }, unknown>('lk:targets', {}).then((r) => {
    if (!r) throw new Error('lk:targets: no plugin answered (is test/livekit/wtr-plugin.mjs loaded?)');
    return r;
  });
  return targetsCache;
}

/** The servers this run tests against (today one: the real LiveKit server). */
export async function targets(): Promise<Target[]> {
  return (await loadTargets()).targets;
}

/** Mints an access token for `identity` with livekit-server-sdk's AccessToken (in Node). */
export async function token(
  target: Target,
  identity: string,
  grants: Grants,
  attributes?: Record<string, string>,
  opts: TokenOptions = {},
): Promise<string> {
  return executeServerCommand<string, unknown>('lk:token', {
    target: target.name,
    identity,
    grants,
    attributes,
    ...opts,
  });
}

function encode(v: unknown): unknown {
  if (v instanceof Uint8Array) {
    let s = '';
    for (const b of v) s += String.fromCharCode(b);
    return { __bytes: btoa(s) };
  }
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v;
}

/**
 * Calls livekit-server-sdk's `RoomServiceClient[op](...args)` in Node against `target`.
 * Results come back as protobuf JSON (camelCase, int64 as strings, defaults included). Failures
 * throw ServerCommandError with the Twirp code/status.
 * e.g. roomService(t, 'updateParticipant', room, 'bob', { permission: {...} }),
 *      roomService(t, 'sendData', room, bytes, DataPacket_Kind.RELIABLE, { destinationIdentities }).
 */
export async function roomService<T = unknown>(target: Target, op: string, ...args: unknown[]): Promise<T> {
  return call<T>('lk:roomService', { target: target.name, op, args: encode(args) });
}

/** Webhooks the target has POSTed so far (when `target.webhooks`: the server started by the plugin; an external one posts to its own URL). */
export async function lastWebhooks(
  target: Target,
  filter: { event?: string; room?: string } = {},
): Promise<RecordedWebhook[]> {
  return call<RecordedWebhook[]>('lk:webhooks', { target: target.name, ...filter });
}

/** Whether this target's webhooks can be observed from the tests. */
export function webhooksObservable(target: Target): boolean {
  return target.webhooks;
}

/** Waits until a webhook of that event (for that room) has arrived; returns the newest. */
export async function waitForWebhook(
  target: Target,
  event: string,
  room?: string,
  timeoutMs = 5000,
): Promise<RecordedWebhook> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const list = await lastWebhooks(target, { event, room });
    if (list.length) return list[list.length - 1]!;
    if (Date.now() > until) throw new Error(`no ${event} webhook for ${room ?? 'any room'} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Verifies a webhook with livekit-server-sdk's WebhookReceiver (in Node); returns the event JSON. */
export async function verifyWebhook(
  target: Target,
  hook: Pick<RecordedWebhook, 'body' | 'authorization'>,
): Promise<{
  event: string;
  room?: { name: string; sid: string };
  participant?: { identity: string; sid: string };
  track?: { sid: string };
}> {
  return call('lk:verifyWebhook', { target: target.name, body: hook.body, authorization: hook.authorization });
}

let roomCounter = 0;
/** A room name no other test uses. */
export function uniqueRoom(prefix = 'room'): string {
  roomCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${roomCounter}-${Math.random().toString(36).slice(2, 6)}`;
}

const openRooms = new Set<Room>();

/**
 * Connects a new livekit-client Room as `identity`. Grants default to the token defaults
 * (publish + subscribe + data). Remember to `disconnectAll()` in afterEach.
 *
 * Resolves once the room's reliable data channel is open too: `room.connect` resolves when the
 * peer connection is up, a moment before the data channel, and a LiveKit server (real or
 * emulated) drops reliable data for a participant whose channel is not open yet.
 */
export async function connect(
  target: Target,
  identity: string,
  grants: Grants,
  opts: {
    attributes?: Record<string, string>;
    token?: TokenOptions;
    room?: RoomOptions;
    connect?: RoomConnectOptions;
  } = {},
): Promise<Room> {
  const jwt = await token(target, identity, grants, opts.attributes, opts.token);
  const room = new Room(opts.room);
  openRooms.add(room);
  await room.connect(target.url, jwt, opts.connect);
  const engine = room.engine as unknown as { dataChannelForKind(kind: number): RTCDataChannel | undefined };
  await waitFor(
    `${identity}'s reliable data channel to open`,
    () => engine.dataChannelForKind(DataPacket_Kind.RELIABLE)?.readyState === 'open',
    15_000,
  );
  return room;
}

/** Disconnects every Room made by `connect` (for afterEach). */
export async function disconnectAll(): Promise<void> {
  const rooms = [...openRooms];
  openRooms.clear();
  await Promise.all(rooms.map((r) => r.disconnect().catch(() => undefined)));
}

/**
 * The peak level above which a listener counts as hearing Chromium's fake microphone. The fake
 * device beeps, and the publisher's audio processing (noise suppression, gain control) can turn a
 * repeating beep down: a clean-clone CI run measured peaks of only 0.049 once a track had been
 * publishing for a while. A silenced or absent track measures 0, so this stays clearly above silence.
 */
export const AUDIBLE = 0.01;

/** Tracks the loudest level `listener` hears from `speaker`, and the newest one (call `off()` after). */
export function ear(
  listener: { media: { onLevels(l: (levels: ReadonlyMap<string, number>) => void): () => void } },
  speaker: string,
) {
  const state = { peak: 0, now: 0 };
  const off = listener.media.onLevels((levels) => {
    state.now = levels.get(speaker) ?? 0;
    state.peak = Math.max(state.peak, state.now);
  });
  return { state, off };
}

/** Resolves when `check()` is truthy (polled), or rejects after `timeoutMs` naming `what`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | null | false,
  timeoutMs = 5000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
