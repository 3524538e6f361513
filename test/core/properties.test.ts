import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  createAuthority,
  decode,
  encodeCommand,
  encodeDelta,
  encodeSnapshot,
  liveCounts,
  step,
  SYSTEM_CALLER,
  type AuthorityState,
  type Caller,
} from '@micseat/core';
import { checkInvariants } from './invariants.ts';

const SEATS = 9;

describe('property: seat races', () => {
  test('1,000 clients race for 9 seats in random interleavings: 9 seated, every loser gets seat-taken, no double seats', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: SEATS - 1 }), { minLength: 1000, maxLength: 1000 }),
        fc.array(fc.nat(), { minLength: 4000, maxLength: 4000 }),
        (firstChoice, picks) => {
          let s = createAuthority('race', { seatCount: SEATS }, 0);
          const hostCaller: Caller = { id: 'host', role: 'host' };
          s = step(s, { type: 'join', name: 'Host' }, hostCaller, 0).state;
          s = step(s, { type: 'set-mode', mode: 'free' }, hostCaller, 0).state;
          const ids = firstChoice.map((_, i) => `c${i}`);
          for (const id of ids) s = step(s, { type: 'join', name: id }, { id, role: 'audience' }, 0).state;
          // Each client tries its seat; a loser follows the offered nearest free seat, like the UI.
          const want = new Map(ids.map((id, i) => [id, firstChoice[i]!]));
          const finalError = new Map<string, string>();
          const active = [...ids];
          let p = 0;
          while (active.length) {
            const k = picks[p++ % picks.length]! % active.length;
            const id = active[k]!;
            const out = step(s, { type: 'take-seat', seat: want.get(id)! }, { id, role: 'audience' }, 1);
            s = out.state;
            if (out.result.ok) {
              active.splice(k, 1);
              continue;
            }
            assert.equal(out.result.error.code, 'seat-taken');
            const next = out.result.error.details?.nearestFree as number | null;
            if (next === null) {
              finalError.set(id, out.result.error.code);
              active.splice(k, 1);
            } else want.set(id, next);
          }
          const seated = s.room.seats.filter((x) => x.userId).map((x) => x.userId!);
          assert.equal(seated.length, SEATS);
          assert.equal(new Set(seated).size, SEATS);
          assert.equal(finalError.size, 1000 - SEATS);
          for (const code of finalError.values()) assert.equal(code, 'seat-taken');
        },
      ),
      { numRuns: 30 },
    );
  });
});

// ---------------------------------------------------------------- random command sequences

const USERS = ['host', 'co', 'u1', 'u2', 'u3', 'u4'];
const callerOf = (id: string): Caller => ({ id, role: id === 'host' ? 'host' : id === 'co' ? 'cohost' : 'audience' });
const seat = fc.integer({ min: 0, max: 4 });
const rid = fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5');
const iid = fc.constantFrom('i1', 'i2', 'i3');
const uid = fc.constantFrom(...USERS);

const commandArb = fc.oneof(
  fc.record({ type: fc.constant('join'), name: fc.constantFrom('A', 'B') }),
  fc.record({ type: fc.constant('leave-room') }),
  fc.record({ type: fc.constant('take-seat'), seat }),
  fc.record({ type: fc.constant('leave-seat') }),
  fc.record({ type: fc.constant('switch-seat'), to: seat }),
  fc.record({ type: fc.constant('switch-seat'), to: seat, userId: uid }),
  fc.record({ type: fc.constant('kick-seat'), seat }),
  fc.record({ type: fc.constant('lock-seat'), seat, locked: fc.boolean() }),
  fc.record({ type: fc.constant('mute-seat'), seat, muted: fc.boolean() }),
  fc.record({ type: fc.constant('set-mode'), mode: fc.constantFrom('free', 'request') }),
  fc.record({ type: fc.constant('set-cohost'), userId: uid, cohost: fc.boolean() }),
  fc.record({
    type: fc.constant('request-seat'),
    requestId: rid,
    seat: fc.oneof(seat, fc.constant('any')),
    media: fc.constant('audio'),
    timeoutMs: fc.constantFrom(1000, 5000),
  }),
  fc.record({ type: fc.constant('cancel-request'), requestId: rid }),
  fc.record({ type: fc.constant('accept-request'), requestId: rid }),
  fc.record({ type: fc.constant('accept-next') }),
  fc.record({ type: fc.constant('accept-all') }),
  fc.record({ type: fc.constant('reject-request'), requestId: rid }),
  fc.record({ type: fc.constant('reject-all') }),
  fc.record({
    type: fc.constant('invite'),
    invitationId: iid,
    userId: uid,
    seat: fc.oneof(seat, fc.constant('any')),
    timeoutMs: fc.constantFrom(1000, 5000),
  }),
  fc.record({ type: fc.constant('respond-invitation'), invitationId: iid, accept: fc.boolean() }),
  fc.record({ type: fc.constant('cancel-invitation'), invitationId: iid }),
  fc.record({ type: fc.constant('remove-member'), userId: uid }),
  fc.record({ type: fc.constant('set-mic'), mic: fc.constantFrom('on', 'off', 'denied') }),
  fc.record({ type: fc.constant('signal'), name: fc.constant('gift'), payload: fc.integer() }),
);
const stepArb = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('cmd' as const),
      who: uid,
      cmd: commandArb,
      dt: fc.integer({ min: 0, max: 800 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('presence' as const),
      who: uid,
      connected: fc.boolean(),
      dt: fc.integer({ min: 0, max: 800 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('counts' as const), dt: fc.integer({ min: 0, max: 1000 }) }) },
);

