import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AuthorityServer,
  createAuthority,
  decode,
  encodeDelta,
  encodeSnapshot,
  LIMITS,
  PROTOCOL_VERSION,
  readRoom,
  RoomReplica,
  step,
  SYSTEM_CALLER,
  type AuthorityState,
  type Caller,
  type ServedChange,
} from '@micseat/core';
import { Room, host, user } from './helpers.ts';
import { checkInvariants } from './invariants.ts';

const audienceIds = (s: AuthorityState, limit: number, cursor?: string) => {
  const r = readRoom(s, { kind: 'audience', limit, ...(cursor ? { cursor } : {}) }, host);
  assert.ok(r.ok && r.value.kind === 'audience', JSON.stringify(r));
  return r.value;
};

describe('stage: what every client holds', () => {
  test('an audience join or leave changes no stage: no delta, only the person’s own part', () => {
    const r = Room.withMembers(0);
    const stage = r.state.stage;
    r.ok(user(1), { type: 'join', name: 'Ann' });
    assert.equal(r.last.stage.patch, null);
    assert.deepEqual([...r.last.stage.personal.keys()], ['u1']);
    assert.equal(r.state.stage, stage, 'the same stage object: nothing rebuilt');
    r.ok(user(1), { type: 'leave-room' });
    assert.equal(r.last.stage.patch, null);
  });

  test('the stage’s size does not depend on the audience or the queue', () => {
    const sizes: number[] = [];
    for (const n of [10, 3000]) {
      const r = Room.withMembers(n, { seatCount: 64, maxPendingRequests: 100_000, requestRateCount: 5 });
      for (let i = 1; i <= n; i += 2)
        r.ok(user(i), { type: 'request-seat', requestId: `q${i}`, seat: 'any', media: 'audio' });
      r.run(SYSTEM_CALLER, { type: 'publish-counts' });
      assert.equal(r.state.stage.counts.members, n + 1);
      assert.equal(r.state.stage.counts.queue, Math.ceil(n / 2));
      const { counts: _, ...rest } = r.state.stage;
      const same = { ...rest, version: 0, clock: 0, counts: { members: 0, audience: 0, queue: 0 } };
      sizes.push(JSON.stringify(encodeSnapshot(same)).length);
    }
    assert.equal(sizes[0], sizes[1]);
  });

  test('64 seats taken, 64 speakers: the stage snapshot is at most 16 KiB', () => {
    const r = Room.withMembers(2000, { seatCount: 64 });
    r.ok(host, { type: 'set-mode', mode: 'free' });
    for (let i = 1; i <= 64; i++) r.ok(user(i), { type: 'take-seat', seat: i - 1 });
    r.run(SYSTEM_CALLER, { type: 'publish-counts' });
    const bytes = Buffer.byteLength(JSON.stringify(encodeSnapshot(r.state.stage)));
    assert.ok(bytes <= 16 * 1024, `${bytes} bytes`);
    assert.equal(Object.keys(r.state.stage.members).length, 65);
  });

  test('counts are published by `publish-counts` only, and equal the members held', () => {
    const r = Room.withMembers(5);
    assert.deepEqual(r.room.counts, { members: 0, audience: 0, queue: 0 });
    assert.equal(r.state.countsStale, true);
    r.run(SYSTEM_CALLER, { type: 'publish-counts' });
    assert.deepEqual(r.room.counts, { members: 6, audience: 5, queue: 0 });
    assert.deepEqual(r.last.stage.patch?.counts, { members: 6, audience: 5, queue: 0 });
    assert.equal(r.state.countsStale, false);
    const v = r.room.version;
    r.run(SYSTEM_CALLER, { type: 'publish-counts' });
    assert.equal(r.room.version, v, 'same counts: no change, no version');
    const refused = r.run(user(1), { type: 'publish-counts' });
    assert.ok(!refused.ok && refused.error.code === 'not-allowed');
  });
});

