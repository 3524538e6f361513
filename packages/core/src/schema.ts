/**
 * The shapes of everything that crosses a boundary (commands, room state, wire messages),
 * written once as valibot schemas; the TypeScript types are inferred from them so the
 * validator and the types can never disagree.
 */
import * as v from 'valibot';
import { fail, type Result } from './errors.js';
import { copyJson, JSON_BOUNDS, type Json } from './json.js';
import { isWireAvatar } from './avatar.js';
import { LIMITS } from './limits.js';

export type { Json } from './json.js';

const str = (max: number) => v.pipe(v.string(), v.maxLength(max));
const nonEmpty = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));
const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
/** Authority clock ms: finite, never negative, and far from where adding a deadline loses precision. */
const time = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
/** Versions and sequence numbers. */
export const CountSchema = int(0, Number.MAX_SAFE_INTEGER);
export const TimeSchema = time;

export const IdentitySchema = nonEmpty(LIMITS.maxIdentityLength);
export const NameSchema = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(LIMITS.maxNameLength));
export const ClientIdSchema = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(LIMITS.maxIdLength),
  v.regex(/^[A-Za-z0-9_.:-]+$/),
);
export const SeatIndexSchema = int(0, LIMITS.maxSeats - 1);
export const WantedSeatSchema = v.union([SeatIndexSchema, v.literal('any')]);
export const TimeoutMsSchema = int(LIMITS.minTimeoutMs, LIMITS.maxTimeoutMs);

export const RoomModeSchema = v.picklist(['free', 'request']);
export const MemberRoleSchema = v.picklist(['host', 'cohost', 'audience']);
export const MediaWantedSchema = v.picklist(['audio', 'audio+camera']);
/** What the occupant reports about their microphone. `muted-by-host` is derived from the seat. */
export const MicReportSchema = v.picklist(['on', 'off', 'no-device', 'denied']);
export const SeatStatusSchema = v.picklist(['empty', 'occupied', 'locked', 'reserved', 'reconnecting']);
export const RequestStatusSchema = v.picklist(['pending', 'accepted', 'rejected', 'cancelled', 'timeout']);
export const InvitationStatusSchema = v.picklist(['pending', 'accepted', 'declined', 'cancelled', 'timeout']);

/** Marks a refusal of a free-form value, so callers can answer `too-large` or `malformed` rather than a generic one. */
const JSON_EXPECTED = 'JSON within limits';

/**
 * Free-form JSON (signal payloads, result values, error details): copied by `copyJson` with a
 * depth and size bound, so what passes is plain data that can always be encoded again.
 */
export const JsonSchema: v.GenericSchema<unknown, Json> = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const copy = copyJson(dataset.value, JSON_BOUNDS);
    if (copy.ok) return copy.value;
    addIssue({ message: copy.message, expected: JSON_EXPECTED, received: copy.code, input: null });
    return NEVER;
  }),
);

/** A JSON object (error details). */
export const JsonObjectSchema: v.GenericSchema<unknown, { [key: string]: Json }> = v.pipe(
  JsonSchema,
  v.check((x) => typeof x === 'object' && x !== null && !Array.isArray(x), 'Expected a JSON object'),
) as v.GenericSchema<unknown, { [key: string]: Json }>;

/**
 * A record keyed by its items' ids (members, requests, invitations). Unlike `v.record`, it keeps
 * every key (valibot drops `__proto__`, `constructor` and `prototype`, which are valid ids) and
 * builds a null-prototype record, so no id can reach Object.prototype; each key must be its
 * item's id.
 */
