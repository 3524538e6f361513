/** Invitations (host → listener): invite (reserving a seat), respond, cancel. */
import { fail, ok, type Result } from '../errors.js';
import { isModerator, mayCancelInvitation, mayInvite, mayTakeGuestSeat } from '../policy.js';
import type { CommandResults } from '../results.js';
import type { Invitation, Member, CommandOf } from '../schema.js';
import type { Step } from './step.js';

export function invite(ctx: Step, cmd: CommandOf<'invite'>, me: Member): Result<CommandResults['invite']> {
  if (!isModerator(me.role)) return fail('not-allowed', 'Only the host or a cohost can invite.');
  const existing = ctx.d.invitation(cmd.invitationId);
  if (existing) {
    if (existing.userId !== cmd.userId || existing.from !== me.id)
      return fail('id-conflict', 'That invitation id is already used; make a new id.');
    return ok({ invitation: existing, duplicate: true });
  }
  const outcome = ctx.recallInvitation(cmd.invitationId);
  if (outcome) {
    return fail('invitation-closed', `That invitation was already ${outcome}; make a new id to invite again.`, {
      invitationId: cmd.invitationId,
      status: outcome,
    });
  }
  const target = ctx.d.member(cmd.userId);
  if (!target || !target.connected) return fail('not-member', 'That user is not in the room.', { userId: cmd.userId });
  if (!mayTakeGuestSeat(target.role)) return fail('not-allowed', 'The host cannot be invited to a guest seat.');
  // Like every act on a cohost (move, kick, mute, remove): only the host invites a cohost.
  if (!mayInvite(me.role, target.role)) return fail('not-allowed', 'Only the host can invite a cohost to a seat.');
  const seated = ctx.seatOf(target.id);
  if (seated >= 0) return fail('already-seated', `${target.name} is already on seat ${seated + 1}.`, { seat: seated });
  if (ctx.d.pendingInvitationOf(target.id)) {
    return fail('invitation-pending', `${target.name} already has a pending invitation.`);
  }
  const deadline = ctx.now + (cmd.timeoutMs ?? ctx.cfg.invitationTimeoutMs);
  if (cmd.seat !== 'any') {
    const range = ctx.inRange(cmd.seat);
    if (range) return range;
    if (!ctx.seatOpenFor(cmd.seat, target.id)) return ctx.seatRefusal(cmd.seat, target.id);
    ctx.writeSeat(cmd.seat, { reservedFor: target.id, deadline });
  }
  const inv: Invitation = {
    id: cmd.invitationId,
    userId: target.id,
    from: me.id,
    seat: cmd.seat,
    status: 'pending',
    createdAt: ctx.now,
    deadline,
    resolvedAt: null,
    seatIndex: null,
  };
  ctx.d.putInvitation(inv);
  ctx.d.emit({ type: 'invitation-created', invitationId: inv.id, userId: target.id });
  return ok({ invitation: inv });
}

export function respondInvitation(
  ctx: Step,
  cmd: CommandOf<'respond-invitation'>,
  me: Member,
): Result<CommandResults['respond-invitation']> {
  const inv = ctx.d.invitation(cmd.invitationId);
  if (!inv) return ctx.unknownInvitation(cmd.invitationId);
  if (inv.userId !== me.id) return fail('not-allowed', 'This invitation is for someone else.');
  const wanted = cmd.accept ? 'accepted' : 'declined';
  if (inv.status === wanted) return ok({ invitation: inv, duplicate: true });
  if (inv.status !== 'pending')
    return fail('invitation-closed', `The invitation is already ${inv.status}.`, { status: inv.status });
  if (!cmd.accept) {
    ctx.resolveInvitation(inv, 'declined', null);
    return ok({ invitation: ctx.d.invitation(inv.id)! });
  }
  const seated = ctx.seatOf(me.id);
  if (seated >= 0) return fail('already-seated', `You are already on seat ${seated + 1}.`, { seat: seated });
  const seat = ctx.pickSeat(inv);
  if (seat < 0) return fail('no-free-seat', 'No seat is free any more.');
  ctx.sit(me.id, seat, { invitation: inv.id });
  return ok({ invitation: ctx.d.invitation(inv.id)!, seat });
}

export function cancelInvitation(
  ctx: Step,
  cmd: CommandOf<'cancel-invitation'>,
  me: Member,
): Result<CommandResults['cancel-invitation']> {
  if (!mayCancelInvitation(me.role)) return fail('not-allowed', 'Only the host or a cohost can cancel invitations.');
  const inv = ctx.d.invitation(cmd.invitationId);
  if (!inv) return ctx.unknownInvitation(cmd.invitationId);
  if (inv.status === 'cancelled') return ok({ invitation: inv, duplicate: true });
  if (inv.status !== 'pending')
    return fail('invitation-closed', `The invitation is already ${inv.status}.`, { status: inv.status });
  ctx.resolveInvitation(inv, 'cancelled', null);
  return ok({ invitation: ctx.d.invitation(inv.id)! });
}
