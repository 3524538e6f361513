/**
 * Rate limits shared by every process of a deployment: one token bucket per key in Redis, spent by
 * a Lua script (atomic), timed by Redis's own clock (`TIME`), so a flood from one caller spread
 * over several processes (behind a load balancer) draws from one budget.
 *
 * Keys: `<prefix>rate:<scope>:<key>`, expiring once a full bucket would have refilled.
 */
import type { Redis } from 'ioredis';

export interface Rate {
  /** Spent at once from a full bucket. */
  burst: number;
  /** Refilled per second. */
  perSecond: number;
}

// KEYS[1] bucket; ARGV: burst, perSecond. Returns {allowed (1/0), ms until one token is back}.
const SPEND = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 1000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if not tokens then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
local wait = 0
if allowed == 0 then wait = math.ceil((1 - tokens) / rate) end
return {allowed, wait}`;

export class SharedRateLimit {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly scope: string,
    readonly rate: Rate,
  ) {
    if (!(rate.burst >= 1 && rate.perSecond > 0)) throw new RangeError('a rate needs burst ≥ 1 and perSecond > 0');
  }

  /** Spends one token of `key`'s bucket: allowed, or how long until one is back. Throws when Redis cannot be reached. */
  async spend(key: string): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const [allowed, wait] = (await this.redis.eval(
      SPEND,
      1,
      `${this.prefix}rate:${this.scope}:${key}`,
      this.rate.burst,
      this.rate.perSecond,
    )) as [number, number];
    return { allowed: allowed === 1, retryAfterMs: allowed === 1 ? 0 : wait };
  }
}