export function keyedRecord<T extends { id: string }>(
  item: v.GenericSchema<unknown, T>,
): v.GenericSchema<unknown, Record<string, T>> {
  return v.pipe(
    v.unknown(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const input = dataset.value;
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        addIssue({
          message: 'Expected an object keyed by id',
          expected: 'Object',
          received: Array.isArray(input) ? 'Array' : typeof input,
          input: null,
        });
        return NEVER;
      }
      const out: Record<string, T> = Object.create(null);
      for (const key of Object.keys(input)) {
        const value = (input as Record<string, unknown>)[key];
        const at = { type: 'object', origin: 'value', input, key, value } as unknown as v.IssuePathItem;
        const parsed = v.safeParse(item, value);
        if (!parsed.success) {
          const sub = parsed.issues[0];
          addIssue({
            message: sub.message,
            expected: sub.expected ?? undefined,
            received: sub.received,
            input: null,
            path: [at, ...(sub.path ?? [])] as [v.IssuePathItem, ...v.IssuePathItem[]],
          });
          return NEVER;
        }
        if (parsed.output.id !== key) {
          addIssue({
            message: `Filed under "${key.slice(0, 64)}" but its id is "${parsed.output.id.slice(0, 64)}"`,
            expected: 'its id as key',
            received: 'another key',
            input: null,
            path: [at],
          });
          return NEVER;
        }
        out[key] = parsed.output;
      }
      return out;
    }),
  );
}

/** An empty null-prototype record, for collections keyed by user input. */
export const emptyRecord = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/**
 * The typed refusal for a failed parse: `too-large` / `malformed` for a free-form value over its
 * bounds or unreadable, otherwise `fallback` (`invalid-command` for commands, `malformed` for messages).
 */
export function refusalOf(
  issues: readonly v.BaseIssue<unknown>[],
  fallback: 'invalid-command' | 'malformed',
  what: string,
): Result<never> {
  const issue = issues[0]!;
  const field = issue.path?.map((p) => String((p as { key?: unknown }).key)).join('.') ?? '';
  const code = issue.expected === JSON_EXPECTED ? (issue.received as 'too-large' | 'malformed') : fallback;
  return fail(code, `${what}${field ? ` (${field.slice(0, 200)})` : ''}: ${issue.message}`, {
    field: field.slice(0, 200),
  });
}

export const AvatarSchema = v.pipe(
  str(LIMITS.maxAvatarLength),
  v.check(isWireAvatar, 'An avatar must be an https: URL or a data:image/(png|jpeg|gif|webp|avif);base64 picture'),
);
/** An origin for the avatar allow-list, e.g. `https://cdn.example.com` (lower case, as URL.origin spells it). */
export const OriginSchema = v.pipe(
  v.string(),
  v.maxLength(200),
  v.regex(/^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/, 'Expected an origin like https://cdn.example.com'),
);

// ---------------------------------------------------------------- commands

const cmd = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ type: v.literal(type), ...entries });

