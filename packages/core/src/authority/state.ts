/**
 * The authority's state: the room (as persistent trees, see draft.ts), what it remembers beyond
 * the room (resolved ids, mutes), rate windows; how a room is created, saved and restored.
 */
import * as v from 'valibot';
import { coreOf, emptyCore, materialize, type Due, type RoomCore } from '../draft.js';
import type { Patch } from '../patch.js';
import { compareDue } from '../draft.js';
import { fail, ok, type Result } from '../errors.js';
import type { RoomEvent } from '../events.js';
import { DEFAULT_CONFIG, LIMITS } from '../limits.js';
import { compareStrings, PTree } from '../ptree.js';
import { stageOf, type SelfView, type StageChange } from '../stage.js';
import {
  RoomConfigSchema,
  type AuthorityMemory,
  type Invitation,
  type Member,
  type MemberRole,
  type RoomConfig,
  type RoomState,
  type Seat,
  type SeatRequest,
} from '../schema.js';

/** Who sent a command, as stamped by the transport (never by the client's own claim). */
export interface Caller {
  readonly id: string;
  /** The role the transport vouches for (token grant, room owner). `system` is the authority's own clock and presence. */
  readonly role: MemberRole | 'system';
}
export const SYSTEM_CALLER: Caller = { id: 'system', role: 'system' };

export interface RateWindow {
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
  /** The stage every client holds (built on first read, O(stage), cached per state). */
  readonly stage: RoomState;
  /** A viewer's own part: their member record and their requests. O(log n). */
  selfOf(viewer: string): SelfView;
  /** True when the live counts may differ from the published ones (a `publish-counts` is due). */
  readonly countsStale: boolean;
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
export const NO_RATES: Rates = { byUser: PTree.empty(compareStrings), ends: PTree.empty(compareDue) };

export interface StepOutcome {
  readonly state: AuthorityState;
  readonly events: readonly RoomEvent[];
  readonly result: Result;
  /** What changed, for deltas; null when nothing did. */
  readonly patch: Patch | null;
  /** The same change seen from the clients: the stage's delta and who had their own part changed. */
  readonly stage: StageChange;
}

export type RoomConfigInput = Partial<RoomConfig>;

/** A new, empty room. Throws a TypeError on an invalid config (programmer error); check user input with `validateConfig`. */
export function createAuthority(roomId: string, config: RoomConfigInput = {}, now = 0): AuthorityState {
  const checked = validateConfig(config);
  if (!checked.ok) throw new TypeError(checked.error.message);
  const cfg = checked.value;
  if (!clockOk(now))
    throw new TypeError(`The authority clock must be a number of ms between 0 and ${LIMITS.maxClockMs}.`);
  const seats: Seat[] = Array.from({ length: cfg.seatCount }, (_, index) => emptySeat(index));
  return makeState({
    core: emptyCore(roomId, cfg, now, seats),
    seq: 0,
    shown: [],
    remembered: EMPTY_LEDGER as Ledger<RequestOutcome>,
    invitationsRemembered: EMPTY_LEDGER as Ledger<InvitationOutcome>,
    muted: NOBODY,
    rates: NO_RATES,
    countsStale: false,
  });
}

type StateFields = Omit<
  AuthorityState,
  'room' | 'stage' | 'selfOf' | 'version' | 'clock' | 'queue' | 'member' | 'nextDeadline'
>;

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
export const EMPTY_LEDGER: Ledger<string> = { recent: [], older: new Map<string, string>(), olderOrder: [] };
const RECENT_FOLD = 64;
export const NOBODY: ReadonlySet<string> = new Set();

export function remember<S extends string>(r: Ledger<S>, id: string, outcome: S, max: number): Ledger<S> {
  if (r.recent.length < RECENT_FOLD) return { ...r, recent: [...r.recent, [id, outcome]] };
  // Fold: amortised, once per RECENT_FOLD resolutions.
  return ledgerOf([...r.olderOrder, ...r.recent, [id, outcome]], max);
}
export function ledgerOf<S extends string>(entries: readonly (readonly [string, S])[], max: number): Ledger<S> {
  const olderOrder = entries.slice(-max);
  return { recent: [], older: new Map(olderOrder), olderOrder };
}
export function recall<S extends string>(r: Ledger<S>, id: string): S | undefined {
  for (let i = r.recent.length - 1; i >= 0; i--) if (r.recent[i]![0] === id) return r.recent[i]![1];
  return r.older.get(id);
}
export const ledgerEntries = <S extends string>(r: Ledger<S>, max: number): [string, S][] =>
  [...r.olderOrder, ...r.recent].slice(-max).map(([id, s]) => [id, s]);

export const clockOk = (now: number) =>
  typeof now === 'number' && Number.isFinite(now) && now >= 0 && now <= LIMITS.maxClockMs;

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
  readonly countsStale: boolean;
  readonly nextDeadline: number;
  private cached: RoomState | undefined;
  private cachedStage: RoomState | undefined;
  constructor(fields: StateFields, previous?: AuthorityState) {
    this.core = fields.core;
    this.seq = fields.seq;
    this.shown = fields.shown;
    this.remembered = fields.remembered;
    this.invitationsRemembered = fields.invitationsRemembered;
    this.muted = fields.muted;
    this.rates = fields.rates;
    this.countsStale = fields.countsStale;
    this.nextDeadline = Math.min(
      this.core.deadlines.first()?.[0].t ?? Infinity,
      fields.rates.ends.first()?.[0].t ?? Infinity,
    );
    if (previous && previous.core === fields.core) {
      this.cached = (previous as AuthorityStateImpl).cached;
      this.cachedStage = (previous as AuthorityStateImpl).cachedStage;
    } else if (previous && previous.core.stageVersion === fields.core.stageVersion) {
      // The stage did not change in this step (its content depends only on its version): share it.
      this.cachedStage = (previous as AuthorityStateImpl).cachedStage;
    }
  }
  get room(): RoomState {
    return (this.cached ??= materialize(this.core));
  }
  get stage(): RoomState {
    return (this.cachedStage ??= stageOf(this.core));
  }
  selfOf(viewer: string): SelfView {
    const member = this.core.members.get(viewer) ?? null;
    const requests: SeatRequest[] = [];
    for (const id of this.shown) {
      const r = this.core.requests.get(id);
      if (r?.userId === viewer) requests.push(r);
    }
    const pending = this.core.requestOf.get(viewer);
    if (pending !== undefined) requests.push(this.core.requests.get(pending)!);
    return { member, requests };
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

export function makeState(fields: StateFields, previous?: AuthorityState): AuthorityState {
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
    countsStale: true,
  });
}

const emptySeat = (index: number): Seat => ({
  index,
  status: 'empty',
  userId: null,
  locked: false,
  muted: false,
  reservedFor: null,
  deadline: null,
});
