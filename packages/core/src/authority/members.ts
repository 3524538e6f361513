/** Membership and the rest: presence, join, leave, mode, cohosts, removal, mic, custom signals. */
import { fail, ok, type Result } from '../errors.js';
import { LIMITS } from '../limits.js';
import { mayAppoint, mayChangeMode } from '../policy.js';
import type { CommandResults } from '../results.js';
import type { Member, MemberRole, CommandOf } from '../schema.js';
import { utf8Length } from '../json.js';
import type { Step } from './step.js';
import type { Caller } from './state.js';
import { liveCounts, sameCounts } from '../stage.js';

/** Copies the live counts into the stage (coalesced: the authority's host runs this at most once per interval). */
export function publishCounts(ctx: Step): Result<CommandResults['publish-counts']> {
  const d = ctx.d;
  const counts = liveCounts({
    hostId: d.hostId,
    cohosts: d.cohosts,
    seats: d.allSeats(),
    invitationOf: d.invitationOf,
    members: d.members,
    queue: d.queue,
  });
  if (!sameCounts(counts, d.counts)) d.counts = counts;
  return ok({ counts: d.counts });
}

export function presence(ctx: Step, cmd: CommandOf<'presence'>): Result<CommandResults['presence']> {
  const m = ctx.d.member(cmd.userId);
  if (!m) return ok({ member: null });
  if (cmd.connected === m.connected) return ok({ member: m });
  if (cmd.connected) {
    ctx.d.putMember({ ...m, connected: true, graceUntil: null });
    ctx.d.emit({ type: 'member-returned', userId: m.id });
  } else {
    const grace = ctx.cfg.reconnectGraceMs;
    if (grace === 0) {
      ctx.dropMember(m.id, 'dropped');
      return ok({ member: null });
    }
    ctx.d.putMember({ ...m, connected: false, graceUntil: ctx.now + grace });
    ctx.d.emit({ type: 'member-reconnecting', userId: m.id });
  }
  const seat = ctx.seatOf(m.id);
  if (seat >= 0) {
    ctx.writeSeat(seat, {});
    if (!cmd.connected) ctx.d.emit({ type: 'seat-reconnecting', seat, userId: m.id });
  }
  return ok({ member: ctx.d.member(m.id) ?? null });
}

export function join(ctx: Step, cmd: CommandOf<'join'>, caller: Caller): Result<CommandResults['join']> {
  const role = caller.role as MemberRole;
  const existing = ctx.d.member(caller.id);
  if (role === 'host' && ctx.d.hostId && ctx.d.hostId !== caller.id) {
    return fail('host-exists', 'This room already has a host.', { hostId: ctx.d.hostId });
  }
  const origins = ctx.cfg.avatarOrigins;
  if (
    cmd.avatar !== undefined &&
    origins &&
    !cmd.avatar.startsWith('data:') &&
    !origins.includes(new URL(cmd.avatar).origin)
  ) {
    return fail('invalid-command', 'Invalid command (avatar): this room takes avatars only from its own image hosts.', {
      field: 'avatar',
      origins: [...origins],
    });
  }
  if (role === 'host') {
    ctx.d.hostId = caller.id;
    // The host speaks from the host seat, never a guest seat: a seated member who becomes
    // host leaves the guest seat in the same step, and their pending request and
    // invitations are cancelled (the host needs neither).
    const seat = ctx.seatOf(caller.id);
    if (seat >= 0) ctx.unseat(seat, 'exited');
    for (const r of ctx.pendingOf(caller.id)) ctx.resolveRequest(r, 'cancelled', null, { reason: 'became-host' });
    const inv = ctx.d.pendingInvitationOf(caller.id);
    if (inv) ctx.resolveInvitation(inv, 'cancelled', null);
  }
  const member: Member = existing
    ? {
        ...existing,
        name: cmd.name,
        connected: true,
        graceUntil: null,
        role: role === 'host' ? 'host' : existing.role,
        ...(cmd.avatar !== undefined ? { avatar: cmd.avatar } : {}),
      }
    : {
        id: caller.id,
        name: cmd.name,
        role,
        connected: true,
        joinedAt: ctx.now,
        graceUntil: null,
        mic: 'off',
        camera: false,
        ...(cmd.avatar !== undefined ? { avatar: cmd.avatar } : {}),
      };
  if (!existing || JSON.stringify(existing) !== JSON.stringify(member)) ctx.d.putMember(member);
  if (!existing) ctx.d.emit({ type: 'member-joined', userId: member.id });
  else if (!existing.connected) {
    ctx.d.emit({ type: 'member-returned', userId: member.id });
    const seat = ctx.seatOf(member.id);
    if (seat >= 0) ctx.writeSeat(seat, {});
  }
  return ok({ member });
}