describe('property: random command sequences', () => {
  test('10,000 random sequences never break an invariant', () => {
    let steps = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 10, maxLength: 40 }), (seq) => {
        let now = 0;
        let s: AuthorityState = createAuthority(
          'p',
          { seatCount: 5, reconnectGraceMs: 2000, historyMs: 4000, maxPendingRequests: 3 },
          now,
        );
        for (const id of USERS) s = step(s, { type: 'join', name: id }, callerOf(id), now).state;
        for (const x of seq) {
          now += x.dt;
          const out =
            x.kind === 'cmd'
              ? step(s, x.cmd, callerOf(x.who), now)
              : x.kind === 'presence'
                ? step(s, { type: 'presence', userId: x.who, connected: x.connected }, SYSTEM_CALLER, now)
                : step(s, { type: x.kind === 'counts' ? 'publish-counts' : 'tick' }, SYSTEM_CALLER, now);
          checkInvariants(s, out);
          if (x.kind === 'counts') assert.deepEqual(out.state.room.counts, liveCounts(out.state.core), 'published');
          s = out.state;
          steps++;
        }
      }),
      { numRuns: 10_000 },
    );
    assert.ok(steps > 100_000, `exercised ${steps} steps`);
  });
});

// ---------------------------------------------------------------- malformed wire input

function validSamples() {
  const s = createAuthority('w', {}, 0);
  return [
    encodeCommand('c1', { type: 'request-seat', requestId: 'q1', seat: 'any', media: 'audio', timeoutMs: 5000 }),
    encodeCommand('c2', { type: 'take-seat', seat: 3 }),
    encodeCommand('c3', { type: 'signal', name: 'gift', payload: { n: 1 } }),
    encodeSnapshot(s.room),
    encodeDelta(1, 5, { mode: 'free', seats: [s.room.seats[0]!] }, [{ type: 'mode-changed', mode: 'free' }]),
  ] as unknown[];
}

/** Damages a valid message: wrong types, missing or extra fields, wrong version. */
const mutated = fc
  .tuple(
    fc.constantFrom(...validSamples()),
    fc.anything(),
    fc.nat(),
    fc.constantFrom('drop', 'set', 'extra', 'version', 'deep'),
  )
  .map(([base, junk, n, how]) => {
    const copy = JSON.parse(JSON.stringify(base)) as Record<string, any>;
    const keys = Object.keys(copy);
    const key = keys[n % keys.length]!;
    if (how === 'drop') delete copy[key];
    else if (how === 'set') copy[key] = junk;
    else if (how === 'extra') copy[`x${n}`] = junk;
    else if (how === 'version') copy.v = junk;
    else {
      const inner = copy.cmd ?? copy.room ?? copy.patch;
      const ik = Object.keys(inner);
      inner[ik[n % ik.length]!] = junk;
    }
    return copy;
  });

const garbage = fc.oneof(
  fc.anything(),
  fc.string(),
  fc.json(),
  fc.uint8Array({ maxLength: 200 }),
  mutated,
  mutated.map((m) => JSON.stringify(m)),
  fc.nat({ max: 4096 }).map((n) => `{"v":2,"t":"sync","have":${'1'.repeat(61 * 1024 + n)}}`),
);

describe('property: malformed wire messages', () => {
  test('100,000 malformed or random messages: zero throws, zero state changes', () => {
    let s = createAuthority('fuzz', {}, 0);
    s = step(s, { type: 'join', name: 'Host' }, { id: 'host', role: 'host' }, 0).state;
    s = step(s, { type: 'join', name: 'Ann' }, { id: 'ann', role: 'audience' }, 0).state;
    const room = s.room;
    let refused = 0;
    let accepted = 0;
    fc.assert(
      fc.property(garbage, (input) => {
        let decoded;
        assert.doesNotThrow(() => (decoded = decode(input)));
        const d = decoded as unknown as ReturnType<typeof decode>;
        if (!d.ok) {
          refused++;
          assert.ok(['malformed', 'unsupported-version', 'too-large'].includes(d.error.code), d.error.code);
          assert.ok(d.error.message.length > 0);
          // The same junk handed straight to the authority as a command changes nothing either.
          const out = step(s, input, { id: 'ann', role: 'audience' }, 1);
          assert.equal(out.state.room, room);
          return;
        }
        accepted++;
      }),
      { numRuns: 100_000 },
    );
    assert.equal(s.room, room);
    assert.ok(refused > 90_000, `refused ${refused}, accepted ${accepted}`);
  });

  test('typed errors for the classic bad inputs', () => {
    const code = (x: unknown) => {
      const r = decode(x);
      return r.ok ? 'ok' : r.error.code;
    };
    assert.equal(code('{not json'), 'malformed');
    assert.equal(code('[]'), 'malformed');
    assert.equal(code({ v: 1, t: 'sync', have: 0 }), 'unsupported-version');
    assert.equal(code({ v: 3, t: 'sync', have: 0 }), 'unsupported-version');
    assert.equal(code({ v: 2, t: 'sync', have: -1 }), 'malformed');
    assert.equal(code('x'.repeat(70 * 1024)), 'too-large');
    assert.equal(code(new Uint8Array([0xff, 0xfe, 0xfd])), 'malformed');
    assert.equal(code({ v: 2, t: 'cmd', id: 'a', cmd: { type: 'take-seat', seat: 1, extra: true } }), 'malformed');
    assert.equal(code({ v: 2, t: 'sync', have: 3 }), 'ok');
    const r = decode({ v: 2, t: 'cmd', id: 'a', cmd: { type: 'take-seat', seat: 'one' } });
    assert.ok(!r.ok && /cmd\.seat/.test(r.error.message), 'names the field');
  });
});
