import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthorityServer, createAuthority, RoomReplica, encodeSnapshot, type ServedChange } from '@micseat/core';

const running: AuthorityServer[] = [];
// A running actor holds a timer until its next deadline: stop them all, or the file never exits.
after(() => running.forEach((s) => s.stop()));

function served(now: () => number = () => 1_000, resultCache?: number) {
  const server = new AuthorityServer({
    state: createAuthority('r', {}, now()),
    now,
    replicate: 'stage',
    ...(resultCache ? { resultCache } : {}),
  });
  running.push(server);
  const changes: ServedChange[] = [];
  server.onChange((c) => changes.push(c));
  server.start();
  return { server, changes };
}
const host = { id: 'alice', role: 'host' as const };
const bob = { id: 'bob', role: 'audience' as const };

describe('AuthorityServer (core): the one server every authority home wraps', () => {
  test('a resent correlation id is answered with the first result and runs once', () => {
    const { server, changes } = served();
    assert.ok(server.execute(host, 'h1', { type: 'join', name: 'Alice' }).ok);
    assert.ok(server.execute(bob, 'b1', { type: 'join', name: 'Bob' }).ok);
    const first = server.execute(bob, 'b2', { type: 'request-seat', requestId: 'req-1', seat: 'any', media: 'audio' });
    assert.ok(first.ok);
    const version = server.room.version;
    const again = server.execute(bob, 'b2', { type: 'request-seat', requestId: 'req-1', seat: 'any', media: 'audio' });
    assert.deepEqual(again, first);
    assert.equal(server.room.version, version, 'the resend changed nothing');
    assert.equal(changes.length, 3);
    // The cache is per caller: the same correlation id from someone else is a new command.
    const other = server.execute({ id: 'carol', role: 'audience' }, 'b2', { type: 'join', name: 'Carol' });
    assert.ok(other.ok);
    assert.ok(server.room.members['carol']);
  });

  test('internal commands are refused from callers and change nothing', () => {
    const { server, changes } = served();
    server.execute(host, 'h1', { type: 'join', name: 'Alice' });
    for (const cmd of [{ type: 'tick' }, { type: 'presence', userId: 'alice', connected: false }]) {
      const r = server.execute(host, `x-${cmd.type}`, cmd);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.code, 'not-allowed');
    }
    assert.equal(changes.length, 1);
    assert.equal(server.room.members['alice']!.connected, true);
  });

  test('every change is fanned out once: a stage delta for everyone, a self message for whom it concerns', () => {
    const { server, changes } = served();
    const replica = new RoomReplica('bob');
    replica.receive(encodeSnapshot(server.stage));
    server.execute(host, 'h1', { type: 'join', name: 'Alice' });
    server.execute(host, 'h2', { type: 'set-mode', mode: 'free' });
    server.execute(bob, 'b1', { type: 'join', name: 'Bob' });
    server.execute(bob, 'b2', { type: 'take-seat', seat: 3 });
    const refused = server.execute(bob, 'b3', { type: 'take-seat', seat: 99 });
    assert.equal(refused.ok, false, 'a refusal is not a change');
    assert.equal(changes.length, 4);
    // Bob joining the audience changes no stage: no delta, only Bob's own part.
    assert.equal(changes[2]!.delta, null);
    assert.deepEqual([...changes[2]!.personal.keys()], ['bob']);
    for (const c of changes) {
      if (c.delta) assert.equal(replica.receive(c.delta).kind, 'applied');
      const own = c.personal.get('bob');
      if (own) assert.equal(replica.receive(own).kind, 'applied');
    }
    // A fresh snapshot and Bob's own part give the same room as the deltas did.
    const fresh = new RoomReplica('bob');
    fresh.receive(encodeSnapshot(server.stage));
    fresh.receive(server.selfFor('bob'));
    assert.deepEqual(replica.room, fresh.room);
    assert.equal(replica.room!.seats[3]!.userId, 'bob');
    assert.equal(replica.room!.members['bob']!.name, 'Bob');
  });

  test('presence from the transport runs as the system; unknown users are ignored', () => {
    const { server, changes } = served();
    server.execute(host, 'h1', { type: 'join', name: 'Alice' });
    server.presence('nobody', false);
    assert.equal(changes.length, 1);
    server.presence('alice', false);
    assert.equal(server.room.members['alice']!.connected, false);
    server.presence('alice', true);
    assert.equal(server.room.members['alice']!.connected, true);
  });

  test('sync: the stage for a replica behind or with nothing; null when up to date', () => {
    const { server } = served();
    server.execute(host, 'h1', { type: 'join', name: 'Alice' });
    const v = server.stage.version;
    assert.equal(server.snapshotFor(0), server.stage);
    assert.equal(server.snapshotFor(v - 1), server.stage);
    assert.equal(server.snapshotFor(v), null);
    assert.equal(server.snapshotFor(v + 5), null);
    // An audience join moves the room's version but not the stage's: a replica at the stage is up to date.
    server.execute(bob, 'b1', { type: 'join', name: 'Bob' });
    assert.ok(server.version > v);
    assert.equal(server.snapshotFor(v), null);
  });

  test('the result cache is bounded per caller (oldest forgotten first); remembered results can be restored', () => {
    const { server } = served(undefined, 3);
    server.execute(host, 'h1', { type: 'join', name: 'Alice' });
    for (let i = 2; i <= 4; i++) server.execute(host, `h${i}`, { type: 'set-mode', mode: i % 2 ? 'free' : 'request' });
    assert.equal(server.recall('alice', 'h1'), undefined);
    assert.ok(server.recall('alice', 'h4'));
    const restored = served().server;
    restored.remember('bob', 'b9', { ok: true, value: 'kept' });
    assert.deepEqual(restored.execute(bob, 'b9', { type: 'join', name: 'Bob' }), { ok: true, value: 'kept' });
    assert.equal(restored.room.members['bob'], undefined, 'a remembered id is not run again');
  });

  test('timer-driven expiries are fanned out like commands', async () => {
    let now = 1_000;
    const { server, changes } = served(() => now);
    server.execute(host, 'h1', { type: 'join', name: 'Alice' });
    server.execute(bob, 'b1', { type: 'join', name: 'Bob' });
    server.execute(bob, 'b2', {
      type: 'request-seat',
      requestId: 'req-1',
      seat: 'any',
      media: 'audio',
      timeoutMs: 1_000,
    });
    const before = changes.length;
    now += 1_001;
    const expired = new Promise<void>((resolve) =>
      server.onChange((c) => c.outcome.events.some((e) => e.type === 'request-resolved') && resolve()),
    );
    await expired;
    assert.ok(changes.length > before);
    assert.equal(server.room.requests['req-1']!.status, 'timeout');
    server.stop();
  });

  test('after stop every command is refused with disconnected', () => {
    const { server } = served();
    server.stop();
    const r = server.execute(host, 'h1', { type: 'join', name: 'Alice' });
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'disconnected');
    assert.equal(server.running, false);
  });
});
