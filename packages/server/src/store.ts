/**
 * Room ownership and durable state in Redis.
 *
 * - Lease: one owner per room, `SET lease owner NX PX ttl` (LiveKit's own room-placement idiom),
 *   renewed and released by Lua scripts that check the owner, so nobody renews or drops a lease
 *   they do not hold.
 * - Fencing epoch: every acquisition INCRements the room's epoch (the first is Redis's clock in ms); every state write carries the
 *   writer's epoch and a Lua script refuses it unless it is still the current one, so a stale
 *   owner (paused, partitioned, presumed dead) can never overwrite its successor's state.
 * - State: the room as a `snap` wire message plus the recent command results (so a client that
 *   retries an in-flight command after a takeover gets its answer, not a second execution).
 *
 * Keys: `<prefix>{<room>}:lease|epoch|state|roles`; the hash tag keeps a room's keys on one
 * Redis Cluster slot. `<prefix>` is per deployment (and per test, so tests never collide).
 */
import { Redis } from 'ioredis';

export type RoomRole = 'host' | 'cohost' | 'audience';

export interface StoredRoom {
  /** The `snap` wire message text. */
  snapshot: string;
  /** Recent results: [callerId, correlationId, result JSON]. */
  results: [string, string, string][];
  epoch: number;
}

/** A write refused because another owner took the room (our epoch is stale). */
export class StaleOwnerError extends Error {
  constructor(
    readonly room: string,
    readonly epoch: number,
  ) {
    super(`room ${room}: epoch ${epoch} is stale; another process owns the room now`);
    this.name = 'StaleOwnerError';
  }
}

// A room's first epoch is Redis's clock in ms, later ones count up from it: so epochs keep
// growing even across a Redis that lost its data, and a stale owner's epoch never comes back.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if redis.call('EXISTS', KEYS[2]) == 1 then
    return redis.call('INCR', KEYS[2])
  end
  local t = redis.call('TIME')
  local epoch = t[1] .. string.format('%03d', math.floor(tonumber(t[2]) / 1000))
  redis.call('SET', KEYS[2], epoch)
  return tonumber(epoch)
end
return 0`;

// Renews a lease we hold; one that expired while nobody else took it (no newer epoch) is
// taken back, so a process that paused briefly keeps its rooms. No epoch at all means Redis lost
// its data (a restart without persistence): the owner serving the room from memory re-takes it
// with its own epoch (2), and then writes the room again.
const RENEW = `
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not owner then
  local epoch = redis.call('GET', KEYS[2])
  if epoch == ARGV[3] then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    return 1
  end
  if not epoch then
    redis.call('SET', KEYS[2], ARGV[3])
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    return 2
  end
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

// The fence: the write lands only while the writer's epoch is the room's current one. No epoch
// and no lease means Redis lost its data: the writer (serving the room from memory) takes the
// room back with its epoch, as RENEW does, whichever of the two comes first (2).
const WRITE = `
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
  redis.call('SET', KEYS[2], ARGV[2])
  return 2
end
if epoch ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2])
return 1`;

export interface RoomStoreOptions {
  /** Key prefix, e.g. 'micseat:' (tests use a unique one each). */
  prefix: string;
  /** This process's owner token (unique per process run). */
  owner: string;
  leaseMs: number;
}

export class RoomStore {
  readonly redis: Redis;

  constructor(
    redis: Redis | string,
    readonly options: RoomStoreOptions,
  ) {
    this.redis = typeof redis === 'string' ? new Redis(redis, { lazyConnect: false, maxRetriesPerRequest: 2 }) : redis;
  }

  key(room: string, part: 'lease' | 'epoch' | 'state' | 'roles'): string {
    return `${this.options.prefix}{${room}}:${part}`;
  }

  /** Takes the room if nobody holds it: its new fencing epoch, or null when someone else does. */
  async acquire(room: string): Promise<number | null> {
    const epoch = (await this.redis.eval(
      ACQUIRE,
      2,
      this.key(room, 'lease'),
      this.key(room, 'epoch'),
      this.options.owner,
      this.options.leaseMs,
    )) as number;
    return epoch > 0 ? epoch : null;
  }

