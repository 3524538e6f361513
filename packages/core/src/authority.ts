/**
 * The seat authority: one pure function (state, command, caller, now) → (state, events, result).
 * Every backend runs this same code; it is the only place seat and request rules live.
 *
 * Room lifecycle decision: the host *dropping* (reload, network) pauses the room like any member's
 * drop — seats, queue and invitations are held, requests still expire by their deadlines. The host
 * explicitly *leaving* (`leave-room`) ends the room: pending requests and invitations are cancelled
 * and every later command is refused with `room-ended`.
 */
import * as v from 'valibot';
import { coreOf, Draft, DueKind, emptyCore, materialize, type Patch, type RoomCore } from './draft.js';
import { compareDue, type Due } from './draft.js';
import { compareStrings, PTree } from './ptree.js';
import { fail, ok, type Result } from './errors.js';
import { describe } from './json.js';
import type { RoomEvent } from './events.js';
import { DEFAULT_CONFIG, LIMITS } from './limits.js';
import {
  CommandSchema,
  IdentitySchema,
  refusalOf,
  RoomConfigSchema,
  type AuthorityMemory,
  type Command,
  type CommandOf,
  type Invitation,
  type Member,
  type MemberRole,
  type RoomConfig,
  type RoomState,
  type Seat,
  type SeatRequest,
} from './schema.js';

/** Who sent a command, as stamped by the transport (never by the client's own claim). */
export interface Caller {
  readonly id: string;
  /** The role the transport vouches for (token grant, room owner). `system` is the authority's own clock and presence. */
  readonly role: MemberRole | 'system';
}
export const SYSTEM_CALLER: Caller = { id: 'system', role: 'system' };

interface RateWindow {
  readonly userId: string;
  readonly start: number;
  readonly requests: number;
  readonly signals: number;
}

export interface AuthorityState {
  /** The room in its public shape (built on first read from `core`: O(room size), so homes read `version` and `clock` instead). */
  readonly room: RoomState;
  /** The authority's working copy: persistent trees and indexes, so a step is O(log n). */
  readonly core: RoomCore;
  readonly version: number;
  readonly clock: number;
  /** Pending request ids, first come first served (built on read; `core.queue` is the index). */
  readonly queue: readonly string[];
  /** A member by id, without building the public room. */
  member(id: string): Member | undefined;
  readonly seq: number;
  /** Resolved request ids the room still shows, in order of resolution (a short list). */
  readonly shown: readonly string[];
  /**
   * Resolved request ids remembered after they leave the room, with their outcome, so a late
   * resend is answered with that outcome rather than becoming a second request.
   */
  readonly remembered: Ledger<RequestOutcome>;
  /** The same for invitation ids, so a late duplicate invite does not invite again. */
  readonly invitationsRemembered: Ledger<InvitationOutcome>;
  /** People a moderator muted: the mute follows the person (any seat, leaving and coming back) until a moderator lifts it. */
  readonly muted: ReadonlySet<string>;
  /** Open rate windows by user, and when each closes. */
  readonly rates: Rates;
  /** Earliest time anything may expire; sweeps are skipped before it. */
  readonly nextDeadline: number;
}

/** Rate windows by user, with their ends in time order (so old ones are dropped without a scan). */
export interface Rates {
  readonly byUser: PTree<string, RateWindow>;
  readonly ends: PTree<Due, null>;
}
const NO_RATES: Rates = { byUser: PTree.empty(compareStrings), ends: PTree.empty(compareDue) };

export interface StepOutcome {
  readonly state: AuthorityState;
  readonly events: readonly RoomEvent[];
  readonly result: Result;
  /** What changed, for deltas; null when nothing did. */
  readonly patch: Patch | null;
}

export type RoomConfigInput = Partial<RoomConfig>;

/** A new, empty room. Throws a TypeError on an invalid config (programmer error); check user input with `validateConfig`. */
export function createAuthority(roomId: string, config: RoomConfigInput = {}, now = 0): AuthorityState {
  const checked = validateConfig(config);
  if (!checked.ok) throw new TypeError(checked.error.message);
  const cfg = checked.value;
  if (!clockOk(now)) throw new TypeError(`The authority clock must be a number of ms between 0 and ${LIMITS.maxClockMs}.`);
  const seats: Seat[] = Array.from({ length: cfg.seatCount }, (_, index) => emptySeat(index));
  return makeState({
    core: emptyCore(roomId, cfg, now, seats),
    seq: 0,
    shown: [],
    remembered: EMPTY_LEDGER as Ledger<RequestOutcome>,
    invitationsRemembered: EMPTY_LEDGER as Ledger<InvitationOutcome>,
    muted: NOBODY,
    rates: NO_RATES,
  });
}

type StateFields = Omit<AuthorityState, 'room' | 'version' | 'clock' | 'queue' | 'member' | 'nextDeadline'>;

export type RequestOutcome = Exclude<SeatRequest['status'], 'pending'>;
export type InvitationOutcome = Exclude<Invitation['status'], 'pending'>;

/**
 * Ids remembered with their outcome, bounded (the oldest are forgotten first). Immutable: a
 * short list copied per step, folded every so often into a Map, so a step costs O(1) amortised.
 */
