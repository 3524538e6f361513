/**
 * The seat authority: one pure function (state, command, caller, now) → (state, events, result).
 * Every backend runs this same code; it is the only place seat and request rules live.
 *
 *   authority/state.ts        the state: create, restore, what is remembered beyond the room
 *   authority/step.ts         one step: validation, the sweep of what is due, dispatch, shared helpers
 *   authority/seats.ts        take, leave, switch, kick, lock, mute
 *   authority/requests.ts     request, cancel, accept one / next / all, reject one / all
 *   authority/invitations.ts  invite, respond, cancel
 *   authority/members.ts      presence, join, leave, mode, cohosts, removal, mic, signals, counts
 *   authority/read.ts         paged reads of the queue and the audience, and a reader's position
 *   stage.ts                  what every client holds (the stage) and each one's own part
 *   policy.ts                 who may do what (shared with machines and elements)
 *
 * Room lifecycle decision: the host *dropping* (reload, network) pauses the room like any member's
 * drop — seats, queue and invitations are held, requests still expire by their deadlines. The host
 * explicitly *leaving* (`leave-room`) ends the room: pending requests and invitations are cancelled
 * and every later command is refused with `room-ended`.
 */
export {
  authorityMemory,
  createAuthority,
  restoreAuthority,
  SYSTEM_CALLER,
  validateConfig,
  type AuthorityState,
  type Caller,
  type InvitationOutcome,
  type Ledger,
  type Rates,
  type RequestOutcome,
  type RoomConfigInput,
  type StepOutcome,
} from './authority/state.js';
export { step } from './authority/step.js';
export { readRoom, type ReadOptions } from './authority/read.js';
