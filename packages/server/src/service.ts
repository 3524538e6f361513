/**
 * The micseat service: owns rooms (one Redis lease each), serves each through a ServedRoom, and
 * answers HTTP:
 *   POST /token    mint a LiveKit token for a role, behind `authorize`
 *   POST /webhook  LiveKit webhooks (signature verified; replays answered, not re-run)
 *   GET  /health   { ok, rooms, capacity }
 *
 * Placement: a `room_started` webhook makes every process try the room's lease (exactly one
 * wins); a periodic sweep of LiveKit's room list catches rooms whose webhook was lost and rooms
 * whose owner died (its lease expired). A process at capacity takes no more rooms. Leases are
 * renewed every third of their time; a room whose lease or fence is lost stops being served.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { RoomServiceClient, WebhookReceiver, type WebhookEvent } from 'livekit-server-sdk';
import type { RoomConfigInput } from '@micseat/core';
import { Redis } from 'ioredis';
import { ServedRoom } from './room.js';
import { SharedRateLimit } from './rate-limit.js';
import { RoomStore, type RoomRole } from './store.js';
import { AUTHORITY_IDENTITY, mintParticipantToken } from './tokens.js';

/** Who a token request is for. Return null (or throw) to refuse. */
export interface Authorization {
  identity: string;
  name: string;
  role: RoomRole;
}

/** What `authorize` sees: the parsed JSON body and the request's headers. */
export interface TokenRequest {
  room: string;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  remoteAddress: string;
}

export type Authorize = (request: TokenRequest) => Promise<Authorization | null> | Authorization | null;

/** The default: nobody gets a token until the deployment says how people are authenticated. */
export const refuseAll: Authorize = () => null;

/**
 * Development only: believes the request body `{ identity, name, role }`. Anybody can be host.
 * Never use it where strangers can reach the service.
 */
export const developmentAuthorize: Authorize = (request) => {
  const { identity, name, role } = request.body as { identity?: unknown; name?: unknown; role?: unknown };
  if (typeof identity !== 'string' || !ID.test(identity) || identity === AUTHORITY_IDENTITY) return null;
  if (role !== 'host' && role !== 'cohost' && role !== 'audience') return null;
  return { identity, name: typeof name === 'string' && name.length > 0 && name.length <= 64 ? name : identity, role };
};

const ID = /^[A-Za-z0-9_.@:-]{1,64}$/;
const ROOM = /^[A-Za-z0-9_.:-]{1,128}$/;
const MAX_BODY = 16 * 1024;

export interface ServiceOptions {
  /** ws(s):// URL of the LiveKit server (clients and the service connect to it). */
  livekitUrl: string;
  /** http(s):// URL of the LiveKit server's API (default: livekitUrl with http). */
  livekitApiUrl?: string;
  apiKey: string;
  apiSecret: string;
  redisUrl: string;
  /** Redis key prefix (default 'micseat:'). */
  prefix?: string;
  /** HTTP port (0 = any free one) on 127.0.0.1 unless `host` says otherwise. */
  port?: number;
  host?: string;
  leaseMs?: number;
  sweepMs?: number;
  /** Most rooms this process serves. */
  capacity?: number;
  authorize?: Authorize;
  /** Token lifetime in seconds (default 4 h). */
  tokenTtlSeconds?: number;
  /**
   * Token requests per client (`rateKey`): `burst` at once, then `perMinute`. One budget for the
   * whole deployment, kept in Redis, so a flood spread over several processes is limited too.
   */
  tokenRate?: { burst: number; perMinute: number };
  /** Whose budget a token request spends (default: the client's address). */
  rateKey?: (request: IncomingMessage) => string;
  /** Commands per caller per room. */
  commandRate?: { burst: number; perSecond: number };
  /** Configuration of rooms created here. */
  roomConfig?: RoomConfigInput;
  beaconMs?: number;
  /** Webhooks older than this are refused as replays (ms; default 5 min). */
  webhookMaxAgeMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export class MicseatService {
  readonly store: RoomStore;
  readonly roomService: RoomServiceClient;
  readonly owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
  readonly rooms = new Map<string, ServedRoom>();
  private readonly opening = new Map<string, Promise<ServedRoom | null>>();
  /** Rooms whose lease we hold while joining them (epoch by room). */
  private readonly acquiring = new Map<string, number>();
  private readonly receiver: WebhookReceiver;
  private readonly tokenLimit: SharedRateLimit;
  /** Placement attempts scheduled for when another process's lease runs out (by room). */
  private readonly expiring = new Map<string, ReturnType<typeof setTimeout>>();
  private redisDown = false;
  private http: Server | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];
  private stopped = false;
  readonly o: Required<Omit<ServiceOptions, 'livekitApiUrl' | 'roomConfig' | 'host' | 'port' | 'rateKey'>> &
    Pick<ServiceOptions, 'roomConfig' | 'rateKey'> & { host: string; port: number; livekitApiUrl: string };

