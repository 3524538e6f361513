// Faults of the parts around the service, each with the real part: Redis killed and restarted
// empty mid-room (a throwaway redis-server of this test's own; the shared one is never touched),
// the LiveKit server restarted mid-room, a lost room_started webhook, and a stale owner fenced at
// room level (its command refused and never shown).
import { after, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dispose } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { developmentAuthorize, MicseatService, RoomStore, type ServiceOptions } from '@micseat/server';
import {
  dropPrefix,
  freePort,
  post,
  ProtocolClient,
  REDIS_URL,
  startLiveKit,
  startThrowawayRedis,
  testPrefix,
  waitFor,
  type LiveKitHandle,
  type ThrowawayRedis,
} from './helpers.ts';
// @ts-expect-error plain JS module without types
import { startLiveKitServer } from '../../scripts/livekit-server.mjs';

const prefix = testPrefix('faults');
const cleanups: (() => Promise<unknown>)[] = [];
const verbose = !!process.env['MICSEAT_SERVER_LOG'];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
after(async () => {
  await dropPrefix(prefix);
  await dispose();
});

interface Service {
  service: MicseatService;
  logs: { message: string; fields: Record<string, unknown> }[];
}

async function startService(
  name: string,
  lk: LiveKitHandle,
  port: number,
  options: Partial<ServiceOptions> = {},
): Promise<Service> {
  const logs: Service['logs'] = [];
  const service = new MicseatService({
    livekitUrl: lk.url,
    apiKey: lk.apiKey,
    apiSecret: lk.apiSecret,
    redisUrl: REDIS_URL,
    prefix,
    port,
    leaseMs: 4_000,
    sweepMs: 500,
    authorize: developmentAuthorize,
    log: (message, fields = {}) => {
      logs.push({ message, fields });
      if (verbose) console.error(`[${name}]`, message, JSON.stringify(fields));
    },
    ...options,
  });
  await service.start();
  cleanups.push(() => service.stop());
  return { service, logs };
}

async function tokenFor(service: MicseatService, room: string, identity: string, role: string): Promise<string> {
  const t = await post(`${service.url}/token`, { room, identity, name: identity, role });
  assert.equal(t.status, 200, JSON.stringify(t.body));
  return t.body.token as string;
}

async function join(
  lk: LiveKitHandle,
  service: MicseatService,
  room: string,
  identity: string,
  role: 'host' | 'audience',
): Promise<ProtocolClient> {
  const c = new ProtocolClient(identity);
  cleanups.push(() => c.close());
  await c.connect(lk.url, await tokenFor(service, room, identity, role));
  await c.ready();
  const joined = await c.send({ type: 'join', name: identity });
  assert.ok(joined.ok, JSON.stringify(joined));
  return c;
}