export const CommandSchema = v.variant('type', [
  cmd('join', { name: NameSchema, avatar: v.optional(AvatarSchema) }),
  cmd('leave-room', {}),
  cmd('take-seat', { seat: SeatIndexSchema }),
  cmd('leave-seat', {}),
  /** `userId`: a moderator moving a speaker (atomic, like a self switch). Default: the caller. */
  cmd('switch-seat', { to: SeatIndexSchema, userId: v.optional(IdentitySchema) }),
  cmd('kick-seat', { seat: SeatIndexSchema }),
  cmd('lock-seat', { seat: SeatIndexSchema, locked: v.boolean() }),
  cmd('mute-seat', { seat: SeatIndexSchema, muted: v.boolean() }),
  cmd('set-mode', { mode: RoomModeSchema }),
  cmd('set-cohost', { userId: IdentitySchema, cohost: v.boolean() }),
  cmd('request-seat', {
    requestId: ClientIdSchema,
    seat: WantedSeatSchema,
    media: MediaWantedSchema,
    timeoutMs: v.optional(TimeoutMsSchema),
  }),
  cmd('cancel-request', { requestId: ClientIdSchema }),
  cmd('accept-request', { requestId: ClientIdSchema }),
  cmd('accept-next', {}),
  cmd('accept-all', {}),
  cmd('reject-request', { requestId: ClientIdSchema, reason: v.optional(str(LIMITS.maxReasonLength)) }),
  cmd('reject-all', { reason: v.optional(str(LIMITS.maxReasonLength)) }),
  cmd('invite', {
    invitationId: ClientIdSchema,
    userId: IdentitySchema,
    seat: WantedSeatSchema,
    timeoutMs: v.optional(TimeoutMsSchema),
  }),
  cmd('respond-invitation', { invitationId: ClientIdSchema, accept: v.boolean() }),
  cmd('cancel-invitation', { invitationId: ClientIdSchema }),
  cmd('remove-member', { userId: IdentitySchema }),
  cmd('set-mic', {
    mic: MicReportSchema,
    camera: v.optional(v.boolean()),
    /** The accepted request this report ends the preparing of (marks it `prepared`). */
    requestId: v.optional(ClientIdSchema),
  }),
  cmd('signal', { name: nonEmpty(LIMITS.maxSignalNameLength), payload: JsonSchema }),
  // Issued by the transport or the authority's own clock, never by a user.
  cmd('tick', {}),
  cmd('presence', { userId: IdentitySchema, connected: v.boolean() }),
  /** Copies the live counts (members, audience, queue) into the stage: at most once per `countsIntervalMs`. */
  cmd('publish-counts', {}),
]);
/** Commands only the room itself (its clock, its transport) may send. */
export const SYSTEM_COMMANDS: ReadonlySet<string> = new Set(['tick', 'presence', 'publish-counts']);
export type Command = v.InferOutput<typeof CommandSchema>;
export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

// ---------------------------------------------------------------- room state

export const SeatSchema = v.strictObject({
  index: SeatIndexSchema,
  status: SeatStatusSchema,
  userId: v.nullable(IdentitySchema),
  locked: v.boolean(),
  /** Muted by the host or a cohost: the occupant cannot unmute until released. */
  muted: v.boolean(),
  reservedFor: v.nullable(IdentitySchema),
  /** Authority clock ms: end of a reservation or of a reconnect hold. */
  deadline: v.nullable(time),
});
export type Seat = v.InferOutput<typeof SeatSchema>;

export const MemberSchema = v.strictObject({
  id: IdentitySchema,
  name: NameSchema,
  avatar: v.optional(AvatarSchema),
  role: MemberRoleSchema,
  connected: v.boolean(),
  joinedAt: time,
  /** While disconnected: when the member is dropped unless they return. */
  graceUntil: v.nullable(time),
  mic: MicReportSchema,
  camera: v.boolean(),
});
export type Member = v.InferOutput<typeof MemberSchema>;

export const SeatRequestSchema = v.strictObject({
  id: ClientIdSchema,
  userId: IdentitySchema,
  seat: WantedSeatSchema,
  media: MediaWantedSchema,
  status: RequestStatusSchema,
  /** FIFO order, by the authority's clock. */
  seq: CountSchema,
  createdAt: time,
  deadline: time,
  resolvedAt: v.nullable(time),
  /** Who resolved it: a moderator's id, `auto` (free mode) or null (timeout, cancel). */
  handledBy: v.nullable(str(LIMITS.maxIdentityLength)),
  /** The seat given on accept. */
  seatIndex: v.nullable(SeatIndexSchema),
  reason: v.nullable(str(LIMITS.maxReasonLength)),
  /**
   * Accepted, and the requester has since reported their mic (preparing is over). An accepted
   * request without it, whose requester sits on its seat, was interrupted while preparing (a
   * reload during the mic prompt): their page prepares again.
   */
  prepared: v.optional(v.boolean()),
});
export type SeatRequest = v.InferOutput<typeof SeatRequestSchema>;
export type RequestStatus = SeatRequest['status'];

