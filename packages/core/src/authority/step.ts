/**
 * One step of the authority: `step` validates the command and the caller, then a `Step` (the
 * working context: the room's Draft and the authority's own bookkeeping) sweeps what is due and
 * runs the command's handler (seats.ts, requests.ts, invitations.ts, members.ts).
 */
import * as v from 'valibot';
import { Draft, DueKind, type Due } from '../draft.js';
import { fail, ok, type Result } from '../errors.js';
import type { RoomEvent } from '../events.js';
import { describe } from '../json.js';
import { LIMITS } from '../limits.js';
import { isModerator, mayActOn } from '../policy.js';
import {
  CommandSchema,
  IdentitySchema,
  refusalOf,
  SYSTEM_COMMANDS,
  type Command,
  type Invitation,
  type Member,
  type RoomConfig,
  type Seat,
  type SeatRequest,
} from '../schema.js';
import { cancelInvitation, invite, respondInvitation } from './invitations.js';
import {
  join,
  leaveRoom,
  presence,
  publishCounts,
  removeMember,
  setCohost,
  setMic,
  setMode,
  signal,
} from './members.js';
import { NO_STAGE_CHANGE, stageChange } from '../stage.js';
import {
  acceptAll,
  acceptNext,
  acceptRequest,
  cancelRequest,
  rejectAll,
  rejectRequest,
  requestSeat,
} from './requests.js';
import { kickSeat, leaveSeat, lockSeat, muteSeat, switchSeat, takeSeat } from './seats.js';
import {
  clockOk,
  makeState,
  recall,
  remember,
  type AuthorityState,
  type Caller,
  type InvitationOutcome,
  type Ledger,
  type Rates,
  type RateWindow,
  type RequestOutcome,
  type StepOutcome,
} from './state.js';

const CALLER_ROLES: ReadonlySet<string> = new Set(['host', 'cohost', 'audience', 'system']);
const NO_EVENTS: readonly RoomEvent[] = Object.freeze([]);

const SCHEMA_BY_TYPE: Record<string, (typeof CommandSchema.options)[number]> = Object.fromEntries(
  CommandSchema.options.map((o) => [o.entries.type.literal, o]),
);

/**
 * Runs one command. Never throws, whatever the input: a command or caller that cannot be read
 * is `invalid-command`, and an unexpected exception inside the rules is `internal` with the
 * state unchanged (so the host actor keeps serving). A refusal leaves the room unchanged
 * (time-driven expiries aside).
 */
export function step(state: AuthorityState, command: unknown, caller: Caller, now: number): StepOutcome {
  const unchanged = (result: Result): StepOutcome => ({
    state,
    events: NO_EVENTS,
    result,
    patch: null,
    stage: NO_STAGE_CHANGE,
  });
  if (!clockOk(now))
    return unchanged(
      fail('invalid-command', `The authority clock must be a number of ms between 0 and ${LIMITS.maxClockMs}.`),
    );
  let cmd: Command;
  let who: Caller;
  try {
    const callerOk =
      caller &&
      typeof caller === 'object' &&
      (caller.role === 'system' || v.is(IdentitySchema, caller.id)) &&
      CALLER_ROLES.has(caller.role);
    if (!callerOk) return unchanged(fail('invalid-command', 'The caller identity is missing or longer than allowed.'));
    who = { id: caller.id, role: caller.role };
    // Dispatch on `type` first: one object schema instead of the whole variant (3x faster).
    const type = command && typeof command === 'object' ? (command as { type?: unknown }).type : undefined;
    const schema =
      typeof type === 'string' && Object.hasOwn(SCHEMA_BY_TYPE, type) ? SCHEMA_BY_TYPE[type]! : CommandSchema;
    const parsed = v.safeParse(schema, command) as v.SafeParseResult<typeof CommandSchema>;
    if (!parsed.success) return unchanged(refusalOf(parsed.issues, 'invalid-command', 'Invalid command'));
    // A copy: valibot builds new objects and the free-form payload is copied, so nothing the
    // sender holds (a Proxy, a getter) can change the command from here on.
    cmd = parsed.output;
  } catch (e) {
    return unchanged(fail('invalid-command', `The command could not be read: ${describe(e)}`));
  }
  const isSystemCommand = SYSTEM_COMMANDS.has(cmd.type);
  if (isSystemCommand !== (who.role === 'system')) {
    return unchanged(
      fail(
        'not-allowed',
        isSystemCommand ? 'Only the room itself may send this command.' : 'The system caller cannot act as a user.',
      ),
    );
  }
  try {
    const ctx = new Step(state, now);
    ctx.sweep();
    const result =
      ctx.d.ended && !isSystemCommand ? fail('room-ended', 'The host has ended this room.') : ctx.run(cmd, who);
    return ctx.finish(result, cmd.type === 'publish-counts');
  } catch (e) {
    // A bug in the rules must not take the room down: nothing of this step is kept.
    return unchanged(
      fail('internal', `The room could not run this command; nothing changed (${describe(e)}).`, { command: cmd.type }),
    );
  }
}

