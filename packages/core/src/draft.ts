/**
 * The authority's working room and the copy-on-write view of it used inside one step. The
 * input state is never mutated: collections are persistent trees (ptree.ts), so a write costs
 * O(log n) and shares everything else with the old state, whatever the number of members or
 * requests. What changed is known exactly, which is also the delta sent to clients.
 *
 * Next to the collections the room carries indexes, kept up to date by every write here (and
 * nowhere else): the FIFO queue of pending requests by sequence number (with ranks, so a
 * position is O(log n)), each user's pending request and pending invitation, and every
 * deadline in time order (so a sweep touches only what is due).
 */
import type { RoomEvent } from './events.js';
import { compareNumbers, compareStrings, PTree } from './ptree.js';
import type { Patch } from './patch.js';
import type { Invitation, Member, RoomConfig, RoomCounts, RoomMode, RoomState, Seat, SeatRequest } from './schema.js';

/** A member's place in the order of joining: join time, then id (a total order, stable while they stay). */
export interface JoinKey {
  readonly t: number;
  readonly id: string;
}
export const compareJoin = (a: JoinKey, b: JoinKey): number => a.t - b.t || compareStrings(a.id, b.id);
export const NO_COUNTS: RoomCounts = Object.freeze({ members: 0, audience: 0, queue: 0 }) as RoomCounts;

type Rec<T> = Record<string, T>;

/** Something due at time `t`: a deadline, the end of a grace, or the end of a resolved item's history. */
export interface Due {
  readonly t: number;
  readonly kind: DueKind;
  /** Tie-break within one kind and time: the request's FIFO number (0 otherwise). */
  readonly n: number;
  readonly id: string;
}
/** In the order a sweep handles things due at the same time. */
export const DueKind = {
  RequestDeadline: 0,
  InvitationDeadline: 1,
  MemberGrace: 2,
  RequestHistory: 3,
  InvitationHistory: 4,
} as const;
export type DueKind = (typeof DueKind)[keyof typeof DueKind];
export const compareDue = (a: Due, b: Due): number =>
  a.t - b.t || a.kind - b.kind || a.n - b.n || compareStrings(a.id, b.id);

/** The authority's working copy of a room (the public RoomState is built from it on demand). */
export interface RoomCore {
  readonly roomId: string;
  readonly version: number;
  readonly clock: number;
  readonly mode: RoomMode;
  readonly ended: boolean;
  readonly hostId: string | null;
  readonly config: RoomConfig;
  readonly seats: readonly Seat[];
  readonly members: PTree<string, Member>;
  readonly requests: PTree<string, SeatRequest>;
  readonly invitations: PTree<string, Invitation>;
  /** The counts as last published (see `publish-counts`); the live ones are `liveCounts(core)`. */
  readonly counts: RoomCounts;
  /** The version and clock at which the stage last changed: the stage's own version and clock (see stage.ts). */
  readonly stageVersion: number;
  readonly stageClock: number;
  // ---- indexes (derived from the collections above)
  /** Pending request ids by FIFO number. */
  readonly queue: PTree<number, string>;
  /** A user's pending request id (one at most, by the rules). */
  readonly requestOf: PTree<string, string>;
  /** A user's pending invitation id (one at most, by the rules). */
  readonly invitationOf: PTree<string, string>;
  readonly deadlines: PTree<Due, null>;
  /** Every member in order of joining (the audience is read in pages along it). */
  readonly byJoin: PTree<JoinKey, null>;
  /** Members with the cohost role. */
  readonly cohosts: PTree<string, null>;
}

const keepMs = (config: RoomConfig) => Math.max(1, config.historyMs);

/** The public room, built from the working copy (records keyed by id, without prototype). */
export function materialize(core: RoomCore): RoomState {
  return {
    roomId: core.roomId,
    version: core.version,
    clock: core.clock,
    mode: core.mode,
    ended: core.ended,
    hostId: core.hostId,
    config: core.config,
    seats: core.seats as Seat[],
    members: record(core.members),
    requests: record(core.requests),
    invitations: record(core.invitations),
    counts: core.counts,
  };
}

function record<T>(tree: PTree<string, T>): Rec<T> {
  const out: Rec<T> = Object.create(null); // keyed by user input: no prototype to reach
  for (const [k, v] of tree.entries()) out[k] = v;
  return out;
}

