/**
 * `npm run livekit` (scripts/livekit-quickstart.mjs): the command a web developer runs. It starts
 * the real LiveKit server, the page and the token endpoint, and prints one URL per person, host
 * first. Two Chromium pages join through those URLs: the listener asks for a seat, the host
 * accepts, the listener's microphone is published and the host subscribes to it. With `--server`
 * the room service (@micseat/server) is the authority: the same, and the room survives the
 * host's tab closing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
// @ts-expect-error plain .mjs script without types
import { chromiumPath } from '../../scripts/chromium-path.mjs';

let browser: Browser;

interface Quickstart {
  child: ChildProcess;
  people: { name: string; role: string; url: string }[];
  output: string;
}

/** Runs `npm run livekit -- <args>` until it has printed its URLs. */
async function startCommand(args: string[]): Promise<Quickstart> {
  // Port 0: a free port, so this test never collides with a quickstart someone is running.
  const child = spawn('npm', ['run', 'livekit', '--', '--port', '0', ...args], {
    detached: true, // its own process group, stopped as one below
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const qs: Quickstart = { child, people: [], output: '' };
  child.stderr!.on('data', (d) => (qs.output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URLs printed within 180 s:\n${qs.output}`)), 180_000);
    child.once('exit', (code) => reject(new Error(`npm run livekit exited (${code}):\n${qs.output}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      qs.output += `${line}\n`;
      const m = /^\s+(\S+) \((\w+)\)\s+(http:\/\/127\.0\.0\.1:\d+\/\S+)$/.exec(line);
      if (m) qs.people.push({ name: m[1]!, role: m[2]!, url: m[3]! });
      if (/^Ctrl-C stops/.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return qs;
}

async function stopCommand(qs: Quickstart | undefined): Promise<void> {
  const child = qs?.child;
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
}

let plain: Quickstart;
let people: Quickstart['people'];

before(async () => {
  plain = await startCommand(['--room', 'qs-test', '--listeners', '2']);
  people = plain.people;
  browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
});

after(async () => {
  await browser?.close();
  await stopCommand(plain);
});

/** Evaluates `probe` in the page until it returns something truthy. */
async function until<T>(page: Page, what: string, probe: () => T, ms = 30_000): Promise<T> {
  const handle = await page.waitForFunction(probe, { timeout: ms, polling: 100 }).catch((e: Error) => {
    throw new Error(`${what}: ${e.message}`);
  });
  return (await handle.jsonValue()) as T;
}

test('it prints one URL per person, the host first', () => {
  assert.deepEqual(
    people.map((p) => [p.name, p.role]),
    [
      ['Host', 'host'],
      ['Ann', 'audience'],
      ['Bob', 'audience'],
    ],
  );
  assert.match(plain.output, /LiveKit server at ws:\/\/127\.0\.0\.1:\d+/);
});

type Room = HTMLElement & {
  actor?: {
    getSnapshot(): {
      value: unknown;
      context: {
        room: {
          members: Record<string, unknown>;
          requests: Record<string, { status: string }>;
          seats: { userId: string | null }[];
        } | null;
        request?: { getSnapshot(): { value: unknown } };
      };
    };
    send(e: unknown): void;
  };
  backend?: { media: { subscribed: string[]; onLevels(l: (levels: Map<string, number>) => void): void } };
};

/** The host and Ann open their URLs; Ann asks through the request button, the host accepts and hears her. */
async function requestAcceptHeard(people: Quickstart['people']): Promise<{ host: Page; ann: Page }> {
  const host = await browser.newPage();
  await host.goto(people[0]!.url);
  await until(
    host,
    'the host connected',
    () => (document.querySelector('micseat-room') as Room).actor?.getSnapshot().value === 'connected',
  );
  const ann = await browser.newPage();
  await ann.goto(people[1]!.url);
  await until(ann, 'Ann connected and sees the host', () => {
    const s = (document.querySelector('micseat-room') as Room).actor?.getSnapshot();
    return s?.value === 'connected' && !!s.context.room?.members['host'];
  });
  // Ann asks through the request button, as a person would.
  await until(
    ann,
    'the request button',
    () => !!document.querySelector('cohost-request-button')?.shadowRoot?.querySelector('[part~="button"]'),
  );
  await ann.evaluate(() =>
    (
      document
        .querySelector('cohost-request-button')!
        .shadowRoot!.querySelector('[part~="button"]') as HTMLButtonElement
    ).click(),
  );
  await until(host, 'the host sees Ann’s request', () =>
    Object.values((document.querySelector('micseat-room') as Room).actor!.getSnapshot().context.room!.requests).some(
      (q) => q.status === 'pending',
    ),
  );
  await host.evaluate(() => {
    const room = document.querySelector('micseat-room') as Room;
    const w = window as unknown as { annPeak: number };
    w.annPeak = 0;
    room.backend!.media.onLevels((levels) => (w.annPeak = Math.max(w.annPeak, levels.get('ann') ?? 0)));
    room.actor!.send({ type: 'ACCEPT_NEXT' });
  });
  await until(
    ann,
    'Ann on a seat',
    () =>
      (document.querySelector('micseat-room') as Room).actor!.getSnapshot().context.request?.getSnapshot().value ===
      'onSeat',
  );
  await until(host, 'the host subscribes to Ann’s microphone', () =>
    (document.querySelector('micseat-room') as Room).backend!.media.subscribed.includes('ann'),
  );
  // Chromium's fake microphone beeps; silence measures 0.
  await until(host, 'the host hears Ann', () => (window as unknown as { annPeak: number }).annPeak > 0.01);
  await until(host, 'Ann seated at the host', () =>
    (document.querySelector('micseat-room') as Room)
      .actor!.getSnapshot()
      .context.room!.seats.some((s) => s.userId === 'ann'),
  );
  return { host, ann };
}

test('two Chromium pages join through the printed URLs: request, accept, the listener speaks, the host hears it', async () => {
  const { host, ann } = await requestAcceptHeard(people);
  await Promise.all([host.close(), ann.close()]);
});

test('the token endpoint answers bad input with typed errors', async () => {
  const base = new URL(people[0]!.url).origin;
  const get = async (path: string, init?: RequestInit) => {
    const r = await fetch(base + path, init);
    return {
      status: r.status,
      body: (await r.json()) as {
        ok: boolean;
        error?: { code: string; message: string };
        token?: string;
        role?: string;
      },
    };
  };
  const good = await get('/token?room=qs-test&as=bob');
  assert.equal(good.status, 200);
  assert.equal(good.body.ok, true);
  assert.equal(good.body.role, 'audience');
  // The JWT carries the README recipe's grants.
  const claims = JSON.parse(Buffer.from(good.body.token!.split('.')[1]!, 'base64url').toString()) as {
    sub: string;
    video: Record<string, unknown>;
  };
  assert.equal(claims.sub, 'bob');
  assert.deepEqual(claims.video, {
    room: 'qs-test',
    roomJoin: true,
    canSubscribe: true,
    canPublishData: true,
    canPublish: true,
    canPublishSources: ['microphone'],
    canUpdateOwnMetadata: false,
  });
  const cases: [string, RequestInit | undefined, number, string][] = [
    ['/token?room=qs-test&as=mallory', undefined, 400, 'unknown-person'],
    ['/token?room=qs-test', undefined, 400, 'unknown-person'],
    ['/token?room=bad%20name&as=ann', undefined, 400, 'invalid-room'],
    [`/token?room=${'x'.repeat(65)}&as=ann`, undefined, 400, 'invalid-room'],
    ['/token?room=qs-test&as=ann&as=host', undefined, 400, 'invalid-request'],
    [`/token?room=qs-test&as=ann&pad=${'y'.repeat(3000)}`, undefined, 414, 'too-large'],
    ['/token?room=qs-test&as=ann', { method: 'POST', body: '{}' }, 405, 'method-not-allowed'],
    ['/nothing-here', undefined, 404, 'not-found'],
  ];
  for (const [path, init, status, code] of cases) {
    const r = await get(path, init);
    assert.equal(r.status, status, path);
    assert.equal(r.body.ok, false, path);
    assert.equal(r.body.error!.code, code, path);
    assert.ok(r.body.error!.message.length > 0, path);
  }
});

describe('npm run livekit -- --server: the room service is the authority', () => {
  let served: Quickstart | undefined;
  before(async () => {
    served = await startCommand(['--server', '--room', 'qs-server', '--listeners', '1']);
  });
  after(() => stopCommand(served));

  test('it says the room service runs the room; listener tokens do not publish', async () => {
    assert.match(served!.output, /room service \(server authority\) at http:\/\/127\.0\.0\.1:\d+/);
    const base = new URL(served!.people[0]!.url).origin;
    const r = await fetch(`${base}/token?room=qs-server&as=ann`);
    const body = (await r.json()) as { ok: boolean; token: string; authority: string; authorityIdentity: string };
    assert.equal(body.authority, 'server');
    assert.equal(body.authorityIdentity, 'micseat-authority');
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1]!, 'base64url').toString()) as {
      video: Record<string, unknown>;
    };
    assert.equal(claims.video['canPublish'], false);
    assert.equal(claims.video['canUpdateOwnMetadata'], false);
  });

  test('request, accept, heard; then the host’s tab closes and Ann’s page shows “Host away”', async () => {
    const { host, ann } = await requestAcceptHeard(served!.people);
    await host.close();
    await until(
      ann,
      'Ann sees “Host away”',
      () =>
        document.querySelector('micseat-room')?.shadowRoot?.querySelector('[part="host-away"]')?.textContent?.trim() ===
        'Host away',
    );
    await ann.close();
  });
});
