/**
 * What each command answers when it succeeds: `ResultOf<'request-seat'>` instead of a cast. The
 * authority's handlers are typed against this table, so the types cannot drift from the code.
 */
import type { RoomBackend } from './backend.js';
import type { Result } from './errors.js';
import type {
  Command,
  CommandType,
  Invitation,
  Member,
  MemberRole,
  MicReport,
  RoomCounts,
  RoomMode,
  SeatRequest,
} from './schema.js';

type Dup = { readonly duplicate?: true };

export interface CommandResults {
  join: { member: Member };
  'leave-room': { ended?: true };
  'take-seat': { seat: number } & Dup;
  'leave-seat': { seat: number };
  'switch-seat': { seat: number; from?: number } & Dup;
  'kick-seat': { seat: number; userId: string };
  'lock-seat': { seat: number; locked: boolean } & Dup;
  'mute-seat': { seat: number; muted: boolean } & Dup;
  'set-mode': { mode: RoomMode };
  'set-cohost': { userId: string; role: MemberRole };
  /** `position`: 1-based place in the queue (0 when granted at once in free mode). */
  'request-seat': { request: SeatRequest; position?: number } & Dup;
  'cancel-request': { request: SeatRequest } & Dup;
  'accept-request': { request: SeatRequest; seat: number | null } & Dup;
  'accept-next': { request: SeatRequest; seat: number | null } & Dup;
  'accept-all': { accepted: string[]; remaining: number };
  'reject-request': { request: SeatRequest } & Dup;
  'reject-all': { rejected: string[] };
  invite: { invitation: Invitation } & Dup;
  'respond-invitation': { invitation: Invitation; seat?: number } & Dup;
  'cancel-invitation': { invitation: Invitation } & Dup;
  'remove-member': { userId: string };
  'set-mic': { mic: MicReport; camera: boolean };
  signal: Record<string, never>;
  tick: Record<string, never>;
  presence: { member: Member | null };
  'publish-counts': { counts: RoomCounts };
}

export type ResultOf<T extends CommandType> = Result<CommandResults[T]>;

/** `backend.send`, typed by the command (the authority's handlers guarantee the shape). */
export function sendCommand<C extends Command>(
  backend: Pick<RoomBackend, 'send'>,
  command: C,
): Promise<ResultOf<C['type']>> {
  return backend.send(command) as Promise<ResultOf<C['type']>>;
}
