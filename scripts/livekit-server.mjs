// The real LiveKit server (open source, Go) for tests, benchmarks and the local quickstart.
//
//   import { startLiveKitServer } from './scripts/livekit-server.mjs';
//   const lk = await startLiveKitServer({ webhookUrl: 'http://127.0.0.1:4000/hook' });
//   lk.url; lk.httpUrl; lk.apiKey; lk.apiSecret;  …  await lk.stop();
//
//   node scripts/livekit-server.mjs install   # build it once into .cache/livekit (git-ignored)
//   node scripts/livekit-server.mjs start     # start one, print {url, httpUrl, apiKey, apiSecret}, Ctrl-C stops it
//
// Install: `go install github.com/livekit/livekit-server/cmd/server@v1.13.5` (pure Go, no cgo) into
// .cache/livekit, reused while .cache/livekit/VERSION names the pin. LIVEKIT_SERVER_BIN points at
// another binary instead.
//
// Start: loopback only. The machines that run this have no internet and must send nothing to
// any other address, so the configuration pins everything to 127.0.0.1: the HTTP/signal port is
// bound to 127.0.0.1, ICE candidates are rewritten to 127.0.0.1 (node_ip, no external-IP
// discovery, no STUN from the server), the UDP mux listens on 127.0.0.1 only (ips.includes), ICE
// over TCP is off (its listener would bind every interface), and clients are handed a dummy
// loopback STUN server instead of the server's default public ones.
//
// Stop: the server runs in its own process group, killed as a group (SIGTERM, then SIGKILL). A
// small guardian process watches a pipe from this process, so the server dies with us even when
// we are killed with SIGKILL; an exit handler covers normal exits.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LIVEKIT_SERVER_MODULE = 'github.com/livekit/livekit-server';
/** The pin: its go.mod has no `replace` lines (go install refuses those) and wants Go 1.26. */
export const LIVEKIT_SERVER_VERSION = 'v1.13.5';
export const DEV_API_KEY = 'devkey';
export const DEV_API_SECRET = 'secret-secret-secret-secret-secret'; // ≥ 32 chars: the server warns on shorter ones

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the binary is built (LIVEKIT_SERVER_CACHE overrides, e.g. for tests). */
export const CACHE_DIR = process.env.LIVEKIT_SERVER_CACHE || join(ROOT, '.cache', 'livekit');
const BIN = join(CACHE_DIR, 'server');
const STAMP = join(CACHE_DIR, 'VERSION');
const LOG_DIR = join(tmpdir(), 'micseat-livekit');

const say = (msg) => console.log(`livekit-server: ${msg}`);

export class LiveKitServerError extends Error {
  constructor(message) {
    super(message);
    this.name = 'LiveKitServerError';
  }
}

/** The binary's path when installed (and of the pinned version), else null. */
export function installedBinary() {
  if (process.env.LIVEKIT_SERVER_BIN)
    return existsSync(process.env.LIVEKIT_SERVER_BIN) ? process.env.LIVEKIT_SERVER_BIN : null;
  if (!existsSync(BIN) || !existsSync(STAMP)) return null;
  return readFileSync(STAMP, 'utf8').trim() === LIVEKIT_SERVER_VERSION ? BIN : null;
}

/**
 * Builds the pinned server into .cache/livekit unless it is there already. Returns its path.
 * Throws LiveKitServerError with one readable line when Go or the module proxy is missing.
 */
let installing = null;
export function installLiveKitServer({ log = say } = {}) {
  const have = installedBinary();
  if (have) return Promise.resolve(have);
  // One build per process, however many callers ask meanwhile; and one per machine at a time
  // (another process building into the same cache is waited for, e.g. .ci/run's early build).
  installing ??= buildOnce(log).finally(() => (installing = null));
  return installing;
}

const LOCK = () => join(CACHE_DIR, 'build.lock');
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
};

