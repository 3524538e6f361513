/**
 * Core benchmarks (Node, one core): authority throughput, heap for a long queue, and
 * delivery of one change to 10,000 memory-backend clients. Prints one JSON line per figure.
 *   node --import tsx bench/core.bench.ts
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createAuthority,
  restoreAuthority,
  step,
  type AuthorityState,
  type Caller,
  type RoomState,
} from '@micseat/core';
import { MemoryLink, MemoryRoomBackend, MemoryRoomServer } from '@micseat/backend-memory';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function report(name: string, value: number, unit: string, target: string, ok: boolean): void {
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit, target, ok }));
}

// ---------------------------------------------------------------- throughput

function throughput(): void {
  const MEMBERS = 200;
  const host: Caller = { id: 'host', role: 'host' };
  let s: AuthorityState = createAuthority(
    'bench',
    { seatCount: 9, requestRateCount: 1000, maxPendingRequests: 10_000 },
    0,
  );
  s = step(s, { type: 'join', name: 'Host' }, host, 0).state;
  const callers = Array.from({ length: MEMBERS }, (_, i) => ({ id: `u${i}`, role: 'audience' }) as Caller);
  for (const c of callers) s = step(s, { type: 'join', name: c.id }, c, 0).state;
  s = step(s, { type: 'set-mode', mode: 'free' }, host, 0).state;

  // The mix: take / leave (free mode), then request / accept / leave (request mode).
  let n = 0;
  let now = 1;
  let seq = 0;
  const run = (iterations: number) => {
    for (let i = 0; i < iterations; i++) {
      const c = callers[i % MEMBERS]!;
      now++;
      s = step(s, { type: 'take-seat', seat: i % 9 }, c, now).state;
      s = step(s, { type: 'leave-seat' }, c, now).state;
      const requestId = `q${++seq}`;
      s = step(s, { type: 'request-seat', requestId, seat: 'any', media: 'audio' }, c, now).state;
      s = step(s, { type: 'accept-request', requestId }, host, now).state;
      s = step(s, { type: 'leave-seat' }, c, now).state;
      n += 5;
    }
  };
  run(20_000); // warm up
  // CPU time of this process, not wall time: the figure is "on one core" even on a busy machine.
  // Median of 5 rounds of 100,000 iterations (500,000 commands each).
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    n = 0;
    const c0 = process.cpuUsage();
    run(100_000);
    const used = process.cpuUsage(c0);
    rates.push(n / ((used.user + used.system) / 1e6));
  }
  rates.sort((a, b) => a - b);
  const perSecond = rates[2]!;
  report(
    'authority throughput (take/leave/request/accept mix, median of 5)',
    perSecond,
    'commands/s',
    '>= 200000',
    perSecond >= 200_000,
  );
}

// ---------------------------------------------------------------- heap

function heapForPending(): void {
  const N = 10_000;
  const callers = Array.from({ length: N }, (_, i) => ({ id: `listener-${i}`, role: 'audience' }) as Caller);
  // Set-up (not measured): 10,000 members, made directly rather than by 10,000 joins.
  const empty = createAuthority('heap', { maxPendingRequests: N, requestRateCount: 1000 }, 0).room;
  const members: RoomState['members'] = {};
  for (const c of callers) {
    members[c.id] = {
      id: c.id,
      name: c.id,
      role: 'audience',
      connected: true,
      joinedAt: 0,
      graceUntil: null,
      mic: 'off',
      camera: false,
    };
  }
  let s = restoreAuthority({ ...empty, members });
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const c of callers) {
    s = step(s, { type: 'request-seat', requestId: `req-${c.id}`, seat: 'any', media: 'audio' }, c, 1).state;
  }
  gc();
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  if (s.queue.length !== N) throw new Error(`expected ${N} pending, got ${s.queue.length}`);
  const mb = bytes / (1024 * 1024);
  report('heap for 10,000 pending requests', mb, 'MB', '<= 10', mb <= 10);
}

// ---------------------------------------------------------------- fan-out

async function fanOut(N = 10_000): Promise<void> {
  const server = new MemoryRoomServer({ config: { seatCount: 9 } });
  const levels = { publish: () => {}, onLevels: () => () => {} };
  const clients: MemoryRoomBackend[] = [];
  for (let i = 0; i < N; i++) {
    const link = new MemoryLink(server, `viewer-${i}`, 'audience');
    const client = new MemoryRoomBackend(`viewer-${i}`, link, { keepAliveMs: 0, levels });
    link.open(); // attached: receives the snapshot and every delta
    clients.push(client);
  }
  const hostLink = new MemoryLink(server, 'host', 'host');
  const host = new MemoryRoomBackend('host', hostLink, { keepAliveMs: 0, levels });
  await host.connect({ name: 'Host' });
  await new Promise((r) => setTimeout(r, 50));
  const samples: number[] = [];
  for (let round = 0; round < 7; round++) {
    const target = server.room.version + 1;
    let pending = N;
    const done = new Promise<void>((resolve) => {
      for (const c of clients) {
        const off = c.onUpdate((u) => {
          if (u.room.version >= target) {
            off();
            if (--pending === 0) resolve();
          }
        });
      }
    });
    const t0 = performance.now();
    void host.send({ type: 'lock-seat', seat: round, locked: true }); // a new seat each round: always a change
    await done;
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  report(
    `deliver one seat change to ${N.toLocaleString('en')} memory-backend clients (median of 7)`,
    median,
    'ms',
    '<= 50',
    median <= 50,
  );
  server.close();
}

// `--only=throughput|heap|fanout` runs one figure; `--clients=N` sizes the fan-out.
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const clients = Number(process.argv.find((a) => a.startsWith('--clients='))?.slice(10) ?? 10_000);
if (!only || only === 'throughput') throughput();
if (!only || only === 'heap') heapForPending();
if (!only || only === 'fanout') await fanOut(clients);
