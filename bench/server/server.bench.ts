/**
 * The server authority's benchmarks (issue #11), with the real LiveKit server and the real Redis:
 *   - idle rooms one process serves, and memory per room;
 *   - commands/s of one process with every change written to Redis;
 *   - command latency through the server, beside the host authority and the RPC round trip;
 *   - takeover time after SIGKILL.
 * The load test (many real listener clients requesting at once) is bench/server/load.ts.
 *
 *   node --conditions=@micseat/source --import tsx bench/server/server.bench.ts [--only=rooms,commands,latency,takeover]
 *   MICSEAT_BENCH_ROOMS=1000 (idle rooms to place)
 * Prints one JSON line per figure ({ name, value, unit, target, ok }), as every benchmark here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dispose, Room } from '@livekit/rtc-node';
import { RoomServiceClient } from 'livekit-server-sdk';
import { Redis } from 'ioredis';
import { AuthorityServer, createAuthority, encodeCommand, type Command } from '@micseat/core';
import { METHOD_COMMAND, METHOD_SYNC, RpcAnswerer } from '@micseat/backend-livekit/rpc-server';
import { AUTHORITY_IDENTITY, developmentAuthorize, MicseatService, mintParticipantToken } from '@micseat/server';
import { emit, freePort, percentile, pool, REDIS_URL, dropPrefix, waitFor } from './util.ts';
// @ts-expect-error plain JS module without types
import { startLiveKitServer } from '../../scripts/livekit-server.mjs';

setFlagsFromString('--expose-gc');
// rtc-node rejects its own pending waits with an AbortError when a room disconnects.
process.on('unhandledRejection', (e) => {
  if ((e as Error)?.name !== 'AbortError') throw e;
});
const gc = process.env['MICSEAT_BENCH_GC'] === '1' ? (runInNewContext('gc') as () => void) : undefined;
const only = (process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? 'rooms,commands,latency,takeover').split(
  ',',
);
const prefix = `micseat-bench:${process.pid}:`;
const quiet = () => undefined;

interface LiveKit {
  url: string;
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  stop(): Promise<void>;
}

console.error(
  `server bench: load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on this machine`,
);
const lk = (await startLiveKitServer({ log: quiet })) as LiveKit;
const api = new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);
const mint = { apiKey: lk.apiKey, apiSecret: lk.apiSecret, ttlSeconds: 3600 };
const service = new MicseatService({
  livekitUrl: lk.url,
  apiKey: lk.apiKey,
  apiSecret: lk.apiSecret,
  redisUrl: REDIS_URL,
  prefix,
  capacity: 100_000,
  sweepMs: 60_000,
  authorize: developmentAuthorize,
  commandRate: { burst: 1_000_000, perSecond: 1_000_000 }, // measure the service, not its limiter
  log: quiet,
});
await service.start();

/** Rooms created in LiveKit (kept open without listeners) and served by this process. */
async function serveRooms(names: string[], concurrency = 8): Promise<number> {
  let served = 0;
  await pool(names, concurrency, async (name) => {
    await api.createRoom({ name, emptyTimeout: 1_800 });
    if (await service.place(name)) served++;
  });
  return served;
}

function payload(id: string, command: Command | Record<string, unknown>): string {
  return JSON.stringify(encodeCommand(id, command as Command));
}

