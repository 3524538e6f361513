// @web/test-runner plugin: gives the browser tests a LiveKit server, and runs the Node-only parts
// of a LiveKit test (tokens, RoomService calls, webhook checks) on the browser's behalf through
// `executeServerCommand` (from @web/test-runner-commands).
//
// Targets (MICSEAT_LIVEKIT_TARGETS, comma separated; default `livekit`):
//   livekit   the real LiveKit server: the one named by LIVEKIT_URL, LIVEKIT_API_KEY and
//             LIVEKIT_API_SECRET when they are all set, else one started here on the first `lk:`
//             command (scripts/livekit-server.mjs: loopback only, free ports, built once into
//             .cache/livekit) and stopped with the runner; its webhooks are POSTed to this plugin.
//   emulator  packages/livekit-emulator as a child process (LIVEKIT_EMULATOR_VERBOSE=1 shows its
//             signal traffic).
// Browser tests use them through test/emulator/livekit-env.ts; the commands below are that
// module's wire format.
//
// Commands (payload -> result):
//   lk:targets      {}                                        -> { targets: Target[] }
//   lk:token        { target, identity, grants, name?, metadata?, attributes?, ttl?, kind? } -> string (JWT)
//   lk:roomService  { target, op, args }                      -> { ok: true, value } | { ok: false, error }
//   lk:webhooks     { target, event?, room? }                 -> { ok: true, value: Hook[] } | { ok: false, error }
//   lk:verifyWebhook{ target, body, authorization }           -> { ok: true, value: event JSON } | { ok: false, error }
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AccessToken, RoomServiceClient, TrackSource, WebhookReceiver } from 'livekit-server-sdk';

