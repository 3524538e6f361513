/**
 * scripts/livekit-server.mjs: the real LiveKit server starts on loopback only, answers its health
 * check and RoomService, and never outlives the process that started it (stopped, exited, killed).
 * Needs the server built (`node scripts/livekit-server.mjs install`, done by .ci/run and by the
 * first start); these tests build it when it is missing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RoomServiceClient } from 'livekit-server-sdk';
// @ts-expect-error plain .mjs script without types
import { installLiveKitServer, startLiveKitServer } from '../../scripts/livekit-server.mjs';

interface Server {
  url: string;
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  pid: number;
  stop(): Promise<void>;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(what: string, check: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Local addresses of the sockets process `pid` holds, from /proc (hex IPv4 / IPv6 → text). */
function socketAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  const out: string[] = [];
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6']) {
    const lines = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      if (!inodes.has(cols[9]!)) continue;
      const [hex, port] = cols[1]!.split(':') as [string, string];
      const ip =
        hex.length === 8
          ? [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.')
          : hex === '00000000000000000000000000000000'
            ? '::'
            : hex === '00000000000000000000000001000000'
              ? '::1'
              : `ipv6:${hex}`;
      out.push(`${table} ${ip}:${parseInt(port, 16)}`);
    }
  }
  return out;
}

let server: Server;
before(async () => {
  await installLiveKitServer();
  server = await startLiveKitServer({ log: () => {} });
});
after(async () => {
  await server?.stop();
});

test('the server answers its health check and the RoomService API with the dev keys', async () => {
  const health = await fetch(`${server.httpUrl}/`);
  assert.equal((await health.text()).trim(), 'OK');
  const rooms = new RoomServiceClient(server.httpUrl, server.apiKey, server.apiSecret);
  const room = await rooms.createRoom({ name: 'probe' });
  assert.equal(room.name, 'probe');
  assert.ok((await rooms.listRooms()).some((r) => r.name === 'probe'));
  await assert.rejects(
    new RoomServiceClient(server.httpUrl, server.apiKey, 'wrong-secret-wrong-secret-wrong-secret').listRooms(),
  );
});

test('it listens on loopback only (every TCP and UDP socket it holds is bound to 127.0.0.1)', () => {
  const addrs = socketAddresses(server.pid);
  assert.ok(
    addrs.some((a) => a.startsWith('tcp 127.0.0.1:')),
    `a TCP listener on loopback: ${addrs.join(', ')}`,
  );
  assert.ok(
    addrs.some((a) => a.startsWith('udp 127.0.0.1:')),
    `the UDP mux on loopback: ${addrs.join(', ')}`,
  );
  const elsewhere = addrs.filter((a) => !/ 127\.0\.0\.1:\d+$/.test(a) && !/ ::1:\d+$/.test(a));
  assert.deepEqual(elsewhere, [], 'no socket on another address');
});

test('two servers run side by side on their own free ports', async () => {
  const second: Server = await startLiveKitServer({ log: () => {} });
  try {
    assert.notEqual(second.url, server.url);
    assert.equal((await (await fetch(`${second.httpUrl}/`)).text()).trim(), 'OK');
  } finally {
    await second.stop();
  }
  assert.equal(alive(second.pid), false);
});

