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

export class Draft {
  readonly base: RoomState;
  readonly events: RoomEvent[] = [];
  mode: RoomMode;
  ended: boolean;
  hostId: string | null;
  private seats: Seat[] | null = null;
  private members: Rec<Member> | null = null;
  private requests: Rec<SeatRequest> | null = null;
  private invitations: Rec<Invitation> | null = null;
  private readonly touchedSeats = new Set<number>();
  private readonly touchedMembers = new Set<string>();
  private readonly touchedRequests = new Set<string>();
  private readonly touchedInvitations = new Set<string>();

  constructor(base: RoomState) {
    this.base = base;
    this.mode = base.mode;
    this.ended = base.ended;
    this.hostId = base.hostId;
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
    const m = (this.members ?? this.base.members)[id];
    return m && Object.hasOwn(this.members ?? this.base.members, id) ? m : undefined;
  }
  allMembers(): Rec<Member> {
    return this.members ?? this.base.members;
  }
  request(id: string): SeatRequest | undefined {
    const r = this.requests ?? this.base.requests;
    return Object.hasOwn(r, id) ? r[id] : undefined;
  }
  allRequests(): Rec<SeatRequest> {
    return this.requests ?? this.base.requests;
  }
  invitation(id: string): Invitation | undefined {
    const r = this.invitations ?? this.base.invitations;
    return Object.hasOwn(r, id) ? r[id] : undefined;
  }
  allInvitations(): Rec<Invitation> {
    return this.invitations ?? this.base.invitations;
  }

  // ---- writes
  putSeat(seat: Seat): void {
    this.seats ??= this.base.seats.slice();
    this.seats[seat.index] = seat;
    this.touchedSeats.add(seat.index);
  }
  putMember(m: Member): void {
    this.members ??= { ...this.base.members };
    this.members[m.id] = m;
    this.touchedMembers.add(m.id);
  }
  deleteMember(id: string): void {
    this.members ??= { ...this.base.members };
    delete this.members[id];
    this.touchedMembers.add(id);
  }
  putRequest(r: SeatRequest): void {
    this.requests ??= { ...this.base.requests };
    this.requests[r.id] = r;
    this.touchedRequests.add(r.id);
  }
  deleteRequest(id: string): void {
    this.requests ??= { ...this.base.requests };
    delete this.requests[id];
    this.touchedRequests.add(id);
  }
  putInvitation(i: Invitation): void {
    this.invitations ??= { ...this.base.invitations };
    this.invitations[i.id] = i;
    this.touchedInvitations.add(i.id);
  }
  deleteInvitation(id: string): void {
    this.invitations ??= { ...this.base.invitations };
    delete this.invitations[id];
    this.touchedInvitations.add(id);
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
      this.touchedSeats.size + this.touchedMembers.size + this.touchedRequests.size + this.touchedInvitations.size > 0
    );
  }

  /** The new state (version bumped) and the patch from the base to it; or the base when nothing changed. */
  finish(now: number): { room: RoomState; patch: Patch | null } {
    if (!this.changed) return { room: this.base, patch: null };
    const room: RoomState = {
      ...this.base,
      version: this.base.version + 1,
      clock: Math.max(this.base.clock, now),
      mode: this.mode,
      ended: this.ended,
      hostId: this.hostId,
      seats: this.seats ?? this.base.seats,
      members: this.members ?? this.base.members,
      requests: this.requests ?? this.base.requests,
      invitations: this.invitations ?? this.base.invitations,
    };
    const patch: Patch = {};
    if (room.mode !== this.base.mode) patch.mode = room.mode;
    if (room.ended !== this.base.ended) patch.ended = room.ended;
    if (room.hostId !== this.base.hostId) patch.hostId = room.hostId;
    if (this.touchedSeats.size) patch.seats = [...this.touchedSeats].sort((a, b) => a - b).map((i) => room.seats[i]!);
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

function split<T>(ids: Set<string>, rec: Rec<T>, out: (set: T[], del: string[]) => void): void {
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
  const out = { ...rec };
  for (const x of set ?? []) out[x.id] = x;
  for (const id of del ?? []) delete out[id];
  return out;
}
