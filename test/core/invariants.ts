import assert from 'node:assert/strict';
import {
  applyPatch,
  ERROR_CODES,
  liveCounts,
  mergeSelf,
  type AuthorityState,
  type RoomState,
  type StepOutcome,
} from '@micseat/core';

const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

/** Who is on the stage, worked out from the whole room (independently of stage.ts). */
export function stageIdsOf(room: RoomState): Set<string> {
  const ids = new Set<string>();
  const add = (id: string | null) => id && room.members[id] && ids.add(id);
  add(room.hostId);
  for (const m of Object.values(room.members)) if (m.role === 'cohost' || m.role === 'host') add(m.id);
  for (const s of room.seats) {
    add(s.userId);
    add(s.reservedFor);
  }
  for (const i of Object.values(room.invitations)) if (i.status === 'pending') add(i.userId);
  return ids;
}

/**
 * The stage and each one's own part, after a step: the stage holds exactly the members on it and
 * no request; a client applying the stage delta reaches the stage a fresh snapshot gives; each
 * person whose own part changed is told (a `self` message); the live counts equal what is held.
 */
export function checkStage(prev: AuthorityState, out: StepOutcome): void {
  const room = out.state.room;
  const stage = out.state.stage;
  const onStage = stageIdsOf(room);
  assert.deepEqual(Object.keys(stage.members).sort(), [...onStage].sort(), 'stage members = the members on the stage');
  for (const id of onStage) assert.equal(stage.members[id], room.members[id]);
  assert.deepEqual(Object.keys(stage.requests), [], 'no request on the stage');
  assert.deepEqual(json(stage.seats), json(room.seats));
  assert.deepEqual(json(stage.invitations), json(room.invitations));
  assert.deepEqual(stage.counts, room.counts);
  // The counts as they are now equal what the room holds.
  const members = Object.keys(room.members).length;
  const queue = Object.values(room.requests).filter((r) => r.status === 'pending').length;
  assert.deepEqual(liveCounts(out.state.core), { members, audience: members - onStage.size, queue }, 'live counts');
  // A client applying the stage delta reaches the same stage as a fresh snapshot.
  const change = out.stage;
  if (change.patch) {
    assert.equal(change.from, prev.stage.version, 'the delta starts where the stage was');
    assert.equal(stage.version, room.version, 'the stage moves to the room version');
    const replayed = applyPatch(json(prev.stage) as RoomState, json(change.patch) as never, room.version, room.clock);
    assert.deepEqual(json(replayed), json(stage), 'the stage delta reproduces the stage');
  } else {
    assert.deepEqual(json(stage), json(prev.stage), 'no stage delta, no stage change');
  }
  // Each person whose own part changed gets a `self` message; merged, it is what the room says of them.
  for (const id of new Set([...Object.keys(prev.room.members), ...Object.keys(room.members)])) {
    const self = out.state.selfOf(id);
    if (JSON.stringify(self) !== JSON.stringify(prev.selfOf(id)))
      assert.ok(change.personal.has(id), `${id} is told that their own part changed`);
    const seen = mergeSelf(stage, id, self);
    assert.equal(seen.members[id] ?? null, room.members[id] ?? null, `${id} sees their own record`);
    const mine = Object.values(room.requests).filter((r) => r.userId === id);
    assert.deepEqual(
      Object.keys(seen.requests).sort(),
      mine.map((r) => r.id).sort(),
      `${id} sees their own requests and nobody else's`,
    );
  }
}

/** Everything that must hold after any step, whatever came before. */
export function checkInvariants(prev: AuthorityState, out: StepOutcome): void {
  const before = prev.room;
  const room = out.state.room;
  // Versions only grow, and grow exactly when something changed.
  assert.ok(room.version >= before.version, 'version monotonic');
  if (out.patch) assert.equal(room.version, before.version + 1, 'one version per change');
  else assert.equal(room, before, 'no patch, no change');
  if (!out.result.ok) assert.ok((ERROR_CODES as readonly string[]).includes(out.result.error.code), 'typed error');
  // Terminal request states are final.
  for (const [id, r] of Object.entries(before.requests)) {
    const now = room.requests[id];
    // (An id forgotten after the history window may be used afresh; that is a new request.)
    const forgotten = r.resolvedAt !== null && room.clock >= r.resolvedAt + room.config.historyMs;
    if (r.status !== 'pending' && now && !forgotten)
      assert.equal(now.status, r.status, `request ${id} stays ${r.status}`);
  }
  for (const [id, inv] of Object.entries(before.invitations)) {
    const now = room.invitations[id];
    const forgotten = inv.resolvedAt !== null && room.clock >= inv.resolvedAt + room.config.historyMs;
    if (inv.status !== 'pending' && now && !forgotten)
      assert.equal(now.status, inv.status, `invitation ${id} stays ${inv.status}`);
  }
  checkRoom(room);
  checkStage(prev, out);
  // The queue index matches the requests.
  const pending = Object.values(room.requests)
    .filter((r) => r.status === 'pending')
    .sort((a, b) => a.seq - b.seq);
  assert.deepEqual(
    [...out.state.queue],
    pending.map((r) => r.id),
    'queue = pending requests in FIFO order',
  );
  // A client applying the delta reaches the same room.
  if (out.patch) {
    const replayed = applyPatch(
      JSON.parse(JSON.stringify(before)),
      JSON.parse(JSON.stringify(out.patch)),
      room.version,
      room.clock,
    );
    // (Compared as JSON: records keyed by user input have no prototype, JSON.parse's do.)
    assert.deepEqual(
      JSON.parse(JSON.stringify(replayed)),
      JSON.parse(JSON.stringify(room)),
      'delta reproduces the state',
    );
  }
}

export function checkRoom(room: RoomState): void {
  const seen = new Set<string>();
  const pendingBy = new Set<string>();
  for (const r of Object.values(room.requests)) {
    if (r.status !== 'pending') continue;
    assert.ok(!pendingBy.has(r.userId), `one pending request per user (${r.userId})`);
    pendingBy.add(r.userId);
  }
  assert.equal(room.seats.length, room.config.seatCount);
  room.seats.forEach((s, i) => {
    assert.equal(s.index, i);
    if (s.userId) {
      assert.ok(!seen.has(s.userId), `${s.userId} sits on one seat only`);
      seen.add(s.userId);
      const m = room.members[s.userId];
      assert.ok(m, `occupant ${s.userId} is a member`);
      assert.notEqual(m.role, 'host', 'the host is not on a guest seat');
      assert.equal(s.status, m.connected ? 'occupied' : 'reconnecting');
      assert.ok(!s.locked && s.reservedFor === null);
      assert.ok(!pendingBy.has(s.userId), 'a seated user has no pending request');
    } else if (s.locked) assert.equal(s.status, 'locked');
    else if (s.reservedFor) {
      assert.equal(s.status, 'reserved');
      const inv = Object.values(room.invitations).find(
        (x) => x.status === 'pending' && x.seat === i && x.userId === s.reservedFor,
      );
      assert.ok(inv, `reserved seat ${i} has a pending invitation`);
    } else assert.equal(s.status, 'empty');
  });
  if (room.hostId && room.members[room.hostId]) assert.equal(room.members[room.hostId]!.role, 'host');
}