export interface Ledger<S extends string> {
  readonly recent: readonly (readonly [string, S])[];
  readonly older: ReadonlyMap<string, S>;
  readonly olderOrder: readonly (readonly [string, S])[];
}
const EMPTY_LEDGER: Ledger<string> = { recent: [], older: new Map<string, string>(), olderOrder: [] };
const RECENT_FOLD = 64;
const NOBODY: ReadonlySet<string> = new Set();

function remember<S extends string>(r: Ledger<S>, id: string, outcome: S, max: number): Ledger<S> {
  if (r.recent.length < RECENT_FOLD) return { ...r, recent: [...r.recent, [id, outcome]] };
  // Fold: amortised, once per RECENT_FOLD resolutions.
  return ledgerOf([...r.olderOrder, ...r.recent, [id, outcome]], max);
}
function ledgerOf<S extends string>(entries: readonly (readonly [string, S])[], max: number): Ledger<S> {
  const olderOrder = entries.slice(-max);
  return { recent: [], older: new Map(olderOrder), olderOrder };
}
function recall<S extends string>(r: Ledger<S>, id: string): S | undefined {
  for (let i = r.recent.length - 1; i >= 0; i--) if (r.recent[i]![0] === id) return r.recent[i]![1];
  return r.older.get(id);
}
const ledgerEntries = <S extends string>(r: Ledger<S>, max: number): [string, S][] =>
  [...r.olderOrder, ...r.recent].slice(-max).map(([id, s]) => [id, s]);

const clockOk = (now: number) => typeof now === 'number' && Number.isFinite(now) && now >= 0 && now <= LIMITS.maxClockMs;

/**
 * An AuthorityState whose public `room` is built once, on first read, and shared while `core`
 * is unchanged. A class (not an object literal with a getter, which V8 builds slowly).
 */
class AuthorityStateImpl implements AuthorityState {
  readonly core: RoomCore;
  readonly seq: number;
  readonly shown: readonly string[];
  readonly remembered: Ledger<RequestOutcome>;
  readonly invitationsRemembered: Ledger<InvitationOutcome>;
  readonly muted: ReadonlySet<string>;
  readonly rates: Rates;
  readonly nextDeadline: number;
  private cached: RoomState | undefined;
  constructor(fields: StateFields, previous?: AuthorityState) {
    this.core = fields.core;
    this.seq = fields.seq;
    this.shown = fields.shown;
    this.remembered = fields.remembered;
    this.invitationsRemembered = fields.invitationsRemembered;
    this.muted = fields.muted;
    this.rates = fields.rates;
    this.nextDeadline = Math.min(this.core.deadlines.first()?.[0].t ?? Infinity, fields.rates.ends.first()?.[0].t ?? Infinity);
    if (previous && previous.core === fields.core) this.cached = (previous as AuthorityStateImpl).cached;
  }
  get room(): RoomState {
    return (this.cached ??= materialize(this.core));
  }
  get version(): number {
    return this.core.version;
  }
  get clock(): number {
    return this.core.clock;
  }
  get queue(): readonly string[] {
    return [...this.core.queue.values()];
  }
  member(id: string): Member | undefined {
    return this.core.members.get(id);
  }
}

function makeState(fields: StateFields, previous?: AuthorityState): AuthorityState {
  return new AuthorityStateImpl(fields, previous);
}

export function validateConfig(config: RoomConfigInput): Result<RoomConfig> {
  const parsed = v.safeParse(RoomConfigSchema, { ...DEFAULT_CONFIG, ...config });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const key = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    return fail('invalid-command', `Invalid room config${key ? ` (${key})` : ''}: ${issue.message}`, { field: key });
  }
  return ok(parsed.output);
}

/**
 * What the authority remembers beyond the public room (resolved ids that left it, muted people),
 * to save beside the snapshot (`encodeSnapshot(room, authorityMemory(state))`) for a host reload.
 */
export function authorityMemory(state: AuthorityState): AuthorityMemory {
  return {
    requests: ledgerEntries(state.remembered, LIMITS.maxResolvedRemembered),
    invitations: ledgerEntries(state.invitationsRemembered, LIMITS.maxInvitationsRemembered),
    muted: [...state.muted].slice(-LIMITS.maxMutedRemembered),
    seq: state.seq,
  };
}

/**
 * Rebuilds the authority from a room snapshot (e.g. after a host reload), with what it
 * remembered beyond the room when that was saved too (`authorityMemory`).
 */
export function restoreAuthority(room: RoomState, memory?: AuthorityMemory): AuthorityState {
  const seq = Object.values(room.requests).reduce((m, r) => Math.max(m, r.seq), memory?.seq ?? 0);
  const shown = Object.values(room.requests)
    .filter((r) => r.resolvedAt !== null)
    .sort((a, b) => a.resolvedAt! - b.resolvedAt! || a.seq - b.seq)
    .map((r) => r.id);
  const core = coreOf(room);
  const muted = new Set(memory?.muted ?? []);
  // A snapshot saved without memory still knows who sits muted.
  for (const s of room.seats) if (s.userId && s.muted) muted.add(s.userId);
  return makeState({
    core,
    seq,
    shown,
    remembered: ledgerOf(memory?.requests ?? [], LIMITS.maxResolvedRemembered),
    invitationsRemembered: ledgerOf(memory?.invitations ?? [], LIMITS.maxInvitationsRemembered),
    muted,
    rates: NO_RATES,
  });
}

