/**
 * Load: as many real listener clients (rtc-node participants, each its own WebRTC connection to
 * the real LiveKit server) as this machine holds, in one room served by one service process (the
 * `micseat-server` command, on the real Redis), all requesting a seat at the same moment. Checks
 * that nothing is lost (every request answered, every accepted one in the room) and that every
 * request is terminal by its deadline (the host accepts a few; the rest time out).
 *
 *   node --conditions=@micseat/source --import tsx bench/server/load.ts [--clients=150]
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { dispose, Room } from '@livekit/rtc-node';
import { Redis } from 'ioredis';
import { decode, encodeCommand, type Command, type RoomState } from '@micseat/core';
import { METHOD_COMMAND } from '@micseat/backend-livekit/rpc-server';
import { AUTHORITY_IDENTITY } from '@micseat/server';
import { dropPrefix, emit, freePort, percentile, pool, REDIS_URL, waitFor } from './util.ts';
// @ts-expect-error plain JS module without types
import { startLiveKitServer } from '../../scripts/livekit-server.mjs';

process.on('unhandledRejection', (e) => {
  if ((e as Error)?.name !== 'AbortError') throw e; // rtc-node's own waits, aborted on disconnect
});
const clients = Number(process.argv.find((a) => a.startsWith('--clients='))?.slice(10) ?? 150);
const TIMEOUT_MS = 20_000;
const prefix = `micseat-load:${process.pid}:`;
const room = 'load';
console.error(
  `load: ${clients} clients; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

const lk = (await startLiveKitServer({ log: () => undefined })) as {
  url: string;
  apiKey: string;
  apiSecret: string;
  stop(): Promise<void>;
};
const port = await freePort();
const service = spawn(
  process.execPath,
  ['--conditions=@micseat/source', '--import', 'tsx', 'packages/server/src/cli.ts'],
  {
    env: {
      ...process.env,
      LIVEKIT_URL: lk.url,
      LIVEKIT_API_KEY: lk.apiKey,
      LIVEKIT_API_SECRET: lk.apiSecret,
      REDIS_URL,
      MICSEAT_REDIS_PREFIX: prefix,
      MICSEAT_PORT: String(port),
      MICSEAT_SWEEP_MS: '1000',
      MICSEAT_DEV_AUTH: '1',
      MICSEAT_TOKEN_BURST: String(clients + 10),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let out = '';
service.stdout!.on('data', (d) => (out += d));
const rooms: Room[] = [];
let connectRetries = 0;
const redis = new Redis(REDIS_URL);
try {
  await waitFor(() => out.includes('micseat service listening'), 'the service starts', 60_000);
  const connect = async (identity: string, role: 'host' | 'audience') => {
    const r = await fetch(`http://127.0.0.1:${port}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ room, identity, role }),
    });
    const { token } = (await r.json()) as { token: string };
    // rtc-node now and then loses a room's handle while connecting many rooms at once
    // ("handle not found"): a client then simply connects again, as a real one would.
    for (let attempt = 1; ; attempt++) {
      const lkRoom = new Room();
      try {
        await lkRoom.connect(lk.url, token, { autoSubscribe: false, dynacast: false });
        rooms.push(lkRoom);
        return lkRoom;
      } catch (e) {
        connectRetries++;
        if (attempt >= 3) throw e;
      }
    }
  };
  let seq = 0;
  const send = async (r: Room, command: Record<string, unknown>) => {
    const answer = await r.localParticipant!.performRpc({
      destinationIdentity: AUTHORITY_IDENTITY,
      method: METHOD_COMMAND,
      payload: JSON.stringify(encodeCommand(`c${++seq}`, command as Command)),
      responseTimeout: 15_000,
    });
    return (JSON.parse(answer) as { res: { res: { ok: boolean; error?: { code: string } } } }).res.res;
  };
  const host = await connect('host', 'host');
  await waitFor(() => host.remoteParticipants.has(AUTHORITY_IDENTITY), 'the authority joins', 60_000);
  if (!(await send(host, { type: 'join', name: 'Host' })).ok) throw new Error('host could not join');
  await send(host, { type: 'set-mode', mode: 'request' });

  const t0 = performance.now();
  const listeners: Room[] = [];
  await pool(
    Array.from({ length: clients }, (_, i) => i),
    Number(process.env['MICSEAT_LOAD_CONCURRENCY'] ?? 2),
    async (i) => {
      const r = await connect(`l${i}`, 'audience');
      await waitFor(() => r.remoteParticipants.has(AUTHORITY_IDENTITY), `l${i} sees the authority`, 60_000);
      const joined = await send(r, { type: 'join', name: `L${i}` });
      if (!joined.ok) throw new Error(`l${i} could not join: ${JSON.stringify(joined)}`);
      listeners.push(r);
    },
  );
  console.error(
    `load: ${listeners.length} clients connected and joined in ${Math.round(performance.now() - t0)} ms (${connectRetries} connects retried)`,
  );

  // All at once.
  const answers = await Promise.allSettled(
    listeners.map((r, i) =>
      (async () => {
        const t = performance.now();
        const res = await send(r, {
          type: 'request-seat',
          requestId: `q${i}`,
          seat: 'any',
          media: 'audio',
          timeoutMs: TIMEOUT_MS,
        });
        return { res, ms: performance.now() - t };
      })(),
    ),
  );
  const ok = answers.filter((a) => a.status === 'fulfilled' && a.value.res.ok).length;
  const refused = answers.filter((a) => a.status === 'fulfilled' && !a.value.res.ok);
  const lost = answers.filter((a) => a.status === 'rejected');
  const ms = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value.ms] : []));
  // The room as it is durably stored (what any process would serve after a takeover).
  const stored = async (): Promise<RoomState> => {
    const text = JSON.parse((await redis.get(`${prefix}{${room}}:state`))!) as { snapshot: string };
    const m = decode(text.snapshot);
    if (!m.ok || m.value.t !== 'snap') throw new Error('stored room unreadable');
    return m.value.room;
  };
  // Nothing lost: every request answered ok is in the room, waiting.
  const first = await stored();
  const waiting = new Set(
    Object.values(first.requests)
      .filter((r) => r.status === 'pending')
      .map((r) => r.id),
  );
  const missing = answers.filter((a, i) => a.status === 'fulfilled' && a.value.res.ok && !waiting.has(`q${i}`));
  const lastDeadline = Math.max(...Object.values(first.requests).map((r) => r.deadline));
  // The host seats a few of them meanwhile; the rest must time out by their deadlines.
  for (let i = 0; i < 4; i++) await send(host, { type: 'accept-next' });
  // A request leaves the room only once resolved (and after a while): at the last deadline (plus
  // the machine's slack) none may be pending.
  await new Promise((r) => setTimeout(r, Math.max(0, lastDeadline + 2_000 - Date.now())));
  const final = await stored();
  const stillPending = Object.values(final.requests).filter((r) => r.status === 'pending');
  const late = Object.values(final.requests).filter((r) => r.resolvedAt !== null && r.resolvedAt > r.deadline + 2_000);
  emit(
    'load: real rtc-node listener clients requesting at once (one room, one service process)',
    listeners.length,
    'clients',
    'as many as the machine holds',
    true,
  );
  emit('load: requests answered (ok)', ok, 'requests', `${listeners.length}`, ok === listeners.length);
  emit('load: requests refused (typed)', refused.length, 'requests', '0', refused.length === 0);
  emit('load: requests lost (no answer)', lost.length, 'requests', '0', lost.length === 0);
  emit('load: answered requests missing from the room', missing.length, 'requests', '0', missing.length === 0);
  emit(
    'load: requests still pending 2 s after the last deadline',
    stillPending.length,
    'requests',
    '0',
    stillPending.length === 0,
  );
  emit('load: requests resolved more than 2 s after their deadline', late.length, 'requests', '0', late.length === 0);
  emit(
    `load: request answer time p50 (${listeners.length} clients in one process)`,
    percentile(ms, 50),
    'ms',
    'reference',
    true,
  );
  emit('load: request answer time p95', percentile(ms, 95), 'ms', 'reference', true);
  const requests = Object.values(final.requests);
  if (refused.length) console.error('refused:', JSON.stringify(refused.slice(0, 3)));
  if (lost.length) console.error('lost:', String((lost[0] as PromiseRejectedResult).reason));
  const statuses: Record<string, number> = {};
  for (const r of requests) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  console.error(
    `load: final statuses ${JSON.stringify(statuses)}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await Promise.all(rooms.map((r) => r.disconnect().catch(() => undefined)));
  service.kill('SIGTERM');
  await new Promise((r) => service.once('exit', r));
  redis.disconnect();
  await lk.stop();
  await dropPrefix(prefix);
  await dispose();
}
