// `npm run livekit`: micseat on a real LiveKit server, on this machine, in one command.
//   1. starts the LiveKit server (scripts/livekit-server.mjs: built once, loopback only);
//   2. serves a small page (examples/livekit/) and a token endpoint on 127.0.0.1 that mints each
//      person's token with livekit-server-sdk, with the grants of packages/backend-livekit/README.md;
//   3. prints one URL per person, host first: open each in its own tab.
//
//   npm run livekit [-- --port 8790] [--room party] [--listeners 3] [--server]
//
// --server: the room's authority runs in the room service (@micseat/server, `npm run server`)
// instead of the host's tab: it is started beside the LiveKit server (webhooks to it, the real
// Redis at REDIS_URL or 127.0.0.1:6379 under a prefix of this run, deleted at the end), tokens are
// minted by it (listeners without publish until seated), and the pages use
// `authority: 'server'`. Closing the host's tab then leaves the room running ("Host away").
//
// The token endpoint answers GET /token?room=<room>&as=<person> with
//   { ok: true, url, token, authority, hostIdentity, authorityIdentity?, identity, name, role }, or
//   a typed refusal { ok: false, error: { code, message } } (400 bad input, 404 unknown path,
//   405 not GET). It only serves the people it printed: a local demo, not an authentication scheme.
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { AccessToken, TrackSource } from 'livekit-server-sdk';
import { LiveKitServerError, startLiveKitServer } from './livekit-server.mjs';
import { SOURCE_CONDITION } from './source-paths.mjs';
import { dropRedisKeys, freePort, startMicseatService } from './micseat-service.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NAMES = [
  'Ann',
  'Bob',
  'Cid',
  'Dee',
  'Eve',
  'Fay',
  'Gus',
  'Hal',
  'Ivy',
  'Jo',
  'Kim',
  'Lu',
  'Max',
  'Ned',
  'Oz',
  'Pia',
  'Quin',
  'Rex',
  'Sol',
  'Tia',
];
const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The people of the demo: the host first, then `listeners` audience members. */
export function people(listeners) {
  return [
    { id: 'host', name: 'Host', role: 'host' },
    ...NAMES.slice(0, listeners).map((name) => ({ id: name.toLowerCase(), name, role: 'audience' })),
  ];
}

/** The backend README's recipe: everyone subscribes and sends data; listeners may publish the mic. */
export async function micseatToken({ apiKey, apiSecret }, room, identity, name, role) {
  const at = new AccessToken(apiKey, apiSecret, {
    identity,
    name,
    ttl: '4h',
    attributes: role === 'cohost' ? { 'micseat.role': 'cohost' } : undefined,
  });
  at.addGrant({
    room,
    roomJoin: true,
    canSubscribe: true,
    canPublishData: true,
    canPublish: true,
    canPublishSources: role === 'audience' ? [TrackSource.MICROPHONE] : [TrackSource.MICROPHONE, TrackSource.CAMERA],
    canUpdateOwnMetadata: false,
  });
  return at.toJwt();
}

