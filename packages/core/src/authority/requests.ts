/** Seat requests (listener → host): create (idempotent, FIFO), cancel, accept one / next / all, reject one / all. */
import { fail, ok, type Result } from '../errors.js';
import { mayAnswerRequests, mayTakeGuestSeat } from '../policy.js';
import type { CommandResults } from '../results.js';
import type { Member, SeatRequest, CommandOf } from '../schema.js';
import type { Step } from './step.js';

export function requestSeat(
  ctx: Step,
  cmd: CommandOf<'request-seat'>,
  me: Member,
): Result<CommandResults['request-seat']> {
  const existing = ctx.d.request(cmd.requestId);
  if (existing) {
    if (existing.userId !== me.id)
      return fail('id-conflict', 'That request id belongs to someone else; make a new id.', {
        requestId: cmd.requestId,
      });
    return ok({ request: existing, duplicate: true });
  }
  if (!mayTakeGuestSeat(me.role)) return fail('not-allowed', 'The host does not need a seat request.');
  const outcome = ctx.recallRequest(cmd.requestId);
  if (outcome) {
    return fail('request-closed', `That request was already ${outcome}; make a new id to ask again.`, {
      requestId: cmd.requestId,
      status: outcome,
    });
  }
  const seated = ctx.seatOf(me.id);
  if (seated >= 0) return fail('already-seated', `You are already on seat ${seated + 1}.`, { seat: seated });
  if (cmd.seat !== 'any') {
    const range = ctx.inRange(cmd.seat);
    if (range) return range;
    if (ctx.d.seat(cmd.seat).locked) return fail('seat-locked', `Seat ${cmd.seat + 1} is locked.`, { seat: cmd.seat });
  }
  if (cmd.media === 'audio+camera' && !ctx.cfg.allowCamera) {
    return fail('not-allowed', 'This room allows audio only.', { media: cmd.media });
  }
  const pending = ctx.pendingOf(me.id)[0]?.id;
  if (pending) return fail('request-pending', 'You already have a pending request.', { requestId: pending });
  if (ctx.d.queue.size >= ctx.cfg.maxPendingRequests) {
    return fail('queue-full', `The queue is full (${ctx.cfg.maxPendingRequests} waiting); try again later.`, {
      limit: ctx.cfg.maxPendingRequests,
    });
  }
  const limited = ctx.charge(me.id, 'requests');
  if (limited) return limited;
  const timeoutMs = cmd.timeoutMs ?? ctx.cfg.requestTimeoutMs;
  const request: SeatRequest = {
    id: cmd.requestId,
    userId: me.id,
    seat: cmd.seat,
    media: cmd.media,
    status: 'pending',
    seq: ++ctx.seq,
    createdAt: ctx.now,
    deadline: ctx.now + timeoutMs,
    resolvedAt: null,
    handledBy: null,
    seatIndex: null,
    reason: null,
  };
  ctx.d.putRequest(request);
  ctx.d.emit({ type: 'request-created', requestId: request.id, userId: me.id });
  if (ctx.d.mode === 'free') {
    // Free mode: a request is granted at once when a seat is open (no approval needed).
    const seat = ctx.pickSeat(request);
    if (seat >= 0) ctx.sit(me.id, seat, { request: request.id, by: 'auto' });
  }
  const now = ctx.d.request(request.id)!;
  return ok({ request: now, position: now.status === 'pending' ? ctx.d.positionOf(now) : 0 });
}

export function cancelRequest(
  ctx: Step,
  cmd: CommandOf<'cancel-request'>,
  me: Member,
): Result<CommandResults['cancel-request']> {
  const r = ctx.d.request(cmd.requestId);
  if (!r) return ctx.unknownRequest(cmd.requestId);
  if (r.userId !== me.id) return fail('not-allowed', 'Only the requester can cancel a request.');
  if (r.status === 'cancelled') return ok({ request: r, duplicate: true });
  if (r.status !== 'pending')
    return fail('request-closed', `The request is already ${r.status}.`, { status: r.status });
  ctx.resolveRequest(r, 'cancelled', null);
  return ok({ request: ctx.d.request(r.id)! });
}

export function acceptRequest(ctx: Step, requestId: string, me: Member): Result<CommandResults['accept-request']> {
  if (!mayAnswerRequests(me.role)) return fail('not-allowed', 'Only the host or a cohost can accept requests.');
  const r = ctx.d.request(requestId);
  if (!r) return ctx.unknownRequest(requestId);
  if (r.status === 'accepted' && r.handledBy === me.id) return ok({ request: r, seat: r.seatIndex, duplicate: true });
  if (r.status !== 'pending') {
    return fail(
      'request-closed',
      r.handledBy ? `Already ${r.status} by ${ctx.nameOf(r.handledBy)}.` : `The request is already ${r.status}.`,
      {
        status: r.status,
        handledBy: r.handledBy,
      },
    );
  }
  const seat = ctx.pickSeat(r);
  if (seat < 0) return fail('no-free-seat', 'No seat is free; free or unlock one first.');
  ctx.sit(r.userId, seat, { request: r.id, by: me.id });
  return ok({ request: ctx.d.request(r.id)!, seat });
}

export function acceptNext(ctx: Step, me: Member): Result<CommandResults['accept-next']> {
  if (!mayAnswerRequests(me.role)) return fail('not-allowed', 'Only the host or a cohost can accept requests.');
  const first = ctx.d.queue.first();
  if (!first) return fail('unknown-request', 'No request is waiting.');
  return acceptRequest(ctx, first[1], me);
}

export function acceptAll(ctx: Step, me: Member): Result<CommandResults['accept-all']> {
  if (!mayAnswerRequests(me.role)) return fail('not-allowed', 'Only the host or a cohost can accept requests.');
  const accepted: string[] = [];
  for (const r of ctx.pendingInOrder()) {
    const seat = ctx.pickSeat(r);
    if (seat < 0) break;
    ctx.sit(r.userId, seat, { request: r.id, by: me.id });
    accepted.push(r.id);
  }
  if (accepted.length === 0 && ctx.d.queue.size > 0)
    return fail('no-free-seat', 'No seat is free; free or unlock one first.');
  return ok({ accepted, remaining: ctx.d.queue.size });
}

export function rejectRequest(
  ctx: Step,
  cmd: CommandOf<'reject-request'>,
  me: Member,
): Result<CommandResults['reject-request']> {
  if (!mayAnswerRequests(me.role)) return fail('not-allowed', 'Only the host or a cohost can reject requests.');
  const r = ctx.d.request(cmd.requestId);
  if (!r) return ctx.unknownRequest(cmd.requestId);
  if (r.status === 'rejected' && r.handledBy === me.id) return ok({ request: r, duplicate: true });
  if (r.status !== 'pending') {
    return fail(
      'request-closed',
      r.handledBy ? `Already ${r.status} by ${ctx.nameOf(r.handledBy)}.` : `The request is already ${r.status}.`,
      {
        status: r.status,
        handledBy: r.handledBy,
      },
    );
  }
  ctx.resolveRequest(r, 'rejected', me.id, { reason: cmd.reason ?? null });
  return ok({ request: ctx.d.request(r.id)! });
}

export function rejectAll(ctx: Step, cmd: CommandOf<'reject-all'>, me: Member): Result<CommandResults['reject-all']> {
  if (!mayAnswerRequests(me.role)) return fail('not-allowed', 'Only the host or a cohost can reject requests.');
  const pending = ctx.pendingInOrder();
  for (const r of pending) ctx.resolveRequest(r, 'rejected', me.id, { reason: cmd.reason ?? null });
  return ok({ rejected: pending.map((r) => r.id) });
}