export const InvitationSchema = v.strictObject({
  id: ClientIdSchema,
  userId: IdentitySchema,
  from: IdentitySchema,
  seat: WantedSeatSchema,
  status: InvitationStatusSchema,
  createdAt: time,
  deadline: time,
  resolvedAt: v.nullable(time),
  seatIndex: v.nullable(SeatIndexSchema),
});
export type Invitation = v.InferOutput<typeof InvitationSchema>;

export const RoomConfigSchema = v.strictObject({
  seatCount: int(1, LIMITS.maxSeats),
  requestTimeoutMs: TimeoutMsSchema,
  invitationTimeoutMs: TimeoutMsSchema,
  reconnectGraceMs: int(0, LIMITS.maxTimeoutMs),
  historyMs: int(0, 60 * 60_000),
  allowCamera: v.boolean(),
  maxPendingRequests: int(1, 100_000),
  requestRateCount: int(1, 1000),
  requestRateWindowMs: int(1, LIMITS.maxTimeoutMs),
  signalRateCount: int(1, 10_000),
  /**
   * When set, avatar URLs must come from one of these https origins (data:image pictures are
   * always allowed); unset, any https: origin.
   */
  avatarOrigins: v.optional(v.pipe(v.array(OriginSchema), v.maxLength(LIMITS.maxAvatarOrigins))),
});
export type RoomConfig = v.InferOutput<typeof RoomConfigSchema>;

/**
 * How many people the room holds, as last published: a join or leave in the audience reaches
 * clients as a new count at most once per `LIMITS.countsIntervalMs`, never as a per-person change.
 */
export const RoomCountsSchema = v.strictObject({
  /** Everyone in the room (host, cohosts, speakers, audience). */
  members: CountSchema,
  /** Members not on the stage (neither host, cohost, seated, reserved for, nor invited). */
  audience: CountSchema,
  /** Pending seat requests. */
  queue: CountSchema,
});
export type RoomCounts = v.InferOutput<typeof RoomCountsSchema>;

/**
 * A room. Clients hold the *stage*: `members` are the people on it (host, cohosts, seated,
 * reserved-for, invited) plus the viewer, `requests` are the viewer's own; the audience and the
 * queue are read in pages (`ReadQuery`). The authority's own copy (and a host's saved room) holds
 * everyone and every request.
 */
export const RoomStateSchema = v.strictObject({
  roomId: nonEmpty(LIMITS.maxIdentityLength),
  version: CountSchema,
  /** Authority clock (ms) at the last change. */
  clock: time,
  mode: RoomModeSchema,
  ended: v.boolean(),
  hostId: v.nullable(IdentitySchema),
  config: RoomConfigSchema,
  seats: v.array(SeatSchema),
  // (Pure calls: marked so bundlers can drop the schemas from pages that never validate a room.)
  members: /* @__PURE__ */ keyedRecord(MemberSchema),
  requests: /* @__PURE__ */ keyedRecord(SeatRequestSchema),
  invitations: /* @__PURE__ */ keyedRecord(InvitationSchema),
  counts: RoomCountsSchema,
});
export type RoomState = v.InferOutput<typeof RoomStateSchema>;
export type RoomMode = RoomState['mode'];
export type MemberRole = Member['role'];
export type MicReport = Member['mic'];
export type SeatStatus = Seat['status'];
export type MediaWanted = SeatRequest['media'];
export type WantedSeat = SeatRequest['seat'];

/**
 * What the authority remembers beyond the public room, saved with a host's snapshot so a reload
 * keeps it: resolved request and invitation ids that left the room, with their outcome (oldest
 * first), and the people a moderator muted (a mute follows the person; see the README).
 */