async function buildOnce(log) {
  mkdirSync(CACHE_DIR, { recursive: true });
  let waited = false;
  for (;;) {
    try {
      mkdirSync(LOCK()); // atomic: whoever makes it builds
      writeFileSync(join(LOCK(), 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(LOCK(), 'pid'), 'utf8'));
      } catch {
        /* being written */
      }
      if (owner && !alive(owner)) {
        rmSync(LOCK(), { recursive: true, force: true }); // left by a build that died
        continue;
      }
      if (!waited) log(`waiting for the build already running (process ${owner || '?'})…`);
      waited = true;
      await new Promise((r) => setTimeout(r, 1000));
      const have = installedBinary();
      if (have) return have;
    }
  }
  try {
    return installedBinary() ?? (await build(log));
  } finally {
    rmSync(LOCK(), { recursive: true, force: true });
  }
}

async function build(log) {
  if (process.env.LIVEKIT_SERVER_BIN)
    throw new LiveKitServerError(`LIVEKIT_SERVER_BIN=${process.env.LIVEKIT_SERVER_BIN} does not exist`);
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new LiveKitServerError(
      `Go is not installed (needed once, to build ${LIVEKIT_SERVER_MODULE} ${LIVEKIT_SERVER_VERSION}; it wants Go 1.26): ` +
        "install Go 1.21 or later (it fetches the 1.26 toolchain from the module proxy itself; Debian 12's golang-go is 1.19, too old) or set LIVEKIT_SERVER_BIN",
    );
  }
  // Built into a private folder and moved into place, so two builds at once never see half a binary.
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmpBin = join(CACHE_DIR, `build-${process.pid}`);
  rmSync(tmpBin, { recursive: true, force: true });
  const proxy = spawnSync('go', ['env', 'GOPROXY'], { encoding: 'utf8' }).stdout?.trim() || 'default';
  log(
    `building ${LIVEKIT_SERVER_MODULE}/cmd/server@${LIVEKIT_SERVER_VERSION} with ${go.stdout.trim().replace(/^go version /, '')} (GOPROXY=${proxy}) into ${CACHE_DIR}; first time only, a few minutes…`,
  );
  const started = Date.now();
  // Asynchronous: a test runner that asks for the server keeps serving its browsers meanwhile.
  const r = await new Promise((done) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(
      'go',
      ['install', '-trimpath', '-ldflags=-s -w', `${LIVEKIT_SERVER_MODULE}/cmd/server@${LIVEKIT_SERVER_VERSION}`],
      {
        env: {
          ...process.env,
          GOBIN: tmpBin,
          CGO_ENABLED: '0',
          GOFLAGS: [process.env.GOFLAGS, '-buildvcs=false'].filter(Boolean).join(' '),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', (error) => done({ status: null, stdout, stderr, error }));
    child.once('close', (status, signal) => done({ status, signal, stdout, stderr }));
  });
  if (r.status !== 0 || !existsSync(join(tmpBin, 'server'))) {
    rmSync(tmpBin, { recursive: true, force: true });
    const out = `${r.stderr ?? ''}${r.stdout ?? ''}`;
    const lines = out.split('\n').filter((l) => l.trim() && !l.startsWith('go: downloading'));
    const first = lines.find((l) =>
      /proxy|dial tcp|no such host|connection refused|i\/o timeout|TLS|410 Gone|404 Not Found|403/.test(l),
    );
    if (first)
      throw new LiveKitServerError(
        `the Go module proxy (GOPROXY=${proxy}) could not serve the server's modules: ${first.trim()}`,
      );
    throw new LiveKitServerError(
      `go install failed (exit ${r.status ?? r.signal}): ${lines.slice(-5).join(' | ') || r.error?.message}`,
    );
  }
  renameSync(join(tmpBin, 'server'), BIN);
  rmSync(tmpBin, { recursive: true, force: true });
  writeFileSync(STAMP, `${LIVEKIT_SERVER_VERSION}\n`);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  log(`built in ${seconds} s (${(statSync(BIN).size / 1e6).toFixed(0)} MB): ${BIN}`);
  return BIN;
}

/** A TCP port free on 127.0.0.1 right now. */
function freeTcpPort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}
/** A UDP port free on 127.0.0.1 right now. */
function freeUdpPort() {
  return new Promise((res, rej) => {
    const s = createSocket('udp4');
    s.once('error', rej);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** The loopback-only configuration (YAML; JSON is YAML). */
export function offlineConfig({ port, udpPort, apiKey, apiSecret, webhookUrls = [], redis, logLevel = 'warn' }) {
  const config = {
    port,
    bind_addresses: ['127.0.0.1'],
    keys: { [apiKey]: apiSecret },
    log_level: logLevel,
    rtc: {
      udp_port: udpPort,
      tcp_port: 0, // no ICE over TCP: its listener would bind every interface
      node_ip: '127.0.0.1', // every candidate rewritten to loopback; no server-side STUN
      use_external_ip: false,
      enable_loopback_candidate: true,
      ips: { includes: ['127.0.0.1/32'] },
      stun_servers: ['127.0.0.1:3478'], // a dummy, so clients are not handed public STUN servers
      use_ice_lite: true,
    },
    // Empty rooms close soon: tests make many short-lived rooms.
    room: { empty_timeout: 10, departure_timeout: 5 },
  };
  if (webhookUrls.length) config.webhook = { api_key: apiKey, urls: webhookUrls };
  if (redis)
    config.redis = typeof redis === 'string' ? { address: redis } : { address: redis.address, db: redis.db ?? 0 };
  return JSON.stringify(config);
}

const running = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const s of running) s.killNow();
  });
}