/** Mutable working context of one step; everything it writes goes through the Draft. */
export class Step {
  readonly d: Draft;
  shown: string[] | null = null;
  remembered: Ledger<RequestOutcome> | null = null;
  invitationsRemembered: Ledger<InvitationOutcome> | null = null;
  muted: Set<string> | null = null;
  seq: number;
  rates: Rates | null = null;

  constructor(
    readonly state: AuthorityState,
    readonly now: number,
  ) {
    this.d = new Draft(state.core);
    this.seq = state.seq;
  }

  finish(result: Result, published = false): StepOutcome {
    // A refused command changes nothing; time-driven expiries from the sweep still count.
    const finished = this.d.finish(this.now);
    let room = finished.room;
    const patch = finished.patch;
    // Anything that can move a count (members, seats, invitations, the queue) makes a publication due.
    const countsStale = published
      ? false
      : this.state.countsStale ||
        (patch !== null &&
          !!(
            patch.members ||
            patch.membersRemoved ||
            patch.requests ||
            patch.requestsRemoved ||
            patch.seats ||
            patch.invitations ||
            patch.invitationsRemoved ||
            patch.hostId !== undefined
          ));
    if (
      room === this.state.core &&
      !this.shown &&
      !this.remembered &&
      !this.invitationsRemembered &&
      !this.muted &&
      !this.rates &&
      countsStale === this.state.countsStale
    ) {
      return { state: this.state, events: NO_EVENTS, result, patch: null, stage: NO_STAGE_CHANGE };
    }
    const stage = patch ? stageChange(this.state.core, room, patch, this.d.events) : NO_STAGE_CHANGE;
    if (stage.patch) room = { ...room, stageVersion: room.version, stageClock: room.clock };
    return {
      state: makeState(
        {
          countsStale,
          core: room,
          seq: this.seq,
          shown: this.shown ?? this.state.shown,
          remembered: this.remembered ?? this.state.remembered,
          invitationsRemembered: this.invitationsRemembered ?? this.state.invitationsRemembered,
          muted: this.muted ?? this.state.muted,
          rates: this.rates ?? this.state.rates,
        },
        this.state,
      ),
      events: this.d.events,
      result,
      patch,
      stage,
    };
  }

  // ------------------------------------------------------------------ helpers

  get cfg(): RoomConfig {
    return this.d.config;
  }
  /** How long a resolved request or invitation stays in the room: at least one step, so its owner sees the verdict. */
  get keepMs(): number {
    return Math.max(1, this.cfg.historyMs);
  }

