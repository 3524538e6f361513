/**
 * A change to the room as it travels to clients (a delta's `patch`), and how a client applies it.
 * Its own module, not draft.ts (which makes patches): a client needs this and nothing of the
 * authority's working room, and bundlers split by module, so a client sharing draft.ts with the
 * host's authority chunk would load all of it on every listener's page.
 */
import type { Invitation, Member, RoomConfig, RoomCounts, RoomMode, RoomState, Seat, SeatRequest } from './schema.js';

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
  counts?: RoomCounts;
}

type Rec<T> = Record<string, T>;

/** Applies a patch made by `Draft.finish` to a client's copy of the room (the copy at `version - 1`). */
export function applyPatch(room: RoomState, patch: Patch, version: number, clock: number): RoomState {
  const next: RoomState = { ...room, version, clock };
  if (patch.mode !== undefined) next.mode = patch.mode;
  if (patch.ended !== undefined) next.ended = patch.ended;
  if (patch.hostId !== undefined) next.hostId = patch.hostId;
  if (patch.config !== undefined) next.config = patch.config;
  if (patch.counts !== undefined) next.counts = patch.counts;
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
