/**
 * Versioned JSON wire messages, the same on every transport (in-page, BroadcastChannel, LiveKit).
 * `decode` validates everything and answers anything malformed with a typed error; it never throws.
 */
import * as v from 'valibot';
import type { Patch } from './patch.js';
import { ERROR_CODES, fail, ok, type Result } from './errors.js';
import { RoomEventSchema, type RoomEvent } from './events.js';
import { LIMITS } from './limits.js';
import {
  AuthorityMemorySchema,
  ClientIdSchema,
  CommandSchema,
  CountSchema,
  IdentitySchema,
  InvitationSchema,
  JsonObjectSchema,
  JsonSchema,
  refusalOf,
  TimeSchema,
  type AuthorityMemory,
  MemberSchema,
  RoomConfigSchema,
  RoomModeSchema,
  RoomStateSchema,
  RoomCountsSchema,
  ReadQuerySchema,
  SeatRequestSchema,
  SeatSchema,
  type Command,
  type Page,
  type ReadQuery,
  type RoomState,
} from './schema.js';
import type { SelfView } from './stage.js';
import { utf8Length } from './json.js';
import { describe } from './json.js';

/**
 * 2: the stage (issue #10): deltas carry `from`, the counts travel in the stage, a viewer's own
 * part comes in `self` messages, the queue and the audience are read with `read` / `page`.
 */
export const PROTOCOL_VERSION = 2;

const CorrelationIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxIdLength));
const VersionSchema = CountSchema;

export const PatchSchema = v.strictObject({
  mode: v.optional(RoomModeSchema),
  ended: v.optional(v.boolean()),
  hostId: v.optional(v.nullable(IdentitySchema)),
  config: v.optional(RoomConfigSchema),
  seats: v.optional(v.array(SeatSchema)),
  members: v.optional(v.array(MemberSchema)),
  membersRemoved: v.optional(v.array(IdentitySchema)),
  requests: v.optional(v.array(SeatRequestSchema)),
  requestsRemoved: v.optional(v.array(ClientIdSchema)),
  invitations: v.optional(v.array(InvitationSchema)),
  invitationsRemoved: v.optional(v.array(ClientIdSchema)),
  counts: v.optional(RoomCountsSchema),
});

const RoomErrorSchema = v.strictObject({
  code: v.picklist(ERROR_CODES),
  message: v.pipe(v.string(), v.maxLength(1000)),
  details: v.optional(JsonObjectSchema),
});
/** Result values and error details are free-form: bounded in depth and size like signal payloads. */
const ResultSchema = v.variant('ok', [
  v.strictObject({ ok: v.literal(true), value: JsonSchema }),
  v.strictObject({ ok: v.literal(false), error: RoomErrorSchema }),
]);
/** Most requests a viewer's own part holds: the pending one and the resolved ones the room still shows. */
const MAX_OWN_REQUESTS = LIMITS.maxResolvedShown + 1;

const msg = <T extends string, E extends v.ObjectEntries>(t: T, entries: E) =>
  v.strictObject({ v: v.literal(PROTOCOL_VERSION), t: v.literal(t), ...entries });

export const WireMessageSchema = v.variant('t', [
  /** client → authority: a command, with a correlation id for its result. */
  msg('cmd', { id: CorrelationIdSchema, cmd: CommandSchema }),
  /** authority → client: the result of one command. */
  msg('res', { id: CorrelationIdSchema, res: ResultSchema }),
  /**
   * authority → client: the stage (for late joiners and after a gap). A host's own saved copy
   * holds the whole room instead, with `memory` (for `restoreAuthority` after a reload); that
   * is never sent to clients.
   */
  msg('snap', { room: RoomStateSchema, memory: v.optional(AuthorityMemorySchema) }),
  /**
   * authority → all: one change of the stage, from the stage at version `from` (the previous
   * delta's `to`; default `to - 1`) to version `to`. Versions between them changed only what the
   * stage does not hold (the audience, the queue, someone's own part).
   */
  msg('delta', {
    from: v.optional(VersionSchema),
    to: v.pipe(VersionSchema, v.minValue(1)),
    clock: TimeSchema,
    patch: PatchSchema,
    events: v.array(RoomEventSchema),
  }),
  /** client → authority: "send me a snapshot" (after a gap or on join). */
  msg('sync', { have: VersionSchema }),
  /**
   * authority → one client: their own part (member record, requests) as of version `at`, whole,
   * with the events that concern only them. Sent when it changes and after every snapshot.
   */
  msg('self', {
    at: VersionSchema,
    member: v.nullable(MemberSchema),
    requests: v.pipe(v.array(SeatRequestSchema), v.maxLength(MAX_OWN_REQUESTS)),
    events: v.array(RoomEventSchema),
  }),
  /** client → authority: read a page of the queue or the audience, or one's own position. */
  msg('read', { id: CorrelationIdSchema, query: ReadQuerySchema }),
  /**
   * authority → client: the answer to one `read` (a `Page`; its value is checked as bounded JSON,
   * like command results: it comes from the authority, and pages stay out of listeners' bundles).
   */
  msg('page', { id: CorrelationIdSchema, res: ResultSchema }),
]);
export type WireMessage = v.InferOutput<typeof WireMessageSchema>;