/** Sends with one correlation id until the authority answers (a retry is answered, never run twice). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read result values field by field
async function sendUntilAnswered(c: ProtocolClient, command: Record<string, unknown>, id: string, ms = 30_000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await c.send(command, id);
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function pendingQueue(c: ProtocolClient): string[] {
  return Object.values(c.room!.requests)
    .filter((r) => r.status === 'pending')
    .sort((a, b) => a.seq - b.seq)
    .map((r) => r.id);
}

const request = (requestId: string) => ({
  type: 'request-seat',
  requestId,
  seat: 'any',
  media: 'audio',
  timeoutMs: 600_000,
});

describe('faults around the service (real Redis, real LiveKit server)', () => {
  test('Redis killed mid-room and restarted empty: nothing is shown while it is down, the owner writes the room again, nothing is lost', async () => {
    const redis: ThrowawayRedis = await startThrowawayRedis();
    cleanups.push(() => redis.kill());
    const [pa, pb] = [await freePort(), await freePort()];
    const lk = await startLiveKit([`http://127.0.0.1:${pa}/webhook`, `http://127.0.0.1:${pb}/webhook`]);
    cleanups.push(() => lk.stop());
    const a = await startService('a', lk, pa, { redisUrl: redis.url });
    const room = 'redis-restart';
    const owner = await join(lk, a.service, room, 'alice', 'host');
    await waitFor(() => a.service.rooms.has(room), 'a serves the room');
    // A second process on the same Redis: after the restart it must not take the room that a
    // serves from memory (Redis has no state and no lease for it then).
    const b = await startService('b', lk, pb, { redisUrl: redis.url });
    const l1 = await join(lk, a.service, room, 'l1', 'audience');
    const l2 = await join(lk, a.service, room, 'l2', 'audience');
    assert.ok((await l1.send(request('req-1'), 'c-1')).ok);
    await owner.sync();
    assert.deepEqual(pendingQueue(owner), ['req-1']);
    const versionBefore = owner.room!.version;

    await redis.kill();
    // While Redis is down a command runs in memory but is neither answered nor shown.
    let answered = false;
    const during = sendUntilAnswered(l2, request('req-2'), 'c-2', 60_000).then((r) => {
      answered = true;
      return r;
    });
    await waitFor(() => a.logs.some((l) => l.message === 'persist failed; retrying'), 'the write fails and is retried');
    assert.equal(answered, false, 'no answer before the change is durable');
    await owner.sync().catch(() => undefined); // a sync waits for durability too: it must not show req-2
    assert.equal(owner.room!.version, versionBefore, 'nobody sees the change while Redis is down');

    await redis.restart(); // empty: no lease, no epoch, no state, no roles
    const r2 = await during;
    assert.ok(r2.ok, JSON.stringify(r2));
    await waitFor(
      () => a.logs.some((l) => l.message === 'redis had lost the room; written again from memory'),
      'a takes its room back',
    );
    const check = new RoomStore(redis.url, { prefix, owner: 'observer', leaseMs: 4_000 });
    cleanups.push(() => check.close());
    assert.equal(await check.ownerOf(room), a.service.owner, 'the owner keeps its room');
    await waitFor(
      async () => ((await check.read(room))?.snapshot ?? '').includes('req-2'),
      'the room is in Redis again',
    );
    // b never served it (the sweep saw the room's authority in LiveKit and left it alone).
    assert.equal(b.service.rooms.has(room), false);
    assert.ok(!b.logs.some((l) => l.message === 'room served' && l.fields['room'] === room));

    await owner.sync();
    assert.deepEqual(pendingQueue(owner), ['req-1', 'req-2'], 'queue and order survive');
    // Roles survive the loss of the role records: the host's token attribute still says host.
    const next = await owner.send({ type: 'accept-next' });
    assert.ok(next.ok, JSON.stringify(next));
    await owner.sync();
    assert.equal(owner.room!.seats.find((s) => s.userId === 'l1')?.status, 'occupied');
    const api = new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);
    await waitFor(
      async () => (await api.listParticipants(room)).find((p) => p.identity === 'l1')?.permission?.canPublish === true,
      'the seated listener may publish',
    );
  });

  test('the LiveKit server restarted mid-room: the room is served again from Redis, permissions re-applied, seats and queue survive', async () => {
    const port = await freePort();
    const start = (ports?: { port: number; udpPort: number }) =>
      startLiveKitServer({
        webhookUrls: [`http://127.0.0.1:${port}/webhook`],
        log: () => undefined,
        ...ports,
      }) as Promise<LiveKitHandle & { port: number; udpPort: number }>;
    let lk = await start();
    cleanups.push(() => lk.stop());
    const s = await startService('lk', lk, port);
    const room = 'livekit-restart';
    const tokens = new Map<string, string>();
    const connect = async (identity: string, role: 'host' | 'audience') => {
      if (!tokens.has(identity)) tokens.set(identity, await tokenFor(s.service, room, identity, role));
      const c = new ProtocolClient(identity);
      cleanups.push(() => c.close());
      await c.connect(lk.url, tokens.get(identity)!);
      await c.ready();
      return c;
    };
    let host = await connect('alice', 'host');
    assert.ok((await host.send({ type: 'join', name: 'alice' })).ok);
    const spk = await connect('spk', 'audience');
    assert.ok((await spk.send({ type: 'join', name: 'spk' })).ok);
    let l1 = await connect('l1', 'audience');
    assert.ok((await l1.send({ type: 'join', name: 'l1' })).ok);
    assert.ok((await host.send({ type: 'set-mode', mode: 'free' })).ok);
    assert.ok((await spk.send({ type: 'take-seat', seat: 0 })).ok);
    assert.ok((await host.send({ type: 'set-mode', mode: 'request' })).ok);
    assert.ok((await l1.send(request('req-1'), 'c-1')).ok);
    const api = () => new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);
    await waitFor(
      async () =>
        (await api().listParticipants(room)).find((p) => p.identity === 'spk')?.permission?.canPublish === true,
      'the speaker may publish',
    );

    const ports = { port: lk.port, udpPort: lk.udpPort };
    await lk.stop();
    lk = await start(ports);
    // The participants come back (a client whose SDK gave up connects again with its token).
    for (const c of [host, spk, l1]) await c.close();
    host = await connect('alice', 'host');
    await connect('spk', 'audience');
    l1 = await connect('l1', 'audience');
    await waitFor(() => s.service.rooms.has(room), 'the room is served again');
    await host.sync();
    const r = host.room!;
    assert.equal(r.seats[0]!.userId, 'spk', 'the seat survives');
    assert.deepEqual(pendingQueue(host), ['req-1'], 'the queue survives');
    await waitFor(async () => {
      await host.sync();
      return host.room!.members['l1']?.connected === true;
    }, 'l1 is shown connected again');
    // The new LiveKit room knows nothing of seats: the service granted publish again.
    await waitFor(
      async () =>
        (await api().listParticipants(room)).find((p) => p.identity === 'spk')?.permission?.canPublish === true,
      'the seated speaker may publish again',
    );
    assert.equal((await api().listParticipants(room)).find((p) => p.identity === 'l1')?.permission?.canPublish, false);
    const retried = await sendUntilAnswered(l1, request('req-1'), 'c-1');
    assert.ok(retried.ok, 'a retried command is answered from the stored result');
    const next = await host.send({ type: 'accept-next' });
    assert.ok(next.ok, JSON.stringify(next));
    await waitFor(
      async () =>
        (await api().listParticipants(room)).find((p) => p.identity === 'l1')?.permission?.canPublish === true,
      'the accepted listener may publish',
    );
  });

  test('a lost room_started webhook: the sweep places the room', async () => {
    const lk = await startLiveKit([]); // no webhooks at all: every room_started is lost
    cleanups.push(() => lk.stop());
    const s = await startService('sweep', lk, await freePort(), { sweepMs: 1_000 });
    const room = 'no-webhook';
    const c = await join(lk, s.service, room, 'alice', 'host');
    assert.ok(s.service.rooms.has(room));
    assert.ok(c.room!.members['alice']);
  });

  test('a stale owner (its lease lapsed and taken while it was paused) is fenced: its command is refused and never shown', async () => {
    const [pa, pb] = [await freePort(), await freePort()];
    const lk = await startLiveKit([`http://127.0.0.1:${pa}/webhook`]);
    cleanups.push(() => lk.stop());
    // A long lease: its renewal does not tick during the test, so the write is what finds out.
    const a = await startService('stale', lk, pa, { leaseMs: 60_000, sweepMs: 60_000 });
    const room = 'fenced';
    const host = await join(lk, a.service, room, 'alice', 'host');
    const l1 = await join(lk, a.service, room, 'l1', 'audience');
    await host.sync();
    const versionBefore = host.room!.version;
    let deltas = 0;
    const receive = host.replica.receive.bind(host.replica);
    host.replica.receive = (m) => {
      if (m.t === 'delta') deltas++;
      return receive(m);
    };

    // What a pause looks like from Redis: a's lease ran out and another process took the room
    // (a newer epoch). a still sits in the LiveKit room and still gets commands.
    const other = new RoomStore(REDIS_URL, { prefix, owner: 'other-process', leaseMs: 60_000 });
    cleanups.push(() => other.close());
    await other.redis.del(other.key(room, 'lease'));
    const newEpoch = await other.acquire(room);
    assert.ok(newEpoch !== null);
    const stored = (await other.read(room))!;

    await assert.rejects(l1.send(request('req-stale'), 'c-stale'), /moved|retry/i);
    assert.ok(a.logs.some((l) => l.message === 'room closed' && /fenced/.test(String(l.fields['reason']))));
    assert.equal(a.service.rooms.has(room), false, 'the stale owner stops serving the room');
    assert.equal((await other.read(room))!.snapshot, stored.snapshot, 'its write did not land');
    assert.equal(deltas, 0, 'nobody was shown the change');
    assert.equal(host.room!.version, versionBefore);

    // The room's new owner serves it from what is durable: the refused command never happened,
    // and sending it again (same id) runs it now.
    await other.release(room);
    const b = await startService('new-owner', lk, pb);
    await b.service.place(room);
    await waitFor(() => b.service.rooms.has(room), 'the new owner serves the room');
    const again = await sendUntilAnswered(l1, request('req-stale'), 'c-stale');
    assert.ok(again.ok, JSON.stringify(again));
    await host.sync();
    assert.deepEqual(pendingQueue(host), ['req-stale']);
  });
});
