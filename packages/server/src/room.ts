/**
 * One room served by this process: core's AuthorityServer, joined to the LiveKit room as the
 * participant `micseat-authority` (rtc-node), answering the same RPC methods and publishing the
 * same deltas and version beacon as the host authority in a browser (backend-livekit's
 * RpcAnswerer). What the server home adds:
 *
 * - Durable before visible. Each change is written to Redis under the room's fencing epoch
 *   *before* its delta is published, permissions are applied or the command is answered; so
 *   whatever a client has seen survives a crash of this process, and a stale owner (its write
 *   refused by the fence) stops serving at once without having shown anything. Writes are
 *   coalesced: one in flight, the next carries every change made meanwhile.
 * - Enforcement by the LiveKit server: the whole permission set of each participant follows the
 *   seat map (host and seated members publish; everyone else does not), applied with
 *   RoomServiceClient.updateParticipant before the delta that seats someone goes out; a
 *   moderator's mute mutes the occupant's published microphone at the server (and again if the
 *   client unmutes it); a removed member is removed from the LiveKit room.
 * - Roles only from the service's token records (Redis), never from anything a client wrote.
 * - A per-caller command budget: a flood is answered with `rate-limited`, not executed.
 */
import {
  AuthorityServer,
  createAuthority,
  decode,
  encodeSnapshot,
  encodeSync,
  fail,
  restoreAuthority,
  serialize,
  type MemberRole,
  type Result,
  type RoomConfig,
  type RoomConfigInput,
  type RoomState,
  type Seat,
  type ServedChange,
  type WireMessage,
} from '@micseat/core';
import {
  DATA_TOPIC,
  METHOD_COMMAND,
  METHOD_PAGE,
  METHOD_SYNC,
  RpcAnswerer,
  RpcRefusal,
} from '@micseat/backend-livekit/rpc-server';
import {
  Room,
  RoomEvent,
  RpcError,
  TrackSource,
  type RemoteParticipant,
  type TrackPublication,
  type Participant,
} from '@livekit/rtc-node';
import { TrackSource as ApiTrackSource, type RoomServiceClient } from 'livekit-server-sdk';
import { StaleOwnerError, type RoomStore } from './store.js';
import { AUTHORITY_IDENTITY, mintAuthorityToken, ROLE_ATTRIBUTE } from './tokens.js';

/** Recent command results kept with the state, so retries after a takeover are answered. */
const DURABLE_RESULTS = 512;