/** The working copy of a public room (e.g. a host's saved snapshot), with its indexes built. */
export function coreOf(room: RoomState): RoomCore {
  const empty = emptyCore(room.roomId, room.config, room.clock);
  const d = new Draft({
    ...empty,
    version: room.version,
    mode: room.mode,
    ended: room.ended,
    hostId: room.hostId,
    seats: room.seats,
    counts: room.counts,
    stageVersion: room.version,
    stageClock: room.clock,
  });
  for (const m of Object.values(room.members)) d.putMember(m);
  for (const r of Object.values(room.requests)) d.putRequest(r);
  for (const i of Object.values(room.invitations)) d.putInvitation(i);
  return d.snapshot();
}

export function emptyCore(roomId: string, config: RoomConfig, clock: number, seats: readonly Seat[] = []): RoomCore {
  return {
    roomId,
    version: 0,
    clock,
    mode: 'request',
    ended: false,
    hostId: null,
    config,
    seats,
    members: PTree.empty(compareStrings),
    requests: PTree.empty(compareStrings),
    invitations: PTree.empty(compareStrings),
    counts: NO_COUNTS,
    stageVersion: 0,
    stageClock: clock,
    queue: PTree.empty(compareNumbers),
    requestOf: PTree.empty(compareStrings),
    invitationOf: PTree.empty(compareStrings),
    deadlines: PTree.empty(compareDue),
    byJoin: PTree.empty(compareJoin),
    cohosts: PTree.empty(compareStrings),
  };
}

export class Draft {
  readonly base: RoomCore;
  readonly events: RoomEvent[] = [];
  mode: RoomMode;
  ended: boolean;
  hostId: string | null;
  private seats: Seat[] | null = null;
  private readonly touchedSeats: number[] = [];
  members: PTree<string, Member>;
  requests: PTree<string, SeatRequest>;
  invitations: PTree<string, Invitation>;
  queue: PTree<number, string>;
  requestOf: PTree<string, string>;
  invitationOf: PTree<string, string>;
  deadlines: PTree<Due, null>;
  byJoin: PTree<JoinKey, null>;
  cohosts: PTree<string, null>;
  counts: RoomCounts;
  // Ids written in this step, in order (a Set keeps insertion order), for the patch.
  private readonly touchedMembers = new Set<string>();
  private readonly touchedRequests = new Set<string>();
  private readonly touchedInvitations = new Set<string>();

  constructor(base: RoomCore) {
    this.base = base;
    this.mode = base.mode;
    this.ended = base.ended;
    this.hostId = base.hostId;
    this.members = base.members;
    this.requests = base.requests;
    this.invitations = base.invitations;
    this.queue = base.queue;
    this.requestOf = base.requestOf;
    this.invitationOf = base.invitationOf;
    this.deadlines = base.deadlines;
    this.byJoin = base.byJoin;
    this.cohosts = base.cohosts;
    this.counts = base.counts;
  }

  get config(): RoomConfig {
    return this.base.config;
  }

  // ---- reads
  seat(i: number): Seat {
    return (this.seats ?? this.base.seats)[i]!;
  }
  allSeats(): readonly Seat[] {
    return this.seats ?? this.base.seats;
  }
  member(id: string): Member | undefined {
    return this.members.get(id);
  }
  request(id: string): SeatRequest | undefined {
    return this.requests.get(id);
  }
  invitation(id: string): Invitation | undefined {
    return this.invitations.get(id);
  }
  /** A user's pending request, if any. */
  pendingRequestOf(userId: string): SeatRequest | undefined {
    const id = this.requestOf.get(userId);
    return id === undefined ? undefined : this.requests.get(id);
  }
  /** A user's pending invitation, if any. */
  pendingInvitationOf(userId: string): Invitation | undefined {
    const id = this.invitationOf.get(userId);
    return id === undefined ? undefined : this.invitations.get(id);
  }
  /** Pending requests, first come first served. */
  *pendingInOrder(): IterableIterator<SeatRequest> {
    for (const id of this.queue.values()) yield this.requests.get(id)!;
  }
  /** 1-based place of a pending request in the queue. */
  positionOf(r: SeatRequest): number {
    return this.queue.rank(r.seq) + 1;
  }
  *pendingInvitations(): IterableIterator<Invitation> {
    for (const id of this.invitationOf.values()) yield this.invitations.get(id)!;
  }