const CALLER_ROLES: ReadonlySet<string> = new Set(['host', 'cohost', 'audience', 'system']);
const NO_EVENTS: readonly RoomEvent[] = Object.freeze([]);

const SCHEMA_BY_TYPE: Record<string, (typeof CommandSchema.options)[number]> = Object.fromEntries(
  CommandSchema.options.map((o) => [o.entries.type.literal, o]),
);

const emptySeat = (index: number): Seat => ({
  index,
  status: 'empty',
  userId: null,
  locked: false,
  muted: false,
  reservedFor: null,
  deadline: null,
});

const isModerator = (m: Member | undefined): boolean => m?.role === 'host' || m?.role === 'cohost';

/**
 * Runs one command. Never throws, whatever the input: a command or caller that cannot be read
 * is `invalid-command`, and an unexpected exception inside the rules is `internal` with the
 * state unchanged (so the host actor keeps serving). A refusal leaves the room unchanged
 * (time-driven expiries aside).
 */
export function step(state: AuthorityState, command: unknown, caller: Caller, now: number): StepOutcome {
  const unchanged = (result: Result): StepOutcome => ({ state, events: NO_EVENTS, result, patch: null });
  if (!clockOk(now)) return unchanged(fail('invalid-command', `The authority clock must be a number of ms between 0 and ${LIMITS.maxClockMs}.`));
  let cmd: Command;
  let who: Caller;
  try {
    const callerOk =
      caller && typeof caller === 'object' && (caller.role === 'system' || v.is(IdentitySchema, caller.id)) &&
      CALLER_ROLES.has(caller.role);
    if (!callerOk) return unchanged(fail('invalid-command', 'The caller identity is missing or longer than allowed.'));
    who = { id: caller.id, role: caller.role };
    // Dispatch on `type` first: one object schema instead of the whole variant (3x faster).
    const type = command && typeof command === 'object' ? (command as { type?: unknown }).type : undefined;
    const schema = typeof type === 'string' && Object.hasOwn(SCHEMA_BY_TYPE, type) ? SCHEMA_BY_TYPE[type]! : CommandSchema;
    const parsed = v.safeParse(schema, command) as v.SafeParseResult<typeof CommandSchema>;
    if (!parsed.success) return unchanged(refusalOf(parsed.issues, 'invalid-command', 'Invalid command'));
    // A copy: valibot builds new objects and the free-form payload is copied, so nothing the
    // sender holds (a Proxy, a getter) can change the command from here on.
    cmd = parsed.output;
  } catch (e) {
    return unchanged(fail('invalid-command', `The command could not be read: ${describe(e)}`));
  }
  const isSystemCommand = cmd.type === 'tick' || cmd.type === 'presence';
  if (isSystemCommand !== (who.role === 'system')) {
    return unchanged(fail('not-allowed', isSystemCommand ? 'Only the room itself may send this command.' : 'The system caller cannot act as a user.'));
  }
  try {
    const ctx = new Step(state, now);
    ctx.sweep();
    const result = ctx.d.ended && !isSystemCommand ? fail('room-ended', 'The host has ended this room.') : ctx.run(cmd, who);
    return ctx.finish(result);
  } catch (e) {
    // A bug in the rules must not take the room down: nothing of this step is kept.
    return unchanged(fail('internal', `The room could not run this command; nothing changed (${describe(e)}).`, { command: cmd.type }));
  }
}

/** Mutable working context of one step; everything it writes goes through the Draft. */
class Step {
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

  finish(result: Result): StepOutcome {
    // A refused command changes nothing; time-driven expiries from the sweep still count.
    const { room, patch } = this.d.finish(this.now);
    if (room === this.state.core && !this.shown && !this.remembered && !this.invitationsRemembered && !this.muted && !this.rates) {
      return { state: this.state, events: NO_EVENTS, result, patch: null };
    }
    return {
      state: makeState(
        {
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
    };
  }

  // ------------------------------------------------------------------ helpers

  private get cfg(): RoomConfig {
    return this.d.config;
  }
  /** How long a resolved request or invitation stays in the room: at least one step, so its owner sees the verdict. */
  private get keepMs(): number {
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
    this.remembered = remember(this.remembered ?? this.state.remembered, r.id, r.status as RequestOutcome, LIMITS.maxResolvedRemembered);
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
        nearest >= 0 ? `Seat ${i + 1} was just taken — try seat ${nearest + 1}.` : `Seat ${i + 1} was just taken and no seat is free.`,
        { seat: i, nearestFree: nearest >= 0 ? nearest : null },
      );
    }
    return fail('seat-reserved', `Seat ${i + 1} is reserved for an invited guest.`, { seat: i });
  }

  inRange(i: number): Result<never> | null {
    return i < this.cfg.seatCount
      ? null
      : fail('seat-out-of-range', `There is no seat ${i + 1}; this room has ${this.cfg.seatCount}.`, { seat: i, seatCount: this.cfg.seatCount });
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
    if (inv) this.resolveInvitation(inv, inv.id === via.invitation ? 'accepted' : 'cancelled', inv.id === via.invitation ? i : null);
  }