  isMuted(userId: string): boolean {
    return (this.muted ?? this.state.muted).has(userId);
  }
  /** Mutes or unmutes a person (the mute follows them; bounded, oldest forgotten first). */
  setMuted(userId: string, muted: boolean): void {
    if (this.isMuted(userId) === muted) return;
    const set = (this.muted ??= new Set(this.state.muted));
    if (!muted) {
      set.delete(userId);
      return;
    }
    set.add(userId);
    if (set.size > LIMITS.maxMutedRemembered) set.delete(set.values().next().value!);
  }
  recallRequest(id: string): RequestOutcome | undefined {
    return recall(this.remembered ?? this.state.remembered, id);
  }
  recallInvitation(id: string): InvitationOutcome | undefined {
    return recall(this.invitationsRemembered ?? this.state.invitationsRemembered, id);
  }
  private forgetRequest(r: SeatRequest): void {
    this.remembered = remember(
      this.remembered ?? this.state.remembered,
      r.id,
      r.status as RequestOutcome,
      LIMITS.maxResolvedRemembered,
    );
  }
  private forgetInvitation(inv: Invitation): void {
    this.invitationsRemembered = remember(
      this.invitationsRemembered ?? this.state.invitationsRemembered,
      inv.id,
      inv.status as InvitationOutcome,
      LIMITS.maxInvitationsRemembered,
    );
  }

  seatOf(userId: string): number {
    const seats = this.d.allSeats();
    for (let i = 0; i < seats.length; i++) if (seats[i]!.userId === userId) return i;
    return -1;
  }

  /** A user's pending requests (at most one by the rules; from the index). */
  pendingOf(userId: string): SeatRequest[] {
    const r = this.d.pendingRequestOf(userId);
    return r ? [r] : [];
  }

  /** Every pending request, first come first served (a list: resolving them writes the queue). */
  pendingInOrder(): SeatRequest[] {
    return [...this.d.pendingInOrder()];
  }

  /** Writes a seat, recomputing its status and deadline from its fields and its occupant. */
  writeSeat(index: number, fields: Partial<Seat>): void {
    const s = { ...this.d.seat(index), ...fields };
    const occupant = s.userId ? this.d.member(s.userId) : undefined;
    // An occupied seat shows its occupant's mute; an empty one keeps its own (for the next occupant).
    if (s.userId) s.muted = this.isMuted(s.userId);
    if (s.locked) {
      s.status = 'locked';
      s.deadline = null;
    } else if (s.userId) {
      s.status = occupant && !occupant.connected ? 'reconnecting' : 'occupied';
      s.deadline = s.status === 'reconnecting' ? (occupant?.graceUntil ?? null) : null;
    } else if (s.reservedFor) {
      s.status = 'reserved';
    } else {
      s.status = 'empty';
      s.deadline = null;
    }
    if (s.status !== 'reserved') s.reservedFor = null;
    this.d.putSeat(s);
  }

  /** True when `userId` may sit on seat `i` right now. */
  seatOpenFor(i: number, userId: string): boolean {
    const s = this.d.seat(i);
    return !s.locked && !s.userId && (!s.reservedFor || s.reservedFor === userId);
  }

  /** The free seat nearest to `from` (ties go to the lower index), or -1. */
  nearestFree(from: number, userId: string): number {
    const n = this.cfg.seatCount;
    for (let dist = 0; dist < n; dist++) {
      for (const i of [from - dist, from + dist]) if (i >= 0 && i < n && this.seatOpenFor(i, userId)) return i;
    }
    return -1;
  }

  seatRefusal(i: number, userId: string): Result<never> {
    const s = this.d.seat(i);
    if (s.locked) return fail('seat-locked', `Seat ${i + 1} is locked.`, { seat: i });
    if (s.userId) {
      const nearest = this.nearestFree(i, userId);
      return fail(
        'seat-taken',
        nearest >= 0
          ? `Seat ${i + 1} was just taken — try seat ${nearest + 1}.`
          : `Seat ${i + 1} was just taken and no seat is free.`,
        { seat: i, nearestFree: nearest >= 0 ? nearest : null },
      );
    }
    return fail('seat-reserved', `Seat ${i + 1} is reserved for an invited guest.`, { seat: i });
  }

