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

  test('every change is fanned out once as a delta a replica can apply, in version order', () => {
    const { server, changes } = served();
    const replica = new RoomReplica();
    replica.receive(encodeSnapshot(server.room));
    server.execute(host, 'h1', { type: 'join', name: 'Alice' });
    server.execute(host, 'h2', { type: 'set-mode', mode: 'free' });
    server.execute(bob, 'b1', { type: 'join', name: 'Bob' });
    server.execute(bob, 'b2', { type: 'take-seat', seat: 3 });
    const refused = server.execute(bob, 'b3', { type: 'take-seat', seat: 99 });
    assert.equal(refused.ok, false, 'a refusal is not a change');
    assert.deepEqual(
      changes.map((c) => c.delta.t === 'delta' && c.delta.to),
      [1, 2, 3, 4].map((n) => n + changes[0]!.outcome.state.room.version - 1),
    );
    for (const c of changes) assert.equal(replica.receive(c.delta).kind, 'applied');
    assert.deepEqual(replica.room, server.room);
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

  test('sync: the room for a replica behind or with nothing; null when up to date', () => {
    const { server } = served();
    server.execute(host, 'h1', { type: 'join', name: 'Alice' });
    const v = server.room.version;
    assert.equal(server.snapshotFor(0), server.room);
    assert.equal(server.snapshotFor(v - 1), server.room);
    assert.equal(server.snapshotFor(v), null);
    assert.equal(server.snapshotFor(v + 5), null);
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
