/**
 * Versioned JSON wire messages, the same on every transport (in-page, BroadcastChannel, LiveKit).
 * `decode` validates everything and answers anything malformed with a typed error; it never throws.
 */
import * as v from 'valibot';
import type { Patch } from './draft.js';
import { ERROR_CODES, fail, ok, type Result } from './errors.js';
import { RoomEventSchema, type RoomEvent } from './events.js';
import { LIMITS } from './limits.js';
import {
  CommandSchema,
  InvitationSchema,
  MemberSchema,
  RoomConfigSchema,
  RoomModeSchema,
  RoomStateSchema,
  SeatRequestSchema,
  SeatSchema,
  type Command,
  type RoomState,
} from './schema.js';
import { utf8Length } from './authority.js';

export const PROTOCOL_VERSION = 1;

const CorrelationIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxIdLength));
const VersionSchema = v.pipe(v.number(), v.integer(), v.minValue(0));
const IdList = v.array(v.pipe(v.string(), v.maxLength(LIMITS.maxIdentityLength)));

export const PatchSchema = v.strictObject({
  mode: v.optional(RoomModeSchema),
  ended: v.optional(v.boolean()),
  hostId: v.optional(v.nullable(v.string())),
  config: v.optional(RoomConfigSchema),
  seats: v.optional(v.array(SeatSchema)),
  members: v.optional(v.array(MemberSchema)),
  membersRemoved: v.optional(IdList),
  requests: v.optional(v.array(SeatRequestSchema)),
  requestsRemoved: v.optional(IdList),
  invitations: v.optional(v.array(InvitationSchema)),
  invitationsRemoved: v.optional(IdList),
});

const RoomErrorSchema = v.strictObject({
  code: v.picklist(ERROR_CODES),
  message: v.pipe(v.string(), v.maxLength(1000)),
  details: v.optional(v.record(v.string(), v.unknown())),
});
const ResultSchema = v.union([
  v.strictObject({ ok: v.literal(true), value: v.unknown() }),
  v.strictObject({ ok: v.literal(false), error: RoomErrorSchema }),
]);

const msg = <T extends string, E extends v.ObjectEntries>(t: T, entries: E) =>
  v.strictObject({ v: v.literal(PROTOCOL_VERSION), t: v.literal(t), ...entries });

export const WireMessageSchema = v.variant('t', [
  /** client → authority: a command, with a correlation id for its result. */
  msg('cmd', { id: CorrelationIdSchema, cmd: CommandSchema }),
  /** authority → client: the result of one command. */
  msg('res', { id: CorrelationIdSchema, res: ResultSchema }),
  /** authority → client: the whole room (for late joiners and after a gap). */
  msg('snap', { room: RoomStateSchema }),
  /** authority → all: one change, from version `to - 1` to `to`. */
  msg('delta', { to: v.pipe(VersionSchema, v.minValue(1)), clock: v.pipe(v.number(), v.minValue(0)), patch: PatchSchema, events: v.array(RoomEventSchema) }),
  /** client → authority: "send me a snapshot" (after a gap or on join). */
  msg('sync', { have: VersionSchema }),
]);
export type WireMessage = v.InferOutput<typeof WireMessageSchema>;

export const encodeCommand = (id: string, cmd: Command): WireMessage => ({ v: PROTOCOL_VERSION, t: 'cmd', id, cmd });
export const encodeResult = (id: string, res: Result): WireMessage => ({ v: PROTOCOL_VERSION, t: 'res', id, res: res as never });
export const encodeSnapshot = (room: RoomState): WireMessage => ({ v: PROTOCOL_VERSION, t: 'snap', room });
export const encodeDelta = (to: number, clock: number, patch: Patch, events: readonly RoomEvent[]): WireMessage => ({
  v: PROTOCOL_VERSION,
  t: 'delta',
  to,
  clock,
  patch,
  events: events as RoomEvent[],
});
export const encodeSync = (have: number): WireMessage => ({ v: PROTOCOL_VERSION, t: 'sync', have });

/** Serialises a message, refusing one larger than the transport limit with a typed error. */
export function serialize(message: WireMessage): Result<string> {
  const text = JSON.stringify(message);
  const bytes = utf8Length(text);
  if (bytes > LIMITS.maxMessageBytes) {
    return fail('too-large', `The message is ${bytes} bytes; at most ${LIMITS.maxMessageBytes} fit the transport.`, {
      bytes,
      limit: LIMITS.maxMessageBytes,
    });
  }
  return ok(text);
}

/**
 * Parses and validates one wire message (a JSON string, bytes, or an already-parsed value).
 * Never throws: anything malformed, oversized or from another protocol version is a typed error.
 */
export function decode(input: unknown): Result<WireMessage> {
  try {
    let value = input;
    if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
      const bytes = input instanceof ArrayBuffer ? input.byteLength : input.byteLength;
      if (bytes > LIMITS.maxMessageBytes) return tooLarge(bytes);
      value = new TextDecoder('utf-8', { fatal: true }).decode(input);
    }
    if (typeof value === 'string') {
      const bytes = value.length > LIMITS.maxMessageBytes / 3 ? utf8Length(value) : value.length;
      if (bytes > LIMITS.maxMessageBytes) return tooLarge(bytes);
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
      return fail('unsupported-version', `Protocol version ${JSON.stringify(version) ?? 'missing'} is not supported; this side speaks ${PROTOCOL_VERSION}.`, {
        got: typeof version === 'number' ? version : null,
        supported: PROTOCOL_VERSION,
      });
    }
    const parsed = v.safeParse(WireMessageSchema, value);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      const field = issue.path?.map((p) => String(p.key)).join('.') ?? '';
      return fail('malformed', `Malformed message${field ? ` at ${field}` : ''}: ${issue.message}`, { field });
    }
    return ok(parsed.output);
  } catch (e) {
    // Defensive: e.g. invalid UTF-8 bytes, or getters that throw on exotic objects.
    return fail('malformed', `The message could not be read: ${(e as Error)?.message ?? String(e)}`);
  }
}

function tooLarge(bytes: number): Result<never> {
  return fail('too-large', `The message is ${bytes} bytes; at most ${LIMITS.maxMessageBytes} are accepted.`, {
    bytes,
    limit: LIMITS.maxMessageBytes,
  });
}