  /** Frees a seat and tells why. */
  unseat(i: number, reason: 'exited' | 'terminated' | 'dropped'): void {
    const s = this.d.seat(i);
    if (!s.userId) return;
    // The mute leaves with the person (it stays theirs), not with the seat.
    this.writeSeat(i, { userId: null, muted: false });
    this.d.emit({ type: 'seat-left', seat: i, userId: s.userId, reason });
  }

  resolveRequest(r: SeatRequest, status: SeatRequest['status'], by: string | null, extra: Partial<SeatRequest> = {}): void {
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
      return fail('rate-limited', `Too many ${kind === 'requests' ? 'seat requests' : 'signals'}; try again in ${Math.ceil(retryAfterMs / 1000)} s.`, {
        limit: max,
        windowMs,
        retryAfterMs,
      });
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
    if (cmd.type === 'presence') return this.presence(cmd);
    if (cmd.type === 'join') return this.join(cmd, caller);
    const me = this.d.member(caller.id);
    if (!me) return fail('not-member', 'Join the room first.');
    switch (cmd.type) {
      case 'leave-room':
        return this.leaveRoom(me);
      case 'take-seat':
        return this.takeSeat(cmd, me);
      case 'leave-seat': {
        const seat = this.seatOf(me.id);
        if (seat < 0) return fail('not-seated', 'You are not on a seat.');
        this.unseat(seat, 'exited');
        return ok({ seat });
      }
      case 'switch-seat':
        return this.switchSeat(cmd, me);
      case 'kick-seat':
        return this.kickSeat(cmd, me);
      case 'lock-seat':
        return this.lockSeat(cmd, me);
      case 'mute-seat':
        return this.muteSeat(cmd, me);
      case 'set-mode':
        if (me.role !== 'host') return fail('not-allowed', 'Only the host can change the room mode.');
        if (this.d.mode !== cmd.mode) {
          this.d.mode = cmd.mode;
          this.d.emit({ type: 'mode-changed', mode: cmd.mode });
        }
        return ok({ mode: cmd.mode });
      case 'set-cohost':
        return this.setCohost(cmd, me);
      case 'request-seat':
        return this.requestSeat(cmd, me);
      case 'cancel-request':
        return this.cancelRequest(cmd, me);
      case 'accept-request':
        return this.acceptRequest(cmd.requestId, me);
      case 'accept-next': {
        if (!isModerator(me)) return fail('not-allowed', 'Only the host or a cohost can accept requests.');
        const first = this.d.queue.first();
        if (!first) return fail('unknown-request', 'No request is waiting.');
        return this.acceptRequest(first[1], me);
      }
      case 'accept-all':
        return this.acceptAll(me);
      case 'reject-request':
        return this.rejectRequest(cmd, me);
      case 'reject-all': {
        if (!isModerator(me)) return fail('not-allowed', 'Only the host or a cohost can reject requests.');
        const pending = this.pendingInOrder();
        for (const r of pending) this.resolveRequest(r, 'rejected', me.id, { reason: cmd.reason ?? null });
        const ids = pending.map((r) => r.id);
        return ok({ rejected: ids });
      }
      case 'invite':
        return this.invite(cmd, me);
      case 'respond-invitation':
        return this.respondInvitation(cmd, me);
      case 'cancel-invitation': {
        if (!isModerator(me)) return fail('not-allowed', 'Only the host or a cohost can cancel invitations.');
        const inv = this.d.invitation(cmd.invitationId);
        if (!inv) return this.unknownInvitation(cmd.invitationId);
        if (inv.status === 'cancelled') return ok({ invitation: inv, duplicate: true });
        if (inv.status !== 'pending') return fail('invitation-closed', `The invitation is already ${inv.status}.`, { status: inv.status });
        this.resolveInvitation(inv, 'cancelled', null);
        return ok({ invitation: this.d.invitation(inv.id) });
      }
      case 'remove-member':
        return this.removeMember(cmd, me);
      case 'set-mic':
        return this.setMic(cmd, me);
      case 'signal': {
        const bytes = utf8Length(JSON.stringify(cmd.payload));
        if (bytes > LIMITS.maxSignalBytes) {
          return fail('too-large', `The signal payload is ${bytes} bytes; at most ${LIMITS.maxSignalBytes} are allowed.`, {
            bytes,
            limit: LIMITS.maxSignalBytes,
          });
        }
        const limited = this.charge(me.id, 'signals');
        if (limited) return limited;
        this.d.emit({ type: 'signal', from: me.id, name: cmd.name, payload: cmd.payload });
        return ok({});
      }
    }
  }

  presence(cmd: CommandOf<'presence'>): Result {
    const m = this.d.member(cmd.userId);
    if (!m) return ok({ member: null });
    if (cmd.connected === m.connected) return ok({ member: m });
    if (cmd.connected) {
      this.d.putMember({ ...m, connected: true, graceUntil: null });
      this.d.emit({ type: 'member-returned', userId: m.id });
    } else {
      const grace = this.cfg.reconnectGraceMs;
      if (grace === 0) {
        this.dropMember(m.id, 'dropped');
        return ok({ member: null });
      }
      this.d.putMember({ ...m, connected: false, graceUntil: this.now + grace });
      this.d.emit({ type: 'member-reconnecting', userId: m.id });
    }
    const seat = this.seatOf(m.id);
    if (seat >= 0) {
      this.writeSeat(seat, {});
      if (!cmd.connected) this.d.emit({ type: 'seat-reconnecting', seat, userId: m.id });
    }
    return ok({ member: this.d.member(m.id) });
  }

