// Room leases and the fencing epoch, against the real Redis (127.0.0.1:6379).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomStore, StaleOwnerError } from '@micseat/server';
import { dropPrefix, testPrefix, waitFor } from './helpers.ts';

const prefix = testPrefix('store');
const stores: RoomStore[] = [];
const store = (owner: string, leaseMs = 5_000) => {
  const s = new RoomStore('redis://127.0.0.1:6379', { prefix, owner, leaseMs });
  stores.push(s);
  return s;
};
after(async () => {
  await dropPrefix(prefix);
  await Promise.all(stores.map((s) => s.close()));
});

describe('RoomStore (real Redis): one owner per room, stale writes fenced', () => {
  test('processes racing for one room: exactly one gets it, with a new epoch', async () => {
    const racers = Array.from({ length: 8 }, (_, i) => store(`p${i}`));
    const epochs = await Promise.all(racers.map((s) => s.acquire('race')));
    const winners = epochs.filter((e) => e !== null);
    assert.equal(winners.length, 1, `one winner, got ${JSON.stringify(epochs)}`);
    const winner = racers[epochs.findIndex((e) => e !== null)]!;
    assert.equal(await winner.ownerOf('race'), winner.options.owner);
    // Losers cannot renew or release it.
    const loser = racers.find((s) => s !== winner)!;
    assert.equal(await loser.renew('race', winners[0]!), 'lost');
    await loser.release('race');
    assert.equal(await winner.ownerOf('race'), winner.options.owner);
  });

  test("a stale owner's write is refused by the fence; the new owner's lands", async () => {
    const a = store('a', 300);
    const b = store('b', 5_000);
    const ea = (await a.acquire('fence'))!;
    await a.write('fence', ea, { snapshot: '{"old":true}', results: [] });
    // a stalls past its lease; b takes the room over.
    let eb: number | null = null;
    await waitFor(async () => (eb = await b.acquire('fence')) !== null, 'b takes the expired lease');
    assert.ok(eb! > ea, 'a takeover bumps the epoch');
    await assert.rejects(a.write('fence', ea, { snapshot: '{"stale":true}', results: [] }), StaleOwnerError);
    await b.write('fence', eb!, { snapshot: '{"new":true}', results: [['bob', 'c1', '{"ok":true,"value":1}']] });
    const stored = await b.read('fence');
    assert.equal(stored?.snapshot, '{"new":true}');
    assert.equal(stored?.epoch, eb);
    assert.deepEqual(stored?.results, [['bob', 'c1', '{"ok":true,"value":1}']]);
    assert.equal(await a.renew('fence', ea), 'lost', 'the stale owner cannot renew either');
  });

  test('renewal keeps a lease; a lapsed lease nobody took is taken back; release frees it', async () => {
    const a = store('a2', 300);
    const e = (await a.acquire('renew'))!;
    for (let i = 0; i < 3; i++) {
      assert.equal(await a.renew('renew', e), 'renewed');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await a.ownerOf('renew'), 'a2');
    await waitFor(async () => (await a.ownerOf('renew')) === null, 'the lease lapses');
    assert.equal(await a.renew('renew', e), 'renewed', 'nobody took it: the owner keeps its room');
    assert.equal(await a.ownerOf('renew'), 'a2');
    await a.release('renew');
    assert.equal(await a.ownerOf('renew'), null);
    const b = store('b2');
    assert.ok((await b.acquire('renew'))! > e);
  });

  test('roles are recorded per room by the minter and read back; unknown identities have none', async () => {
    const a = store('roles');
    await a.setRole('r1', 'alice', 'host', 60_000);
    await a.setRole('r1', 'bob', 'cohost', 60_000);
    assert.equal(await a.roleOf('r1', 'alice'), 'host');
    assert.equal(await a.roleOf('r1', 'bob'), 'cohost');
    assert.equal(await a.roleOf('r1', 'carol'), null);
    assert.equal(await a.roleOf('r2', 'alice'), null, 'a role is for one room only');
  });
});

describe('RoomStore (real Redis): Redis lost its data (a restart without persistence)', () => {
  test('the owner serving the room from memory takes it back with its epoch, by renewal or by its next write', async () => {
    const a = store('lost-a', 5_000);
    const ea = (await a.acquire('lost'))!;
    await a.write('lost', ea, { snapshot: '{"v":1}', results: [] });
    const forget = () => a.redis.del(a.key('lost', 'lease'), a.key('lost', 'epoch'), a.key('lost', 'state'));
    await forget();
    assert.equal(await a.renew('lost', ea), 'reestablished');
    assert.equal(await a.ownerOf('lost'), 'lost-a');
    assert.equal(await a.hasState('lost'), false, 'the caller writes the room again');
    assert.equal(await a.write('lost', ea, { snapshot: '{"v":2}', results: [] }), 'written');
    await forget();
    assert.equal(await a.write('lost', ea, { snapshot: '{"v":3}', results: [] }), 'reestablished');
    assert.equal((await a.read('lost'))?.snapshot, '{"v":3}');
    assert.equal(await a.ownerOf('lost'), 'lost-a');
    // Someone else took the room after the loss (a lease and a newer epoch): no taking back.
    await forget();
    const b = store('lost-b', 5_000);
    const eb = (await b.acquire('lost'))!;
    assert.equal(await a.renew('lost', ea), 'lost');
    await assert.rejects(a.write('lost', ea, { snapshot: '{"stale":true}', results: [] }), StaleOwnerError);
    await b.write('lost', eb, { snapshot: '{"b":true}', results: [] });
    assert.equal((await b.read('lost'))?.snapshot, '{"b":true}');
  });

  test('lease times of many rooms in one round trip: -2 for a room nobody holds', async () => {
    const a = store('times', 5_000);
    await a.acquire('t1');
    const [held, free] = await a.leaseTimes(['t1', 't-none']);
    assert.ok(held! > 0 && held! <= 5_000);
    assert.equal(free, -2);
    assert.deepEqual(await a.leaseTimes([]), []);
  });
});