export interface ServedRoomOptions {
  name: string;
  epoch: number;
  store: RoomStore;
  roomService: RoomServiceClient;
  livekitUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Configuration of a room created here (an existing room keeps its own). */
  config?: RoomConfigInput;
  beaconMs: number;
  /** Command budget per caller: `burst` at once, refilled at `perSecond`. */
  rate: { burst: number; perSecond: number };
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** Called once when the room stops being served here (fenced, lease lost, closed, LiveKit gone). */
  onClosed: (room: ServedRoom, reason: string) => void;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class ServedRoom {
  readonly server: AuthorityServer;
  readonly restored: boolean;
  readonly lk = new Room();
  private readonly rpc: RpcAnswerer;
  private readonly encoder = new TextEncoder();
  private pending: ServedChange[] = [];
  private flushing: Promise<void> | null = null;
  private durableVersion = -1;
  private waiters: { version: number; resolve: () => void }[] = [];
  private readonly recent: [string, string, string][] = [];
  /** Who was granted publish, and which sources ('mic' or 'mic+camera'). */
  private readonly granted = new Map<string, string>();
  private readonly buckets = new Map<string, Bucket>();
  private rewriteWanted = false;
  /** RPC answers being worked out. */
  private readonly inflight = new Set<Promise<string>>();
  private beacon: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly now: () => number;

  private constructor(
    readonly options: ServedRoomOptions,
    state: ReturnType<typeof createAuthority>,
    restored: boolean,
    results: [string, string, string][],
  ) {
    this.now = options.now ?? (() => Date.now());
    this.restored = restored;
    this.server = new AuthorityServer({ state, now: this.now });
    for (const [caller, id, text] of results) {
      try {
        this.server.remember(caller, id, JSON.parse(text) as Result);
        this.recent.push([caller, id, text]);
      } catch {
        /* a damaged entry only costs that retry its answer */
      }
    }
    this.rpc = new RpcAnswerer(this.server, {}, (caller, id, command) => this.run(caller, id, command));
    this.server.onChange((change) => {
      this.pending.push(change);
      // After the current command has recorded its result (`run`), so the write carries it.
      queueMicrotask(() => void this.flush());
    });
    this.server.start();
  }

  get name(): string {
    return this.options.name;
  }
  get epoch(): number {
    return this.options.epoch;
  }
  get room(): RoomState {
    return this.server.room;
  }
  /** What permissions depend on, read from the authority without building the public room (O(1) per change). */
  private get seating(): Seating {
    return this.server.authorityState.core;
  }
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Restores the room from Redis (or creates it), writes it under our epoch (a stale epoch is
   * refused here already), joins the LiveKit room and re-applies everyone's permissions.
   */
  static async open(options: ServedRoomOptions): Promise<ServedRoom> {
    const stored = await options.store.read(options.name);
    let state: ReturnType<typeof createAuthority> | null = null;
    if (stored) {
      const decoded = decode(safeJson(stored.snapshot));
      if (decoded.ok && decoded.value.t === 'snap') state = restoreAuthority(decoded.value.room);
      else options.log('stored state unreadable; starting a new room', { room: options.name });
    }
    const now = options.now ?? (() => Date.now());
    const served = new ServedRoom(
      options,
      state ?? createAuthority(options.name, options.config, now()),
      !!state,
      state ? stored!.results : [],
    );
    await served.persist();
    try {
      await served.connect();
    } catch (e) {
      served.close('could not join the LiveKit room');
      throw e;
    }
    return served;
  }

  private async connect(): Promise<void> {
    const o = this.options;
    const token = await mintAuthorityToken(o.name, { apiKey: o.apiKey, apiSecret: o.apiSecret, ttlSeconds: 24 * 3600 });
    const lk = this.lk;
    lk.on(RoomEvent.ParticipantConnected, (p) => this.onJoined(p));
    lk.on(RoomEvent.ParticipantDisconnected, (p) => this.presence(p.identity, false));
    lk.on(RoomEvent.TrackPublished, (pub, p) => this.enforceMute(p, pub));
    lk.on(RoomEvent.TrackUnmuted, (pub, p) => this.enforceMute(p, pub));
    lk.on(RoomEvent.Disconnected, () => this.close('disconnected from LiveKit'));
    // A LiveKit server that restarted has a new room: every permission is set again and presence
    // is reconciled with who is there now (members who do not come back leave after the grace).
    lk.on(RoomEvent.Reconnected, () => void this.resume());
    await lk.connect(o.livekitUrl, token, { autoSubscribe: false, dynacast: false });
    if (this.closed) {
      await lk.disconnect().catch(() => undefined);
      return;
    }
    const local = lk.localParticipant!;
    local.registerRpcMethod(METHOD_COMMAND, (d) => this.track(this.command(d.callerIdentity, d.payload)));
    local.registerRpcMethod(METHOD_SYNC, (d) => this.track(this.answer(() => this.rpc.sync(d.payload), true)));
    local.registerRpcMethod(METHOD_PAGE, (d) => this.track(this.answer(() => this.rpc.page(d.payload), false)));
    await this.resume();
    if (o.beaconMs > 0) this.beacon = setInterval(() => this.publish(encodeSync(this.durableVersion)), o.beaconMs);
  }

  /**
   * After joining (a takeover) or rejoining (LiveKit restarted): presence is whatever LiveKit says
   * now, every participant's permissions are set again (nobody knows what was applied before),
   * muted seats are enforced, and a beacon tells clients which version to sync to.
   */
  private async resume(): Promise<void> {
    if (this.closed) return;
    for (const m of Object.values(this.room.members)) {
      const here = this.lk.remoteParticipants.has(m.id);
      if (here !== m.connected) this.presence(m.id, here);
    }
    this.granted.clear();
    await this.applyPermissions(true).catch((e) =>
      this.options.log('permissions not re-applied', { room: this.name, error: String(e) }),
    );
    for (const p of this.lk.remoteParticipants.values())
      for (const pub of p.trackPublications.values()) this.enforceMute(p, pub);
    this.publish(encodeSync(this.durableVersion));
  }

  /** Redis lost the room (a restart without persistence): write it again from memory. */
  rewrite(): void {
    if (this.closed) return;
    this.rewriteWanted = true;
    void this.flush();
  }

  /** Stops serving (the lease is released by the caller when it is still ours). */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.beacon) clearInterval(this.beacon);
    this.server.stop();
    for (const w of this.waiters.splice(0)) w.resolve();
    // The answers already decided (refusals: "the authority moved; retry") go out before we leave.
    const settled = Promise.allSettled([...this.inflight]);
    void Promise.race([settled, new Promise((r) => setTimeout(r, 1_000))])
      .then(() => new Promise((r) => setTimeout(r, 50)))
      .then(() => this.lk.disconnect())
      .catch(() => undefined);
    this.options.log('room closed', { room: this.name, epoch: this.epoch, reason });
    this.options.onClosed(this, reason);
  }

  private track(answer: Promise<string>): Promise<string> {
    this.inflight.add(answer);
    const done = () => this.inflight.delete(answer);
    answer.then(done, done);
    return answer;
  }

  /** Resolves once every change up to `version` is durable and published (or the room closed). */
  private durable(version: number): Promise<void> {
    if (this.durableVersion >= version || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ version, resolve }));
  }

  private run(caller: { id: string; role: MemberRole }, id: string, command: unknown): Result {
    const seen = this.server.recall(caller.id, id);
    if (seen) return seen;
    if (!this.spend(caller.id)) {
      return fail(
        'rate-limited',
        `Too many commands; at most ${this.options.rate.perSecond} a second (bursts of ${this.options.rate.burst}).`,
        {
          perSecond: this.options.rate.perSecond,
        },
      );
    }
    const result = this.server.execute(caller, id, command);
    this.recent.push([caller.id, id, JSON.stringify(result)]);
    if (this.recent.length > DURABLE_RESULTS) this.recent.splice(0, this.recent.length - DURABLE_RESULTS);
    return result;
  }

  private spend(caller: string): boolean {
    const { burst, perSecond } = this.options.rate;
    const t = this.now();
    const b = this.buckets.get(caller) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
    b.at = t;
    this.buckets.set(caller, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /**
   * Answers one `micseat.cmd` payload from `callerIdentity`, as the RPC method does (benchmarks
   * call it directly): the answer text once the change is durable; RpcError 1503 when the room
   * stopped being served here meanwhile.
   */
  async command(callerIdentity: string, payload: string): Promise<string> {
    const role = await this.roleOf(callerIdentity);
    const text = await this.answer(() => this.rpc.command(callerIdentity, role, payload), false);
    await this.durable(this.server.authorityState.version);
    if (this.closed) throw new RpcError(1503, 'the authority moved; retry');
    return text;
  }

  private async answer(run: () => string, waitDurable: boolean): Promise<string> {
    if (this.closed) throw new RpcError(1503, 'the authority moved; retry');
    // A snapshot shows only what is durable: wait until no change is waiting for its write.
    while (waitDurable && !this.closed && this.durableVersion < this.server.authorityState.version)
      await this.durable(this.server.authorityState.version);
    if (this.closed) throw new RpcError(1503, 'the authority moved; retry');
    try {
      return run();
    } catch (e) {
      if (e instanceof RpcRefusal) throw new RpcError(e.code, e.message);
      throw e;
    }
  }

  /** The role the service's own token records give `identity` (audience when none). */
  private async roleOf(identity: string): Promise<MemberRole> {
    const recorded = await this.options.store.roleOf(this.name, identity).catch(() => null);
    if (recorded) return recorded;
    // Tokens minted elsewhere with the backend's recipe: the attribute comes from the token
    // (no token grants canUpdateOwnMetadata, so a client cannot have written it).
    const attr = this.lk.remoteParticipants.get(identity)?.attributes?.[ROLE_ATTRIBUTE];
    return attr === 'host' || attr === 'cohost' ? attr : 'audience';
  }

  private onJoined(p: RemoteParticipant): void {
    this.presence(p.identity, true);
    this.participantJoined(p.identity);
  }

  private presence(identity: string, connected: boolean): void {
    if (this.closed || identity === AUTHORITY_IDENTITY) return;
    this.server.presence(identity, connected);
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      let retryMs = 100;
      try {
        while ((this.pending.length || this.rewriteWanted) && !this.closed) {
          const batch = this.pending.splice(0);
          this.rewriteWanted = false;
          const t0 = Date.now();
          try {
            await this.persist();
          } catch (e) {
            if (e instanceof StaleOwnerError) throw e;
            // Redis unreachable: nothing of this batch is shown until it is durable; try again.
            if (retryMs === 100) this.options.log('persist failed; retrying', { room: this.name, error: String(e) });
            this.pending.unshift(...batch);
            await new Promise((r) => setTimeout(r, retryMs));
            retryMs = Math.min(2_000, retryMs * 2);
            continue;
          }
          retryMs = 100;
          if (this.closed) return;
          const t1 = Date.now();
          await this.applyPermissions(false);
          const t2 = Date.now();
          if (t2 - t0 > 1_000)
            this.options.log('slow commit', { room: this.name, persistMs: t1 - t0, permissionsMs: t2 - t1 });
          this.enforceMutes();
          for (const c of batch) {
            // A delta too large for one data packet is replaced by a beacon: clients then sync.
            if (c.delta && !this.publish(c.delta)) this.publish(encodeSync(this.server.clientVersion));
            for (const [userId, self] of c.personal) this.publish(self, userId);
          }
          const removed = batch.flatMap((c) =>
            c.outcome.events
              .filter((e) => e.type === 'member-left' && e.reason === 'removed')
              .map((e) => (e as { userId: string }).userId),
          );
          for (const id of removed) {
            this.options.roomService
              .removeParticipant(this.name, id)
              .catch((e) => this.options.log('removeParticipant failed', { room: this.name, id, error: String(e) }));
          }
          this.settle();
        }
      } catch (e) {
        if (e instanceof StaleOwnerError) this.close('fenced: another process owns the room');
        else {
          this.options.log('persist failed', { room: this.name, error: String(e) });
          this.close('could not write the room to Redis');
        }
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  /** Writes the current room under our epoch (throws StaleOwnerError when fenced). */
  private async persist(): Promise<void> {
    const room = this.server.room;
    const written = await this.options.store.write(this.name, this.epoch, {
      snapshot: JSON.stringify(encodeSnapshot(room)),
      results: this.recent,
    });
    if (written === 'reestablished')
      this.options.log('redis had lost the room; written again from memory', { room: this.name, epoch: this.epoch });
    this.durableVersion = Math.max(this.durableVersion, room.version);
  }

  private settle(): void {
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.version <= this.durableVersion) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Who may publish: the host (host seat) and everyone on a seat (occupied, or holding it while reconnecting). */
  private publishers(room: Seating): Set<string> {
    const who = new Set<string>();
    if (room.hostId) who.add(room.hostId);
    for (const s of room.seats)
      if (s.userId && (s.status === 'occupied' || s.status === 'reconnecting')) who.add(s.userId);
    return who;
  }

  private permission(room: Seating, publish: boolean) {
    const sources = !publish
      ? []
      : room.config.allowCamera
        ? [ApiTrackSource.MICROPHONE, ApiTrackSource.CAMERA]
        : [ApiTrackSource.MICROPHONE];
    return {
      canSubscribe: true,
      canPublishData: true,
      canPublish: publish,
      canPublishSources: sources,
      canUpdateMetadata: false,
      hidden: false,
    };
  }

  /**
   * Brings the LiveKit server's permissions in line with the seat map, by difference with what
   * was granted (O(seats) per change, whatever the audience size). The whole permission set is
   * sent each time (updateParticipant replaces it). `everyone`: after a takeover nobody knows what
   * the previous owner managed to apply, so every participant LiveKit lists is set.
   */
  private async applyPermissions(everyone: boolean): Promise<void> {
    const room = this.seating;
    const want = this.publishers(room);
    const key = room.config.allowCamera ? 'mic+camera' : 'mic';
    const changes = new Map<string, boolean>();
    if (everyone) {
      const listed = await this.options.roomService.listParticipants(this.name);
      for (const p of listed) if (p.identity !== AUTHORITY_IDENTITY) changes.set(p.identity, want.has(p.identity));
    }
    for (const id of want) if (this.granted.get(id) !== key) changes.set(id, true);
    for (const id of this.granted.keys()) if (!want.has(id)) changes.set(id, false);
    const calls: Promise<unknown>[] = [];
    for (const [id, publish] of changes) {
      if (publish) this.granted.set(id, key);
      else this.granted.delete(id);
      calls.push(this.setPermission(room, id, publish));
    }
    await Promise.all(calls);
  }

  private setPermission(room: Seating, identity: string, publish: boolean): Promise<void> {
    return this.options.roomService
      .updateParticipant(this.name, identity, { permission: this.permission(room, publish) })
      .then(
        () => undefined,
        (e: unknown) => {
          // Not in the LiveKit room (left, or not arrived yet): granted again when they join.
          if (/not.?found|does not exist/i.test(String((e as Error)?.message ?? e))) return;
          this.options.log('updateParticipant failed', { room: this.name, identity, error: String(e) });
        },
      );
  }

  /** Someone (re)joined the LiveKit room: a seated member's fresh connection gets its grant again. */
  participantJoined(identity: string): void {
    if (this.closed || identity === AUTHORITY_IDENTITY) return;
    const room = this.seating;
    if (this.publishers(room).has(identity)) void this.setPermission(room, identity, true);
  }

  private enforceMutes(): void {
    for (const seat of this.seating.seats) {
      if (!seat.muted || !seat.userId) continue;
      const p = this.lk.remoteParticipants.get(seat.userId);
      if (p) for (const pub of p.trackPublications.values()) this.enforceMute(p, pub);
    }
  }

  /** A seat muted by a moderator: its occupant's microphone is muted at the server. */
  private enforceMute(p: Participant, pub: TrackPublication): void {
    if (this.closed || pub.source !== TrackSource.SOURCE_MICROPHONE || pub.muted) return;
    const seat = this.seating.seats.find((s) => s.userId === p.identity);
    if (!seat?.muted || !pub.sid) return;
    this.options.roomService.mutePublishedTrack(this.name, p.identity, pub.sid, true).catch((e) => {
      this.options.log('mutePublishedTrack failed', { room: this.name, identity: p.identity, error: String(e) });
    });
  }

  /** Sends a message to everyone, or to one participant (a `self` message). */
  private publish(message: WireMessage, to?: string): boolean {
    const text = serialize(message);
    if (!text.ok) return false;
    const local = this.lk.localParticipant;
    if (this.closed || !local || !this.lk.isConnected) return true;
    local
      .publishData(this.encoder.encode(text.value), {
        reliable: true,
        topic: DATA_TOPIC,
        ...(to ? { destination_identities: [to] } : {}),
      })
      .catch(() => undefined);
    return true;
  }
}

/** The host, the seats and the config: all that publish permissions depend on. */
interface Seating {
  readonly hostId: string | null;
  readonly seats: readonly Seat[];
  readonly config: RoomConfig;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
