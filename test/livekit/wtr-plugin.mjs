// @web/test-runner plugin: gives the browser tests a LiveKit server, and runs the Node-only parts
// of a LiveKit test (tokens, RoomService calls, webhook checks) on the browser's behalf through
// `executeServerCommand` (from @web/test-runner-commands).
//
// The server is the real LiveKit server: the one named by LIVEKIT_URL, LIVEKIT_API_KEY and
// LIVEKIT_API_SECRET when they are all set (its webhooks go to its own configured URL), else one
// started here on the first `lk:` command (scripts/livekit-server.mjs: loopback only, free ports,
// built once into .cache/livekit), stopped with the runner, whose webhooks are POSTed to this
// plugin. Nothing starts for test groups that never ask.
// Browser tests use it through test/livekit/env.ts; the commands below are that module's wire format.
//
// Commands (payload -> result):
//   lk:targets      {}                                        -> { targets: Target[] }
//   lk:token        { target, identity, grants, name?, metadata?, attributes?, ttl?, kind? } -> string (JWT)
//   lk:roomService  { target, op, args }                      -> { ok: true, value } | { ok: false, error }
//   lk:webhooks     { target, event?, room? }                 -> { ok: true, value: Hook[] } | { ok: false, error }
//   lk:verifyWebhook{ target, body, authorization }           -> { ok: true, value: event JSON } | { ok: false, error }
import { createServer } from 'node:http';
import { AccessToken, RoomServiceClient, TrackSource, WebhookReceiver } from 'livekit-server-sdk';

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

export function liveKitPlugin() {
  /** @type {Map<string, {name: string, url: string, httpUrl: string, apiKey: string, apiSecret: string, webhooks?: () => object[]}>} */
  const targets = new Map();
  let server;
  let hookServer;
  const hooks = [];
  let starting;

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
    const { LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET } = process.env;
    if (LIVEKIT_URL && LIVEKIT_API_KEY && LIVEKIT_API_SECRET) {
      targets.set('livekit', {
        name: 'livekit',
        url: LIVEKIT_URL,
        httpUrl: LIVEKIT_URL.replace(/^ws/, 'http'),
        apiKey: LIVEKIT_API_KEY,
        apiSecret: LIVEKIT_API_SECRET,
      });
      return;
    }
    const { startLiveKitServer } = await import('../../scripts/livekit-server.mjs');
    server = await startLiveKitServer({ webhookUrl: hookUrl });
    targets.set('livekit', {
      name: 'livekit',
      url: server.url,
      httpUrl: server.httpUrl,
      apiKey: server.apiKey,
      apiSecret: server.apiSecret,
      webhooks: () => hooks,
    });
    server.exited.then(() => {
      if (!server.stopping) console.error(`[livekit-server] exited unexpectedly; its log: ${server.logFile}`);
    });
  }

  return {
    name: 'micseat-livekit-server',

    // Nothing starts until a test asks (first `lk:` command), so other test groups sharing this
    // config pay nothing.
    async serverStart() {},

    async serverStop() {
      if (!starting) return;
      await starting.catch(() => undefined);
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
      const target =
        payload?.target && targets.get(typeof payload.target === 'string' ? payload.target : payload.target.name);
      try {
        switch (command) {
          case 'lk:targets':
            return {
              targets: [...targets.values()].map(({ name, url, httpUrl, webhooks }) => ({
                name,
                url,
                httpUrl,
                webhooks: !!webhooks,
              })),
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
                error: {
                  message: `webhooks of target ${target.name} are not observable from this machine (the server posts to its own configured URL)`,
                  code: 'unsupported',
                },
              };
            }
            let list = target.webhooks();
            if (payload.event || payload.room) {
              list = list.filter((h) => {
                const ev = JSON.parse(h.body);
                return (
                  (!payload.event || ev.event === payload.event) && (!payload.room || ev.room?.name === payload.room)
                );
              });
            }
            return { ok: true, value: list };
          }
          case 'lk:verifyWebhook': {
            if (!target) throw new Error(`unknown target ${JSON.stringify(payload?.target)}`);
            const ev = await new WebhookReceiver(target.apiKey, target.apiSecret).receive(
              payload.body,
              payload.authorization,
            );
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
