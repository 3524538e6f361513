/** Service options from environment variables (see README.md for the list). */
import type { IncomingMessage } from 'node:http';
import { developmentAuthorize, type ServiceOptions } from './service.js';

/** The first address of X-Forwarded-For (the client, as the proxy saw it), else the peer's. */
function forwardedFor(request: IncomingMessage): string {
  const header = request.headers['x-forwarded-for'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
  return first || request.socket.remoteAddress || 'unknown';
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceOptions {
  const need = (name: string): string => {
    const v = env[name];
    if (!v) throw new Error(`${name} is required`);
    return v;
  };
  const int = (name: string, fallback: number): number => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got ${JSON.stringify(v)}`);
    return n;
  };
  const dev = env['MICSEAT_DEV_AUTH'] === '1';
  return {
    livekitUrl: need('LIVEKIT_URL'),
    ...(env['LIVEKIT_API_URL'] ? { livekitApiUrl: env['LIVEKIT_API_URL'] } : {}),
    apiKey: need('LIVEKIT_API_KEY'),
    apiSecret: need('LIVEKIT_API_SECRET'),
    redisUrl: env['REDIS_URL'] || 'redis://127.0.0.1:6379',
    prefix: env['MICSEAT_REDIS_PREFIX'] || 'micseat:',
    host: env['MICSEAT_HOST'] || '127.0.0.1',
    port: int('MICSEAT_PORT', 7890),
    leaseMs: int('MICSEAT_LEASE_MS', 10_000),
    sweepMs: int('MICSEAT_SWEEP_MS', 5_000),
    capacity: int('MICSEAT_CAPACITY', 1_000),
    tokenRate: { burst: int('MICSEAT_TOKEN_BURST', 20), perMinute: int('MICSEAT_TOKEN_PER_MINUTE', 60) },
    // Behind a load balancer every request comes from it: spend the client's budget instead.
    ...(env['MICSEAT_TRUST_PROXY'] === '1' ? { rateKey: forwardedFor } : {}),
    ...(env['MICSEAT_ALLOW_CAMERA'] === '1' ? { roomConfig: { allowCamera: true } } : {}),
    ...(dev ? { authorize: developmentAuthorize } : {}),
  };
}