  inRange(i: number): Result<never> | null {
    return i < this.cfg.seatCount
      ? null
      : fail('seat-out-of-range', `There is no seat ${i + 1}; this room has ${this.cfg.seatCount}.`, {
          seat: i,
          seatCount: this.cfg.seatCount,
        });
  }

  /** Puts a member on a seat; resolves whatever pending request or invitation they had. */
  sit(userId: string, i: number, via: { request?: string; invitation?: string; by?: string }): void {
    const s = this.d.seat(i);
    if (s.reservedFor && s.reservedFor !== userId) this.cancelReservationOf(i);
    // A muted empty seat mutes whoever sits there next; the mute is then theirs.
    if (s.muted) this.setMuted(userId, true);
    this.writeSeat(i, { userId, reservedFor: null, deadline: null });
    this.d.emit({ type: 'seat-taken', seat: i, userId });
    for (const r of this.pendingOf(userId)) {
      const id = r.id;
      if (id === via.request) this.resolveRequest(r, 'accepted', via.by ?? null, { seatIndex: i });
      else this.resolveRequest(r, 'cancelled', null, { reason: 'seated' });
    }
    const inv = this.d.pendingInvitationOf(userId);
    if (inv)
      this.resolveInvitation(
        inv,
        inv.id === via.invitation ? 'accepted' : 'cancelled',
        inv.id === via.invitation ? i : null,
      );
  }

  /** Frees a seat and tells why. */
  unseat(i: number, reason: 'exited' | 'terminated' | 'dropped'): void {
    const s = this.d.seat(i);
    if (!s.userId) return;
    // The mute leaves with the person (it stays theirs), not with the seat.
    this.writeSeat(i, { userId: null, muted: false });
    this.d.emit({ type: 'seat-left', seat: i, userId: s.userId, reason });
  }

  resolveRequest(
    r: SeatRequest,
    status: SeatRequest['status'],
    by: string | null,
    extra: Partial<SeatRequest> = {},
  ): void {
    this.d.putRequest({ ...r, status, handledBy: by, resolvedAt: this.now, ...extra });
    // The room shows only the newest resolved requests (copying a big record every step is
    // what costs most); ids are remembered longer. Never drop one resolved in this very step:
    // its requester must see the verdict.
    const shown = (this.shown ??= this.state.shown.slice());
    shown.push(r.id);
    while (shown.length > LIMITS.maxResolvedShown) {
      const x = this.d.request(shown[0]!);
      if (x && x.resolvedAt! >= this.now) break;
      const leaving = shown.shift()!;
      if (x) {
        this.d.deleteRequest(leaving);
        this.forgetRequest(x);
      }
    }
    this.d.emit({ type: 'request-resolved', requestId: r.id, userId: r.userId, status, by });
  }

  resolveInvitation(inv: Invitation, status: Invitation['status'], seatIndex: number | null): void {
    this.d.putInvitation({ ...inv, status, resolvedAt: this.now, seatIndex });
    if (typeof inv.seat === 'number' && status !== 'accepted') {
      const s = this.d.seat(inv.seat);
      if (s.reservedFor === inv.userId) this.writeSeat(inv.seat, { reservedFor: null, deadline: null });
    }
    this.d.emit({ type: 'invitation-resolved', invitationId: inv.id, userId: inv.userId, status });
  }

  cancelReservationOf(i: number): void {
    const s = this.d.seat(i);
    if (!s.reservedFor) return;
    const pending = this.d.pendingInvitationOf(s.reservedFor);
    const inv = pending?.seat === i ? pending : undefined;
    if (inv) this.resolveInvitation(inv, 'cancelled', null);
    else this.writeSeat(i, { reservedFor: null, deadline: null });
  }