test('two servers on one Redis database form one cluster: a room made on one is listed by the other', async () => {
  // A database of its own (keys are per database), so other people's servers on this Redis stay apart.
  const redis = { address: '127.0.0.1:6379', db: 11 };
  const a: Server = await startLiveKitServer({ log: () => {}, redis });
  const b: Server = await startLiveKitServer({ log: () => {}, redis });
  try {
    const name = `cluster-${process.pid}-${Date.now()}`;
    await new RoomServiceClient(a.httpUrl, a.apiKey, a.apiSecret).createRoom({ name });
    const listed = await new RoomServiceClient(b.httpUrl, b.apiKey, b.apiSecret).listRooms([name]);
    assert.deepEqual(
      listed.map((r) => r.name),
      [name],
    );
    // A single-node server knows nothing of it.
    assert.deepEqual(
      await new RoomServiceClient(server.httpUrl, server.apiKey, server.apiSecret).listRooms([name]),
      [],
    );
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('a webhook URL off loopback is refused before anything starts', async () => {
  await assert.rejects(startLiveKitServer({ log: () => {}, webhookUrl: 'http://example.com/hook' }), {
    name: 'LiveKitServerError',
    message: /webhook URL must be on loopback/,
  });
});

/** Starts a server in a child Node process that prints its pid, then does `then` to that child. */
async function serverInChild(then: 'exit' | 'SIGKILL' | 'SIGTERM' | 'throw') {
  const code = `
    import { startLiveKitServer } from './scripts/livekit-server.mjs';
    const s = await startLiveKitServer({ log: () => {} });
    console.log(s.pid);
    ${then === 'exit' ? 'process.exit(0);' : then === 'throw' ? "throw new Error('the run failed');" : 'setInterval(() => {}, 1000);'}
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (l) => resolve(Number(l)));
    child.once('exit', (c) => reject(new Error(`child exited ${c} before printing the pid`)));
  });
  assert.ok(alive(pid), 'the server runs');
  if (then === 'SIGKILL' || then === 'SIGTERM') child.kill(then);
  await until(`server ${pid} to be gone after the child's ${then}`, () => !alive(pid));
}

test('no orphan: the server dies when its starter exits without stopping it', () => serverInChild('exit'));
test('no orphan: the server dies when its starter fails with an uncaught error', () => serverInChild('throw'));
test('no orphan: the server dies when its starter is terminated (SIGTERM)', () => serverInChild('SIGTERM'));
test('no orphan: the server dies when its starter is killed (SIGKILL)', () => serverInChild('SIGKILL'));

function installIn(env: Record<string, string>) {
  const cache = mkdtempSync(join(tmpdir(), 'lk-cache-'));
  try {
    return spawnSync(process.execPath, ['scripts/livekit-server.mjs', 'install'], {
      encoding: 'utf8',
      env: { ...process.env, LIVEKIT_SERVER_BIN: '', LIVEKIT_SERVER_CACHE: cache, ...env },
    });
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

test('two installs at once into one cache: one builds, the other waits for it', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'lk-cache-'));
  try {
    const run = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        let out = '';
        const p = spawn(process.execPath, ['scripts/livekit-server.mjs', 'install'], {
          env: { ...process.env, LIVEKIT_SERVER_BIN: '', LIVEKIT_SERVER_CACHE: cache },
        });
        p.stdout!.on('data', (d) => (out += d));
        p.stderr!.on('data', (d) => (out += d));
        p.on('close', (code) => resolve({ code, out }));
      });
    const [a, b] = await Promise.all([run(), run()]);
    assert.deepEqual([a.code, b.code], [0, 0], a.out + b.out);
    const builds = [a, b].filter((r) => /built in \d+ s/.test(r.out)).length;
    const waits = [a, b].filter((r) => /waiting for the build already running/.test(r.out)).length;
    assert.deepEqual({ builds, waits }, { builds: 1, waits: 1 }, a.out + b.out);
    assert.deepEqual(readdirSync(cache).sort(), ['VERSION', 'server']);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('without Go: one clear line naming Go, exit 1, no stack trace', () => {
  const r = installIn({ PATH: '/nonexistent' });
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^livekit-server: Go is not installed/);
});

test('without the Go module proxy: one clear line naming the proxy, exit 1, no stack trace', () => {
  const modcache = mkdtempSync(join(tmpdir(), 'lk-mod-'));
  try {
    // An empty module cache and a proxy nobody answers (port 9 on loopback: refused).
    const r = installIn({
      GOMODCACHE: modcache,
      GOPROXY: 'http://127.0.0.1:9',
      GOSUMDB: 'off',
      GOFLAGS: '-modcacherw',
    });
    assert.equal(r.status, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^livekit-server: the Go module proxy \(GOPROXY=http:\/\/127\.0\.0\.1:9\) could not serve/);
  } finally {
    rmSync(modcache, { recursive: true, force: true });
  }
});