/** The page's script, bundled in memory (elements + LiveKit backend + livekit-client). */
async function bundlePage() {
  const out = await build({
    absWorkingDir: root,
    entryPoints: [join(root, 'examples/livekit/room.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    tsconfig: join(root, 'tsconfig.json'),
    // The packages' TypeScript sources (no dist/ build needed) and Lit's production build.
    conditions: [SOURCE_CONDITION, 'production'],
    logLevel: 'error',
  });
  return out.outputFiles[0].contents;
}

/** --server needs Redis: a readable refusal rather than a service that cannot store rooms. */
async function checkRedis(url) {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    throw new LiveKitServerError(
      `--server needs Redis at ${url} (set REDIS_URL): ${String(e?.message ?? e)}`.replace(/\s+/g, ' '),
    );
  } finally {
    redis.disconnect();
  }
}

/**
 * Starts everything; resolves with { server, livekit, service?, urls: [{ id, name, role, url }], stop() }.
 * @param {{ port?: number, room?: string, listeners?: number, server?: boolean, log?: (line: string) => void }} [options]
 */
export async function startQuickstart({
  port = 8790,
  room = 'party',
  listeners = 3,
  server: withService = false,
  log = console.log,
} = {}) {
  if (!ROOM_NAME.test(room))
    throw new LiveKitServerError(`--room must be 1–64 letters, digits, - or _ (got ${JSON.stringify(room)})`);
  if (!Number.isInteger(listeners) || listeners < 1 || listeners > NAMES.length) {
    throw new LiveKitServerError(`--listeners must be a whole number from 1 to ${NAMES.length} (got ${listeners})`);
  }
  const cast = people(listeners);
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const prefix = `micseat:quickstart:${process.pid}-${randomBytes(3).toString('hex')}:`;
  if (withService) await checkRedis(redisUrl);
  const servicePort = withService ? await freePort() : 0;
  const [livekit, script] = await Promise.all([
    startLiveKitServer({
      log: (m) => log(`livekit-server: ${m}`),
      ...(withService ? { webhookUrls: [`http://127.0.0.1:${servicePort}/webhook`] } : {}),
    }),
    bundlePage(),
  ]);
  let service = null;
  if (withService) {
    try {
      service = await startMicseatService({
        livekit,
        port: servicePort,
        // Development tokens: the service believes { identity, name, role }; only this script,
        // which serves the people it printed, asks it (on loopback).
        env: { MICSEAT_DEV_AUTH: '1', MICSEAT_REDIS_PREFIX: prefix, REDIS_URL: redisUrl },
        log: (line) => (process.env.MICSEAT_SERVER_LOG ? log(`micseat-server: ${line}`) : undefined),
      });
    } catch (e) {
      await livekit.stop();
      throw e;
    }
  }
  const html = readFileSync(join(root, 'examples/livekit/index.html'));

  const json = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const refuse = (res, status, code, message) => json(res, status, { ok: false, error: { code, message } });

  const server = createServer(async (req, res) => {
    try {
      if ((req.url ?? '').length > 2048)
        return refuse(res, 414, 'too-large', 'The request URL is longer than 2,048 characters.');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return refuse(res, 405, 'method-not-allowed', 'Only GET is served here.');
      if (url.pathname === '/' || url.pathname === '/index.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(html);
      }
      if (url.pathname === '/room.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        return res.end(script);
      }
      if (url.pathname === '/token') {
        const roomName = url.searchParams.get('room') ?? '';
        const as = url.searchParams.get('as') ?? '';
        if (url.searchParams.getAll('room').length > 1 || url.searchParams.getAll('as').length > 1) {
          return refuse(res, 400, 'invalid-request', 'Give `room` and `as` once each.');
        }
        if (!ROOM_NAME.test(roomName))
          return refuse(res, 400, 'invalid-room', '`room` must be 1–64 letters, digits, - or _.');
        const person = cast.find((p) => p.id === as);
        if (!person)
          return refuse(res, 400, 'unknown-person', `\`as\` must be one of: ${cast.map((p) => p.id).join(', ')}.`);
        if (service) {
          // The service mints the token (and records the role the authority will trust).
          const r = await fetch(`${service.url}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ room: roomName, identity: person.id, name: person.name, role: person.role }),
          });
          const body = await r.json();
          if (!r.ok) return refuse(res, r.status, body?.error?.code ?? 'internal', body?.error?.message ?? '');
          return json(res, 200, {
            ok: true,
            url: livekit.url,
            token: body.token,
            authority: 'server',
            authorityIdentity: body.authorityIdentity,
            hostIdentity: 'host',
            identity: person.id,
            name: person.name,
            role: person.role,
          });
        }
        const token = await micseatToken(livekit, roomName, person.id, person.name, person.role);
        return json(res, 200, {
          ok: true,
          url: livekit.url,
          token,
          authority: 'host',
          hostIdentity: 'host',
          identity: person.id,
          name: person.name,
          role: person.role,
        });
      }
      return refuse(res, 404, 'not-found', `Nothing at ${url.pathname}.`);
    } catch (e) {
      refuse(res, 500, 'internal', String(e?.message ?? e));
    }
  });
  const listen = (p) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(port);
  } catch (e) {
    if (e?.code !== 'EADDRINUSE' || port === 0) {
      await service?.stop();
      await livekit.stop();
      throw e;
    }
    log(`port ${port} is taken; using a free one`);
    await listen(0);
  }
  const base = `http://127.0.0.1:${server.address().port}`;
  const urls = cast.map((p) => ({ ...p, url: `${base}/?room=${encodeURIComponent(room)}&as=${p.id}` }));
  let stopped = false;
  return {
    server,
    livekit,
    service,
    urls,
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise((r) => server.close(() => r()));
      server.closeAllConnections?.();
      await service?.stop();
      await livekit.stop();
      if (service) await dropRedisKeys(redisUrl, prefix).catch(() => undefined);
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8790' },
      room: { type: 'string', default: 'party' },
      listeners: { type: 'string', default: '3' },
      server: { type: 'boolean', default: false },
    },
  });
  try {
    const qs = await startQuickstart({
      port: Number(values.port),
      room: values.room,
      listeners: Number(values.listeners),
      server: values.server,
    });
    const width = Math.max(...qs.urls.map((u) => u.name.length + u.role.length + 3));
    console.log(
      `\nmicseat on LiveKit: room "${values.room}" on the LiveKit server at ${qs.livekit.url} (this machine only).`,
    );
    if (qs.service) {
      console.log(
        `The room service (server authority) at ${qs.service.url} runs the room: closing the host's tab leaves it running.`,
      );
    }
    console.log('Open one tab per person, the host first:');
    for (const u of qs.urls) console.log(`  ${`${u.name} (${u.role})`.padEnd(width)}  ${u.url}`);
    console.log(
      `Ctrl-C stops the page, the token endpoint${qs.service ? ', the room service' : ''} and the LiveKit server.\n`,
    );
    const stop = () => qs.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    qs.livekit.exited.then(() => {
      console.error(`livekit-server: exited; its log: ${qs.livekit.logFile}`);
      process.exit(1);
    });
    qs.service?.exited.then((code) => {
      console.error(`micseat-server: exited (${code}); MICSEAT_SERVER_LOG=1 shows its log`);
      process.exit(1);
    });
  } catch (e) {
    if (e instanceof LiveKitServerError) {
      console.error(`livekit-server: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
}
