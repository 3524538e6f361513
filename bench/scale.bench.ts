/**
 * Authority cost against room size (issue #10): commands/s at 10 / 1,000 / 10,000 / 100,000
 * members with 10 / 1,000 / 10,000 pending requests, on one core (CPU time of this process).
 * Prints one JSON line per figure.
 *   node --import tsx bench/scale.bench.ts [--members=10,1000] [--pending=10]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createAuthority,
  encodeDelta,
  encodeSnapshot,
  restoreAuthority,
  serialize,
  step,
  type AuthorityState,
  type Caller,
  type Member,
  type RoomState,
  type SeatRequest,
} from '@micseat/core';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function emit(name: string, value: number, unit: string, target: string, ok: boolean): void {
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit, target, ok }));
}

const host: Caller = { id: 'host', role: 'host' };
const SEATS = 9;
const TARGET = 100_000;

/** A room with `members` listeners (the first `pending` of them waiting in the queue), made directly. */
function roomOf(members: number, pending: number): AuthorityState {
  const empty = createAuthority(
    'scale',
    {
      seatCount: SEATS,
      maxPendingRequests: 100_000,
      requestRateCount: 1000,
      requestRateWindowMs: 1,
      requestTimeoutMs: 600_000,
    },
    0,
  ).room;
  const m: Record<string, Member> = Object.create(null);
  m.host = {
    id: 'host',
    name: 'Host',
    role: 'host',
    connected: true,
    joinedAt: 0,
    graceUntil: null,
    mic: 'off',
    camera: false,
  };
  for (let i = 0; i < members; i++) {
    const id = `l${i}`;
    m[id] = {
      id,
      name: id,
      role: 'audience',
      connected: true,
      joinedAt: 0,
      graceUntil: null,
      mic: 'off',
      camera: false,
    };
  }
  const requests: Record<string, SeatRequest> = Object.create(null);
  for (let i = 0; i < pending; i++) {
    const id = `p${i}`;
    requests[id] = {
      id,
      userId: `l${i}`,
      seat: 'any',
      media: 'audio',
      status: 'pending',
      seq: i + 1,
      createdAt: 0,
      deadline: 600_000,
      resolvedAt: null,
      handledBy: null,
      seatIndex: null,
      reason: null,
    };
  }
  const room: RoomState = { ...empty, hostId: 'host', members: m, requests };
  return restoreAuthority(room);
}

/** Runs `op` until 200 ms of CPU have passed (at least 5 times); returns ops per CPU second. */
function rate(op: (i: number) => number): number {
  let n = 0;
  let i = 0;
  const c0 = process.cpuUsage();
  let used = 0;
  while (used < 200_000 || i < 5) {
    n += op(i++);
    const u = process.cpuUsage(c0);
    used = u.user + u.system;
  }
  return n / (used / 1e6);
}

function measure(members: number, pending: number, quiet = false): void {
  const report = quiet ? () => {} : emit;
  const label = `${members.toLocaleString('en')} members, ${pending.toLocaleString('en')} pending`;
  let s = roomOf(members, pending);
  let now = 1;
  // A speaker on seat 0 for set-mic (someone not in the queue).
  const speaker: Caller = { id: `l${members - 1}`, role: 'audience' };
  s = step(s, { type: 'invite', invitationId: 'inv-speaker', userId: speaker.id, seat: 0 }, host, now).state;
  s = step(s, { type: 'respond-invitation', invitationId: 'inv-speaker', accept: true }, speaker, now).state;

  const joinLeave = rate((i) => {
    const c: Caller = { id: `visitor-${i}`, role: 'audience' };
    now++;
    s = step(s, { type: 'join', name: 'Visitor' }, c, now).state;
    s = step(s, { type: 'leave-room' }, c, now).state;
    return 2;
  });
  const setMic = rate((i) => {
    now++;
    s = step(s, { type: 'set-mic', mic: i % 2 ? 'on' : 'off' }, speaker, now).state;
    return 1;
  });
  // accept-next, then the accepted listener leaves the seat and asks again (the queue keeps its length).
  let asked = 0;
  const acceptNext = rate(() => {
    now++;
    const out = step(s, { type: 'accept-next' }, host, now);
    s = out.state;
    const seated = (out.result.ok ? (out.result.value as { request: SeatRequest }).request.userId : null)!;
    const c: Caller = { id: seated, role: 'audience' };
    s = step(s, { type: 'leave-seat' }, c, now).state;
    s = step(s, { type: 'request-seat', requestId: `again-${++asked}`, seat: 'any', media: 'audio' }, c, now).state;
    return 3;
  });
  const min = Math.min(joinLeave, setMic, acceptNext);
  report(`authority join + leave (${label})`, joinLeave, 'commands/s', `>= ${TARGET}`, joinLeave >= TARGET);
  report(`authority set-mic (${label})`, setMic, 'commands/s', `>= ${TARGET}`, setMic >= TARGET);
  report(
    `authority accept-next + leave-seat + request-seat (${label})`,
    acceptNext,
    'commands/s',
    `>= ${TARGET}`,
    acceptNext >= TARGET,
  );
  void min;

  // Bytes: a late joiner's snapshot (the whole room today) and one change's delta.
  const snap = serialize(encodeSnapshot(s.room), { maxBytes: Infinity });
  const out = step(s, { type: 'join', name: 'Late' }, { id: 'late', role: 'audience' }, ++now);
  const delta = serialize(encodeDelta(out.state.version, out.state.clock, out.patch!, out.events));
  report(
    `snapshot bytes (${label})`,
    snap.ok ? snap.value.length : NaN,
    'bytes',
    'info (issue #10 item 1: <= 16384 for the stage)',
    true,
  );
  report(`delta bytes for one join (${label})`, delta.ok ? delta.value.length : NaN, 'bytes', 'info', true);
}

function heap(members: number, pending: number): void {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const s = roomOf(members, pending);
  gc();
  gc();
  const mb = (process.memoryUsage().heapUsed - before) / (1024 * 1024);
  if (s.version < 0) throw new Error('unreachable');
  emit(
    `authority heap (${members.toLocaleString('en')} members, ${pending.toLocaleString('en')} pending)`,
    mb,
    'MB',
    '<= 40',
    mb <= 40,
  );
}

const list = (name: string, fallback: number[]) =>
  process.argv
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',')
    .map(Number) ?? fallback;
// Warm-up (not reported): the first figures would otherwise measure the JIT.
measure(1_000, 100, true);
measure(10, 10, true);
const sizes = list('members', [10, 1_000, 10_000, 100_000]);
const queues = list('pending', [10, 1_000, 10_000]);
for (const members of sizes) {
  for (const pending of queues) {
    if (pending > members) continue;
    measure(members, pending);
  }
}
heap(Math.max(...sizes), Math.min(Math.max(...queues), Math.max(...sizes)));
