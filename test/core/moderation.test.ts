/**
 * Issue #8, class 3: a moderator's mute, lock and kick hold against every command a speaker
 * can send (and against moderators moving them, invitations, drops, leaving and a host reload).
 * The rule (core's README): a mute is the person's while on stage, wherever they sit, until a
 * moderator lifts it; a locked seat takes nobody until unlocked; a kick frees the seat at once.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  authorityMemory,
  createAuthority,
  decode,
  encodeSnapshot,
  restoreAuthority,
  serialize,
  step,
  SYSTEM_CALLER,
  type AuthorityState,
  type Caller,
} from '@micseat/core';
import { checkInvariants } from './invariants.ts';

const SEATS = 4;
const host: Caller = { id: 'host', role: 'host' };
const co: Caller = { id: 'co', role: 'cohost' };
const x: Caller = { id: 'x', role: 'audience' };
const y: Caller = { id: 'y', role: 'audience' };
const seat = fc.integer({ min: 0, max: SEATS - 1 });
const rid = fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6');
const iid = fc.constantFrom('i1', 'i2', 'i3', 'i4');

/** Every command a speaker (or listener) can send. */
const speakerCommand = fc.oneof(
  fc.record({ type: fc.constant('take-seat'), seat }),
  fc.record({ type: fc.constant('leave-seat') }),
  fc.record({ type: fc.constant('switch-seat'), to: seat }),
  fc.record({
    type: fc.constant('request-seat'),
    requestId: rid,
    seat: fc.oneof(seat, fc.constant('any')),
    media: fc.constant('audio'),
  }),
  fc.record({ type: fc.constant('cancel-request'), requestId: rid }),
  fc.record({ type: fc.constant('respond-invitation'), invitationId: iid, accept: fc.boolean() }),
  fc.record({ type: fc.constant('set-mic'), mic: fc.constantFrom('on', 'off', 'no-device', 'denied') }),
  fc.record({ type: fc.constant('leave-room') }),
  fc.record({ type: fc.constant('join'), name: fc.constant('X') }),
  fc.record({ type: fc.constant('signal'), name: fc.constant('gift'), payload: fc.integer() }),
);
/** What moderators do meanwhile (without lifting the rule under test: filtered at run time). */
const moderatorCommand = fc.oneof(
  fc.record({ type: fc.constant('accept-request'), requestId: rid }),
  fc.record({ type: fc.constant('accept-next') }),
  fc.record({ type: fc.constant('accept-all') }),
  fc.record({ type: fc.constant('reject-request'), requestId: rid }),
  fc.record({
    type: fc.constant('invite'),
    invitationId: iid,
    userId: fc.constantFrom('x', 'y'),
    seat: fc.oneof(seat, fc.constant('any')),
  }),
  fc.record({ type: fc.constant('switch-seat'), to: seat, userId: fc.constantFrom('x', 'y') }),
  fc.record({ type: fc.constant('kick-seat'), seat }),
  fc.record({ type: fc.constant('lock-seat'), seat, locked: fc.boolean() }),
  fc.record({ type: fc.constant('mute-seat'), seat, muted: fc.boolean() }),
  fc.record({ type: fc.constant('set-mode'), mode: fc.constantFrom('free', 'request') }),
);
const action = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('speaker' as const), who: fc.constantFrom(x, y), cmd: speakerCommand }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('moderator' as const),
      who: fc.constantFrom(host, co),
      cmd: moderatorCommand,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('presence' as const),
      who: fc.constantFrom('x', 'y'),
      connected: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 4000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reload' as const }) },
);

function start(mode: 'free' | 'request'): { s: AuthorityState; now: number } {
  let s = createAuthority(
    'mod',
    { seatCount: SEATS, reconnectGraceMs: 1500, historyMs: 2000, requestRateCount: 1000, signalRateCount: 10_000 },
    0,
  );
  for (const c of [host, co, x, y]) s = step(s, { type: 'join', name: c.id }, c, 0).state;
  s = step(s, { type: 'set-cohost', userId: 'co', cohost: true }, host, 0).state;
  s = step(s, { type: 'invite', invitationId: 'first', userId: 'x', seat: 0 }, host, 0).state;
  s = step(s, { type: 'respond-invitation', invitationId: 'first', accept: true }, x, 0).state;
  s = step(s, { type: 'set-mode', mode }, host, 0).state;
  assert.equal(s.room.seats[0]!.userId, 'x');
  return { s, now: 0 };
}

