// The service's HTTP face: the token endpoint (authorisation, grants, limits, typed errors) and
// the webhook endpoint (signature, replay). Real Redis; no LiveKit server is needed for these.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { developmentAuthorize, MicseatService, optionsFromEnv, type Authorize } from '@micseat/server';
import { dropPrefix, post, testPrefix } from './helpers.ts';

const KEY = 'devkey';
const SECRET = 'secret-secret-secret-secret-secret';
const prefix = testPrefix('http');
const logs: { message: string; fields?: Record<string, unknown> }[] = [];
const services: MicseatService[] = [];

async function service(authorize?: Authorize, extra: Partial<ConstructorParameters<typeof MicseatService>[0]> = {}) {
  const s = new MicseatService({
    livekitUrl: 'ws://127.0.0.1:1', // nothing there: these tests never reach LiveKit
    apiKey: KEY,
    apiSecret: SECRET,
    redisUrl: 'redis://127.0.0.1:6379',
    prefix,
    sweepMs: 60_000,
    ...(authorize ? { authorize } : {}),
    log: (message, fields) => logs.push({ message, ...(fields ? { fields } : {}) }),
    ...extra,
  });
  services.push(s);
  await s.start();
  return s;
}

async function signedWebhook(body: string, secret = SECRET): Promise<string> {
  const at = new AccessToken(KEY, secret);
  at.sha256 = createHash('sha256').update(body).digest('base64');
  return at.toJwt();
}

after(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await dropPrefix(prefix);
});

describe('token endpoint', () => {
  let dev: MicseatService;
  before(async () => {
    dev = await service(developmentAuthorize);
  });

  test('by default every token request is refused with a typed 403', async () => {
    const s = await service();
    const r = await post(`${s.url}/token`, { room: 'r1', identity: 'alice', role: 'host' });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'not-allowed');
    assert.match(r.body.error.message, /Not authorised/);
  });

  test('development mode mints per-role grants: only the host may publish; nobody may rewrite their metadata', async () => {
    const verifier = new TokenVerifier(KEY, SECRET);
    for (const role of ['host', 'cohost', 'audience'] as const) {
      const r = await post(`${dev.url}/token`, { room: 'grants', identity: `u-${role}`, name: `U ${role}`, role });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.authorityIdentity, 'micseat-authority');
      const claims = await verifier.verify(r.body.token);
      assert.equal(claims.sub, `u-${role}`);
      assert.equal(claims.video?.room, 'grants');
      assert.equal(claims.video?.canPublish, role === 'host');
      assert.equal(claims.video?.canSubscribe, true);
      assert.equal(claims.video?.canPublishData, true);
      assert.equal(claims.video?.canUpdateOwnMetadata, false);
      assert.equal(claims.attributes?.['micseat.role'], role);
      assert.equal(await dev.store.roleOf('grants', `u-${role}`), role, 'the role is recorded for the authority');
    }
  });

  test('bad requests get typed errors: malformed JSON, not an object, bad room, oversized, unknown path, refused identity', async () => {
    const cases: [unknown, number, string][] = [
      ['{nope', 400, 'malformed'],
      ['[1,2]', 400, 'malformed'],
      [{ room: '' }, 400, 'invalid-request'],
      [{ room: 'a b' }, 400, 'invalid-request'],
      [{ room: 'x'.repeat(129) }, 400, 'invalid-request'],
      [{ room: 'r', identity: 'x'.repeat(65), role: 'host' }, 403, 'not-allowed'],
      [{ room: 'r', identity: 'micseat-authority', role: 'host' }, 403, 'not-allowed'],
      [{ room: 'r', identity: 'eve', role: 'admin' }, 403, 'not-allowed'],
      [JSON.stringify({ room: 'r', pad: 'x'.repeat(20_000) }), 413, 'too-large'],
    ];
    for (const [body, status, code] of cases) {
      const r = await post(`${dev.url}/token`, body);
      assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 60)} → ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code);
      assert.ok(r.body.error.message.length > 5);
    }
    const missing = await post(`${dev.url}/nowhere`, {});
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not-found');
    // The service still answers after all of that.
    assert.equal((await post(`${dev.url}/token`, { room: 'r', identity: 'ok', role: 'audience' })).status, 200);
  });

  test('a flood of token requests from one address, spread over two processes, draws from one budget: a typed 429', async () => {
    // Two processes of one deployment (same Redis prefix; a prefix of their own, so the other
    // tests' requests from this address spend nothing of it).
    const deployment = { prefix: `${prefix}flood:`, tokenRate: { burst: 5, perMinute: 5 } };
    const [a, b] = [await service(developmentAuthorize, deployment), await service(developmentAuthorize, deployment)];
    const statuses: number[] = [];
    let limited: { error: { code: string; message: string; details: Record<string, number> } } | null = null;
    for (let i = 0; i < 12; i++) {
      const via = i % 2 === 0 ? a : b;
      const r = await post(`${via.url}/token`, { room: 'flood', identity: `f${i}`, role: 'audience' });
      statuses.push(r.status);
      if (r.status === 429) limited = r.body;
    }
    assert.equal(statuses.filter((x) => x === 200).length, 5, statuses.join(','));
    assert.deepEqual(statuses.slice(5), Array(7).fill(429), 'every request after the burst is refused, on both');
    assert.equal(limited?.error.code, 'rate-limited');
    assert.match(limited!.error.message, /at most 5 a minute/);
    assert.equal(limited?.error.details['perMinute'], 5);
    assert.ok(limited!.error.details['retryAfterMs']! > 0 && limited!.error.details['retryAfterMs']! <= 12_000);
    // Another address (here: another rate key) has its own budget.
    const other = await service(developmentAuthorize, { ...deployment, rateKey: () => 'someone-else' });
    assert.equal((await post(`${other.url}/token`, { room: 'flood', identity: 'g', role: 'audience' })).status, 200);
  });

  test('an authorize hook that throws refuses instead of failing open', async () => {
    const s = await service(() => {
      throw new Error('identity provider down');
    });
    const r = await post(`${s.url}/token`, { room: 'r', identity: 'alice', role: 'host' });
    assert.equal(r.status, 403);
  });
});