  // ---- writes (each keeps the indexes)
  putSeat(seat: Seat): void {
    this.seats ??= this.base.seats.slice();
    this.seats[seat.index] = seat;
    this.touchedSeats.push(seat.index);
  }
  putMember(m: Member): void {
    const old = this.members.get(m.id);
    if (old?.graceUntil != null)
      this.deadlines = this.deadlines.delete(due(old.graceUntil, DueKind.MemberGrace, 0, old.id));
    if (m.graceUntil !== null)
      this.deadlines = this.deadlines.set(due(m.graceUntil, DueKind.MemberGrace, 0, m.id), null);
    if (old?.joinedAt !== m.joinedAt) {
      if (old) this.byJoin = this.byJoin.delete({ t: old.joinedAt, id: old.id });
      this.byJoin = this.byJoin.set({ t: m.joinedAt, id: m.id }, null);
    }
    if (m.role === 'cohost') this.cohosts = this.cohosts.set(m.id, null);
    else if (old?.role === 'cohost') this.cohosts = this.cohosts.delete(m.id);
    this.members = this.members.set(m.id, m);
    this.touchedMembers.add(m.id);
  }
  deleteMember(id: string): void {
    const old = this.members.get(id);
    if (!old) return;
    if (old.graceUntil !== null)
      this.deadlines = this.deadlines.delete(due(old.graceUntil, DueKind.MemberGrace, 0, id));
    this.byJoin = this.byJoin.delete({ t: old.joinedAt, id });
    if (old.role === 'cohost') this.cohosts = this.cohosts.delete(id);
    this.members = this.members.delete(id);
    this.touchedMembers.add(id);
  }
  putRequest(r: SeatRequest): void {
    this.unindexRequest(this.requests.get(r.id));
    if (r.status === 'pending') {
      this.queue = this.queue.set(r.seq, r.id);
      this.requestOf = this.requestOf.set(r.userId, r.id);
      this.deadlines = this.deadlines.set(due(r.deadline, DueKind.RequestDeadline, r.seq, r.id), null);
    } else if (r.resolvedAt !== null) {
      this.deadlines = this.deadlines.set(
        due(r.resolvedAt + keepMs(this.config), DueKind.RequestHistory, r.seq, r.id),
        null,
      );
    }
    this.requests = this.requests.set(r.id, r);
    this.touchedRequests.add(r.id);
  }
  deleteRequest(id: string): void {
    const old = this.requests.get(id);
    if (!old) return;
    this.unindexRequest(old);
    this.requests = this.requests.delete(id);
    this.touchedRequests.add(id);
  }
  private unindexRequest(old: SeatRequest | undefined): void {
    if (!old) return;
    if (old.status === 'pending') {
      this.queue = this.queue.delete(old.seq);
      if (this.requestOf.get(old.userId) === old.id) this.requestOf = this.requestOf.delete(old.userId);
      this.deadlines = this.deadlines.delete(due(old.deadline, DueKind.RequestDeadline, old.seq, old.id));
    } else if (old.resolvedAt !== null) {
      this.deadlines = this.deadlines.delete(
        due(old.resolvedAt + keepMs(this.config), DueKind.RequestHistory, old.seq, old.id),
      );
    }
  }
  putInvitation(i: Invitation): void {
    this.unindexInvitation(this.invitations.get(i.id));
    if (i.status === 'pending') {
      this.invitationOf = this.invitationOf.set(i.userId, i.id);
      this.deadlines = this.deadlines.set(due(i.deadline, DueKind.InvitationDeadline, 0, i.id), null);
    } else if (i.resolvedAt !== null) {
      this.deadlines = this.deadlines.set(
        due(i.resolvedAt + keepMs(this.config), DueKind.InvitationHistory, 0, i.id),
        null,
      );
    }
    this.invitations = this.invitations.set(i.id, i);
    this.touchedInvitations.add(i.id);
  }
  deleteInvitation(id: string): void {
    const old = this.invitations.get(id);
    if (!old) return;
    this.unindexInvitation(old);
    this.invitations = this.invitations.delete(id);
    this.touchedInvitations.add(id);
  }
  private unindexInvitation(old: Invitation | undefined): void {
    if (!old) return;
    if (old.status === 'pending') {
      if (this.invitationOf.get(old.userId) === old.id) this.invitationOf = this.invitationOf.delete(old.userId);
      this.deadlines = this.deadlines.delete(due(old.deadline, DueKind.InvitationDeadline, 0, old.id));
    } else if (old.resolvedAt !== null) {
      this.deadlines = this.deadlines.delete(
        due(old.resolvedAt + keepMs(this.config), DueKind.InvitationHistory, 0, old.id),
      );
    }
  }
  emit(e: RoomEvent): void {
    this.events.push(e);
  }