/** A host reload: the saved snapshot (with what the authority remembers) over the wire format, restored. */
function reload(s: AuthorityState): AuthorityState {
  const text = serialize(encodeSnapshot(s.room, authorityMemory(s)), { maxBytes: 4 * 1024 * 1024 });
  assert.ok(text.ok);
  const d = decode(text.ok ? text.value : '', { maxBytes: 4 * 1024 * 1024 });
  assert.ok(d.ok && d.value.t === 'snap');
  return d.ok && d.value.t === 'snap' ? restoreAuthority(d.value.room, d.value.memory) : s;
}

/** Runs the actions, skipping those `allowed` refuses (the one that would lift the rule), checking `rule` after each. */
type Action =
  | {
      kind: 'speaker' | 'moderator';
      who: Caller;
      cmd: { type: string; seat?: number | 'any'; muted?: boolean; locked?: boolean };
    }
  | { kind: 'presence'; who: string; connected: boolean }
  | { kind: 'tick'; dt: number }
  | { kind: 'reload' };

function play(
  mode: 'free' | 'request',
  setup: (s: AuthorityState) => AuthorityState,
  actions: Action[],
  allowed: (s: AuthorityState, a: Action) => boolean,
  rule: (s: AuthorityState) => void,
) {
  let { s, now } = start(mode);
  s = setup(s);
  rule(s);
  for (const a of actions) {
    if (a.kind === 'reload') {
      s = reload(s);
      rule(s);
      continue;
    }
    if (!allowed(s, a)) continue;
    if (a.kind === 'tick') now += a.dt;
    const out =
      a.kind === 'tick'
        ? step(s, { type: 'tick' }, SYSTEM_CALLER, now)
        : a.kind === 'presence'
          ? step(s, { type: 'presence', userId: a.who, connected: a.connected }, SYSTEM_CALLER, now)
          : step(s, a.cmd, a.who, now);
    checkInvariants(s, out);
    s = out.state;
    rule(s);
  }
  return s;
}

const seatOf = (s: AuthorityState, id: string) => s.room.seats.findIndex((z) => z.userId === id);