export const AuthorityMemorySchema = v.strictObject({
  requests: v.pipe(
    v.array(v.strictTuple([ClientIdSchema, v.picklist(['accepted', 'rejected', 'cancelled', 'timeout'])])),
    v.maxLength(LIMITS.maxResolvedRemembered),
  ),
  invitations: v.pipe(
    v.array(v.strictTuple([ClientIdSchema, v.picklist(['accepted', 'declined', 'cancelled', 'timeout'])])),
    v.maxLength(LIMITS.maxInvitationsRemembered),
  ),
  muted: v.pipe(v.array(IdentitySchema), v.maxLength(LIMITS.maxMutedRemembered)),
  /** The last request's FIFO number, so numbers stay increasing after every request left the room. */
  seq: CountSchema,
});
export type AuthorityMemory = v.InferOutput<typeof AuthorityMemorySchema>;

// ---------------------------------------------------------------- paged reads

/**
 * An opaque page cursor, as a page's `next` gave it: a position in an ordered index (a join
 * time and id, or a FIFO number), never an offset, so a walk sees everyone who stays exactly once
 * while others come and go. Checked again by the authority (`invalid-command`, field `cursor`).
 */
export const CursorSchema = /* @__PURE__ */ v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(LIMITS.maxCursorLength),
  v.regex(/^[a-z][0-9a-z]*\.[\x21-\x7e]*$/, 'Expected a cursor from a page'),
);
const PageSizeSchema = int(1, LIMITS.maxPageSize);

/**
 * What a client may read from the authority, page by page:
 * - `queue`: pending requests first come first served, with their requesters (moderators only);
 * - `audience`: members not on the stage, in order of joining (every member);
 * - `position`: the reader's own pending request and its place in the queue.
 */
export const ReadQuerySchema = /* @__PURE__ */ v.variant('kind', [
  v.strictObject({ kind: v.literal('queue'), cursor: v.optional(CursorSchema), limit: v.optional(PageSizeSchema) }),
  v.strictObject({ kind: v.literal('audience'), cursor: v.optional(CursorSchema), limit: v.optional(PageSizeSchema) }),
  v.strictObject({ kind: v.literal('position') }),
]);
export type ReadQuery = v.InferOutput<typeof ReadQuerySchema>;
export type ReadKind = ReadQuery['kind'];

export const QueueEntrySchema = /* @__PURE__ */ v.strictObject({
  request: SeatRequestSchema,
  /** The requester (for their name and avatar); null if they left in between. */
  member: v.nullable(MemberSchema),
  /** 1-based place in the queue. */
  position: int(1, Number.MAX_SAFE_INTEGER),
});
export type QueueEntry = v.InferOutput<typeof QueueEntrySchema>;

const pageFields = {
  /** The room version the page was read at. */
  at: CountSchema,
  /** How many the whole list holds at `at`. */
  total: CountSchema,
  /** 0-based index of the first item in the whole list at `at`. */
  offset: CountSchema,
  /** Cursor for the following page; null at the end of the list. */
  next: v.nullable(CursorSchema),
};
export const PageSchema = /* @__PURE__ */ v.variant('kind', [
  v.strictObject({
    kind: v.literal('queue'),
    items: v.pipe(v.array(QueueEntrySchema), v.maxLength(LIMITS.maxPageSize)),
    /** The request `accept-next` would accept now. */
    head: v.nullable(SeatRequestSchema),
    ...pageFields,
  }),
  v.strictObject({
    kind: v.literal('audience'),
    items: v.pipe(v.array(MemberSchema), v.maxLength(LIMITS.maxPageSize)),
    ...pageFields,
  }),
  v.strictObject({
    kind: v.literal('position'),
    at: CountSchema,
    /** The reader's pending request, or null. */
    request: v.nullable(SeatRequestSchema),
    /** Its 1-based place in the queue, or null. */
    position: v.nullable(int(1, Number.MAX_SAFE_INTEGER)),
    /** Pending requests in all. */
    total: CountSchema,
  }),
]);
export type Page = v.InferOutput<typeof PageSchema>;
export type PageOf<K extends ReadKind> = Extract<Page, { kind: K }>;
export type QueuePage = PageOf<'queue'>;
export type AudiencePage = PageOf<'audience'>;
export type PositionPage = PageOf<'position'>;
