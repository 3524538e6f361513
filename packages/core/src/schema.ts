/**
 * The shapes of everything that crosses a boundary (commands, room state, wire messages),
 * written once as valibot schemas; the TypeScript types are inferred from them so the
 * validator and the types can never disagree.
 */
import * as v from 'valibot';
import { LIMITS } from './limits.js';

const str = (max: number) => v.pipe(v.string(), v.maxLength(max));
const nonEmpty = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));
const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const time = v.pipe(v.number(), v.finite(), v.minValue(0));

export const IdentitySchema = nonEmpty(LIMITS.maxIdentityLength);
export const NameSchema = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(LIMITS.maxNameLength));
export const ClientIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxIdLength), v.regex(/^[A-Za-z0-9_.:-]+$/));
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

/** JSON values for custom signals (bounded in size by the authority, not here). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export const JsonSchema: v.GenericSchema<Json> = v.union([
  v.string(),
  v.pipe(v.number(), v.finite()),
  v.boolean(),
  v.null(),
  v.array(v.lazy(() => JsonSchema)),
  v.record(v.string(), v.lazy(() => JsonSchema)),
]);

// ---------------------------------------------------------------- commands

const cmd = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ type: v.literal(type), ...entries });

export const CommandSchema = v.variant('type', [
  cmd('join', { name: NameSchema, avatar: v.optional(str(LIMITS.maxAvatarLength)) }),
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
  cmd('set-mic', { mic: MicReportSchema, camera: v.optional(v.boolean()) }),
  cmd('signal', { name: nonEmpty(LIMITS.maxSignalNameLength), payload: JsonSchema }),
  // Issued by the transport or the authority's own clock, never by a user.
  cmd('tick', {}),
  cmd('presence', { userId: IdentitySchema, connected: v.boolean() }),
]);
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
  avatar: v.optional(str(LIMITS.maxAvatarLength)),
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
  seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
  createdAt: time,
  deadline: time,
  resolvedAt: v.nullable(time),
  /** Who resolved it: a moderator's id, `auto` (free mode) or null (timeout, cancel). */
  handledBy: v.nullable(str(LIMITS.maxIdentityLength)),
  /** The seat given on accept. */
  seatIndex: v.nullable(SeatIndexSchema),
  reason: v.nullable(str(LIMITS.maxReasonLength)),
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
});
export type RoomConfig = v.InferOutput<typeof RoomConfigSchema>;

export const RoomStateSchema = v.strictObject({
  roomId: nonEmpty(LIMITS.maxIdentityLength),
  version: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Authority clock (ms) at the last change. */
  clock: time,
  mode: RoomModeSchema,
  ended: v.boolean(),
  hostId: v.nullable(IdentitySchema),
  config: RoomConfigSchema,
  seats: v.array(SeatSchema),
  members: v.record(v.string(), MemberSchema),
  requests: v.record(v.string(), SeatRequestSchema),
  invitations: v.record(v.string(), InvitationSchema),
});
export type RoomState = v.InferOutput<typeof RoomStateSchema>;
export type RoomMode = RoomState['mode'];
export type MemberRole = Member['role'];
export type MicReport = Member['mic'];
export type SeatStatus = Seat['status'];
export type MediaWanted = SeatRequest['media'];
export type WantedSeat = SeatRequest['seat'];