// The guardian: reads its stdin (a pipe from the process that started the server). "done" means
// the server was stopped already; end of file without it means that process died: kill the group.
const GUARDIAN = `
const pgid = Number(process.argv[1]);
let buf = '';
process.stdin.on('data', (d) => { buf += d; if (buf.includes('done')) process.exit(0); });
process.stdin.on('end', () => {
  try { process.kill(-pgid, 'SIGTERM'); } catch {}
  setTimeout(() => { try { process.kill(-pgid, 'SIGKILL'); } catch {} process.exit(0); }, 3000);
});
`;

/**
 * Starts a LiveKit server on free loopback ports with the offline configuration and waits for
 * its health check. Installs it first when needed.
 *
 * @param {{ webhookUrl?: string, webhookUrls?: string[], redis?: string, apiKey?: string, apiSecret?: string,
 *   port?: number, udpPort?: number, logLevel?: string, startTimeoutMs?: number, log?: (msg: string) => void }} [options]
 *   `redis`: 'host:port' or { address, db } makes it multi-node: servers on the same Redis database
 *   form one cluster and share rooms (keys are per database, so a database of your own keeps your
 *   servers apart from others' on a shared Redis).
 * @returns {Promise<{ url: string, httpUrl: string, apiKey: string, apiSecret: string, port: number,
 *   udpPort: number, pid: number, logFile: string, stop: () => Promise<void>, exited: Promise<void> }>}
 */
export async function startLiveKitServer(options = {}) {
  const log = options.log ?? say;
  const bin = await installLiveKitServer({ log });
  const apiKey = options.apiKey ?? DEV_API_KEY;
  const apiSecret = options.apiSecret ?? DEV_API_SECRET;
  const webhookUrls = [...(options.webhookUrls ?? []), ...(options.webhookUrl ? [options.webhookUrl] : [])];
  for (const u of webhookUrls) {
    const host = new URL(u).hostname;
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(host))
      throw new LiveKitServerError(`webhook URL must be on loopback, got ${u}`);
  }
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  let lastError;
  // Free ports are picked, then bound by the server: another process can take one in between,
  // so a start that fails on a taken port is tried again on new ports.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freeTcpPort());
    const udpPort = options.udpPort ?? (await freeUdpPort());
    try {
      return await startOnce({
        bin,
        apiKey,
        apiSecret,
        webhookUrls,
        redis: options.redis,
        port,
        udpPort,
        logLevel: options.logLevel,
        startTimeoutMs,
      });
    } catch (e) {
      lastError = e;
      if (!/address already in use/.test(String(e.message)) || options.port) break;
    }
  }
  throw lastError;
}

/** Our environment without the server's own LIVEKIT_* settings, which would override the config. */
function serverEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^LIVEKIT_/.test(k) && k !== 'LIVEKIT_SERVER_BIN') delete env[k];
  return env;
}