describe('class: a moderator’s mute, lock and kick hold against every command a speaker can send', () => {
  test('property: a muted speaker stays muted — any seat, switches, leaving and retaking, requests, invitations, drops, leaving the room, reloads — until a moderator lifts it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('free' as const, 'request' as const),
        fc.constantFrom(host, co),
        fc.array(action, { minLength: 5, maxLength: 60 }),
        (mode, muter, actions) => {
          const s = play(
            mode,
            (s0) => {
              const out = step(s0, { type: 'mute-seat', seat: 0, muted: true }, muter, 0);
              assert.equal(out.result.ok, true);
              return out.state;
            },
            actions,
            // Lifting the mute (unmuting the seat x sits on) is the one thing not played here.
            (s0, a) =>
              !(
                a.kind === 'moderator' &&
                a.cmd.type === 'mute-seat' &&
                !a.cmd.muted &&
                s0.room.seats[a.cmd.seat as number]?.userId === 'x'
              ),
            (s0) => {
              const at = seatOf(s0, 'x');
              if (at >= 0) assert.equal(s0.room.seats[at]!.muted, true, `x sits muted on seat ${at}`);
              const probe = step(s0, { type: 'set-mic', mic: 'on' }, x, s0.room.clock);
              if (s0.room.members.x && !s0.room.ended)
                assert.equal(!probe.result.ok && probe.result.error.code, 'seat-muted', 'x cannot unmute');
              assert.notEqual(s0.room.members.x?.mic, 'on');
            },
          );
          // A moderator lifts it: then x may speak (wherever x sits now).
          const at = seatOf(s, 'x');
          if (at >= 0 && !s.room.ended) {
            const lifted = step(s, { type: 'mute-seat', seat: at, muted: false }, host, s.room.clock);
            assert.equal(lifted.result.ok, true);
            assert.equal(step(lifted.state, { type: 'set-mic', mic: 'on' }, x, s.room.clock).result.ok, true);
          }
        },
      ),
      { numRuns: 1_500 },
    );
  });

  test('property: a locked seat takes nobody until a moderator unlocks it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('free' as const, 'request' as const),
        seat,
        fc.array(action, { minLength: 5, maxLength: 60 }),
        (mode, locked, actions) => {
          play(
            mode,
            (s0) => {
              const out = step(s0, { type: 'lock-seat', seat: locked, locked: true }, host, 0);
              assert.equal(out.result.ok, true);
              return out.state;
            },
            actions,
            (_s, a) =>
              !(a.kind === 'moderator' && a.cmd.type === 'lock-seat' && a.cmd.seat === locked && !a.cmd.locked),
            (s0) => {
              const z = s0.room.seats[locked]!;
              assert.equal(z.status, 'locked');
              assert.equal(z.userId, null);
              assert.equal(z.reservedFor, null);
            },
          );
        },
      ),
      { numRuns: 800 },
    );
  });

  test('property: a kicked speaker is off the seat at once and told "terminated"; in request mode only a moderator can seat them again', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(host, co),
        fc.array(speakerCommand, { minLength: 1, maxLength: 20 }),
        (kicker, attempts) => {
          let { s } = start('request');
          const out = step(s, { type: 'kick-seat', seat: 0 }, kicker, 1);
          assert.equal(out.result.ok, true);
          assert.ok(out.events.some((e) => e.type === 'seat-left' && e.userId === 'x' && e.reason === 'terminated'));
          s = out.state;
          assert.equal(seatOf(s, 'x'), -1);
          for (const cmd of attempts) {
            const o = step(s, cmd, x, 1);
            checkInvariants(s, o);
            s = o.state;
            assert.equal(seatOf(s, 'x'), -1, `x is not back on a seat after ${cmd.type}`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('the mute rule, step by step (the reported escapes)', () => {
  test('switch-seat, leave + retake in free mode, a new request, an invitation, leaving the room: all keep the mute', () => {
    let { s } = start('free');
    const run = (c: Caller, cmd: unknown) => {
      const out = step(s, cmd, c, 1);
      s = out.state;
      return out.result;
    };
    assert.equal(run(host, { type: 'mute-seat', seat: 0, muted: true }).ok, true);
    assert.equal((run(x, { type: 'set-mic', mic: 'on' }) as { error: { code: string } }).error.code, 'seat-muted');
    assert.equal(run(x, { type: 'switch-seat', to: 3 }).ok, true);
    assert.equal(s.room.seats[3]!.muted, true, 'the mute moved with x');
    assert.equal(s.room.seats[0]!.muted, false, 'and left seat 0, which the next person takes unmuted');
    assert.equal((run(x, { type: 'set-mic', mic: 'on' }) as { error: { code: string } }).error.code, 'seat-muted');
    assert.equal(run(x, { type: 'leave-seat' }).ok, true);
    assert.equal(run(x, { type: 'take-seat', seat: 1 }).ok, true);
    assert.equal(s.room.seats[1]!.muted, true);
    assert.equal(run(x, { type: 'leave-room' }).ok, true);
    assert.equal(run(x, { type: 'join', name: 'X' }).ok, true);
    assert.equal(run(host, { type: 'invite', invitationId: 'again', userId: 'x', seat: 2 }).ok, true);
    assert.equal(run(x, { type: 'respond-invitation', invitationId: 'again', accept: true }).ok, true);
    assert.equal(s.room.seats[2]!.muted, true);
    assert.equal((run(x, { type: 'set-mic', mic: 'on' }) as { error: { code: string } }).error.code, 'seat-muted');
    assert.equal(run(y, { type: 'take-seat', seat: 0 }).ok, true);
    assert.equal(run(y, { type: 'set-mic', mic: 'on' }).ok, true, 'y, on the seat x left, is not muted');
    // Lifted by a moderator: x speaks.
    assert.equal(run(co, { type: 'mute-seat', seat: 2, muted: false }).ok, true);
    assert.equal(run(x, { type: 'set-mic', mic: 'on' }).ok, true);
  });

  test('muting an empty seat mutes whoever sits there next, and that mute is then theirs', () => {
    let { s } = start('free');
    s = step(s, { type: 'mute-seat', seat: 2, muted: true }, host, 1).state;
    s = step(s, { type: 'take-seat', seat: 2 }, y, 1).state;
    assert.equal(s.room.seats[2]!.muted, true);
    s = step(s, { type: 'switch-seat', to: 3 }, y, 1).state;
    assert.equal(s.room.seats[3]!.muted, true);
    assert.equal(s.room.seats[2]!.muted, false);
    assert.equal(step(s, { type: 'set-mic', mic: 'on' }, y, 1).result.ok, false);
  });
});