  join(cmd: CommandOf<'join'>, caller: Caller): Result {
    const role = caller.role as MemberRole;
    const existing = this.d.member(caller.id);
    if (role === 'host' && this.d.hostId && this.d.hostId !== caller.id) {
      return fail('host-exists', 'This room already has a host.', { hostId: this.d.hostId });
    }
    const origins = this.cfg.avatarOrigins;
    if (cmd.avatar !== undefined && origins && !cmd.avatar.startsWith('data:') && !origins.includes(new URL(cmd.avatar).origin)) {
      return fail('invalid-command', 'Invalid command (avatar): this room takes avatars only from its own image hosts.', {
        field: 'avatar',
        origins: [...origins],
      });
    }
    if (role === 'host') {
      this.d.hostId = caller.id;
      // The host speaks from the host seat, never a guest seat: a seated member who becomes
      // host leaves the guest seat in the same step, and their pending request and
      // invitations are cancelled (the host needs neither).
      const seat = this.seatOf(caller.id);
      if (seat >= 0) this.unseat(seat, 'exited');
      for (const r of this.pendingOf(caller.id)) this.resolveRequest(r, 'cancelled', null, { reason: 'became-host' });
      const inv = this.d.pendingInvitationOf(caller.id);
      if (inv) this.resolveInvitation(inv, 'cancelled', null);
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
          joinedAt: this.now,
          graceUntil: null,
          mic: 'off',
          camera: false,
          ...(cmd.avatar !== undefined ? { avatar: cmd.avatar } : {}),
        };
    if (!existing || JSON.stringify(existing) !== JSON.stringify(member)) this.d.putMember(member);
    if (!existing) this.d.emit({ type: 'member-joined', userId: member.id });
    else if (!existing.connected) {
      this.d.emit({ type: 'member-returned', userId: member.id });
      const seat = this.seatOf(member.id);
      if (seat >= 0) this.writeSeat(seat, {});
    }
    return ok({ member });
  }

  leaveRoom(me: Member): Result {
    if (me.role === 'host') {
      for (const r of this.pendingInOrder()) this.resolveRequest(r, 'cancelled', null, { reason: 'room-ended' });
      for (const inv of [...this.d.pendingInvitations()]) this.resolveInvitation(inv, 'cancelled', null);
      this.dropMember(me.id, 'left');
      this.d.ended = true;
      this.d.emit({ type: 'room-ended' });
      return ok({ ended: true });
    }
    this.dropMember(me.id, 'left');
    return ok({});
  }

  takeSeat(cmd: CommandOf<'take-seat'>, me: Member): Result {
    const range = this.inRange(cmd.seat);
    if (range) return range;
    if (me.role === 'host') return fail('not-allowed', 'The host speaks from the host seat, not a guest seat.');
    const current = this.seatOf(me.id);
    if (current === cmd.seat) return ok({ seat: current, duplicate: true });
    if (current >= 0) return fail('already-seated', `You are already on seat ${current + 1}; switch seats instead.`, { seat: current });
    if (this.d.mode === 'request' && !isModerator(me) && this.d.seat(cmd.seat).reservedFor !== me.id) {
      return fail('approval-required', 'This room needs the host’s approval to take a seat; send a request.', { mode: 'request' });
    }
    if (!this.seatOpenFor(cmd.seat, me.id)) return this.seatRefusal(cmd.seat, me.id);
    const pending = this.d.pendingInvitationOf(me.id);
    const inv = pending?.seat === cmd.seat ? pending : undefined;
    this.sit(me.id, cmd.seat, inv ? { invitation: inv.id } : {});
    return ok({ seat: cmd.seat });
  }

  switchSeat(cmd: CommandOf<'switch-seat'>, caller: Member): Result {
    const range = this.inRange(cmd.to);
    if (range) return range;
    let me = caller;
    if (cmd.userId !== undefined && cmd.userId !== caller.id) {
      // A moderator moves a speaker: same single step, same rules for the target seat.
      const refused = this.mayModerate(caller, cmd.userId);
      if (refused) return refused;
      const target = this.d.member(cmd.userId);
      if (!target) return fail('not-member', 'That user is not in the room.', { userId: cmd.userId });
      me = target;
    }
    const from = this.seatOf(me.id);
    if (from < 0) return fail('not-seated', 'You are not on a seat to switch from.');
    if (from === cmd.to) return ok({ seat: from, duplicate: true });
    if (!this.seatOpenFor(cmd.to, me.id)) return this.seatRefusal(cmd.to, me.id);
    // One step: the old seat is freed and the new one taken in the same version. A mute moves
    // with the person; a muted empty seat mutes them.
    this.writeSeat(from, { userId: null, muted: false });
    if (this.d.seat(cmd.to).reservedFor === me.id) this.cancelReservationOf(cmd.to);
    if (this.d.seat(cmd.to).muted) this.setMuted(me.id, true);
    this.writeSeat(cmd.to, { userId: me.id, reservedFor: null });
    this.d.emit({ type: 'seat-switched', from, to: cmd.to, userId: me.id });
    return ok({ seat: cmd.to, from });
  }