async function startOnce({ bin, apiKey, apiSecret, webhookUrls, redis, port, udpPort, logLevel, startTimeoutMs }) {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `server-${port}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(
    bin,
    ['--config-body', offlineConfig({ port, udpPort, apiKey, apiSecret, webhookUrls, redis, logLevel })],
    {
      detached: true, // its own process group, killed as one
      stdio: ['ignore', fd, fd],
      env: serverEnv(),
    },
  );
  closeSync(fd);
  const pgid = child.pid;
  const exited = new Promise((r) => child.once('exit', () => r()));
  let exitInfo = null;
  child.once('exit', (code, signal) => (exitInfo = { code, signal }));

  const guardian = spawn(process.execPath, ['-e', GUARDIAN, String(pgid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  guardian.unref();
  guardian.stdin.on('error', () => undefined);
  // The pipe must not keep this process alive; it only has to close when this process ends.
  guardian.stdin._handle?.unref?.();
  child.unref();

  let stopped = false;
  const handle = {
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    apiKey,
    apiSecret,
    port,
    udpPort,
    pid: pgid,
    logFile,
    exited,
    killNow() {
      // From the exit handler: synchronous only.
      if (exitInfo) return;
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
    },
    async stop() {
      if (stopped) return exited;
      stopped = true;
      running.delete(handle);
      if (!exitInfo) {
        child.ref(); // keep this process alive until the server is gone
        try {
          process.kill(-pgid, 'SIGTERM');
        } catch {
          /* gone */
        }
        const t = setTimeout(() => {
          try {
            process.kill(-pgid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }, 5000);
        await exited;
        clearTimeout(t);
      }
      guardian.stdin.end('done');
    },
  };
  running.add(handle);
  installExitHook();

  const until = Date.now() + startTimeoutMs;
  for (;;) {
    if (exitInfo) {
      await handle.stop();
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-6).join('\n') : '';
      throw new LiveKitServerError(
        `the server exited during start (code ${exitInfo.code}, signal ${exitInfo.signal}); its log ${logFile} ends:\n${tail}`,
      );
    }
    const ok = await fetch(`${handle.httpUrl}/`, { signal: AbortSignal.timeout(1000) })
      .then(async (r) => r.ok && (await r.text()).trim() === 'OK')
      .catch(() => false);
    if (ok) return handle;
    if (Date.now() > until) {
      await handle.stop();
      throw new LiveKitServerError(
        `the server did not answer its health check (GET ${handle.httpUrl}/) within ${startTimeoutMs} ms; log: ${logFile}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// CLI
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2] ?? 'start';
  try {
    if (cmd === 'install') {
      const bin = await installLiveKitServer();
      say(`${LIVEKIT_SERVER_VERSION} ready: ${bin}`);
    } else if (cmd === 'start') {
      const webhookUrls = process.argv
        .slice(3)
        .filter((a) => a.startsWith('--webhook='))
        .map((a) => a.slice(10));
      const redisArg = process.argv
        .slice(3)
        .find((a) => a.startsWith('--redis='))
        ?.slice(8);
      // --redis=HOST:PORT or --redis=HOST:PORT/DB
      const redis = redisArg && { address: redisArg.split('/')[0], db: Number(redisArg.split('/')[1] ?? 0) };
      const lk = await startLiveKitServer({ webhookUrls, redis });
      console.log(
        JSON.stringify({
          url: lk.url,
          httpUrl: lk.httpUrl,
          apiKey: lk.apiKey,
          apiSecret: lk.apiSecret,
          pid: lk.pid,
          logFile: lk.logFile,
        }),
      );
      const keepAlive = setInterval(() => {}, 1 << 30); // the server's handles are unref'd
      const stop = () => lk.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await lk.exited;
      clearInterval(keepAlive);
      say(`the server exited; its log: ${lk.logFile}`);
      process.exit(1);
    } else {
      console.error('usage: node scripts/livekit-server.mjs install | start [--webhook=URL] [--redis=HOST:PORT[/DB]]');
      process.exit(2);
    }
  } catch (e) {
    if (e instanceof LiveKitServerError) {
      console.error(`livekit-server: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}
