/**
 * Who may do what: the one place the room's permission rules are written. The authority
 * enforces them (with readable refusals); machines and elements ask the same functions to
 * decide what to offer, so a button is never shown for something the authority would refuse,
 * and nothing the authority allows is left out (test/core/policy.test.ts checks both ways).
 *
 * Roles are the members' roles; `null` / `undefined` stands for "nobody" (an empty seat) or
 * "not a member".
 */
import type { MemberRole, RoomMode, RoomState } from './schema.js';

type Role = MemberRole | null | undefined;

/** The host and cohosts moderate: they answer requests, invite, and act on seats. */
export const isModerator = (role: Role): boolean => role === 'host' || role === 'cohost';

/**
 * May `actor` act on a member whose role is `target` (move, kick, lock them out, mute, remove,
 * invite to a seat)? A moderator may act on the audience; only the host on a cohost; nobody on
 * the host.
 */
export const mayActOn = (actor: Role, target: Role): boolean =>
  isModerator(actor) && target !== 'host' && (target !== 'cohost' || actor === 'host');

/** Only the host appoints or removes cohosts, and never on the host. */
export const mayAppoint = (actor: Role, target: Role): boolean => actor === 'host' && target !== 'host';

/** Only the host switches between free and request mode. */
export const mayChangeMode = (role: Role): boolean => role === 'host';

/** The host speaks from the host seat: never a guest seat, never a request or an invitation. */
export const mayTakeGuestSeat = (role: Role): boolean => role !== 'host';

/** Taking a seat needs approval (a request) in request mode, except for moderators and an invitee on their reserved seat. */
export const needsApproval = (mode: RoomMode, role: Role, reservedForMe: boolean): boolean =>
  mode === 'request' && !isModerator(role) && !reservedForMe;

/** Accept or reject requests (one, the next, all): moderators. */
export const mayAnswerRequests = (role: Role): boolean => isModerator(role);

/**
 * Mute a seat or lift its mute: a moderator acting on its occupant (null for an empty seat, whose
 * mute waits for the next occupant). Nobody mutes or unmutes their own seat: a muted cohost waits
 * for the host, like anyone.
 */
export const mayMuteSeat = (actor: Role, occupant: Role): boolean =>
  isModerator(actor) && (occupant == null || mayActOn(actor, occupant));

/** Lock a seat (which removes its occupant, null when empty) or unlock it: a moderator acting on the occupant. */
export const mayLockSeat = (actor: Role, occupant: Role): boolean =>
  isModerator(actor) && (occupant == null || mayActOn(actor, occupant));

/** Invite someone to a seat: a moderator acting on them, and never the host (who has the host seat). */
export const mayInvite = (actor: Role, target: Role): boolean => mayTakeGuestSeat(target) && mayActOn(actor, target);

/** Withdraw a pending invitation: moderators. */
export const mayCancelInvitation = (role: Role): boolean => isModerator(role);

/**
 * The host is away: the room has a host who is not connected (in their reconnect grace, or
 * dropped after it). The room does not stop for it: requests queue and expire by their
 * deadlines, cohosts moderate, speakers keep their seats; only the host's own powers (mode,
 * cohosts) wait for their return. (With the authority in the host's browser nobody serves the
 * room meanwhile, so its replicas cannot tell; a server authority shows it to everyone.)
 */
export const isHostAway = (room: Pick<RoomState, 'ended' | 'hostId' | 'members'>): boolean =>
  !room.ended && room.hostId !== null && room.members[room.hostId]?.connected !== true;