  /**
   * Extends our lease: 'renewed'; 'lost' when the room is no longer ours (stop serving it at once);
   * 'reestablished' when Redis had lost the room (its epoch too) and we took it back with our
   * epoch: the caller must write the room again. Throws when Redis cannot be reached.
   */
  async renew(room: string, epoch: number): Promise<'renewed' | 'lost' | 'reestablished'> {
    const r = await this.redis.eval(
      RENEW,
      2,
      this.key(room, 'lease'),
      this.key(room, 'epoch'),
      this.options.owner,
      this.options.leaseMs,
      String(epoch),
    );
    return r === 1 ? 'renewed' : r === 2 ? 'reestablished' : 'lost';
  }

  async release(room: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(room, 'lease'), this.options.owner);
  }

  /** Who holds the room's lease now (an owner token), or null. */
  async ownerOf(room: string): Promise<string | null> {
    return this.redis.get(this.key(room, 'lease'));
  }

  /**
   * Writes the room's state under the fence; throws StaleOwnerError when the epoch is stale.
   * 'reestablished': Redis had lost the room and this write took it back (see WRITE).
   */
  async write(room: string, epoch: number, state: Omit<StoredRoom, 'epoch'>): Promise<'written' | 'reestablished'> {
    const body = JSON.stringify({ epoch, snapshot: state.snapshot, results: state.results });
    const r = await this.redis.eval(
      WRITE,
      3,
      this.key(room, 'epoch'),
      this.key(room, 'state'),
      this.key(room, 'lease'),
      String(epoch),
      body,
      this.options.owner,
      this.options.leaseMs,
    );
    if (r === 0) throw new StaleOwnerError(room, epoch);
    return r === 2 ? 'reestablished' : 'written';
  }

  /** Whether Redis holds a state for the room (false for a new room, or after Redis lost its data). */
  async hasState(room: string): Promise<boolean> {
    return (await this.redis.exists(this.key(room, 'state'))) === 1;
  }

  /** Milliseconds left on each room's lease (-2: nobody holds it), in one round trip. */
  async leaseTimes(rooms: readonly string[]): Promise<number[]> {
    if (rooms.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const room of rooms) pipe.pttl(this.key(room, 'lease'));
    const answers = (await pipe.exec()) ?? [];
    return answers.map(([err, ms]) => {
      if (err) throw err;
      return Number(ms);
    });
  }

  async read(room: string): Promise<StoredRoom | null> {
    const text = await this.redis.get(this.key(room, 'state'));
    if (!text) return null;
    try {
      const parsed = JSON.parse(text) as StoredRoom;
      if (typeof parsed.snapshot !== 'string' || !Array.isArray(parsed.results) || !Number.isInteger(parsed.epoch))
        return null;
      return parsed;
    } catch {
      return null;
    }
  }

  /** Forgets a finished room's state (its lease and roles too). */
  async drop(room: string, epoch: number): Promise<void> {
    const current = await this.redis.get(this.key(room, 'epoch'));
    if (current !== String(epoch)) return;
    await this.redis.del(this.key(room, 'state'), this.key(room, 'roles'));
    await this.release(room);
  }

  /** The role the token minter gave `identity` in `room` (the only source of roles). */
  async setRole(room: string, identity: string, role: RoomRole, ttlMs: number): Promise<void> {
    const key = this.key(room, 'roles');
    await this.redis.multi().hset(key, identity, role).pexpire(key, ttlMs, 'GT').exec();
    // PEXPIRE GT does nothing on a key without a TTL: give a new hash its first one.
    await this.redis.pexpire(key, ttlMs, 'NX');
  }

  async roleOf(room: string, identity: string): Promise<RoomRole | null> {
    const role = await this.redis.hget(this.key(room, 'roles'), identity);
    return role === 'host' || role === 'cohost' || role === 'audience' ? role : null;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
