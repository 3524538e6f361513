// Starts @micseat/server (packages/server, `npm run server`) as a child process beside a LiveKit
// server, for the quickstart (`npm run livekit -- --server`) and the browser tests
// (test/livekit/service-plugin.mjs).
//
//   const port = await freePort();
//   const lk = await startLiveKitServer({ webhookUrls: [`http://127.0.0.1:${port}/webhook`] });
//   const svc = await startMicseatService({ livekit: lk, port, env: { MICSEAT_DEV_AUTH: '1' } });
//   // svc.url (http://127.0.0.1:<port>), svc.child, await svc.stop()
//
// The child ends with its starter: it reads stdin, which closes when the starter exits in any
// way (MICSEAT_EXIT_WITH_PARENT=1 in packages/server/src/cli.ts).
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_CONDITION } from './source-paths.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Deletes every Redis key under `prefix` (a test run's or a quickstart's). */
export async function dropRedisKeys(url, prefix) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A free TCP port on 127.0.0.1 (to name the service's webhook URL before the LiveKit server starts). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * @param {{ livekit: { url: string, apiKey: string, apiSecret: string }, port: number,
 *   env?: Record<string, string>, log?: (line: string) => void, timeoutMs?: number }} options
 * @returns {Promise<{ url: string, child: import('node:child_process').ChildProcess, exited: Promise<number | null>, stop(): Promise<void> }>}
 */
export async function startMicseatService({ livekit, port, env = {}, log = () => undefined, timeoutMs = 60_000 }) {
  const child = spawn(
    process.execPath,
    [`--conditions=${SOURCE_CONDITION}`, '--import', 'tsx', join(root, 'packages/server/src/cli.ts')],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        LIVEKIT_URL: livekit.url,
        LIVEKIT_API_KEY: livekit.apiKey,
        LIVEKIT_API_SECRET: livekit.apiSecret,
        MICSEAT_PORT: String(port),
        MICSEAT_EXIT_WITH_PARENT: '1',
        ...env,
      },
    },
  );
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  createInterface({ input: child.stderr }).on('line', (line) => {
    output += `${line}\n`;
    log(line);
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`micseat service: not listening within ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`micseat service exited (${code}) before listening\n${output}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += `${line}\n`;
      let m;
      try {
        m = JSON.parse(line);
      } catch {
        m = null;
      }
      if (m?.message === 'micseat service listening') {
        clearTimeout(timer);
        resolve(m.url);
      } else log(line);
    });
  });
  let stopping;
  return {
    url,
    child,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