  /** A moderator may act on audience members; only the host may act on a cohost. */
  mayModerate(me: Member, targetId: string): Result<never> | null {
    if (!isModerator(me)) return fail('not-allowed', 'Only the host or a cohost can do this.');
    const target = this.d.member(targetId);
    if (targetId === this.d.hostId) return fail('not-allowed', 'Nobody can remove the host.');
    if (target?.role === 'cohost' && me.role !== 'host') return fail('not-allowed', 'Only the host can act on a cohost.');
    return null;
  }

  kickSeat(cmd: CommandOf<'kick-seat'>, me: Member): Result {
    const range = this.inRange(cmd.seat);
    if (range) return range;
    if (!isModerator(me)) return fail('not-allowed', 'Only the host or a cohost can remove a speaker.');
    const s = this.d.seat(cmd.seat);
    if (!s.userId) return fail('not-seated', `Seat ${cmd.seat + 1} has nobody to remove.`, { seat: cmd.seat });
    const refused = this.mayModerate(me, s.userId);
    if (refused) return refused;
    this.unseat(cmd.seat, 'terminated');
    return ok({ seat: cmd.seat, userId: s.userId });
  }

  lockSeat(cmd: CommandOf<'lock-seat'>, me: Member): Result {
    const range = this.inRange(cmd.seat);
    if (range) return range;
    if (!isModerator(me)) return fail('not-allowed', 'Only the host or a cohost can lock seats.');
    const s = this.d.seat(cmd.seat);
    if (s.locked === cmd.locked) return ok({ seat: cmd.seat, locked: cmd.locked, duplicate: true });
    if (cmd.locked) {
      if (s.userId) {
        const refused = this.mayModerate(me, s.userId);
        if (refused) return refused;
        this.unseat(cmd.seat, 'terminated');
      }
      this.cancelReservationOf(cmd.seat);
    }
    this.writeSeat(cmd.seat, { locked: cmd.locked });
    this.d.emit({ type: 'seat-locked', seat: cmd.seat, locked: cmd.locked });
    return ok({ seat: cmd.seat, locked: cmd.locked });
  }

  muteSeat(cmd: CommandOf<'mute-seat'>, me: Member): Result {
    const range = this.inRange(cmd.seat);
    if (range) return range;
    if (!isModerator(me)) return fail('not-allowed', 'Only the host or a cohost can mute seats.');
    const s = this.d.seat(cmd.seat);
    if (s.muted === cmd.muted) return ok({ seat: cmd.seat, muted: cmd.muted, duplicate: true });
    if (s.userId && cmd.muted) {
      const refused = this.mayModerate(me, s.userId);
      if (refused) return refused;
    }
    // On an occupied seat the mute is the occupant's (it follows them until a moderator lifts
    // it); on an empty seat it waits for the next occupant.
    if (s.userId) this.setMuted(s.userId, cmd.muted);
    this.writeSeat(cmd.seat, { muted: cmd.muted });
    this.d.emit({ type: 'seat-muted', seat: cmd.seat, muted: cmd.muted });
    return ok({ seat: cmd.seat, muted: cmd.muted });
  }

  setCohost(cmd: CommandOf<'set-cohost'>, me: Member): Result {
    if (me.role !== 'host') return fail('not-allowed', 'Only the host can appoint cohosts.');
    const target = this.d.member(cmd.userId);
    if (!target) return fail('not-member', 'That user is not in the room.', { userId: cmd.userId });
    if (target.role === 'host') return fail('not-allowed', 'The host is already the host.');
    const role = cmd.cohost ? 'cohost' : 'audience';
    if (target.role !== role) {
      this.d.putMember({ ...target, role });
      this.d.emit({ type: 'role-changed', userId: target.id, role });
    }
    return ok({ userId: target.id, role });
  }