describe('paged reads', () => {
  test('the queue: moderators only, FIFO with positions, the head, a cursor to continue', () => {
    const r = Room.withMembers(7);
    for (let i = 1; i <= 7; i++)
      r.ok(user(i), { type: 'request-seat', requestId: `q${i}`, seat: 'any', media: 'audio' });
    const refused = readRoom(r.state, { kind: 'queue' }, user(1));
    assert.ok(!refused.ok && refused.error.code === 'not-allowed');
    const notMember = readRoom(r.state, { kind: 'audience' }, { id: 'stranger' });
    assert.ok(!notMember.ok && notMember.error.code === 'not-member');
    const first = readRoom(r.state, { kind: 'queue', limit: 3 }, host);
    assert.ok(first.ok && first.value.kind === 'queue');
    assert.deepEqual(
      first.value.items.map((e) => [e.request.id, e.position, e.member?.name]),
      [
        ['q1', 1, 'User 1'],
        ['q2', 2, 'User 2'],
        ['q3', 3, 'User 3'],
      ],
    );
    assert.equal(first.value.head?.id, 'q1');
    assert.equal(first.value.total, 7);
    // q2 leaves the queue before the next page: the walk goes on after q3, positions move up.
    r.ok(user(2), { type: 'cancel-request', requestId: 'q2' });
    const second = readRoom(r.state, { kind: 'queue', limit: 3, cursor: first.value.next! }, host);
    assert.ok(second.ok && second.value.kind === 'queue');
    assert.deepEqual(
      second.value.items.map((e) => [e.request.id, e.position]),
      [
        ['q4', 3],
        ['q5', 4],
        ['q6', 5],
      ],
    );
    assert.equal(second.value.offset, 2);
    const position = readRoom(r.state, { kind: 'position' }, user(6));
    assert.ok(position.ok && position.value.kind === 'position' && position.value.position === 5);
    const none = readRoom(r.state, { kind: 'position' }, user(2));
    assert.ok(none.ok && none.value.kind === 'position' && none.value.position === null);
  });

  test('the audience leaves out the stage, and a page stops short of the byte budget', () => {
    const r = Room.withMembers(6);
    r.ok(host, { type: 'set-cohost', userId: 'u2', cohost: true });
    r.ok(host, { type: 'set-mode', mode: 'free' });
    r.ok(user(4), { type: 'take-seat', seat: 0 });
    const all = audienceIds(r.state, 100);
    assert.deepEqual(
      all.items.map((m) => m.id),
      ['u1', 'u3', 'u5', 'u6'],
    );
    assert.equal(all.total, 4);
    const small = readRoom(r.state, { kind: 'audience', limit: 100 }, host, { maxBytes: 300 });
    assert.ok(small.ok && small.value.kind === 'audience');
    assert.ok(small.value.items.length >= 1 && small.value.items.length < 4, `${small.value.items.length} items`);
    assert.ok(small.value.next);
  });

  test('hostile queries: typed errors, never a throw', () => {
    const r = Room.withMembers(3);
    const bad: unknown[] = [
      null,
      42,
      'queue',
      {},
      { kind: 'everyone' },
      { kind: 'audience', limit: 0 },
      { kind: 'audience', limit: LIMITS.maxPageSize + 1 },
      { kind: 'audience', limit: 1.5 },
      { kind: 'audience', limit: -1 },
      { kind: 'audience', cursor: '' },
      { kind: 'audience', cursor: 'x'.repeat(LIMITS.maxCursorLength + 1) },
      { kind: 'audience', cursor: 'q1.5' },
      { kind: 'audience', cursor: 'a1.5' },
      { kind: 'audience', cursor: 'a1.-5:u1' },
      { kind: 'audience', cursor: 'a1.NaN:u1' },
      { kind: 'audience', cursor: 'a1.1e400:u1' },
      { kind: 'audience', cursor: 'a1.05:u1' },
      { kind: 'audience', cursor: 'a1.5:%E0%A4%A' },
      { kind: 'audience', cursor: 'a1.5:' },
      { kind: 'audience', cursor: `a1.5:${'x'.repeat(200)}` },
      { kind: 'queue', cursor: 'a1.5:u1' },
      { kind: 'queue', cursor: 'q1.-1' },
      { kind: 'queue', cursor: 'q1.99999999999999999' },
      { kind: 'queue', cursor: 'q1.1.2' },
      { kind: 'queue', cursor: 'q2.1' },
      { kind: 'position', cursor: 'q1.1' },
      { kind: 'audience', extra: true },
    ];
    for (const q of bad) {
      const res = readRoom(r.state, q, host);
      assert.ok(!res.ok && res.error.code === 'invalid-command', `${JSON.stringify(q)}: ${JSON.stringify(res)}`);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom('queue', 'audience'), (cursor, kind) => {
        const res = readRoom(r.state, { kind, cursor }, host);
        // Either a typed refusal, or a page (a well-formed cursor that happens to be valid).
        assert.ok(res.ok || res.error.code === 'invalid-command', JSON.stringify(res));
      }),
      { numRuns: 2000 },
    );
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    const thrown = readRoom(r.state, proxy, host);
    assert.ok(!thrown.ok);
  });

  test('property: a walk through the pages, while members join and leave, sees each member who stayed exactly once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(
          fc.record({
            joins: fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 4 }),
            leaves: fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 4 }),
            dt: fc.integer({ min: 0, max: 3 }),
          }),
          { maxLength: 30 },
        ),
        (initial, limit, between) => {
          let now = 0;
          let s = createAuthority('walk', {}, now);
          const as = (id: string): Caller => ({ id, role: id === 'host' ? 'host' : 'audience' });
          s = step(s, { type: 'join', name: 'Host' }, as('host'), now).state;
          for (let i = 0; i < initial; i++) s = step(s, { type: 'join', name: `m${i}` }, as(`m${i}`), now).state;
          const present0 = new Set(Array.from({ length: initial }, (_, i) => `m${i}`));
          const everLeft = new Set<string>();
          const seen: string[] = [];
          let cursor: string | undefined;
          for (let pageNo = 0; ; pageNo++) {
            const page = audienceIds(s, limit, cursor);
            seen.push(...page.items.map((m) => m.id));
            // Churn between pages: some join (new or returning), some leave.
            const churn = between[pageNo % Math.max(1, between.length)];
            if (churn && pageNo < between.length) {
              now += churn.dt;
              for (const j of churn.joins) s = step(s, { type: 'join', name: `m${j}` }, as(`m${j}`), now).state;
              for (const l of churn.leaves) {
                const out = step(s, { type: 'leave-room' }, as(`m${l}`), now);
                if (out.result.ok) everLeft.add(`m${l}`);
                s = out.state;
              }
            }
            if (!page.next) break;
            cursor = page.next;
            assert.ok(pageNo < 1000, 'the walk ends');
          }
          // (Someone who left and came back is a new membership, with a later place: they may be seen again.)
          const times = (id: string) => seen.filter((x) => x === id).length;
          for (const id of new Set(seen))
            if (!everLeft.has(id)) assert.equal(times(id), 1, `${id} seen once: ${seen.join()}`);
          for (const id of present0)
            if (!everLeft.has(id)) assert.equal(times(id), 1, `${id} stayed and was seen once`);
          // Counts always equal the members held.
          const counted = step(s, { type: 'publish-counts' }, SYSTEM_CALLER, now).state;
          assert.equal(counted.room.counts.members, Object.keys(counted.room.members).length);
          assert.equal(counted.room.counts.audience, audienceIds(counted, 100).total);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('wire: reads, pages, self messages and stage deltas', () => {
  test('read and page messages decode; hostile ones are typed errors; old versions are refused', () => {
    const ok = decode({ v: PROTOCOL_VERSION, t: 'read', id: 'r1', query: { kind: 'audience', limit: 10 } });
    assert.ok(ok.ok);
    for (const m of [
      { v: PROTOCOL_VERSION, t: 'read', id: 'r1', query: { kind: 'audience', limit: 10_000 } },
      { v: PROTOCOL_VERSION, t: 'read', id: 'r1', query: { kind: 'queue', cursor: 7 } },
      { v: PROTOCOL_VERSION, t: 'read', id: '', query: { kind: 'queue' } },
      { v: PROTOCOL_VERSION, t: 'read', id: 'r1' },
      // A page's value is checked as bounded JSON, like a command's result (it comes from the
      // authority); the envelope itself must be a result.
      { v: PROTOCOL_VERSION, t: 'page', id: 'r1', res: { ok: 'yes', value: { kind: 'queue' } } },
      { v: PROTOCOL_VERSION, t: 'page', id: 'r1', res: { ok: false, error: { code: 'nope', message: '' } } },
      { v: PROTOCOL_VERSION, t: 'self', at: -1, member: null, requests: [], events: [] },
      { v: PROTOCOL_VERSION, t: 'delta', from: -1, to: 2, clock: 0, patch: {}, events: [] },
    ]) {
      const d = decode(m);
      assert.ok(!d.ok && d.error.code === 'malformed', JSON.stringify(m));
    }
    const old = decode({ v: 1, t: 'read', id: 'r1', query: { kind: 'audience' } });
    assert.ok(!old.ok && old.error.code === 'unsupported-version');
  });

  test('a replica: duplicated and old deltas ignored, out-of-order ones held until the gap closes, stale self ignored', () => {
    const server = new AuthorityServer({ state: createAuthority('w', {}, 0), now: () => 1, replicate: 'stage' });
    const changes: ServedChange[] = [];
    server.onChange((c) => changes.push(c));
    server.start();
    try {
      const fresh = new RoomReplica('u1');
      fresh.receive(encodeSnapshot(server.stage));
      server.execute(host, 'h1', { type: 'join', name: 'Host' });
      server.execute(user(1), 'a', { type: 'join', name: 'Ann' }); // audience: no delta
      server.execute(host, 'h2', { type: 'set-mode', mode: 'free' });
      server.execute(user(1), 'b', { type: 'take-seat', seat: 2 });
      const deltas = changes.flatMap((c) => (c.delta ? [c.delta] : []));
      assert.equal(deltas.length, 3);
      const d = deltas as Extract<(typeof deltas)[number], { t: 'delta' }>[];
      assert.equal(d[1]!.from, d[0]!.to, 'the chain skips versions that changed no stage');
      assert.ok(d[1]!.to > d[1]!.from! + 1);
      // Out of order and duplicated.
      assert.equal(fresh.receive(d[1]!).kind, 'gap');
      assert.equal(fresh.receive(d[2]!).kind, 'gap');
      assert.equal(fresh.receive(d[0]!).kind, 'applied');
      assert.equal(fresh.receive(d[1]!).kind, 'ignored');
      assert.equal(fresh.version, server.stage.version);
      server.execute(user(1), 'c', { type: 'set-mic', mic: 'denied' });
      const selfs = changes.flatMap((c) => (c.personal.get('u1') ? [c.personal.get('u1')!] : []));
      assert.equal(selfs.length, 2, 'Ann’s join and her mic report');
      assert.equal(fresh.receive(changes.at(-1)!.delta!).kind, 'applied', 'her mic is on the stage too (she sits)');
      assert.equal(fresh.receive(selfs[1]!).kind, 'applied');
      assert.equal(fresh.receive(selfs[0]!).kind, 'ignored', 'an older self message is ignored');
      const snap = new RoomReplica('u1');
      for (const m of server.syncFor('u1', 0)) snap.receive(m);
      assert.deepEqual(fresh.room, snap.room, 'deltas and a fresh snapshot agree');
      assert.equal(fresh.room!.seats[2]!.userId, 'u1');
      // An old wire delta (no `from`) still applies from `to - 1`.
      const legacy = encodeDelta(fresh.version + 1, 5, { mode: 'request' }, []);
      assert.equal(fresh.receive({ ...legacy, from: undefined } as never).kind, 'applied');
    } finally {
      server.stop();
    }
  });

  test('counts are coalesced: a burst of joins reaches clients as one counts change after the interval', async () => {
    const server = new AuthorityServer({
      state: createAuthority('c', {}, 0),
      replicate: 'stage',
      countsIntervalMs: 50,
    });
    const changes: ServedChange[] = [];
    server.onChange((c) => changes.push(c));
    server.start();
    try {
      server.execute(host, 'h', { type: 'join', name: 'Host' });
      for (let i = 1; i <= 200; i++) server.execute(user(i), 'j', { type: 'join', name: `U${i}` });
      const deltasNow = changes.filter((c) => c.delta).length;
      assert.equal(deltasNow, 1, 'only the host’s join changed the stage');
      const published = await new Promise<ServedChange>((resolve) => {
        const off = server.onChange((c) => {
          if (c.outcome.stage.patch?.counts) {
            off();
            resolve(c);
          }
        });
      });
      assert.deepEqual(published.outcome.stage.patch!.counts, { members: 201, audience: 200, queue: 0 });
      assert.equal(changes.filter((c) => c.delta).length, 2, 'one counts delta for 200 joins');
    } finally {
      server.stop();
    }
  });

  test('invariants hold for a busy room with the stage checks (smoke)', () => {
    let s = createAuthority('i', { seatCount: 4 }, 0);
    const calls: [Caller, unknown][] = [
      [host, { type: 'join', name: 'H' }],
      [user(1), { type: 'join', name: 'A' }],
      [user(2), { type: 'join', name: 'B' }],
      [user(1), { type: 'request-seat', requestId: 'r1', seat: 'any', media: 'audio' }],
      [host, { type: 'invite', invitationId: 'i1', userId: 'u2', seat: 1 }],
      [host, { type: 'accept-next' }],
      [user(2), { type: 'respond-invitation', invitationId: 'i1', accept: true }],
      [SYSTEM_CALLER, { type: 'publish-counts' }],
      [user(1), { type: 'leave-room' }],
    ];
    for (const [who, cmd] of calls) {
      const out = step(s, cmd, who, 1);
      checkInvariants(s, out);
      s = out.state;
    }
    assert.deepEqual(s.stage.counts, { members: 3, audience: 0, queue: 0 });
  });
});
