// `npm run livekit`: micseat on a real LiveKit server, on this machine, in one command.
//   1. starts the LiveKit server (scripts/livekit-server.mjs: built once, loopback only);
//   2. serves a small page (examples/livekit/) and a token endpoint on 127.0.0.1 that mints each
//      person's token with livekit-server-sdk, with the grants of packages/backend-livekit/README.md;
//   3. prints one URL per person, host first: open each in its own tab.
//
//   npm run livekit [-- --port 8790] [--room party] [--listeners 3]
//
// The token endpoint answers GET /token?room=<room>&as=<person> with
//   { ok: true, url, token, hostIdentity, identity, name, role }, or a typed refusal
//   { ok: false, error: { code, message } } (400 bad input, 404 unknown path, 405 not GET).
// It only serves the people it printed: a local demo, not an authentication scheme.
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { AccessToken, TrackSource } from 'livekit-server-sdk';
import { LiveKitServerError, startLiveKitServer } from './livekit-server.mjs';
import { SOURCE_CONDITION } from './source-paths.mjs';

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

/**
 * Starts everything; resolves with { server, livekit, urls: [{ id, name, role, url }], stop() }.
 * @param {{ port?: number, room?: string, listeners?: number, log?: (line: string) => void }} [options]
 */
export async function startQuickstart({ port = 8790, room = 'party', listeners = 3, log = console.log } = {}) {
  if (!ROOM_NAME.test(room))
    throw new LiveKitServerError(`--room must be 1–64 letters, digits, - or _ (got ${JSON.stringify(room)})`);
  if (!Number.isInteger(listeners) || listeners < 1 || listeners > NAMES.length) {
    throw new LiveKitServerError(`--listeners must be a whole number from 1 to ${NAMES.length} (got ${listeners})`);
  }
  const cast = people(listeners);
  const [livekit, script] = await Promise.all([
    startLiveKitServer({ log: (m) => log(`livekit-server: ${m}`) }),
    bundlePage(),
  ]);
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
        const token = await micseatToken(livekit, roomName, person.id, person.name, person.role);
        return json(res, 200, {
          ok: true,
          url: livekit.url,
          token,
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
    urls,
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise((r) => server.close(() => r()));
      server.closeAllConnections?.();
      await livekit.stop();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8790' },
      room: { type: 'string', default: 'party' },
      listeners: { type: 'string', default: '3' },
    },
  });
  try {
    const qs = await startQuickstart({
      port: Number(values.port),
      room: values.room,
      listeners: Number(values.listeners),
    });
    const width = Math.max(...qs.urls.map((u) => u.name.length + u.role.length + 3));
    console.log(
      `\nmicseat on LiveKit: room "${values.room}" on the LiveKit server at ${qs.livekit.url} (this machine only).`,
    );
    console.log('Open one tab per person, the host first:');
    for (const u of qs.urls) console.log(`  ${`${u.name} (${u.role})`.padEnd(width)}  ${u.url}`);
    console.log('Ctrl-C stops the page, the token endpoint and the LiveKit server.\n');
    const stop = () => qs.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    qs.livekit.exited.then(() => {
      console.error(`livekit-server: exited; its log: ${qs.livekit.logFile}`);
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