  constructor(options: ServiceOptions) {
    this.o = {
      prefix: 'micseat:',
      leaseMs: 10_000,
      sweepMs: 5_000,
      capacity: 1_000,
      authorize: refuseAll,
      tokenTtlSeconds: 4 * 3600,
      tokenRate: { burst: 20, perMinute: 60 },
      commandRate: { burst: 40, perSecond: 20 },
      beaconMs: 2_000,
      webhookMaxAgeMs: 5 * 60_000,
      log: (message, fields) => console.log(JSON.stringify({ t: new Date().toISOString(), message, ...fields })),
      host: '127.0.0.1',
      port: 0,
      ...options,
      livekitApiUrl: options.livekitApiUrl ?? options.livekitUrl.replace(/^ws/, 'http'),
    } as MicseatService['o'];
    const redis = new Redis(this.o.redisUrl, { maxRetriesPerRequest: 2 });
    // Redis down: rooms keep their state in memory and show nothing new (nothing is durable);
    // back: every lease is renewed at once (re-taken if Redis lost its data) and writes resume.
    redis.on('error', (e: Error) => {
      if (this.redisDown) return;
      this.redisDown = true;
      this.o.log('redis unavailable', { error: String(e.message) });
    });
    redis.on('ready', () => {
      if (!this.redisDown) return;
      this.redisDown = false;
      this.o.log('redis available again');
      void this.renewAll();
    });
    this.store = new RoomStore(redis, { prefix: this.o.prefix, owner: this.owner, leaseMs: this.o.leaseMs });
    this.tokenLimit = new SharedRateLimit(redis, this.o.prefix, 'token', {
      burst: this.o.tokenRate.burst,
      perSecond: this.o.tokenRate.perMinute / 60,
    });
    this.roomService = new RoomServiceClient(this.o.livekitApiUrl, this.o.apiKey, this.o.apiSecret);
    this.receiver = new WebhookReceiver(this.o.apiKey, this.o.apiSecret);
  }

  /** The HTTP address once started. */
  get url(): string {
    const a = this.http?.address() as AddressInfo | null;
    return a ? `http://${this.o.host}:${a.port}` : '';
  }

