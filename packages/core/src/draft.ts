/**
 * Copy-on-write view of a room used inside one authority step. The input state is never
 * mutated; unchanged parts of the result are shared with it, and what changed is known
 * exactly, which is also the delta sent to clients.
 */
import type { RoomEvent } from './events.js';
import type { Invitation, Member, RoomConfig, RoomMode, RoomState, Seat, SeatRequest } from './schema.js';

export interface Patch {
  mode?: RoomMode;
  ended?: boolean;
  hostId?: string | null;
  config?: RoomConfig;
  seats?: Seat[];
  members?: Member[];
  membersRemoved?: string[];
  requests?: SeatRequest[];
  requestsRemoved?: string[];
  invitations?: Invitation[];
  invitationsRemoved?: string[];
}

type Rec<T> = Record<string, T>;

/**
 * Copy-on-write view of one record (members, requests or invitations). Writes are kept
 * aside and the new record is built once, by copying keys into a fresh object: spreading an
 * object and then deleting from it leaves V8 with a slow dictionary-mode object.
 */
class RecordDraft<T> {
  // Created on the first write: most steps write nothing here.
  private changes: Map<string, T | undefined> | null = null;
  private built: Rec<T> | null = null;
  constructor(private readonly base: Rec<T>) {}

  get(id: string): T | undefined {
    if (this.changes?.has(id)) return this.changes.get(id);
    return Object.hasOwn(this.base, id) ? this.base[id] : undefined;
  }
  put(id: string, value: T): void {
    (this.changes ??= new Map()).set(id, value);
    this.built = null;
  }
  delete(id: string): void {
    (this.changes ??= new Map()).set(id, undefined);
    this.built = null;
  }
  get touched(): string[] {
    return this.changes ? [...this.changes.keys()] : [];
  }
  get size(): number {
    return this.changes?.size ?? 0;
  }
  /** The record as it stands now (the base itself while nothing was written). */
  record(): Rec<T> {
    const changes = this.changes;
    if (!changes || changes.size === 0) return this.base;
    if (this.built) return this.built;
    const out: Rec<T> = Object.create(null); // keyed by user input: no prototype to reach
    for (const k in this.base) {
      if (!changes.has(k)) out[k] = this.base[k]!;
    }
    for (const [k, v] of changes) if (v !== undefined) out[k] = v;
    return (this.built = out);
  }
}

/** Copy-on-write view of a list of records by id; arrays copy far faster than keyed objects. */
class ListDraft<T extends { id: string }> {
  private readonly changes = new Map<string, T | undefined>();
  private readonly added: string[] = [];
  private built: T[] | null = null;
  constructor(private readonly base: readonly T[]) {}

  private inBase(id: string): T | undefined {
    for (const x of this.base) if (x.id === id) return x;
    return undefined;
  }
  get(id: string): T | undefined {
    if (this.changes.has(id)) return this.changes.get(id);
    return this.inBase(id);
  }
  put(id: string, value: T): void {
    if (!this.changes.has(id) && !this.inBase(id)) this.added.push(id);
    this.changes.set(id, value);
    this.built = null;
  }
  delete(id: string): void {
    const at = this.added.indexOf(id);
    if (at >= 0) {
      this.added.splice(at, 1);
      this.changes.delete(id);
    } else this.changes.set(id, undefined);
    this.built = null;
  }
  get touched(): string[] {
    return [...this.changes.keys()];
  }
  get size(): number {
    return this.changes.size;
  }
  list(): readonly T[] {
    if (this.changes.size === 0) return this.base;
    if (this.built) return this.built;
    const out: T[] = [];
    for (const x of this.base) {
      if (!this.changes.has(x.id)) out.push(x);
      else {
        const v = this.changes.get(x.id);
        if (v !== undefined) out.push(v);
      }
    }
    for (const id of this.added) out.push(this.changes.get(id)!);
    return (this.built = out);
  }
}

/**
 * The authority's working copy of a room: the public RoomState, except that requests are a
 * list (in creation order). `materialize` turns it into the public shape when someone asks.
 */
export type RoomCore = Omit<RoomState, 'requests'> & { readonly requests: readonly SeatRequest[] };

export function materialize(core: RoomCore): RoomState {
  const requests: Rec<SeatRequest> = Object.create(null);
  for (const r of core.requests) requests[r.id] = r;
  return { ...core, requests };
}

/** The working copy of a public room; its records are copied into null-prototype records keyed by id. */
export function coreOf(room: RoomState): RoomCore {
  return { ...room, members: byId(Object.values(room.members)), requests: Object.values(room.requests), invitations: byId(Object.values(room.invitations)) };
}

function byId<T extends { id: string }>(items: readonly T[]): Rec<T> {
  const out: Rec<T> = Object.create(null);
  for (const x of items) out[x.id] = x;
  return out;
}

export class Draft {
  readonly base: RoomCore;
  readonly events: RoomEvent[] = [];
  mode: RoomMode;
  ended: boolean;
  hostId: string | null;
  private seats: Seat[] | null = null;
  private readonly touchedSeats: number[] = [];
  private readonly members: RecordDraft<Member>;
  private readonly requests: ListDraft<SeatRequest>;
  private readonly invitations: RecordDraft<Invitation>;

