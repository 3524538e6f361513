/**
 * Issue #8, classes 5 and 8: a host reload (the saved snapshot with what the authority
 * remembers, restored) at any point changes nothing a member can see, and a resend of any id
 * ever used after it is answered with the old outcome, never a new request or invitation.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  authorityMemory,
  createAuthority,
  decode,
  encodeSnapshot,
  LIMITS,
  restoreAuthority,
  serialize,
  step,
  SYSTEM_CALLER,
  type AuthorityState,
  type Caller,
  type Result,
} from '@micseat/core';
import { checkInvariants } from './invariants.ts';

const USERS = ['host', 'co', 'u1', 'u2', 'u3'];
const callerOf = (id: string): Caller => ({ id, role: id === 'host' ? 'host' : id === 'co' ? 'cohost' : 'audience' });
const seat = fc.integer({ min: 0, max: 2 });
const rid = fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8');
const iid = fc.constantFrom('i1', 'i2', 'i3', 'i4', 'i5');
const uid = fc.constantFrom(...USERS);
const SAVED = { maxBytes: 4 * 1024 * 1024 };

const command = fc.oneof(
  fc.record({ type: fc.constant('take-seat'), seat }),
  fc.record({ type: fc.constant('leave-seat') }),
  fc.record({
    type: fc.constant('request-seat'),
    requestId: rid,
    seat: fc.oneof(seat, fc.constant('any')),
    media: fc.constant('audio'),
    timeoutMs: fc.constantFrom(1000, 3000),
  }),
  fc.record({ type: fc.constant('cancel-request'), requestId: rid }),
  fc.record({ type: fc.constant('accept-request'), requestId: rid }),
  fc.record({ type: fc.constant('accept-next') }),
  fc.record({ type: fc.constant('reject-request'), requestId: rid }),
  fc.record({ type: fc.constant('reject-all') }),
  fc.record({
    type: fc.constant('invite'),
    invitationId: iid,
    userId: uid,
    seat: fc.oneof(seat, fc.constant('any')),
    timeoutMs: fc.constantFrom(1000, 3000),
  }),
  fc.record({ type: fc.constant('respond-invitation'), invitationId: iid, accept: fc.boolean() }),
  fc.record({ type: fc.constant('cancel-invitation'), invitationId: iid }),
  fc.record({ type: fc.constant('mute-seat'), seat, muted: fc.boolean() }),
  fc.record({ type: fc.constant('set-mic'), mic: fc.constantFrom('on', 'off') }),
  fc.record({ type: fc.constant('set-mode'), mode: fc.constantFrom('free', 'request') }),
);
const action = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('cmd' as const),
      who: uid,
      cmd: command,
      dt: fc.integer({ min: 0, max: 1500 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 5000 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'reload' as const }) },
);

/** The host's page reloads: its saved room (as text, as sessionStorage holds it) is decoded and restored. */
function reload(s: AuthorityState): AuthorityState {
  const text = serialize(encodeSnapshot(s.room, authorityMemory(s)), SAVED);
  assert.ok(text.ok, text.ok ? '' : text.error.message);
  const d = decode(text.ok ? text.value : '', SAVED);
  assert.ok(d.ok && d.value.t === 'snap', d.ok ? '' : d.error.message);
  return d.ok && d.value.t === 'snap' ? restoreAuthority(d.value.room, d.value.memory) : s;
}

const asJson = (x: unknown) => JSON.parse(JSON.stringify(x));
const answer = (r: Result) => (r.ok ? 'ok' : r.error.code);

