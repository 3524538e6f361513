/**
 * Issue #8, class 2: identities and ids named after Object.prototype members. Every collection
 * keyed by user input (members, requests, invitations, the replica, decoded snapshots, the
 * remembered ids) must treat `__proto__`, `constructor`, `toString`… as ordinary keys.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  authorityMemory,
  createAuthority,
  decode,
  encodeDelta,
  encodeSnapshot,
  restoreAuthority,
  RoomReplica,
  serialize,
  step,
  SYSTEM_CALLER,
  type AuthorityState,
  type Caller,
  type RoomState,
} from '@micseat/core';
import { checkInvariants } from './invariants.ts';

/** Every Object.prototype name, plus the ones that matter elsewhere (`prototype`, Function's). */
const PROTO_NAMES = [
  ...new Set([
    ...Object.getOwnPropertyNames(Object.prototype),
    '__proto__',
    'prototype',
    'constructor',
    'caller',
    'arguments',
    'length',
    'name',
  ]),
];
// Client-made ids allow [A-Za-z0-9_.:-]; every name above fits.
const IDS = [...PROTO_NAMES, 'r1', 'i1'];
const USERS = ['host', 'co', ...PROTO_NAMES, 'u1'];
const roleOf = (id: string): Caller['role'] => (id === 'host' ? 'host' : id === 'co' ? 'cohost' : 'audience');

const asJson = (x: unknown) => JSON.parse(JSON.stringify(x));
const uid = fc.constantFrom(...USERS);
const id = fc.constantFrom(...IDS);
const seat = fc.integer({ min: 0, max: 3 });
const command = fc.oneof(
  fc.record({ type: fc.constant('join'), name: fc.constantFrom('A', 'B') }),
  fc.record({ type: fc.constant('leave-room') }),
  fc.record({ type: fc.constant('take-seat'), seat }),
  fc.record({ type: fc.constant('leave-seat') }),
  fc.record({ type: fc.constant('switch-seat'), to: seat }),
  fc.record({ type: fc.constant('switch-seat'), to: seat, userId: uid }),
  fc.record({ type: fc.constant('kick-seat'), seat }),
  fc.record({ type: fc.constant('mute-seat'), seat, muted: fc.boolean() }),
  fc.record({ type: fc.constant('set-mode'), mode: fc.constantFrom('free', 'request') }),
  fc.record({ type: fc.constant('set-cohost'), userId: uid, cohost: fc.boolean() }),
  fc.record({
    type: fc.constant('request-seat'),
    requestId: id,
    seat: fc.oneof(seat, fc.constant('any')),
    media: fc.constant('audio'),
    timeoutMs: fc.constantFrom(1000, 5000),
  }),
  fc.record({ type: fc.constant('cancel-request'), requestId: id }),
  fc.record({ type: fc.constant('accept-request'), requestId: id }),
  fc.record({ type: fc.constant('accept-next') }),
  fc.record({ type: fc.constant('reject-request'), requestId: id }),
  fc.record({
    type: fc.constant('invite'),
    invitationId: id,
    userId: uid,
    seat: fc.oneof(seat, fc.constant('any')),
    timeoutMs: fc.constantFrom(1000, 5000),
  }),
  fc.record({ type: fc.constant('respond-invitation'), invitationId: id, accept: fc.boolean() }),
  fc.record({ type: fc.constant('cancel-invitation'), invitationId: id }),
  fc.record({ type: fc.constant('remove-member'), userId: uid }),
  fc.record({ type: fc.constant('set-mic'), mic: fc.constantFrom('on', 'off') }),
  fc.record({
    type: fc.constant('signal'),
    name: fc.constant('gift'),
    payload: fc.dictionary(fc.constantFrom(...PROTO_NAMES), fc.integer(), { maxKeys: 3 }),
  }),
);
const action = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('cmd' as const),
      who: uid,
      cmd: command,
      dt: fc.integer({ min: 0, max: 800 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('presence' as const),
      who: uid,
      connected: fc.boolean(),
      dt: fc.integer({ min: 0, max: 800 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 3000 }) }) },
);

/** Every record keyed by user input has no prototype, and each key is its item's id. */
function checkRecords(room: RoomState): void {
  for (const [name, rec] of [
    ['members', room.members],
    ['requests', room.requests],
    ['invitations', room.invitations],
  ] as const) {
    assert.equal(Object.getPrototypeOf(rec), null, `${name} is a null-prototype record`);
    for (const [k, v] of Object.entries(rec))
      assert.equal((v as { id: string }).id, k, `${name}[${k}] is filed under its id`);
  }
}

