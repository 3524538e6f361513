/**
 * The stage: the part of a room every client replicates, whose size and cost of change do not
 * depend on the audience or the queue. It holds the seats, host, mode, config, invitations, the
 * counts (as last published), and the members *on* the stage: the host, cohosts, whoever sits on,
 * is reserved for, or is invited to a seat. Everyone else (the audience) and the queue stay with
 * the authority and are read in pages (authority/read.ts).
 *
 * Each viewer also gets their *own part* (their member record and their requests) by targeted
 * `self` messages; a client's room is the stage with its own part merged in (`mergeSelf`).
 */
import type { RoomCore } from './draft.js';
import type { Patch } from './patch.js';
import type { RoomEvent } from './events.js';
import type { Member, RoomCounts, RoomState, SeatRequest } from './schema.js';

/** What is on the stage in a room's working copy (the indexes `onStage` reads). */
type StageSource = Pick<RoomCore, 'hostId' | 'cohosts' | 'seats' | 'invitationOf' | 'members'>;

/** Is `id` a member on the stage: host, cohost, seated, reserved for, or invited to a seat? */
export function onStage(core: StageSource, id: string): boolean {
  if (!core.members.has(id)) return false;
  if (id === core.hostId || core.cohosts.has(id) || core.invitationOf.has(id)) return true;
  for (const s of core.seats) if (s.userId === id || s.reservedFor === id) return true;
  return false;
}

/** The ids of the members on the stage (host, cohosts, seated, reserved for, invited). O(stage). */
export function stageMemberIds(core: StageSource): Set<string> {
  const ids = new Set<string>();
  const add = (id: string | null) => {
    if (id !== null && core.members.has(id)) ids.add(id);
  };
  add(core.hostId);
  for (const id of core.cohosts.keys()) add(id);
  for (const s of core.seats) {
    add(s.userId);
    add(s.reservedFor);
  }
  for (const id of core.invitationOf.keys()) add(id);
  return ids;
}

/** The counts as they are now (published ones lag by at most `LIMITS.countsIntervalMs`). O(stage). */
export function liveCounts(core: StageSource & Pick<RoomCore, 'queue'>): RoomCounts {
  const members = core.members.size;
  return { members, audience: members - stageMemberIds(core).size, queue: core.queue.size };
}

export const sameCounts = (a: RoomCounts, b: RoomCounts): boolean =>
  a.members === b.members && a.audience === b.audience && a.queue === b.queue;

/**
 * The stage of a room, as every client holds it (no viewer's own part): at the stage's own
 * version and clock, so a fresh snapshot equals what a client reached by applying the deltas.
 */
export function stageOf(core: RoomCore): RoomState {
  const members: Record<string, Member> = Object.create(null);
  for (const id of stageMemberIds(core)) members[id] = core.members.get(id)!;
  const invitations: RoomState['invitations'] = Object.create(null);
  for (const [id, inv] of core.invitations.entries()) invitations[id] = inv;
  return {
    roomId: core.roomId,
    version: core.stageVersion,
    clock: core.stageClock,
    mode: core.mode,
    ended: core.ended,
    hostId: core.hostId,
    config: core.config,
    seats: core.seats as RoomState['seats'],
    members,
    requests: Object.create(null),
    invitations,
    counts: core.counts,
  };
}

/** A viewer's own part of the room: their member record (null when not a member) and their requests. */
export interface SelfView {
  readonly member: Member | null;
  readonly requests: readonly SeatRequest[];
}

/** Merges a viewer's own part into a stage: what a client's `room` is. */
export function mergeSelf(stage: RoomState, viewer: string, self: SelfView | null): RoomState {
  if (!self) return stage;
  const onIt = Object.hasOwn(stage.members, viewer);
  if ((onIt || !self.member) && self.requests.length === 0) return stage;
  const room: RoomState = { ...stage };
  if (!onIt && self.member) {
    room.members = Object.assign(Object.create(null) as RoomState['members'], stage.members, {
      [viewer]: self.member,
    });
  }
  if (self.requests.length) {
    const requests: RoomState['requests'] = Object.create(null);
    for (const r of self.requests) requests[r.id] = r;
    room.requests = requests;
  }
  return room;
}