  constructor(base: RoomCore) {
    this.base = base;
    this.mode = base.mode;
    this.ended = base.ended;
    this.hostId = base.hostId;
    this.members = new RecordDraft(base.members);
    this.requests = new ListDraft(base.requests);
    this.invitations = new RecordDraft(base.invitations);
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
  allMembers(): Rec<Member> {
    return this.members.record();
  }
  request(id: string): SeatRequest | undefined {
    return this.requests.get(id);
  }
  allRequests(): readonly SeatRequest[] {
    return this.requests.list();
  }
  invitation(id: string): Invitation | undefined {
    return this.invitations.get(id);
  }
  allInvitations(): Rec<Invitation> {
    return this.invitations.record();
  }

  // ---- writes
  putSeat(seat: Seat): void {
    this.seats ??= this.base.seats.slice();
    this.seats[seat.index] = seat;
    this.touchedSeats.push(seat.index);
  }
  putMember(m: Member): void {
    this.members.put(m.id, m);
  }
  deleteMember(id: string): void {
    this.members.delete(id);
  }
  putRequest(r: SeatRequest): void {
    this.requests.put(r.id, r);
  }
  deleteRequest(id: string): void {
    this.requests.delete(id);
  }
  putInvitation(i: Invitation): void {
    this.invitations.put(i.id, i);
  }
  deleteInvitation(id: string): void {
    this.invitations.delete(id);
  }
  emit(e: RoomEvent): void {
    this.events.push(e);
  }

  get changed(): boolean {
    return (
      this.events.length > 0 ||
      this.mode !== this.base.mode ||
      this.ended !== this.base.ended ||
      this.hostId !== this.base.hostId ||
      this.touchedSeats.length + this.members.size + this.requests.size + this.invitations.size > 0
    );
  }

  /** The new state (version bumped) and the patch from the base to it; or the base when nothing changed. */
  finish(now: number): { room: RoomCore; patch: Patch | null } {
    if (!this.changed) return { room: this.base, patch: null };
    // Spelled out (not spread): one object shape for every step keeps V8 on its fast path.
    const room: RoomCore = {
      roomId: this.base.roomId,
      version: this.base.version + 1,
      clock: Math.max(this.base.clock, now),
      mode: this.mode,
      ended: this.ended,
      hostId: this.hostId,
      config: this.base.config,
      seats: this.seats ?? this.base.seats,
      members: this.members.record(),
      requests: this.requests.list(),
      invitations: this.invitations.record(),
    };
    const patch: Patch = {};
    if (room.mode !== this.base.mode) patch.mode = room.mode;
    if (room.ended !== this.base.ended) patch.ended = room.ended;
    if (room.hostId !== this.base.hostId) patch.hostId = room.hostId;
    const ts = this.touchedSeats;
    if (ts.length === 1) patch.seats = [room.seats[ts[0]!]!];
    else if (ts.length) patch.seats = [...new Set(ts)].sort((a, b) => a - b).map((i) => room.seats[i]!);
    if (this.members.size) split(this.members.touched, room.members, (set, del) => {
      if (set.length) patch.members = set;
      if (del.length) patch.membersRemoved = del;
    });
    if (this.requests.size) {
      const set: SeatRequest[] = [];
      const del: string[] = [];
      for (const id of this.requests.touched) {
        const r = this.requests.get(id);
        if (r) set.push(r);
        else del.push(id);
      }
      if (set.length) patch.requests = set;
      if (del.length) patch.requestsRemoved = del;
    }
    if (this.invitations.size) split(this.invitations.touched, room.invitations, (set, del) => {
      if (set.length) patch.invitations = set;
      if (del.length) patch.invitationsRemoved = del;
    });
    return { room, patch };
  }
}

function split<T>(ids: string[], rec: Rec<T>, out: (set: T[], del: string[]) => void): void {
  const set: T[] = [];
  const del: string[] = [];
  for (const id of ids) {
    if (Object.hasOwn(rec, id)) set.push(rec[id]!);
    else del.push(id);
  }
  out(set, del);
}

/** Applies a patch made by `Draft.finish` to a client's copy of the room (the copy at `version - 1`). */
export function applyPatch(room: RoomState, patch: Patch, version: number, clock: number): RoomState {
  const next: RoomState = { ...room, version, clock };
  if (patch.mode !== undefined) next.mode = patch.mode;
  if (patch.ended !== undefined) next.ended = patch.ended;
  if (patch.hostId !== undefined) next.hostId = patch.hostId;
  if (patch.config !== undefined) next.config = patch.config;
  if (patch.seats) {
    next.seats = room.seats.slice();
    for (const s of patch.seats) next.seats[s.index] = s;
  }
  next.members = merge(room.members, patch.members, patch.membersRemoved);
  next.requests = merge(room.requests, patch.requests, patch.requestsRemoved);
  next.invitations = merge(room.invitations, patch.invitations, patch.invitationsRemoved);
  return next;
}

function merge<T extends { id: string }>(rec: Rec<T>, set?: T[], del?: string[]): Rec<T> {
  if (!set?.length && !del?.length) return rec;
  const gone = del?.length ? new Set(del) : null;
  const out: Rec<T> = Object.create(null); // keyed by user input: no prototype to reach
  for (const k in rec) if (!gone?.has(k)) out[k] = rec[k]!;
  for (const x of set ?? []) out[x.id] = x;
  return out;
}