  /** The earliest time anything is due (Infinity when nothing is). */
  get nextDue(): number {
    return this.deadlines.first()?.[0].t ?? Infinity;
  }
  /** Everything due by `now`, in the order a sweep handles it (a list: handling it writes the tree). */
  dueBy(now: number): Due[] {
    const out: Due[] = [];
    for (const [d] of this.deadlines.entries()) {
      if (d.t > now) break;
      out.push(d);
    }
    return out;
  }

  get changed(): boolean {
    return (
      this.events.length > 0 ||
      this.mode !== this.base.mode ||
      this.ended !== this.base.ended ||
      this.hostId !== this.base.hostId ||
      this.counts !== this.base.counts ||
      this.touchedSeats.length + this.touchedMembers.size + this.touchedRequests.size + this.touchedInvitations.size > 0
    );
  }

  /** The working copy as it stands, at the base's version (for building a core, e.g. `coreOf`). */
  snapshot(): RoomCore {
    return {
      roomId: this.base.roomId,
      version: this.base.version,
      clock: this.base.clock,
      mode: this.mode,
      ended: this.ended,
      hostId: this.hostId,
      config: this.base.config,
      seats: this.seats ?? this.base.seats,
      members: this.members,
      requests: this.requests,
      invitations: this.invitations,
      counts: this.counts,
      stageVersion: this.base.stageVersion,
      stageClock: this.base.stageClock,
      queue: this.queue,
      requestOf: this.requestOf,
      invitationOf: this.invitationOf,
      deadlines: this.deadlines,
      byJoin: this.byJoin,
      cohosts: this.cohosts,
    };
  }

  /** The new state (version bumped) and the patch from the base to it; or the base when nothing changed. */
  finish(now: number): { room: RoomCore; patch: Patch | null } {
    if (!this.changed) return { room: this.base, patch: null };
    const room: RoomCore = {
      ...this.snapshot(),
      version: this.base.version + 1,
      clock: Math.max(this.base.clock, now),
    };
    const patch: Patch = {};
    if (room.mode !== this.base.mode) patch.mode = room.mode;
    if (room.ended !== this.base.ended) patch.ended = room.ended;
    if (room.hostId !== this.base.hostId) patch.hostId = room.hostId;
    if (room.counts !== this.base.counts) patch.counts = room.counts;
    const ts = this.touchedSeats;
    if (ts.length === 1) patch.seats = [room.seats[ts[0]!]!];
    else if (ts.length) patch.seats = [...new Set(ts)].sort((a, b) => a - b).map((i) => room.seats[i]!);
    split(this.touchedMembers, room.members, (set, del) => {
      if (set.length) patch.members = set;
      if (del.length) patch.membersRemoved = del;
    });
    split(this.touchedRequests, room.requests, (set, del) => {
      if (set.length) patch.requests = set;
      if (del.length) patch.requestsRemoved = del;
    });
    split(this.touchedInvitations, room.invitations, (set, del) => {
      if (set.length) patch.invitations = set;
      if (del.length) patch.invitationsRemoved = del;
    });
    return { room, patch };
  }
}

const due = (t: number, kind: DueKind, n: number, id: string): Due => ({ t, kind, n, id });

function split<T>(ids: Set<string>, tree: PTree<string, T>, out: (set: T[], del: string[]) => void): void {
  if (ids.size === 0) return;
  const set: T[] = [];
  const del: string[] = [];
  for (const id of ids) {
    const v = tree.get(id);
    if (v !== undefined) set.push(v);
    else del.push(id);
  }
  out(set, del);
}
