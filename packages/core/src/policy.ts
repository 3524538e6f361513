/**
 * Who may do what: the one place the room's permission rules are written. The authority
 * enforces them (with readable refusals); machines and elements ask the same functions to
 * decide what to offer, so a button is never shown for something the authority would refuse.
 */
import type { MemberRole, RoomMode } from './schema.js';

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