  /** Takes a member out of the room entirely. */
  dropMember(userId: string, reason: 'left' | 'removed' | 'dropped'): void {
    const seat = this.seatOf(userId);
    if (seat >= 0) this.unseat(seat, reason === 'left' ? 'exited' : reason === 'removed' ? 'terminated' : 'dropped');
    for (const r of this.pendingOf(userId)) this.resolveRequest(r, 'cancelled', null, { reason });
    const inv = this.d.pendingInvitationOf(userId);
    if (inv) this.resolveInvitation(inv, 'cancelled', null);
    this.d.deleteMember(userId);
    this.d.emit({ type: 'member-left', userId, reason });
  }

  /** Charges one request or signal to a user's rate window; returns a refusal when over. */
  charge(userId: string, kind: 'requests' | 'signals'): Result<never> | null {
    const windowMs = this.cfg.requestRateWindowMs;
    const max = kind === 'requests' ? this.cfg.requestRateCount : this.cfg.signalRateCount;
    const rates = this.rates ?? this.state.rates;
    const open = rates.byUser.get(userId);
    const w = open && this.now - open.start < windowMs ? open : { userId, start: this.now, requests: 0, signals: 0 };
    if (w[kind] >= max) {
      const retryAfterMs = Math.max(0, w.start + windowMs - this.now);
      return fail(
        'rate-limited',
        `Too many ${kind === 'requests' ? 'seat requests' : 'signals'}; try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
        {
          limit: max,
          windowMs,
          retryAfterMs,
        },
      );
    }
    let ends = rates.ends;
    if (open && open !== w) ends = ends.delete(rateEnd(open, windowMs));
    if (open !== w) ends = ends.set(rateEnd(w, windowMs), null);
    this.rates = { byUser: rates.byUser.set(userId, { ...w, [kind]: w[kind] + 1 }), ends };
    return null;
  }

  // ------------------------------------------------------------------ time

  /** Expires whatever is past its deadline: only what is due is touched (the deadlines are an ordered index). */
  sweep(): void {
    const now = this.now;
    if (now < this.state.nextDeadline) return;
    const keep = this.keepMs;
    for (const due of this.d.dueBy(now)) {
      switch (due.kind) {
        case DueKind.RequestDeadline: {
          const r = this.d.request(due.id);
          if (r?.status === 'pending' && r.deadline <= now) this.resolveRequest(r, 'timeout', null);
          break;
        }
        case DueKind.InvitationDeadline: {
          const inv = this.d.invitation(due.id);
          if (inv?.status === 'pending' && inv.deadline <= now) this.resolveInvitation(inv, 'timeout', null);
          break;
        }
        case DueKind.MemberGrace: {
          const m = this.d.member(due.id);
          if (m && !m.connected && m.graceUntil !== null && m.graceUntil <= now) this.dropMember(m.id, 'dropped');
          break;
        }
        // Resolved items leave after the history window (at least one step later, even with
        // `historyMs: 0`, so the delta that resolved them reaches their owner); their ids are remembered.
        case DueKind.RequestHistory: {
          const r = this.d.request(due.id);
          if (r && r.resolvedAt !== null && r.resolvedAt + keep <= now) {
            this.d.deleteRequest(r.id);
            this.shown ??= this.state.shown.slice();
            const at = this.shown.indexOf(r.id);
            if (at >= 0) this.shown.splice(at, 1);
            this.forgetRequest(r);
          }
          break;
        }
        case DueKind.InvitationHistory: {
          const inv = this.d.invitation(due.id);
          if (inv && inv.resolvedAt !== null && inv.resolvedAt + keep <= now) {
            this.d.deleteInvitation(inv.id);
            this.forgetInvitation(inv);
          }
          break;
        }
      }
    }
    // Rate windows that closed are forgotten (their ends are ordered too).
    const rates = this.rates ?? this.state.rates;
    const first = rates.ends.first();
    if (first && first[0].t <= now) {
      let { byUser, ends } = rates;
      for (const [end] of rates.ends.entries()) {
        if (end.t > now) break;
        ends = ends.delete(end);
        byUser = byUser.delete(end.id);
      }
      this.rates = { byUser, ends };
    }
  }

  // ------------------------------------------------------------------ commands

  run(cmd: Command, caller: Caller): Result {
    if (cmd.type === 'tick') return ok({});
    if (cmd.type === 'presence') return presence(this, cmd);
    if (cmd.type === 'publish-counts') return publishCounts(this);
    if (cmd.type === 'join') return join(this, cmd, caller);
    const me = this.d.member(caller.id);
    if (!me) return fail('not-member', 'Join the room first.');
    switch (cmd.type) {
      case 'leave-room':
        return leaveRoom(this, me);
      case 'take-seat':
        return takeSeat(this, cmd, me);
      case 'leave-seat':
        return leaveSeat(this, me);
      case 'switch-seat':
        return switchSeat(this, cmd, me);
      case 'kick-seat':
        return kickSeat(this, cmd, me);
      case 'lock-seat':
        return lockSeat(this, cmd, me);
      case 'mute-seat':
        return muteSeat(this, cmd, me);
      case 'set-mode':
        return setMode(this, cmd, me);
      case 'set-cohost':
        return setCohost(this, cmd, me);
      case 'request-seat':
        return requestSeat(this, cmd, me);
      case 'cancel-request':
        return cancelRequest(this, cmd, me);
      case 'accept-request':
        return acceptRequest(this, cmd.requestId, me);
      case 'accept-next':
        return acceptNext(this, me);
      case 'accept-all':
        return acceptAll(this, me);
      case 'reject-request':
        return rejectRequest(this, cmd, me);
      case 'reject-all':
        return rejectAll(this, cmd, me);
      case 'invite':
        return invite(this, cmd, me);
      case 'respond-invitation':
        return respondInvitation(this, cmd, me);
      case 'cancel-invitation':
        return cancelInvitation(this, cmd, me);
      case 'remove-member':
        return removeMember(this, cmd, me);
      case 'set-mic':
        return setMic(this, cmd, me);
      case 'signal':
        return signal(this, cmd, me);
    }
  }

  /** A moderator may act on audience members; only the host may act on a cohost. */
  mayModerate(me: Member, targetId: string): Result<never> | null {
    if (!isModerator(me.role)) return fail('not-allowed', 'Only the host or a cohost can do this.');
    const target = this.d.member(targetId);
    if (targetId === this.d.hostId) return fail('not-allowed', 'Nobody can remove the host.');
    if (!mayActOn(me.role, target?.role)) return fail('not-allowed', 'Only the host can act on a cohost.');
    return null;
  }

  /** A request id the room no longer shows: its remembered outcome, or unknown. */
  unknownRequest(requestId: string): Result<never> {
    const outcome = this.recallRequest(requestId);
    if (outcome) return fail('request-closed', `The request is already ${outcome}.`, { requestId, status: outcome });
    return fail('unknown-request', 'No such request.', { requestId });
  }
  unknownInvitation(invitationId: string): Result<never> {
    const outcome = this.recallInvitation(invitationId);
    if (outcome)
      return fail('invitation-closed', `The invitation is already ${outcome}.`, { invitationId, status: outcome });
    return fail('unknown-invitation', 'No such invitation.', { invitationId });
  }

  pickSeat(r: SeatRequest | Invitation): number {
    if (r.seat === 'any') return this.nearestFree(0, r.userId);
    return this.seatOpenFor(r.seat, r.userId) ? r.seat : this.nearestFree(r.seat, r.userId);
  }

  nameOf(id: string): string {
    return this.d.member(id)?.name ?? id;
  }
}

const rateEnd = (w: RateWindow, windowMs: number): Due => ({
  t: w.start + windowMs,
  kind: DueKind.RequestDeadline,
  n: 0,
  id: w.userId,
});