describe('class: identities and ids named after Object.prototype members', () => {
  test('property: random rooms of such names keep every member, request and invitation, through deltas, snapshots and a reload', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 10, maxLength: 50 }), (actions) => {
        let now = 0;
        let s: AuthorityState = createAuthority(
          'proto',
          { seatCount: 4, reconnectGraceMs: 2000, historyMs: 3000, requestRateCount: 1000 },
          now,
        );
        const present = new Set<string>();
        const join = (who: string) => {
          const out = step(s, { type: 'join', name: who.slice(0, 60) || 'x' }, { id: who, role: roleOf(who) }, now);
          checkInvariants(s, out);
          s = out.state;
          if (out.result.ok) present.add(who);
        };
        for (const who of USERS) join(who);
        const replica = new RoomReplica();
        replica.receive(decodeOk(serialize(encodeSnapshot(s.room))));
        for (const a of actions) {
          now += a.dt;
          const out =
            a.kind === 'cmd'
              ? step(s, a.cmd, { id: a.who, role: roleOf(a.who) }, now)
              : a.kind === 'presence'
                ? step(s, { type: 'presence', userId: a.who, connected: a.connected }, SYSTEM_CALLER, now)
                : step(s, { type: 'tick' }, SYSTEM_CALLER, now);
          checkInvariants(s, out);
          s = out.state;
          const room = s.room;
          checkRecords(room);
          // Membership is exactly who joined and did not leave: nobody vanishes, no field appears as a member.
          for (const e of out.events) {
            if (e.type === 'member-joined') present.add(e.userId);
            if (e.type === 'member-left') present.delete(e.userId);
          }
          assert.deepEqual(new Set(Object.keys(room.members)), present);
          // A client fed the delta (over the wire) holds the same room.
          if (out.patch)
            replica.receive(decodeOk(serialize(encodeDelta(room.version, room.clock, out.patch, out.events))));
          assert.deepEqual(asJson(replica.room), asJson(room), 'the replica matches');
          checkRecords(replica.room!);
        }
        // A late joiner's snapshot, and a host reload from it, keep everything.
        const snap = decodeOk(serialize(encodeSnapshot(s.room, authorityMemory(s))));
        assert.equal(snap.t, 'snap');
        if (snap.t !== 'snap') return;
        checkRecords(snap.room);
        assert.deepEqual(asJson(snap.room), asJson(s.room), 'the snapshot decodes to the same room');
        const restored = restoreAuthority(snap.room, snap.memory);
        checkRecords(restored.room);
        assert.deepEqual(asJson(restored.room), asJson(s.room), 'a reload restores the same room');
      }),
      { numRuns: 300 },
    );
  });

  test('the reported cases: `__proto__` joins and stays one member; `constructor` / `prototype` survive decode', () => {
    let s = createAuthority('r', {}, 0);
    for (const who of ['host', '__proto__', 'constructor', 'prototype']) {
      s = step(s, { type: 'join', name: who }, { id: who, role: who === 'host' ? 'host' : 'audience' }, 0).state;
    }
    s = step(
      s,
      { type: 'request-seat', requestId: '__proto__', seat: 'any', media: 'audio' },
      { id: '__proto__', role: 'audience' },
      0,
    ).state;
    s = step(
      s,
      { type: 'request-seat', requestId: 'constructor', seat: 'any', media: 'audio' },
      { id: 'constructor', role: 'audience' },
      0,
    ).state;
    assert.deepEqual(Object.keys(s.room.members).sort(), ['__proto__', 'constructor', 'host', 'prototype']);
    assert.deepEqual(Object.keys(s.room.requests).sort(), ['__proto__', 'constructor']);
    assert.equal(s.room.members.__proto__!.name, '__proto__');
    const d = decodeOk(serialize(encodeSnapshot(s.room)));
    assert.ok(d.t === 'snap');
    if (d.t !== 'snap') return;
    assert.deepEqual(Object.keys(d.room.members).sort(), ['__proto__', 'constructor', 'host', 'prototype']);
    assert.deepEqual(Object.keys(d.room.requests).sort(), ['__proto__', 'constructor']);
    assert.equal(Object.getPrototypeOf(d.room.members), null);
    // A snapshot whose record key is not its item's id is refused, not silently re-filed.
    const text = serialize(encodeSnapshot(s.room));
    assert.ok(text.ok);
    const bad = decode(
      text.ok ? text.value.replace('"prototype":{"id":"prototype"', '"prototype":{"id":"someone-else"') : '',
    );
    assert.equal(!bad.ok && bad.error.code, 'malformed');
  });
});

function decodeOk(text: ReturnType<typeof serialize>) {
  assert.ok(text.ok, text.ok ? '' : text.error.message);
  const d = decode(text.ok ? text.value : '');
  assert.ok(d.ok, d.ok ? '' : d.error.message);
  return d.ok ? d.value : (undefined as never);
}