describe('class: reloads at random points, then resends of every id ever used', () => {
  test('property: a reloaded authority answers every later command, and every resend, exactly as one that never reloaded', () => {
    fc.assert(
      fc.property(
        fc.array(action, { minLength: 10, maxLength: 60 }),
        fc.constantFrom(0, 1, 2000),
        (actions, historyMs) => {
          let now = 0;
          // Rate windows are not saved (a reload forgives them), so they are wide here.
          let s = createAuthority(
            'reload',
            { seatCount: 3, historyMs, requestRateCount: 1000, signalRateCount: 10_000 },
            now,
          );
          for (const id of USERS) s = step(s, { type: 'join', name: id }, callerOf(id), now).state;
          s = step(s, { type: 'set-cohost', userId: 'co', cohost: true }, callerOf('host'), now).state;
          let reference = s; // the same room, never reloaded
          const requestIds = new Map<string, string>(); // id → who first sent it (the requester, once created)
          const invitationIds = new Map<string, string>();
          const resolved = new Set<string>();
          for (const a of actions) {
            if (a.kind === 'reload') {
              s = reload(s);
              assert.deepEqual(asJson(s.room), asJson(reference.room), 'a reload changes nothing visible');
              continue;
            }
            now += a.dt;
            const caller = a.kind === 'cmd' ? callerOf(a.who) : SYSTEM_CALLER;
            const cmd: { type: string; invitationId?: string } = a.kind === 'cmd' ? a.cmd : { type: 'tick' };
            if (cmd.type === 'invite' && !invitationIds.has(cmd.invitationId!))
              invitationIds.set(cmd.invitationId!, caller.id);
            const out = step(s, cmd, caller, now);
            const ref = step(reference, cmd, caller, now);
            checkInvariants(s, out);
            assert.equal(answer(out.result), answer(ref.result), `${cmd.type}: same answer after a reload`);
            assert.deepEqual(asJson(out.state.room), asJson(ref.state.room), `${cmd.type}: same room after a reload`);
            for (const e of out.events) {
              if (e.type === 'request-resolved') resolved.add(e.requestId);
              if (e.type === 'request-created') requestIds.set(e.requestId, e.userId);
            }
            s = out.state;
            reference = ref.state;
          }
          // Reload once more, then resend every id ever used, from whoever first used it.
          s = reload(s);
          for (const [id, who] of requestIds) {
            const cmd = { type: 'request-seat', requestId: id, seat: 'any', media: 'audio' };
            const out = step(s, cmd, callerOf(who), now);
            const ref = step(reference, cmd, callerOf(who), now);
            assert.equal(answer(out.result), answer(ref.result), `resend of request ${id}`);
            if (resolved.has(id)) {
              // Decided once: never a new request; the answer tells the old outcome.
              const r = out.state.room.requests[id];
              assert.ok(
                !r || r.status !== 'pending' || s.room.requests[id]?.status === 'pending',
                `request ${id} is not asked again`,
              );
              if (!out.result.ok) assert.equal(out.result.error.code, 'request-closed');
              if (!out.result.ok)
                assert.ok(
                  ['accepted', 'rejected', 'cancelled', 'timeout'].includes(out.result.error.details?.status as string),
                );
            }
          }
          for (const [id, who] of invitationIds) {
            const cmd = { type: 'invite', invitationId: id, userId: 'u1', seat: 'any' };
            const out = step(s, cmd, callerOf(who), now);
            const ref = step(reference, cmd, callerOf(who), now);
            assert.equal(answer(out.result), answer(ref.result), `resend of invitation ${id}`);
            assert.deepEqual(asJson(out.state.room), asJson(ref.state.room));
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  test('the reported case: a request times out and leaves the room; after a reload its resend is answered "timeout", not queued again', () => {
    let s = createAuthority('r', { historyMs: 1000 }, 0);
    s = step(s, { type: 'join', name: 'Host' }, callerOf('host'), 0).state;
    s = step(s, { type: 'join', name: 'U' }, callerOf('u1'), 0).state;
    const ask = { type: 'request-seat', requestId: 'q1', seat: 'any', media: 'audio', timeoutMs: 1000 };
    s = step(s, ask, callerOf('u1'), 0).state;
    s = step(s, { type: 'tick' }, SYSTEM_CALLER, 1000).state; // times out
    s = step(s, { type: 'tick' }, SYSTEM_CALLER, 2500).state; // leaves the room
    assert.equal(s.room.requests.q1, undefined);
    s = reload(s);
    const out = step(s, ask, callerOf('u1'), 3000);
    assert.equal(!out.result.ok && out.result.error.code, 'request-closed');
    assert.equal(!out.result.ok && out.result.error.details?.status, 'timeout');
    assert.equal(out.state.room.requests.q1, undefined, 'no new request');
  });

  test('invitation ids are remembered after they leave the room too (a late duplicate invite does not invite again)', () => {
    let s = createAuthority('r', { historyMs: 1000 }, 0);
    s = step(s, { type: 'join', name: 'Host' }, callerOf('host'), 0).state;
    s = step(s, { type: 'join', name: 'U' }, callerOf('u1'), 0).state;
    const invite = { type: 'invite', invitationId: 'inv1', userId: 'u1', seat: 'any' };
    s = step(s, invite, callerOf('host'), 0).state;
    s = step(s, { type: 'respond-invitation', invitationId: 'inv1', accept: false }, callerOf('u1'), 10).state;
    s = step(s, { type: 'tick' }, SYSTEM_CALLER, 5000).state;
    assert.equal(s.room.invitations.inv1, undefined);
    for (const state of [s, reload(s)]) {
      const out = step(state, invite, callerOf('host'), 6000);
      assert.equal(!out.result.ok && out.result.error.code, 'invitation-closed');
      assert.equal(!out.result.ok && out.result.error.details?.status, 'declined');
      const answerLate = step(
        state,
        { type: 'respond-invitation', invitationId: 'inv1', accept: true },
        callerOf('u1'),
        6000,
      );
      assert.equal(!answerLate.result.ok && answerLate.result.error.code, 'invitation-closed');
    }
  });

  test('what is remembered is bounded, and the saved memory stays within its limits', () => {
    let s = createAuthority(
      'r',
      { historyMs: 0, requestRateCount: 1000, requestRateWindowMs: 1, maxPendingRequests: 100_000 },
      0,
    );
    s = step(s, { type: 'join', name: 'Host' }, callerOf('host'), 0).state;
    s = step(s, { type: 'join', name: 'U' }, callerOf('u1'), 0).state;
    let t = 0;
    const n = LIMITS.maxResolvedRemembered + 200;
    for (let i = 0; i < n; i++) {
      s = step(s, { type: 'request-seat', requestId: `q${i}`, seat: 'any', media: 'audio' }, callerOf('u1'), ++t).state;
      s = step(s, { type: 'cancel-request', requestId: `q${i}` }, callerOf('u1'), ++t).state;
    }
    s = step(s, { type: 'tick' }, SYSTEM_CALLER, ++t).state;
    const memory = authorityMemory(s);
    assert.equal(memory.requests.length, LIMITS.maxResolvedRemembered);
    assert.equal(memory.requests.at(-1)![0], `q${n - 1}`, 'the newest are kept');
    const back = reload(s);
    const recent = step(
      back,
      { type: 'request-seat', requestId: `q${n - 1}`, seat: 'any', media: 'audio' },
      callerOf('u1'),
      t + 1,
    );
    assert.equal(!recent.result.ok && recent.result.error.details?.status, 'cancelled');
  });
});

describe('historyMs: 0 still shows every verdict to its owner', () => {
  test('a request that times out is in the delta with status "timeout", and leaves the room one step later', () => {
    let s = createAuthority('r', { historyMs: 0 }, 0);
    s = step(s, { type: 'join', name: 'Host' }, callerOf('host'), 0).state;
    s = step(s, { type: 'join', name: 'U' }, callerOf('u1'), 0).state;
    s = step(
      s,
      { type: 'request-seat', requestId: 'q1', seat: 'any', media: 'audio', timeoutMs: 1000 },
      callerOf('u1'),
      0,
    ).state;
    assert.equal(s.nextDeadline, 1000);
    const out = step(s, { type: 'tick' }, SYSTEM_CALLER, 1000);
    assert.equal(out.patch?.requests?.[0]?.status, 'timeout', 'the delta carries the verdict');
    assert.ok(out.events.some((e) => e.type === 'request-resolved' && e.requestId === 'q1' && e.status === 'timeout'));
    assert.equal(out.state.room.requests.q1?.status, 'timeout');
    const later = step(out.state, { type: 'tick' }, SYSTEM_CALLER, out.state.nextDeadline);
    assert.equal(later.state.room.requests.q1, undefined, 'then it leaves');
    assert.deepEqual(later.patch?.requestsRemoved, ['q1']);
  });
});