export function leaveRoom(ctx: Step, me: Member): Result<CommandResults['leave-room']> {
  if (me.role === 'host') {
    for (const r of ctx.pendingInOrder()) ctx.resolveRequest(r, 'cancelled', null, { reason: 'room-ended' });
    for (const inv of [...ctx.d.pendingInvitations()]) ctx.resolveInvitation(inv, 'cancelled', null);
    ctx.dropMember(me.id, 'left');
    ctx.d.ended = true;
    ctx.d.emit({ type: 'room-ended' });
    return ok({ ended: true });
  }
  ctx.dropMember(me.id, 'left');
  return ok({});
}

export function setMode(ctx: Step, cmd: CommandOf<'set-mode'>, me: Member): Result<CommandResults['set-mode']> {
  if (!mayChangeMode(me.role)) return fail('not-allowed', 'Only the host can change the room mode.');
  if (ctx.d.mode !== cmd.mode) {
    ctx.d.mode = cmd.mode;
    ctx.d.emit({ type: 'mode-changed', mode: cmd.mode });
  }
  return ok({ mode: cmd.mode });
}

export function setCohost(ctx: Step, cmd: CommandOf<'set-cohost'>, me: Member): Result<CommandResults['set-cohost']> {
  if (!mayAppoint(me.role, null)) return fail('not-allowed', 'Only the host can appoint cohosts.');
  const target = ctx.d.member(cmd.userId);
  if (!target) return fail('not-member', 'That user is not in the room.', { userId: cmd.userId });
  if (!mayAppoint(me.role, target.role)) return fail('not-allowed', 'The host is already the host.');
  const role = cmd.cohost ? 'cohost' : 'audience';
  if (target.role !== role) {
    ctx.d.putMember({ ...target, role });
    ctx.d.emit({ type: 'role-changed', userId: target.id, role });
  }
  return ok({ userId: target.id, role });
}

export function removeMember(
  ctx: Step,
  cmd: CommandOf<'remove-member'>,
  me: Member,
): Result<CommandResults['remove-member']> {
  const refused = ctx.mayModerate(me, cmd.userId);
  if (refused) return refused;
  if (!ctx.d.member(cmd.userId)) return fail('not-member', 'That user is not in the room.', { userId: cmd.userId });
  ctx.dropMember(cmd.userId, 'removed');
  return ok({ userId: cmd.userId });
}

export function setMic(ctx: Step, cmd: CommandOf<'set-mic'>, me: Member): Result<CommandResults['set-mic']> {
  const seat = ctx.seatOf(me.id);
  // A moderator's mute is the person's, wherever they sit, until a moderator lifts it.
  if (cmd.mic === 'on' && (ctx.isMuted(me.id) || (seat >= 0 && ctx.d.seat(seat).muted))) {
    return fail('seat-muted', 'A moderator muted you; you can unmute when they lift it.', {
      seat: seat >= 0 ? seat : null,
    });
  }
  if (cmd.camera && !ctx.cfg.allowCamera) return fail('not-allowed', 'This room allows audio only.');
  const camera = cmd.camera ?? me.camera;
  if (me.mic !== cmd.mic || me.camera !== camera) {
    ctx.d.putMember({ ...me, mic: cmd.mic, camera });
    if (me.mic !== cmd.mic) ctx.d.emit({ type: 'mic-changed', userId: me.id, mic: cmd.mic });
  }
  const request = cmd.requestId === undefined ? undefined : ctx.d.request(cmd.requestId);
  if (request && request.userId === me.id && request.status === 'accepted' && !request.prepared)
    ctx.d.putRequest({ ...request, prepared: true });
  return ok({ mic: cmd.mic, camera });
}

export function signal(ctx: Step, cmd: CommandOf<'signal'>, me: Member): Result<CommandResults['signal']> {
  const bytes = utf8Length(JSON.stringify(cmd.payload));
  if (bytes > LIMITS.maxSignalBytes) {
    return fail('too-large', `The signal payload is ${bytes} bytes; at most ${LIMITS.maxSignalBytes} are allowed.`, {
      bytes,
      limit: LIMITS.maxSignalBytes,
    });
  }
  const limited = ctx.charge(me.id, 'signals');
  if (limited) return limited;
  ctx.d.emit({ type: 'signal', from: me.id, name: cmd.name, payload: cmd.payload });
  return ok({});
}