describe('webhook endpoint', () => {
  let s: MicseatService;
  before(async () => {
    s = await service();
  });

  const event = (id: string, createdAt = Math.floor(Date.now() / 1000)) =>
    JSON.stringify({
      event: 'participant_left',
      id,
      createdAt,
      room: { name: 'nowhere' },
      participant: { identity: 'bob' },
    });

  test('a bad signature is refused (401) and logged; a missing one too', async () => {
    const body = event('wh-bad');
    const forged = await post(`${s.url}/webhook`, body, {
      authorization: await signedWebhook(body, 'another-secret-another-secret-xx'),
    });
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error.code, 'bad-signature');
    const tampered = await post(`${s.url}/webhook`, body.replace('bob', 'eve'), {
      authorization: await signedWebhook(body),
    });
    assert.equal(tampered.status, 401);
    const unsigned = await post(`${s.url}/webhook`, body);
    assert.equal(unsigned.status, 401);
    assert.equal(logs.filter((l) => /bad signature/.test(l.message)).length, 3);
  });

  test('a valid webhook is accepted once; its replay is acknowledged and not acted on; an old one is refused', async () => {
    const body = event('wh-1');
    const auth = await signedWebhook(body);
    const first = await post(`${s.url}/webhook`, body, { authorization: auth });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { ok: true });
    const replay = await post(`${s.url}/webhook`, body, { authorization: auth });
    assert.equal(replay.status, 200);
    assert.deepEqual(replay.body, { ok: true, duplicate: true });
    const old = event('wh-old', Math.floor(Date.now() / 1000) - 3600);
    const stale = await post(`${s.url}/webhook`, old, { authorization: await signedWebhook(old) });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'replayed');
  });
});

describe('configuration from the environment', () => {
  const base = { LIVEKIT_URL: 'ws://lk:7880', LIVEKIT_API_KEY: KEY, LIVEKIT_API_SECRET: SECRET };
  test('token budget and the proxy setting; a missing or bad value is a readable error', () => {
    const o = optionsFromEnv({
      ...base,
      MICSEAT_TOKEN_BURST: '3',
      MICSEAT_TOKEN_PER_MINUTE: '9',
      MICSEAT_TRUST_PROXY: '1',
    });
    assert.deepEqual(o.tokenRate, { burst: 3, perMinute: 9 });
    const req = { headers: { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' }, socket: { remoteAddress: '10.0.0.1' } };
    assert.equal(o.rateKey?.(req as never), '203.0.113.7');
    assert.equal(optionsFromEnv(base).rateKey, undefined, 'the peer address unless told to trust a proxy');
    assert.throws(() => optionsFromEnv({ LIVEKIT_URL: 'ws://lk' }), /LIVEKIT_API_KEY is required/);
    assert.throws(
      () => optionsFromEnv({ ...base, MICSEAT_LEASE_MS: 'soon' }),
      /MICSEAT_LEASE_MS must be a whole number/,
    );
  });
});