  requestSeat(cmd: CommandOf<'request-seat'>, me: Member): Result {
    const existing = this.d.request(cmd.requestId);
    if (existing) {
      if (existing.userId !== me.id) return fail('id-conflict', 'That request id belongs to someone else; make a new id.', { requestId: cmd.requestId });
      return ok({ request: existing, duplicate: true });
    }
    if (me.role === 'host') return fail('not-allowed', 'The host does not need a seat request.');
    const outcome = this.recallRequest(cmd.requestId);
    if (outcome) {
      return fail('request-closed', `That request was already ${outcome}; make a new id to ask again.`, { requestId: cmd.requestId, status: outcome });
    }
    const seated = this.seatOf(me.id);
    if (seated >= 0) return fail('already-seated', `You are already on seat ${seated + 1}.`, { seat: seated });
    if (cmd.seat !== 'any') {
      const range = this.inRange(cmd.seat);
      if (range) return range;
      if (this.d.seat(cmd.seat).locked) return fail('seat-locked', `Seat ${cmd.seat + 1} is locked.`, { seat: cmd.seat });
    }
    if (cmd.media === 'audio+camera' && !this.cfg.allowCamera) {
      return fail('not-allowed', 'This room allows audio only.', { media: cmd.media });
    }
    const pending = this.pendingOf(me.id)[0]?.id;
    if (pending) return fail('request-pending', 'You already have a pending request.', { requestId: pending });
    if (this.d.queue.size >= this.cfg.maxPendingRequests) {
      return fail('queue-full', `The queue is full (${this.cfg.maxPendingRequests} waiting); try again later.`, { limit: this.cfg.maxPendingRequests });
    }
    const limited = this.charge(me.id, 'requests');
    if (limited) return limited;
    const timeoutMs = cmd.timeoutMs ?? this.cfg.requestTimeoutMs;
    const request: SeatRequest = {
      id: cmd.requestId,
      userId: me.id,
      seat: cmd.seat,
      media: cmd.media,
      status: 'pending',
      seq: ++this.seq,
      createdAt: this.now,
      deadline: this.now + timeoutMs,
      resolvedAt: null,
      handledBy: null,
      seatIndex: null,
      reason: null,
    };
    this.d.putRequest(request);
    this.d.emit({ type: 'request-created', requestId: request.id, userId: me.id });
    if (this.d.mode === 'free') {
      // Free mode: a request is granted at once when a seat is open (no approval needed).
      const seat = this.pickSeat(request);
      if (seat >= 0) this.sit(me.id, seat, { request: request.id, by: 'auto' });
    }
    const now = this.d.request(request.id)!;
    return ok({ request: now, position: now.status === 'pending' ? this.d.positionOf(now) : 0 });
  }

  /** A request id the room no longer shows: its remembered outcome, or unknown. */
  unknownRequest(requestId: string): Result<never> {
    const outcome = this.recallRequest(requestId);
    if (outcome) return fail('request-closed', `The request is already ${outcome}.`, { requestId, status: outcome });
    return fail('unknown-request', 'No such request.', { requestId });
  }
  unknownInvitation(invitationId: string): Result<never> {
    const outcome = this.recallInvitation(invitationId);
    if (outcome) return fail('invitation-closed', `The invitation is already ${outcome}.`, { invitationId, status: outcome });
    return fail('unknown-invitation', 'No such invitation.', { invitationId });
  }

  pickSeat(r: SeatRequest | Invitation): number {
    if (r.seat === 'any') return this.nearestFree(0, r.userId);
    return this.seatOpenFor(r.seat, r.userId) ? r.seat : this.nearestFree(r.seat, r.userId);
  }

  cancelRequest(cmd: CommandOf<'cancel-request'>, me: Member): Result {
    const r = this.d.request(cmd.requestId);
    if (!r) return this.unknownRequest(cmd.requestId);
    if (r.userId !== me.id) return fail('not-allowed', 'Only the requester can cancel a request.');
    if (r.status === 'cancelled') return ok({ request: r, duplicate: true });
    if (r.status !== 'pending') return fail('request-closed', `The request is already ${r.status}.`, { status: r.status });
    this.resolveRequest(r, 'cancelled', null);
    return ok({ request: this.d.request(r.id) });
  }

  acceptRequest(requestId: string, me: Member): Result {
    if (!isModerator(me)) return fail('not-allowed', 'Only the host or a cohost can accept requests.');
    const r = this.d.request(requestId);
    if (!r) return this.unknownRequest(requestId);
    if (r.status === 'accepted' && r.handledBy === me.id) return ok({ request: r, seat: r.seatIndex, duplicate: true });
    if (r.status !== 'pending') {
      return fail('request-closed', r.handledBy ? `Already ${r.status} by ${this.nameOf(r.handledBy)}.` : `The request is already ${r.status}.`, {
        status: r.status,
        handledBy: r.handledBy,
      });
    }
    const seat = this.pickSeat(r);
    if (seat < 0) return fail('no-free-seat', 'No seat is free; free or unlock one first.');
    this.sit(r.userId, seat, { request: r.id, by: me.id });
    return ok({ request: this.d.request(r.id), seat });
  }

  acceptAll(me: Member): Result {
    if (!isModerator(me)) return fail('not-allowed', 'Only the host or a cohost can accept requests.');
    const accepted: string[] = [];
    for (const r of this.pendingInOrder()) {
      const seat = this.pickSeat(r);
      if (seat < 0) break;
      this.sit(r.userId, seat, { request: r.id, by: me.id });
      accepted.push(r.id);
    }
    if (accepted.length === 0 && this.d.queue.size > 0) return fail('no-free-seat', 'No seat is free; free or unlock one first.');
    return ok({ accepted, remaining: this.d.queue.size });
  }

  rejectRequest(cmd: CommandOf<'reject-request'>, me: Member): Result {
    if (!isModerator(me)) return fail('not-allowed', 'Only the host or a cohost can reject requests.');
    const r = this.d.request(cmd.requestId);
    if (!r) return this.unknownRequest(cmd.requestId);
    if (r.status === 'rejected' && r.handledBy === me.id) return ok({ request: r, duplicate: true });
    if (r.status !== 'pending') {
      return fail('request-closed', r.handledBy ? `Already ${r.status} by ${this.nameOf(r.handledBy)}.` : `The request is already ${r.status}.`, {
        status: r.status,
        handledBy: r.handledBy,
      });
    }
    this.resolveRequest(r, 'rejected', me.id, { reason: cmd.reason ?? null });
    return ok({ request: this.d.request(r.id) });
  }

