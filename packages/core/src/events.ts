/**
 * Domain events the authority emits with each change. Clients use them for notifications
 * ("you were removed from the seat", "request accepted"); the state itself is the truth.
 */
import * as v from 'valibot';
import { LIMITS } from './limits.js';
import {
  ClientIdSchema,
  IdentitySchema,
  InvitationStatusSchema,
  JsonSchema,
  MicReportSchema,
  RequestStatusSchema,
  RoomModeSchema,
  SeatIndexSchema,
} from './schema.js';

const ev = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ type: v.literal(type), ...entries });
const name = v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxSignalNameLength));
const by = v.nullable(v.pipe(v.string(), v.maxLength(LIMITS.maxIdentityLength)));
const reasonOf = <T extends string>(...r: [T, ...T[]]) => v.picklist(r);

export const RoomEventSchema = v.variant('type', [
  ev('member-joined', { userId: IdentitySchema }),
  ev('member-left', { userId: IdentitySchema, reason: reasonOf('left', 'removed', 'dropped') }),
  ev('member-reconnecting', { userId: IdentitySchema }),
  ev('member-returned', { userId: IdentitySchema }),
  ev('seat-taken', { seat: SeatIndexSchema, userId: IdentitySchema }),
  /**
   * `exited`: left on their own; `terminated`: removed by a moderator (kick, lock, removal);
   * `dropped`: did not return within the reconnect grace.
   */
  ev('seat-left', {
    seat: SeatIndexSchema,
    userId: IdentitySchema,
    reason: reasonOf('exited', 'terminated', 'dropped'),
  }),
  ev('seat-switched', { from: SeatIndexSchema, to: SeatIndexSchema, userId: IdentitySchema }),
  ev('seat-locked', { seat: SeatIndexSchema, locked: v.boolean() }),
  ev('seat-muted', { seat: SeatIndexSchema, muted: v.boolean() }),
  ev('seat-reconnecting', { seat: SeatIndexSchema, userId: IdentitySchema }),
  ev('mode-changed', { mode: RoomModeSchema }),
  ev('role-changed', { userId: IdentitySchema, role: v.picklist(['cohost', 'audience']) }),
  ev('mic-changed', { userId: IdentitySchema, mic: MicReportSchema }),
  ev('request-created', { requestId: ClientIdSchema, userId: IdentitySchema }),
  ev('request-resolved', {
    requestId: ClientIdSchema,
    userId: IdentitySchema,
    status: RequestStatusSchema,
    by,
  }),
  ev('invitation-created', { invitationId: ClientIdSchema, userId: IdentitySchema }),
  ev('invitation-resolved', { invitationId: ClientIdSchema, userId: IdentitySchema, status: InvitationStatusSchema }),
  ev('signal', { from: IdentitySchema, name, payload: JsonSchema }),
  ev('room-ended', {}),
]);
export type RoomEvent = v.InferOutput<typeof RoomEventSchema>;
export type RoomEventType = RoomEvent['type'];