const EMULATOR_CLI = fileURLToPath(new URL('../../packages/livekit-emulator/src/cli.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/**
 * Runs the emulator as a child process, like a real server: a crash there fails the tests that
 * talk to it instead of taking the test runner down. Resolves with the JSON line cli.ts prints.
 */
function spawnEmulator(args) {
  const child = fork(EMULATOR_CLI, args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stderr.on('data', (d) => process.stderr.write(d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`livekit emulator did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`livekit emulator exited during start (code ${code}, signal ${signal})`));
    });
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.once('exit', (code, signal) => {
        if (!child.stopping) console.error(`[livekit-emulator] exited unexpectedly (code ${code}, signal ${signal})`);
      });
      resolve({ child, info: JSON.parse(line) });
    });
  });
}

function stopEmulator(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.stopping = true;
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Encodes values the browser cannot send as JSON (bytes) and back. */
function revive(v) {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === 'object') {
    if (typeof v.__bytes === 'string') return new Uint8Array(Buffer.from(v.__bytes, 'base64'));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  }
  return v;
}
function toPlain(v) {
  if (v === undefined || v === null) return v ?? null;
  if (Array.isArray(v)) return v.map(toPlain);
  if (typeof v.toJson === 'function') return v.toJson({ emitDefaultValues: true });
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return { __bytes: Buffer.from(v).toString('base64') };
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  return v;
}

/**
 * Which servers the LiveKit tests run against (MICSEAT_LIVEKIT_TARGETS, comma separated):
 * `livekit` (default) is the real LiveKit server: the one named by LIVEKIT_URL, LIVEKIT_API_KEY and
 * LIVEKIT_API_SECRET when they are set, else one started here (scripts/livekit-server.mjs, loopback
 * only, built once into .cache/livekit) whose webhooks come to this plugin; `emulator` is
 * packages/livekit-emulator.
 */
export function emulatorPlugin(options = {}) {
  /** @type {Map<string, {name: string, url: string, httpUrl: string, apiKey: string, apiSecret: string, webhooks?: () => object[]}>} */
  const targets = new Map();
  let emulator;
  let server;
  let hookServer;
  const hooks = [];
  let starting;
  const wanted = (options.targets ?? process.env.MICSEAT_LIVEKIT_TARGETS ?? 'livekit').split(',').map((s) => s.trim()).filter(Boolean);

  async function start() {
    // A local receiver for the servers' signed webhook POSTs (loopback, random port).
    hookServer = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        hooks.push({
          body: Buffer.concat(chunks).toString('utf8'),
          authorization: req.headers.authorization ?? '',
          contentType: req.headers['content-type'] ?? '',
          receivedAt: Date.now(),
        });
        res.end('ok');
      });
    });
    await new Promise((r) => hookServer.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${hookServer.address().port}/webhook`;
    if (wanted.includes('livekit')) {
      const { LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET } = process.env;
      if (LIVEKIT_URL && LIVEKIT_API_KEY && LIVEKIT_API_SECRET) {
        targets.set('livekit', {
          name: 'livekit',
          url: LIVEKIT_URL,
          httpUrl: LIVEKIT_URL.replace(/^ws/, 'http'),
          apiKey: LIVEKIT_API_KEY,
          apiSecret: LIVEKIT_API_SECRET,
        });
      } else {
        const { startLiveKitServer } = await import('../../scripts/livekit-server.mjs');
        server = await startLiveKitServer({ webhookUrl: hookUrl });
        targets.set('livekit', { name: 'livekit', url: server.url, httpUrl: server.httpUrl, apiKey: server.apiKey, apiSecret: server.apiSecret, webhooks: () => hooks });
        server.exited.then(() => {
          if (!server.stopping) console.error(`[livekit-server] exited unexpectedly; log: ${server.logFile}`);
        });
      }
    }
    if (wanted.includes('emulator')) {
      const args = ['--host', '127.0.0.1', '--port', String(options.port ?? 0), '--webhook', hookUrl];
      if (process.env.LIVEKIT_EMULATOR_VERBOSE) args.push('--verbose');
      // Joins/leaves of non-publishers reach others in batches, as on the server (every 3 s there).
      const batch = options.participantUpdateBatchMs ?? process.env.LIVEKIT_EMULATOR_UPDATE_BATCH_MS ?? 1000;
      args.push('--update-batch-ms', String(batch));
      const { child, info } = await spawnEmulator(args);
      emulator = child;
      targets.set('emulator', {
        name: 'emulator',
        url: info.url,
        httpUrl: info.httpUrl,
        apiKey: info.apiKey,
        apiSecret: info.apiSecret,
        webhooks: () => hooks,
      });
    }
  }

  return {
    name: 'micseat-livekit-emulator',

    // Nothing starts until a test asks (first `lk:` command), so other test groups sharing this
    // config pay nothing.
    async serverStart() {},

    async serverStop() {
      if (!starting) return;
      await starting.catch(() => undefined);
      await stopEmulator(emulator);
      if (server) {
        server.stopping = true;
        await server.stop();
      }
      await new Promise((r) => (hookServer ? hookServer.close(() => r()) : r()));
    },

    async executeCommand({ command, payload }) {
      if (!command.startsWith('lk:')) return undefined;
      starting ??= start();
      await starting;
      const target = payload?.target && targets.get(typeof payload.target === 'string' ? payload.target : payload.target.name);
      try {
        switch (command) {
          case 'lk:targets':
            return {
              targets: [...targets.values()].map(({ name, url, httpUrl, webhooks }) => ({ name, url, httpUrl, webhooks: !!webhooks })),
            };
          case 'lk:token': {
            if (!target) throw new Error(`unknown target ${JSON.stringify(payload?.target)}`);
            const at = new AccessToken(target.apiKey, target.apiSecret, {
              identity: payload.identity,
              name: payload.name,
              metadata: payload.metadata,
              attributes: payload.attributes,
              ttl: payload.ttl ?? 600,
            });
            if (payload.kind) at.kind = payload.kind;
            const grants = { roomJoin: true, ...(payload.grants ?? {}) };
            // The browser names sources as the JWT does ('microphone'); addGrant wants the enum.
            if (Array.isArray(grants.canPublishSources)) {
              grants.canPublishSources = grants.canPublishSources.map((s) =>
                typeof s === 'string' ? TrackSource[s.toUpperCase()] : s,
              );
            }
            at.addGrant(grants);
            return await at.toJwt();
          }
          case 'lk:roomService': {
            if (!target) throw new Error(`unknown target ${JSON.stringify(payload?.target)}`);
            const client = new RoomServiceClient(target.httpUrl, target.apiKey, target.apiSecret);
            if (typeof client[payload.op] !== 'function') throw new Error(`RoomServiceClient has no ${payload.op}`);
            const value = await client[payload.op](...revive(payload.args ?? []));
            return { ok: true, value: toPlain(value) };
          }
          case 'lk:webhooks': {
            if (!target) throw new Error(`unknown target ${JSON.stringify(payload?.target)}`);
            if (!target.webhooks) {
              return {
                ok: false,
                error: { message: `webhooks of target ${target.name} are not observable from this machine (the server posts to its own configured URL)`, code: 'unsupported' },
              };
            }
            let list = target.webhooks();
            if (payload.event || payload.room) {
              list = list.filter((h) => {
                const ev = JSON.parse(h.body);
                return (!payload.event || ev.event === payload.event) && (!payload.room || ev.room?.name === payload.room);
              });
            }
            return { ok: true, value: list };
          }
          case 'lk:verifyWebhook': {
            if (!target) throw new Error(`unknown target ${JSON.stringify(payload?.target)}`);
            const ev = await new WebhookReceiver(target.apiKey, target.apiSecret).receive(payload.body, payload.authorization);
            return { ok: true, value: ev.toJson() };
          }
          default:
            return undefined;
        }
      } catch (e) {
        if (command === 'lk:token') throw e;
        return { ok: false, error: { message: String(e?.message ?? e), code: e?.code, status: e?.status } };
      }
    },
  };
}