  invite(cmd: CommandOf<'invite'>, me: Member): Result {
    if (!isModerator(me)) return fail('not-allowed', 'Only the host or a cohost can invite.');
    const existing = this.d.invitation(cmd.invitationId);
    if (existing) {
      if (existing.userId !== cmd.userId || existing.from !== me.id) return fail('id-conflict', 'That invitation id is already used; make a new id.');
      return ok({ invitation: existing, duplicate: true });
    }
    const outcome = this.recallInvitation(cmd.invitationId);
    if (outcome) {
      return fail('invitation-closed', `That invitation was already ${outcome}; make a new id to invite again.`, { invitationId: cmd.invitationId, status: outcome });
    }
    const target = this.d.member(cmd.userId);
    if (!target || !target.connected) return fail('not-member', 'That user is not in the room.', { userId: cmd.userId });
    if (target.role === 'host') return fail('not-allowed', 'The host cannot be invited to a guest seat.');
    // Like every act on a cohost (move, kick, mute, remove): only the host invites a cohost.
    if (target.role === 'cohost' && me.role !== 'host') return fail('not-allowed', 'Only the host can invite a cohost to a seat.');
    const seated = this.seatOf(target.id);
    if (seated >= 0) return fail('already-seated', `${target.name} is already on seat ${seated + 1}.`, { seat: seated });
    if (this.d.pendingInvitationOf(target.id)) {
      return fail('invitation-pending', `${target.name} already has a pending invitation.`);
    }
    const deadline = this.now + (cmd.timeoutMs ?? this.cfg.invitationTimeoutMs);
    if (cmd.seat !== 'any') {
      const range = this.inRange(cmd.seat);
      if (range) return range;
      if (!this.seatOpenFor(cmd.seat, target.id)) return this.seatRefusal(cmd.seat, target.id);
      this.writeSeat(cmd.seat, { reservedFor: target.id, deadline });
    }
    const inv: Invitation = {
      id: cmd.invitationId,
      userId: target.id,
      from: me.id,
      seat: cmd.seat,
      status: 'pending',
      createdAt: this.now,
      deadline,
      resolvedAt: null,
      seatIndex: null,
    };
    this.d.putInvitation(inv);
    this.d.emit({ type: 'invitation-created', invitationId: inv.id, userId: target.id });
    return ok({ invitation: inv });
  }

  respondInvitation(cmd: CommandOf<'respond-invitation'>, me: Member): Result {
    const inv = this.d.invitation(cmd.invitationId);
    if (!inv) return this.unknownInvitation(cmd.invitationId);
    if (inv.userId !== me.id) return fail('not-allowed', 'This invitation is for someone else.');
    const wanted = cmd.accept ? 'accepted' : 'declined';
    if (inv.status === wanted) return ok({ invitation: inv, duplicate: true });
    if (inv.status !== 'pending') return fail('invitation-closed', `The invitation is already ${inv.status}.`, { status: inv.status });
    if (!cmd.accept) {
      this.resolveInvitation(inv, 'declined', null);
      return ok({ invitation: this.d.invitation(inv.id) });
    }
    const seated = this.seatOf(me.id);
    if (seated >= 0) return fail('already-seated', `You are already on seat ${seated + 1}.`, { seat: seated });
    const seat = this.pickSeat(inv);
    if (seat < 0) return fail('no-free-seat', 'No seat is free any more.');
    this.sit(me.id, seat, { invitation: inv.id });
    return ok({ invitation: this.d.invitation(inv.id), seat });
  }

  removeMember(cmd: CommandOf<'remove-member'>, me: Member): Result {
    const refused = this.mayModerate(me, cmd.userId);
    if (refused) return refused;
    if (!this.d.member(cmd.userId)) return fail('not-member', 'That user is not in the room.', { userId: cmd.userId });
    this.dropMember(cmd.userId, 'removed');
    return ok({ userId: cmd.userId });
  }

  setMic(cmd: CommandOf<'set-mic'>, me: Member): Result {
    const seat = this.seatOf(me.id);
    // A moderator's mute is the person's, wherever they sit, until a moderator lifts it.
    if (cmd.mic === 'on' && (this.isMuted(me.id) || (seat >= 0 && this.d.seat(seat).muted))) {
      return fail('seat-muted', 'A moderator muted you; you can unmute when they lift it.', { seat: seat >= 0 ? seat : null });
    }
    if (cmd.camera && !this.cfg.allowCamera) return fail('not-allowed', 'This room allows audio only.');
    const camera = cmd.camera ?? me.camera;
    if (me.mic !== cmd.mic || me.camera !== camera) {
      this.d.putMember({ ...me, mic: cmd.mic, camera });
      if (me.mic !== cmd.mic) this.d.emit({ type: 'mic-changed', userId: me.id, mic: cmd.mic });
    }
    return ok({ mic: cmd.mic, camera });
  }

  nameOf(id: string): string {
    return this.d.member(id)?.name ?? id;
  }
}

const rateEnd = (w: RateWindow, windowMs: number): Due => ({ t: w.start + windowMs, kind: DueKind.RequestDeadline, n: 0, id: w.userId });

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
