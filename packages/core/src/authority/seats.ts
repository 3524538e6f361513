/** Seat commands: take, leave, switch (atomic), kick, lock, mute. */
import { fail, ok, type Result } from '../errors.js';
import { isModerator, mayLockSeat, mayMuteSeat, mayTakeGuestSeat, needsApproval } from '../policy.js';
import type { CommandResults } from '../results.js';
import type { Member, CommandOf } from '../schema.js';
import type { Step } from './step.js';

export function takeSeat(ctx: Step, cmd: CommandOf<'take-seat'>, me: Member): Result<CommandResults['take-seat']> {
  const range = ctx.inRange(cmd.seat);
  if (range) return range;
  if (!mayTakeGuestSeat(me.role)) return fail('not-allowed', 'The host speaks from the host seat, not a guest seat.');
  const current = ctx.seatOf(me.id);
  if (current === cmd.seat) return ok({ seat: current, duplicate: true });
  if (current >= 0)
    return fail('already-seated', `You are already on seat ${current + 1}; switch seats instead.`, { seat: current });
  if (needsApproval(ctx.d.mode, me.role, ctx.d.seat(cmd.seat).reservedFor === me.id)) {
    return fail('approval-required', 'This room needs the host’s approval to take a seat; send a request.', {
      mode: 'request',
    });
  }
  if (!ctx.seatOpenFor(cmd.seat, me.id)) return ctx.seatRefusal(cmd.seat, me.id);
  const pending = ctx.d.pendingInvitationOf(me.id);
  const inv = pending?.seat === cmd.seat ? pending : undefined;
  ctx.sit(me.id, cmd.seat, inv ? { invitation: inv.id } : {});
  return ok({ seat: cmd.seat });
}

export function leaveSeat(ctx: Step, me: Member): Result<CommandResults['leave-seat']> {
  const seat = ctx.seatOf(me.id);
  if (seat < 0) return fail('not-seated', 'You are not on a seat.');
  ctx.unseat(seat, 'exited');
  return ok({ seat });
}

export function switchSeat(
  ctx: Step,
  cmd: CommandOf<'switch-seat'>,
  caller: Member,
): Result<CommandResults['switch-seat']> {
  const range = ctx.inRange(cmd.to);
  if (range) return range;
  let me = caller;
  if (cmd.userId !== undefined && cmd.userId !== caller.id) {
    // A moderator moves a speaker: same single step, same rules for the target seat.
    const refused = ctx.mayModerate(caller, cmd.userId);
    if (refused) return refused;
    const target = ctx.d.member(cmd.userId);
    if (!target) return fail('not-member', 'That user is not in the room.', { userId: cmd.userId });
    me = target;
  }
  const from = ctx.seatOf(me.id);
  if (from < 0) return fail('not-seated', 'You are not on a seat to switch from.');
  if (from === cmd.to) return ok({ seat: from, duplicate: true });
  if (!ctx.seatOpenFor(cmd.to, me.id)) return ctx.seatRefusal(cmd.to, me.id);
  // One step: the old seat is freed and the new one taken in the same version. A mute moves
  // with the person; a muted empty seat mutes them.
  ctx.writeSeat(from, { userId: null, muted: false });
  if (ctx.d.seat(cmd.to).reservedFor === me.id) ctx.cancelReservationOf(cmd.to);
  if (ctx.d.seat(cmd.to).muted) ctx.setMuted(me.id, true);
  ctx.writeSeat(cmd.to, { userId: me.id, reservedFor: null });
  ctx.d.emit({ type: 'seat-switched', from, to: cmd.to, userId: me.id });
  return ok({ seat: cmd.to, from });
}

export function kickSeat(ctx: Step, cmd: CommandOf<'kick-seat'>, me: Member): Result<CommandResults['kick-seat']> {
  const range = ctx.inRange(cmd.seat);
  if (range) return range;
  if (!isModerator(me.role)) return fail('not-allowed', 'Only the host or a cohost can remove a speaker.');
  const s = ctx.d.seat(cmd.seat);
  if (!s.userId) return fail('not-seated', `Seat ${cmd.seat + 1} has nobody to remove.`, { seat: cmd.seat });
  const refused = ctx.mayModerate(me, s.userId);
  if (refused) return refused;
  ctx.unseat(cmd.seat, 'terminated');
  return ok({ seat: cmd.seat, userId: s.userId });
}

export function lockSeat(ctx: Step, cmd: CommandOf<'lock-seat'>, me: Member): Result<CommandResults['lock-seat']> {
  const range = ctx.inRange(cmd.seat);
  if (range) return range;
  if (!isModerator(me.role)) return fail('not-allowed', 'Only the host or a cohost can lock seats.');
  const s = ctx.d.seat(cmd.seat);
  if (s.locked === cmd.locked) return ok({ seat: cmd.seat, locked: cmd.locked, duplicate: true });
  if (!mayLockSeat(me.role, occupantRole(ctx, s.userId)))
    return fail('not-allowed', 'Only the host can lock a cohost out of a seat.');
  if (cmd.locked) {
    if (s.userId) ctx.unseat(cmd.seat, 'terminated');
    ctx.cancelReservationOf(cmd.seat);
  }
  ctx.writeSeat(cmd.seat, { locked: cmd.locked });
  ctx.d.emit({ type: 'seat-locked', seat: cmd.seat, locked: cmd.locked });
  return ok({ seat: cmd.seat, locked: cmd.locked });
}

export function muteSeat(ctx: Step, cmd: CommandOf<'mute-seat'>, me: Member): Result<CommandResults['mute-seat']> {
  const range = ctx.inRange(cmd.seat);
  if (range) return range;
  if (!isModerator(me.role)) return fail('not-allowed', 'Only the host or a cohost can mute seats.');
  const s = ctx.d.seat(cmd.seat);
  if (s.muted === cmd.muted) return ok({ seat: cmd.seat, muted: cmd.muted, duplicate: true });
  if (!mayMuteSeat(me.role, occupantRole(ctx, s.userId)))
    return fail('not-allowed', 'Only the host can mute or unmute a cohost, and nobody their own seat.');
  // On an occupied seat the mute is the occupant's (it follows them until a moderator lifts
  // it); on an empty seat it waits for the next occupant.
  if (s.userId) ctx.setMuted(s.userId, cmd.muted);
  ctx.writeSeat(cmd.seat, { muted: cmd.muted });
  ctx.d.emit({ type: 'seat-muted', seat: cmd.seat, muted: cmd.muted });
  return ok({ seat: cmd.seat, muted: cmd.muted });
}

/** The role of a seat's occupant (null when empty), for the policy. */
function occupantRole(ctx: Step, userId: string | null): Member['role'] | null {
  return userId ? (ctx.d.member(userId)?.role ?? null) : null;
}
