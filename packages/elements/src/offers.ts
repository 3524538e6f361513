/**
 * What the elements offer a viewer, decided by core's policy (the same functions the authority
 * enforces) from a few facts about the seat or the person. Pure: no Lit, no DOM, so the offers
 * can be checked against the authority itself (test/core/policy.test.ts: an offered action is
 * never refused with `not-allowed`, and an action the authority allows is offered).
 * Elements only turn these into labels and intents.
 */
import {
  isModerator,
  mayActOn,
  mayAppoint,
  mayCancelInvitation,
  mayInvite,
  mayLockSeat,
  mayMuteSeat,
  mayTakeGuestSeat,
  needsApproval,
  type MemberRole,
  type RoomMode,
  type SeatStatus,
} from '@micseat/core';

type Role = MemberRole | null;

/** What the viewer knows about one guest seat. */
export interface SeatFacts {
  readonly connected: boolean;
  readonly me: string;
  readonly myRole: Role;
  /** The viewer's seat, -1 when not seated. */
  readonly mySeat: number;
  readonly mode: RoomMode;
  readonly index: number;
  readonly status: SeatStatus;
  readonly muted: boolean;
  readonly reservedFor: string | null;
  /** The occupant and their role (null when nobody sits there). */
  readonly occupant: string | null;
  readonly occupantRole: Role;
  /** The viewer has a seat request or take in flight (one at a time). */
  readonly requestActive: boolean;
  /** The pending invitation that reserves this seat, if any. */
  readonly invitationId: string | null;
}

/** A seat menu entry: `move` and `invite` open a panel listing seats or people. */
export type SeatOffer =
  | 'take'
  | 'switch-here'
  | 'leave'
  | 'move-self'
  | 'move'
  | 'kick'
  | 'mute'
  | 'unmute'
  | 'lock'
  | 'unlock'
  | 'invite'
  | 'cancel-invitation';

/** The seat menu, in display order. */
export function seatMenu(f: SeatFacts): SeatOffer[] {
  const out: SeatOffer[] = [];
  if (!f.connected) return out;
  const mine = f.mySeat === f.index;
  const person = f.occupant !== null && (f.status === 'occupied' || f.status === 'reconnecting');
  if (mine) out.push('leave', 'move-self');
  if (isModerator(f.myRole)) {
    if (f.status === 'empty' && mayTakeGuestSeat(f.myRole)) out.push(f.mySeat < 0 ? 'take' : 'switch-here');
    if (f.status === 'empty') out.push('invite');
    if (f.status === 'reserved' && f.invitationId && mayCancelInvitation(f.myRole)) out.push('cancel-invitation');
    if (person && !mine) {
      if (mayMuteSeat(f.myRole, f.occupantRole)) out.push(f.muted ? 'unmute' : 'mute');
      if (mayActOn(f.myRole, f.occupantRole)) out.push('move', 'kick');
    }
    if (mayLockSeat(f.myRole, person ? f.occupantRole : null)) out.push(f.status === 'locked' ? 'unlock' : 'lock');
  }
  return out;
}

/** What a tap on the seat does: the one obvious action, the menu, or nothing. */
export function seatTap(f: SeatFacts): 'take' | 'request' | 'switch-here' | 'menu' | null {
  if (!f.connected) return null;
  if (isModerator(f.myRole) || f.mySeat === f.index) return seatMenu(f).length ? 'menu' : null;
  const reservedForMe = f.status === 'reserved' && f.reservedFor === f.me;
  if (f.status !== 'empty' && !reservedForMe) return null;
  if (!mayTakeGuestSeat(f.myRole)) return null;
  if (f.mySeat >= 0) return 'switch-here';
  if (f.requestActive) return null;
  return needsApproval(f.mode, f.myRole, reservedForMe) ? 'request' : 'take';
}

/** Whom a moderator may invite to a seat (the seat menu's "invite" panel): not seated, not invited, connected. */
export const invitable = (myRole: Role, target: { readonly role: MemberRole; readonly connected: boolean }): boolean =>
  target.connected && mayInvite(myRole, target.role);

/** Whom a moderator may move to another seat (besides themselves). */
export const movable = (myRole: Role, occupantRole: Role): boolean => mayActOn(myRole, occupantRole);

/** What the viewer knows about one person in `<connected-users>`. */
export interface PersonFacts {
  readonly myRole: Role;
  readonly role: MemberRole;
  readonly connected: boolean;
  readonly seated: boolean;
  /** Their pending invitation, if any. */
  readonly invitationId: string | null;
}

export type PersonOffer = 'invite' | 'cancel-invitation' | 'make-cohost' | 'remove-cohost' | 'remove';

/** A person's actions menu, in display order. (Acting on yourself is never allowed, so never offered.) */
export function personMenu(f: PersonFacts): PersonOffer[] {
  const out: PersonOffer[] = [];
  if (!f.seated && !f.invitationId && invitable(f.myRole, f)) out.push('invite');
  if (f.invitationId && mayCancelInvitation(f.myRole)) out.push('cancel-invitation');
  if (mayAppoint(f.myRole, f.role)) out.push(f.role === 'cohost' ? 'remove-cohost' : 'make-cohost');
  if (mayActOn(f.myRole, f.role)) out.push('remove');
  return out;
}