  async start(): Promise<void> {
    this.http = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.http!.once('error', reject);
      this.http!.listen(this.o.port, this.o.host, () => resolve());
    });
    this.timers.push(setInterval(() => void this.renewAll(), Math.max(200, Math.floor(this.o.leaseMs / 3))));
    this.timers.push(setInterval(() => void this.sweep(), this.o.sweepMs));
    void this.sweep();
  }

  /** Stops serving: every room is closed and its lease released, so another process takes over at once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const t of this.expiring.values()) clearTimeout(t);
    await Promise.allSettled([...this.opening.values()]);
    const rooms = [...this.rooms.values()];
    for (const r of rooms) r.close('service stopping');
    await Promise.allSettled(rooms.map((r) => this.store.release(r.name)));
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
    this.http?.closeAllConnections?.();
    await this.store.close();
  }

  /** Tries to take and serve `room`; null when another process owns it or this one is full. */
  place(room: string): Promise<ServedRoom | null> {
    const served = this.rooms.get(room);
    if (served) return Promise.resolve(served);
    const opening = this.opening.get(room);
    if (opening) return opening;
    if (this.stopped || this.rooms.size + this.opening.size >= this.o.capacity) return Promise.resolve(null);
    const p = this.open(room).finally(() => this.opening.delete(room));
    this.opening.set(room, p);
    return p;
  }

  private async open(name: string): Promise<ServedRoom | null> {
    // No state in Redis but an authority in the LiveKit room: Redis lost its data while another
    // process serves the room from memory; it takes the room back itself (see RoomStore.renew).
    let epoch: number | null;
    try {
      if (!(await this.store.hasState(name)) && (await this.authorityPresent(name))) return null;
      epoch = await this.store.acquire(name);
    } catch (e) {
      this.o.log('could not take room', { room: name, error: String(e) });
      return null;
    }
    if (epoch === null) return null;
    const started = Date.now();
    // Joining LiveKit can take longer than the lease on a loaded machine: renew it meanwhile.
    this.acquiring.set(name, epoch);
    try {
      const served = await ServedRoom.open({
        name,
        epoch,
        store: this.store,
        roomService: this.roomService,
        livekitUrl: this.o.livekitUrl,
        apiKey: this.o.apiKey,
        apiSecret: this.o.apiSecret,
        ...(this.o.roomConfig ? { config: this.o.roomConfig } : {}),
        beaconMs: this.o.beaconMs,
        rate: this.o.commandRate,
        log: this.o.log,
        onClosed: (r, reason) => {
          if (this.rooms.get(r.name) === r) this.rooms.delete(r.name);
          // Fenced or lease lost: the room is someone else's; anything else: let another take it now.
          if (!/fenced|lease lost/.test(reason)) void this.store.release(r.name).catch(() => undefined);
        },
      });
      if (served.isClosed) return null;
      this.rooms.set(name, served);
      this.o.log('room served', {
        room: name,
        epoch,
        restored: served.restored,
        version: served.room.version,
        ms: Date.now() - started,
      });
      return served;
    } catch (e) {
      this.o.log('could not serve room', { room: name, epoch, error: String(e) });
      await this.store.release(name).catch(() => undefined);
      return null;
    } finally {
      this.acquiring.delete(name);
    }
  }

  private async authorityPresent(room: string): Promise<boolean> {
    const listed = await this.roomService.listParticipants(room).catch(() => []);
    return listed.some((p) => p.identity === AUTHORITY_IDENTITY);
  }

  private renewing = false;

  /**
   * Renews every lease we hold (one pass at a time). Redis unreachable: the room is kept (it shows
   * nothing new until a write lands, and the fence refuses that write if someone else took the
   * room meanwhile).
   */
  private async renewAll(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    try {
      for (const [name, epoch] of [...this.acquiring]) await this.store.renew(name, epoch).catch(() => 'error');
      for (const r of [...this.rooms.values()]) {
        const answer = await this.store.renew(r.name, r.epoch).catch(() => 'error' as const);
        if (answer === 'lost' && !r.isClosed) r.close('lease lost');
        if (answer === 'reestablished') {
          this.o.log('redis had lost the room; written again from memory', { room: r.name, epoch: r.epoch });
          r.rewrite();
        }
      }
    } finally {
      this.renewing = false;
    }
  }

  /**
   * Serves rooms LiveKit has that nobody owns (a lost webhook, a dead owner). A lease that runs
   * out before the next sweep gets a placement attempt at its expiry, so a dead owner's room is
   * taken over about one lease time after its last renewal, not a sweep later.
   */
  async sweep(): Promise<void> {
    if (this.stopped) return;
    let names: string[];
    try {
      names = (await this.roomService.listRooms()).map((r) => r.name).filter((n) => !this.rooms.has(n));
    } catch (e) {
      this.o.log('sweep: LiveKit room list unavailable', { error: String(e) });
      return;
    }
    let left: number[];
    try {
      left = await this.store.leaseTimes(names);
    } catch {
      return; // Redis unreachable: nothing can be placed now
    }
    for (const [i, name] of names.entries()) {
      if (this.stopped || this.rooms.size + this.opening.size >= this.o.capacity) break;
      if (this.opening.has(name)) continue;
      const ms = left[i]!;
      if (ms === -2) void this.place(name);
      else if (ms >= 0 && ms < this.o.sweepMs && !this.expiring.has(name)) {
        this.expiring.set(
          name,
          setTimeout(() => {
            this.expiring.delete(name);
            if (!this.stopped) void this.place(name);
          }, ms + 5),
        );
      }
    }
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      if (req.method === 'GET' && path === '/health') {
        const room = url.searchParams.get('room');
        return send(res, 200, {
          ok: !this.stopped,
          rooms: this.rooms.size,
          capacity: this.o.capacity,
          owner: this.owner,
          // `?room=<name>`: whether this process serves that room now.
          ...(room !== null ? { serving: this.rooms.has(room) } : {}),
        });
      }
      if (req.method === 'POST' && path === '/token') return send(res, 200, await this.token(req));
      if (req.method === 'POST' && path === '/webhook') return send(res, 200, await this.webhook(req));
      throw new HttpError(404, 'not-found', `No ${req.method} ${path} here (POST /token, POST /webhook, GET /health).`);
    } catch (e) {
      const err = e instanceof HttpError ? e : new HttpError(500, 'internal', 'The service failed to answer.');
      if (!(e instanceof HttpError)) this.o.log('http handler failed', { error: String(e) });
      send(res, err.status, {
        error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) },
      });
    }
  }

  private async token(req: IncomingMessage): Promise<Record<string, unknown>> {
    const address = req.socket.remoteAddress ?? 'unknown';
    const spent = await this.tokenLimit.spend(this.o.rateKey?.(req) ?? address).catch(() => {
      throw unavailable();
    });
    if (!spent.allowed) {
      throw new HttpError(
        429,
        'rate-limited',
        `Too many token requests; at most ${this.o.tokenRate.perMinute} a minute (bursts of ${this.o.tokenRate.burst}).`,
        { perMinute: this.o.tokenRate.perMinute, burst: this.o.tokenRate.burst, retryAfterMs: spent.retryAfterMs },
      );
    }
    const body = await readJson(req);
    const room = body['room'];
    if (typeof room !== 'string' || !ROOM.test(room)) {
      throw new HttpError(400, 'invalid-request', 'Give `room`: 1–128 letters, digits or _ . : -', { field: 'room' });
    }
    let who: Authorization | null;
    try {
      who = await this.o.authorize({ room, body, headers: req.headers, remoteAddress: address });
    } catch {
      who = null;
    }
    if (!who) throw new HttpError(403, 'not-allowed', 'Not authorised for a token to this room.');
    if (
      !ID.test(who.identity) ||
      who.identity === AUTHORITY_IDENTITY ||
      !['host', 'cohost', 'audience'].includes(who.role)
    ) {
      throw new HttpError(500, 'internal', 'authorize returned an invalid identity or role.');
    }
    const allowCamera = this.o.roomConfig?.allowCamera ?? false;
    const token = await mintParticipantToken(
      { room, ...who },
      { apiKey: this.o.apiKey, apiSecret: this.o.apiSecret, ttlSeconds: this.o.tokenTtlSeconds, allowCamera },
    );
    await this.store.setRole(room, who.identity, who.role, this.o.tokenTtlSeconds * 1000).catch(() => {
      throw unavailable();
    });
    return {
      token,
      url: this.o.livekitUrl,
      identity: who.identity,
      role: who.role,
      authorityIdentity: AUTHORITY_IDENTITY,
    };
  }

  private async webhook(req: IncomingMessage): Promise<Record<string, unknown>> {
    const raw = await readBody(req);
    let event: WebhookEvent;
    try {
      event = await this.receiver.receive(raw, req.headers['authorization']);
    } catch (e) {
      this.o.log('webhook refused: bad signature', {
        from: req.socket.remoteAddress,
        error: String((e as Error)?.message ?? e),
      });
      throw new HttpError(401, 'bad-signature', 'The webhook signature does not verify.');
    }
    const age = Date.now() - Number(event.createdAt) * 1000;
    if (Number(event.createdAt) > 0 && age > this.o.webhookMaxAgeMs) {
      this.o.log('webhook refused: too old (replay?)', { id: event.id, event: event.event, ageMs: age });
      throw new HttpError(409, 'replayed', 'The webhook is too old to act on.');
    }
    // LiveKit sends every event to every process's URL: each process acts on a delivery id once,
    // and a replay of it is acknowledged only.
    const first = event.id
      ? await this.store.redis
          .set(`${this.o.prefix}webhook:${this.owner}:${event.id}`, '1', 'PX', this.o.webhookMaxAgeMs * 2, 'NX')
          .catch(() => {
            throw unavailable(); // LiveKit delivers it again
          })
      : 'OK';
    if (first !== 'OK') {
      this.o.log('webhook replay ignored', { id: event.id, event: event.event });
      return { ok: true, duplicate: true };
    }
    const room = event.room?.name;
    if (room) {
      if (event.event === 'room_started') void this.place(room);
      if (event.event === 'room_finished') {
        const served = this.rooms.get(room);
        if (served) {
          served.close('room finished');
          await this.store.drop(room, served.epoch).catch(() => undefined);
        }
      }
      if (event.event === 'participant_joined' && event.participant?.identity) {
        this.rooms.get(room)?.participantJoined(event.participant.identity);
      }
      if (event.event === 'participant_left' && event.participant?.identity) {
        // Only when the room's own connection agrees (a webhook can arrive after a quick return).
        const served = this.rooms.get(room);
        if (served && !served.lk.remoteParticipants.has(event.participant.identity))
          served.server.presence(event.participant.identity, false);
      }
    }
    return { ok: true };
  }
}

function unavailable(): HttpError {
  return new HttpError(503, 'unavailable', 'The service cannot reach its store (Redis); try again shortly.');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY) {
    req.resume(); // drain; the answer goes out at once
    return Promise.reject(
      new HttpError(413, 'too-large', `The body is larger than ${MAX_BODY} bytes.`, { limit: MAX_BODY }),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY)
        reject(new HttpError(413, 'too-large', `The body is larger than ${MAX_BODY} bytes.`, { limit: MAX_BODY }));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'malformed', 'The body is not valid JSON.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new HttpError(400, 'malformed', 'The body must be a JSON object.');
  return value as Record<string, unknown>;
}
