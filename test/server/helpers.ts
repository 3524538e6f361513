// Shared by the server tests: per-test Redis prefixes, waiting on conditions (never fixed
// sleeps), the real LiveKit server, and a real LiveKit participant (rtc-node) that speaks
// micseat's protocol the way LiveKitRoomBackend does.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { Redis } from 'ioredis';
import { Room, RoomEvent } from '@livekit/rtc-node';
import {
  decode,
  encodeCommand,
  encodeSync,
  RoomReplica,
  type Command,
  type Result,
  type RoomState,
} from '@micseat/core';
import { DATA_TOPIC, METHOD_COMMAND, METHOD_SYNC } from '@micseat/backend-livekit/rpc-server';
import { AUTHORITY_IDENTITY } from '@micseat/server';
// @ts-expect-error plain JS module without types
import { startLiveKitServer } from '../../scripts/livekit-server.mjs';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** A key prefix no other test (or run) uses. */
export function testPrefix(name: string): string {
  return `micseat-test:${name}:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under a test prefix. */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
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

/** Polls `check` until it holds (or throws after `ms` with `what`). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface LiveKitHandle {
  url: string;
  httpUrl: string;
  apiKey: string;
  apiSecret: string;
  stop(): Promise<void>;
}

export function startLiveKit(webhookUrls: string[] = []): Promise<LiveKitHandle> {
  return startLiveKitServer({ webhookUrls, log: () => undefined }) as Promise<LiveKitHandle>;
}

/** A listener/host participant over rtc-node, speaking micseat's RPC and data protocol. */
export class ProtocolClient {
  readonly lk = new Room();
  readonly replica = new RoomReplica();
  private seq = 0;
  private readonly session = randomBytes(4).toString('hex');

  constructor(readonly identity: string) {}

  get room(): RoomState | null {
    return this.replica.room;
  }

  async connect(url: string, token: string): Promise<void> {
    this.lk.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) => {
      if (topic !== DATA_TOPIC || participant?.identity !== AUTHORITY_IDENTITY) return;
      const m = decode(payload);
      if (!m.ok) return;
      if (m.value.t === 'sync') {
        if (m.value.have > this.replica.version) void this.sync();
        return;
      }
      const out = this.replica.receive(m.value);
      if (out.kind === 'gap') void this.sync();
    });
    await this.lk.connect(url, token, { autoSubscribe: false, dynacast: false });
  }

  /** Fetches the room (page 0 is all a small room needs). */
  async sync(): Promise<void> {
    const answer = await this.rpc(METHOD_SYNC, JSON.stringify(encodeSync(Math.max(0, this.replica.version))));
    const page = JSON.parse(answer) as { pages: number; data: string };
    if (page.pages === 0) return;
    if (page.pages !== 1) throw new Error('test client reads one-page snapshots only');
    const m = decode(page.data);
    if (m.ok) this.replica.receive(m.value);
  }

  nextId(): string {
    return `${this.session}-${++this.seq}`;
  }

  /** Sends a command with a given correlation id (default: a new one); resolves with its result. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read result values field by field
  async send(command: Command | Record<string, unknown>, id = this.nextId()): Promise<Result<any>> {
    const answer = await this.rpc(METHOD_COMMAND, JSON.stringify(encodeCommand(id, command as Command)));
    const parsed = JSON.parse(answer) as { at: number; res: { id: string; res: Result } };
    return parsed.res.res;
  }

  rpc(method: string, payload: string, responseTimeout = 10_000): Promise<string> {
    return this.lk.localParticipant!.performRpc({
      destinationIdentity: AUTHORITY_IDENTITY,
      method,
      payload,
      responseTimeout,
    });
  }

  /** Waits for the authority to be present, then for the replica to hold the room. */
  async ready(): Promise<void> {
    await waitFor(
      () => this.lk.remoteParticipants.has(AUTHORITY_IDENTITY),
      `${this.identity} sees the authority`,
      30_000,
    );
    // The authority is visible a moment before its RPC methods are registered (it registers them
    // once its own connect returns): "unsupported method" (1400) then means "not yet".
    const until = Date.now() + 30_000;
    for (;;) {
      try {
        return await this.sync();
      } catch (e) {
        if ((e as { code?: number }).code !== 1400 || Date.now() > until) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async close(): Promise<void> {
    await this.lk.disconnect().catch(() => undefined);
  }
}

/** POSTs JSON (or raw text) and returns status and parsed body. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read JSON bodies field by field
): Promise<{ status: number; body: any }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed };
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ThrowawayRedis {
  port: number;
  url: string;
  /** Kills it (SIGKILL: a crash); its data is gone (no persistence). */
  kill(): Promise<void>;
  /** Starts it again, empty, on the same port. */
  restart(): Promise<void>;
}

/**
 * A redis-server of this test's own on a free loopback port, without persistence (`--save ""
 * --appendonly no`): for the tests that kill Redis. The shared one on 6379 is never touched.
 */
export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const launch = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      { stdio: 'ignore' },
    );
    const probe = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await waitFor(
        () =>
          probe.connect().then(
            () => probe.ping().then((p) => p === 'PONG'),
            () => false,
          ),
        `redis-server on ${port} answers`,
      );
    } finally {
      probe.disconnect();
    }
  };
  const kill = async () => {
    const c = child as ChildProcess | null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  };
  await launch();
  return { port, url: `redis://127.0.0.1:${port}`, kill, restart: launch };
}