/** What one step changed, seen from the clients: the stage's change, and who had their own part changed. */
export interface StageChange {
  /** The change every client applies; null when the stage did not change. */
  readonly patch: Patch | null;
  /** The stage version the patch applies to (the stage's version before this step). */
  readonly from: number;
  /** Events every client sees. */
  readonly events: readonly RoomEvent[];
  /** People whose own part changed (member record or requests), with the events that concern only them. */
  readonly personal: ReadonlyMap<string, readonly RoomEvent[]>;
}

export const NO_STAGE_CHANGE: StageChange = Object.freeze({
  patch: null,
  from: 0,
  events: [],
  personal: new Map<string, readonly RoomEvent[]>(),
});

/**
 * Splits one step's change (the full patch from `before` to `after`) into the stage's change and
 * the personal ones. O(size of the change + stage), never O(audience or queue).
 */
export function stageChange(
  before: RoomCore,
  after: RoomCore,
  patch: Patch,
  events: readonly RoomEvent[],
): StageChange {
  const sp: Patch = {};
  if (patch.mode !== undefined) sp.mode = patch.mode;
  if (patch.ended !== undefined) sp.ended = patch.ended;
  if (patch.hostId !== undefined) sp.hostId = patch.hostId;
  if (patch.config !== undefined) sp.config = patch.config;
  if (patch.counts !== undefined) sp.counts = patch.counts;
  if (patch.seats) sp.seats = patch.seats;
  if (patch.invitations) sp.invitations = patch.invitations;
  if (patch.invitationsRemoved) sp.invitationsRemoved = patch.invitationsRemoved;

  // Who may have come onto or left the stage, or changed while on it.
  const candidates = new Set<string>();
  const add = (id: string | null | undefined) => {
    if (id) candidates.add(id);
  };
  for (const m of patch.members ?? []) add(m.id);
  for (const id of patch.membersRemoved ?? []) add(id);
  add(before.hostId);
  add(after.hostId);
  for (const s of patch.seats ?? []) {
    const old = before.seats[s.index];
    add(old?.userId);
    add(old?.reservedFor);
    add(s.userId);
    add(s.reservedFor);
  }
  for (const inv of patch.invitations ?? []) add(inv.userId);
  for (const id of patch.invitationsRemoved ?? []) add(before.invitations.get(id)?.userId);

  const was = new Map<string, boolean>();
  const is = new Map<string, boolean>();
  const set: Member[] = [];
  const removed: string[] = [];
  for (const id of candidates) {
    const wasOn = onStage(before, id);
    const isOn = onStage(after, id);
    was.set(id, wasOn);
    is.set(id, isOn);
    const now = after.members.get(id);
    if (isOn && (!wasOn || before.members.get(id) !== now)) set.push(now!);
    else if (wasOn && !isOn) removed.push(id);
  }
  if (set.length) sp.members = set;
  if (removed.length) sp.membersRemoved = removed;

  const personal = new Map<string, RoomEvent[]>();
  const mine = (id: string | undefined) => {
    if (id !== undefined && !personal.has(id)) personal.set(id, []);
    return id === undefined ? undefined : personal.get(id)!;
  };
  for (const m of patch.members ?? []) mine(m.id);
  for (const id of patch.membersRemoved ?? []) mine(id);
  for (const r of patch.requests ?? []) mine(r.userId);
  for (const id of patch.requestsRemoved ?? []) mine(before.requests.get(id)?.userId);

  const staged = (id: string) => (was.get(id) ?? onStage(before, id)) || (is.get(id) ?? onStage(after, id));
  const stageEvents: RoomEvent[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'member-joined':
      case 'member-left':
      case 'member-reconnecting':
      case 'member-returned':
      case 'mic-changed':
        if (staged(e.userId)) stageEvents.push(e);
        else mine(e.userId)!.push(e);
        break;
      case 'request-created':
      case 'request-resolved':
        mine(e.userId)!.push(e);
        break;
      default:
        stageEvents.push(e);
    }
  }
  const changed = Object.keys(sp).length > 0 || stageEvents.length > 0;
  return { patch: changed ? sp : null, from: before.stageVersion, events: stageEvents, personal };
}