try {
  // ---- 1. idle rooms per process, memory per room ----
  if (only.includes('rooms')) {
    const n = Number(process.env['MICSEAT_BENCH_ROOMS'] ?? 1_000);
    gc?.();
    const before = process.memoryUsage();
    const t0 = performance.now();
    const served = await serveRooms(Array.from({ length: n }, (_, i) => `idle-${i}`));
    const placeMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 5_000)); // let connections settle
    gc?.();
    const after = process.memoryUsage();
    const cpu0 = process.cpuUsage();
    const idleMs = 10_000;
    await new Promise((r) => setTimeout(r, idleMs));
    const cpu = process.cpuUsage(cpu0);
    emit('server: idle rooms served by one process', served, 'rooms', '≥ 1,000', served >= 1_000);
    emit('server: memory per idle room (RSS)', (after.rss - before.rss) / 1048576 / served, 'MB', 'reference', true);
    emit('server: JS heap per idle room', (after.heapUsed - before.heapUsed) / 1024 / served, 'kB', 'reference', true);
    emit('server: time to place a room (8 at a time)', placeMs / served, 'ms', 'reference', true);
    emit(
      `server: CPU while ${served} rooms idle (beacons, renewals)`,
      ((cpu.user + cpu.system) / 1000 / idleMs) * 100,
      '% of a core',
      'reference',
      true,
    );
  }

  // ---- 2. commands/s with Redis persistence ----
  if (only.includes('commands')) {
    const roomCount = Number(process.env['MICSEAT_BENCH_BUSY_ROOMS'] ?? 50);
    const membersPerRoom = Number(process.env['MICSEAT_BENCH_CALLERS'] ?? 10);
    const names = Array.from({ length: roomCount }, (_, i) => `busy-${i}`);
    await serveRooms(names);
    const rooms = names.map((n) => service.rooms.get(n)!).filter(Boolean);
    const members = rooms.flatMap((r) => Array.from({ length: membersPerRoom }, (_, i) => ({ room: r, id: `m${i}` })));
    // m0 hosts each room (roles come from the token minter's records).
    for (const r of rooms) await service.store.setRole(r.name, 'm0', 'host', 3_600_000);
    await pool(members, 50, (m) => m.room.command(m.id, payload(`join-${m.id}`, { type: 'join', name: m.id })));
    const refusals = new Map<string, number>();
    // Each member reports its microphone on, off, on, … (the commonest command in a live room; no
    // rate window of the authority applies): every command changes the room and is answered only
    // once its write is in Redis (and its delta published).
    const durationMs = 10_000;
    let done = 0;
    let failed = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      members.map(async (m) => {
        for (let i = 0; performance.now() - t0 < durationMs; i += 2) {
          const a = await m.room.command(m.id, payload(`on-${i}`, { type: 'set-mic', mic: 'on' }));
          const b = await m.room.command(m.id, payload(`off-${i}`, { type: 'set-mic', mic: 'off' }));
          for (const text of [a, b]) {
            const res = (JSON.parse(text) as { res: { res: { ok: boolean; error?: { code: string } } } }).res.res;
            if (res.ok) done++;
            else {
              failed++;
              refusals.set(res.error!.code, (refusals.get(res.error!.code) ?? 0) + 1);
            }
          }
        }
      }),
    );
    const elapsed = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    emit(
      `server: commands/s, one process, each written to Redis (${roomCount} rooms × ${membersPerRoom} callers)`,
      (done / elapsed) * 1000,
      'commands/s',
      '≥ 5,000',
      (done / elapsed) * 1000 >= 5_000,
    );
    emit('server: commands refused in that run', failed, 'commands', '0', failed === 0);
    if (failed) console.error('refusals:', JSON.stringify(Object.fromEntries(refusals)));
    emit(
      'server: CPU per command (service process, incl. rtc-node)',
      (cpu.user + cpu.system) / Math.max(1, done + failed),
      'µs',
      'reference',
      true,
    );
  }

  // ---- 3. latency: server authority vs host authority vs the RPC round trip ----
  if (only.includes('latency')) {
    const rounds = 200;
    const connect = async (room: string, identity: string) => {
      const r = new Room();
      const token = await mintParticipantToken({ room, identity, name: identity, role: 'audience' }, mint);
      await r.connect(lk.url, token, { autoSubscribe: false, dynacast: false });
      return r;
    };
    // The server home.
    await api.createRoom({ name: 'lat-server', emptyTimeout: 600 });
    await service.place('lat-server');
    const viaServer = await connect('lat-server', 'listener');
    await waitFor(() => viaServer.remoteParticipants.has(AUTHORITY_IDENTITY), 'the authority is there');
    // The host home, as the host's browser runs it: the authority in a participant's process, no store.
    const hostToken = await mintParticipantToken(
      { room: 'lat-host', identity: 'host', name: 'host', role: 'host' },
      mint,
    );
    const hostRoom = new Room();
    await hostRoom.connect(lk.url, hostToken, { autoSubscribe: false, dynacast: false });
    const hostServer = new AuthorityServer({ state: createAuthority('lat-host') });
    hostServer.start();
    const answerer = new RpcAnswerer(hostServer);
    const encoder = new TextEncoder();
    hostServer.onChange((c) => {
      void hostRoom.localParticipant!.publishData(encoder.encode(JSON.stringify(c.delta)), {
        reliable: true,
        topic: 'micseat',
      });
    });
    hostRoom.localParticipant!.registerRpcMethod(METHOD_COMMAND, async (d) =>
      answerer.command(d.callerIdentity, d.callerIdentity === 'host' ? 'host' : 'audience', d.payload),
    );
    hostRoom.localParticipant!.registerRpcMethod('bench.echo', async (d) => d.payload);
    const viaHost = await connect('lat-host', 'listener');
    await waitFor(() => viaHost.remoteParticipants.has('host'), 'the host is there');

    const measure = async (room: Room, to: string, method: string, body: (i: number) => string) => {
      const ms: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const t = performance.now();
        await room.localParticipant!.performRpc({ destinationIdentity: to, method, payload: body(i) });
        ms.push(performance.now() - t);
      }
      return ms.slice(10); // warm-up
    };
    const commands = (i: number) =>
      i === 0
        ? payload('join', { type: 'join', name: 'L' })
        : i % 2
          ? payload(`r${i}`, { type: 'request-seat', requestId: `q${i}`, seat: 'any', media: 'audio' })
          : payload(`c${i}`, { type: 'cancel-request', requestId: `q${i - 1}` });
    // Interleave the three, so the machine's load falls on each alike.
    const server: number[] = [];
    const host: number[] = [];
    const echo: number[] = [];
    for (let round = 0; round < 4; round++) {
      server.push(...(await measure(viaServer, AUTHORITY_IDENTITY, METHOD_COMMAND, (i) => commands(i + round * 1000))));
      host.push(...(await measure(viaHost, 'host', METHOD_COMMAND, (i) => commands(i + round * 1000))));
      echo.push(...(await measure(viaHost, 'host', 'bench.echo', () => '{"v":1,"t":"sync","have":0}')));
    }
    void METHOD_SYNC;
    for (const [label, xs] of [
      ['server authority (Redis write, permissions)', server],
      ['host authority (in a participant, no store)', host],
      ['LiveKit RPC round trip (echo)', echo],
    ] as const) {
      emit(`latency p50: command via ${label}`, percentile(xs, 50), 'ms', 'reference', true);
      emit(`latency p95: command via ${label}`, percentile(xs, 95), 'ms', 'reference', true);
    }
    await Promise.all([viaServer.disconnect(), viaHost.disconnect(), hostRoom.disconnect()]);
  }

  // ---- 4. takeover after SIGKILL ----
  if (only.includes('takeover')) {
    const leaseMs = Number(process.env['MICSEAT_BENCH_LEASE_MS'] ?? 5_000);
    const trials = 3;
    const start = async () => {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        ['--conditions=@micseat/source', '--import', 'tsx', 'packages/server/src/cli.ts'],
        {
          env: {
            ...process.env,
            LIVEKIT_URL: lk.url,
            LIVEKIT_API_KEY: lk.apiKey,
            LIVEKIT_API_SECRET: lk.apiSecret,
            REDIS_URL,
            MICSEAT_REDIS_PREFIX: `${prefix}takeover:`,
            MICSEAT_PORT: String(port),
            MICSEAT_LEASE_MS: String(leaseMs),
            MICSEAT_DEV_AUTH: '1',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      await waitFor(() => out.includes('micseat service listening'), 'a service process starts', 60_000);
      const owner = ((await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { owner: string }).owner;
      return { child, url: `http://127.0.0.1:${port}`, owner };
    };
    const procs: { child: ChildProcess; url: string; owner: string }[] = [await start(), await start()];
    const redis = new Redis(REDIS_URL);
    const served: number[] = [];
    const answered: number[] = [];
    try {
      for (let trial = 0; trial < trials; trial++) {
        const room = `takeover-${trial}`;
        await api.createRoom({ name: room, emptyTimeout: 600 });
        const lease = `${prefix}takeover:{${room}}:lease`;
        let owner: string | null = null;
        // Placement by the sweep (no webhooks here): wait until one process serves it.
        await waitFor(
          async () =>
            (owner = await redis.get(lease)) !== null &&
            (await fetch(`${procs.find((p) => p.owner === owner)!.url}/health?room=${room}`)
              .then((r) => r.json() as Promise<{ serving: boolean }>)
              .then((h) => h.serving)),
          'the room is served',
          60_000,
        );
        const victim = procs.find((p) => p.owner === owner)!;
        const survivor = procs.find((p) => p !== victim)!;
        const listener = new Room();
        await listener.connect(
          lk.url,
          await mintParticipantToken({ room, identity: 'l', name: 'l', role: 'audience' }, mint),
          { autoSubscribe: false, dynacast: false },
        );
        const killedAt = performance.now();
        victim.child.kill('SIGKILL');
        let servedAt = 0;
        await waitFor(
          async () =>
            fetch(`${survivor.url}/health?room=${room}`)
              .then((r) => r.json() as Promise<{ serving: boolean }>)
              .then((h) => h.serving && (servedAt = performance.now()) > 0),
          'the survivor serves the room',
          leaseMs + 60_000,
        );
        for (;;) {
          try {
            await listener.localParticipant!.performRpc({
              destinationIdentity: AUTHORITY_IDENTITY,
              method: METHOD_SYNC,
              payload: '{"v":1,"t":"sync","have":0}',
              responseTimeout: 2_000,
            });
            break;
          } catch {
            /* the new authority is still joining */
          }
        }
        answered.push(performance.now() - killedAt);
        served.push(servedAt - killedAt);
        await listener.disconnect();
        procs.splice(procs.indexOf(victim), 1);
        procs.push(await start());
      }
    } finally {
      for (const p of procs) p.child.kill('SIGTERM');
      redis.disconnect();
    }
    const worst = Math.max(...answered);
    emit(
      `takeover after SIGKILL: room served again (lease ${leaseMs} ms), worst of ${trials}`,
      Math.max(...served),
      'ms',
      `≤ ${leaseMs + 1_000}`,
      Math.max(...served) <= leaseMs + 1_000,
    );
    emit(
      `takeover after SIGKILL: a client's RPC answered again, worst of ${trials}`,
      worst,
      'ms',
      `≤ ${leaseMs + 1_000}`,
      worst <= leaseMs + 1_000,
    );
    console.error(
      `takeover trials (served / answered, ms): ${served.map((s, i) => `${Math.round(s)}/${Math.round(answered[i]!)}`).join(', ')}`,
    );
  }
} finally {
  console.error(
    `server bench: load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end`,
  );
  await service.stop();
  await lk.stop();
  await dropPrefix(prefix);
  await dispose();
}