export const encodeCommand = (id: string, cmd: Command): WireMessage => ({ v: PROTOCOL_VERSION, t: 'cmd', id, cmd });
export const encodeResult = (id: string, res: Result): WireMessage => ({
  v: PROTOCOL_VERSION,
  t: 'res',
  id,
  res: res as never,
});
export const encodeSnapshot = (room: RoomState, memory?: AuthorityMemory): WireMessage =>
  memory ? { v: PROTOCOL_VERSION, t: 'snap', room, memory } : { v: PROTOCOL_VERSION, t: 'snap', room };
/** A stage delta from version `from` (default `to - 1`) to `to`. */
export const encodeDelta = (
  to: number,
  clock: number,
  patch: Patch,
  events: readonly RoomEvent[],
  from = to - 1,
): WireMessage => ({
  v: PROTOCOL_VERSION,
  t: 'delta',
  from,
  to,
  clock,
  patch,
  events: events as RoomEvent[],
});
/** A viewer's own part at version `at`. */
export const encodeSelf = (at: number, self: SelfView, events: readonly RoomEvent[] = []): WireMessage => ({
  v: PROTOCOL_VERSION,
  t: 'self',
  at,
  member: self.member,
  requests: [...self.requests],
  events: events as RoomEvent[],
});
export const encodeRead = (id: string, query: ReadQuery): WireMessage => ({
  v: PROTOCOL_VERSION,
  t: 'read',
  id,
  query,
});
export const encodePage = (id: string, res: Result<Page>): WireMessage => ({
  v: PROTOCOL_VERSION,
  t: 'page',
  id,
  res: res as never,
});
/** "Send me the room": `have` is the version held; a replica with no room yet (version -1) says 0, which always gets the room. */
export const encodeSync = (have: number): WireMessage => ({ v: PROTOCOL_VERSION, t: 'sync', have: Math.max(0, have) });

export interface CodecOptions {
  /** Largest text in UTF-8 bytes (default: the transport limit; a host's saved room may be larger). */
  readonly maxBytes?: number;
}

/**
 * Serialises a message, refusing one larger than the transport limit with a typed error. Never
 * throws: a value JSON cannot hold (a cycle, a BigInt, nesting deeper than the engine allows, a
 * throwing getter) is a typed `malformed` error.
 */
export function serialize(message: WireMessage, options: CodecOptions = {}): Result<string> {
  const limit = options.maxBytes ?? LIMITS.maxMessageBytes;
  let text: string;
  try {
    text = JSON.stringify(message);
  } catch (e) {
    return fail('malformed', `The message cannot be encoded as JSON: ${describe(e)}`);
  }
  if (typeof text !== 'string') return fail('malformed', 'The message cannot be encoded as JSON.');
  const bytes = utf8Length(text);
  if (bytes > limit) {
    return fail('too-large', `The message is ${bytes} bytes; at most ${limit} fit the transport.`, { bytes, limit });
  }
  return ok(text);
}

/**
 * Parses and validates one wire message (a JSON string, bytes, or an already-parsed value).
 * Never throws: anything malformed, oversized or from another protocol version is a typed error.
 */
export function decode(input: unknown, options: CodecOptions = {}): Result<WireMessage> {
  const limit = options.maxBytes ?? LIMITS.maxMessageBytes;
  try {
    let value = input;
    if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
      const bytes = input instanceof ArrayBuffer ? input.byteLength : input.byteLength;
      if (bytes > limit) return tooLarge(bytes, limit);
      value = new TextDecoder('utf-8', { fatal: true }).decode(input);
    }
    if (typeof value === 'string') {
      const bytes = value.length > limit / 3 ? utf8Length(value) : value.length;
      if (bytes > limit) return tooLarge(bytes, limit);
      try {
        value = JSON.parse(value);
      } catch {
        return fail('malformed', 'The message is not valid JSON.');
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return fail('malformed', 'A message must be a JSON object.');
    }
    const version = (value as { v?: unknown }).v;
    if (version !== PROTOCOL_VERSION) {
      return fail(
        'unsupported-version',
        `Protocol version ${typeof version === 'number' ? version : version === undefined ? 'missing' : typeof version} is not supported; this side speaks ${PROTOCOL_VERSION}.`,
        {
          got: typeof version === 'number' ? version : null,
          supported: PROTOCOL_VERSION,
        },
      );
    }
    const parsed = v.safeParse(WireMessageSchema, value);
    if (!parsed.success) return refusalOf(parsed.issues, 'malformed', 'Malformed message');
    return ok(parsed.output);
  } catch (e) {
    // Defensive: e.g. invalid UTF-8 bytes, or getters / Proxies that throw on exotic objects.
    return fail('malformed', `The message could not be read: ${describe(e)}`);
  }
}

function tooLarge(bytes: number, limit: number): Result<never> {
  return fail('too-large', `The message is ${bytes} bytes; at most ${limit} are accepted.`, { bytes, limit });
}
