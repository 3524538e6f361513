/**
 * LiveKitRoomBackend: the RoomBackend contract over a livekit-client Room.
 *
 * - Host-authority mode (`authority: 'host'`, the default): the participant whose identity is
 *   `hostIdentity` runs the authority (LiveKitAuthority) and talks to it directly; everyone
 *   else sends commands to the host by RPC and keeps a RoomReplica fed by deltas (reliable
 *   data, topic 'micseat') and snapshots (RPC, in pages).
 * - Server-authority mode (`authority: 'server'`): the room's service (@micseat/server, the
 *   participant `authorityIdentity`) runs the authority; every client, the host included, is a
 *   replica that calls it. Publishing needs the server's grant (see LiveKitMedia).
 *
 * Every method resolves; failures are typed results.
 */
import {
  decode,
  encodeCommand,
  encodeSync,
  fail,
  ok,
  RoomReplica,
  serialize,
  type Command,
  type Page,
  type ReadQuery,
  type ConnectionStatus,
  type JoinOptions,
  type Result,
  type RoomBackend,
  type RoomConfigInput,
  type RoomError,
  type RoomEvent as MicseatEvent,
  type RoomState,
  type RoomUpdate,
  type WireMessage,
} from '@micseat/core';
import {
  ConnectionError,
  ConnectionErrorReason,
  DataPacket_Kind,
  Room,
  RoomEvent,
  type RemoteParticipant,
  type RoomConnectOptions,
  type RoomOptions,
} from 'livekit-client';
// Type only: the authority is loaded on the host alone (a dynamic import in connect), so a
// listener's page never downloads it or the seat authority under it.
import type { LiveKitAuthority, SnapshotStore } from './host.js';
import { LiveKitMedia } from './media.js';
import {
  DATA_TOPIC,
  MAX_PAGES,
  METHOD_COMMAND,
  METHOD_PAGE,
  METHOD_SYNC,
  parseAnswer,
  parsePage,
  rpcFailure,
} from './rpc.js';

/** Who runs the room's authority: the host's browser, or the room's service (@micseat/server). */
export type LiveKitAuthorityHome = 'host' | 'server';

/** The identity @micseat/server joins each room with (its `AUTHORITY_IDENTITY`). */
export const DEFAULT_AUTHORITY_IDENTITY = 'micseat-authority';

export interface LiveKitBackendOptions {
  /** ws(s):// URL of the LiveKit server. */
  url: string;
  /** Access token (see the README recipe). Its identity is this client's identity. */
  token: string;
  /**
   * Who runs the room's authority (default 'host'). 'server': the room's service does; the host
   * is a participant like any other, with the host role its token carries.
   */
  authority?: LiveKitAuthorityHome;
  /**
   * Host-authority mode (required there): the identity that hosts the room and runs its
   * authority (the token minter decides who gets it). Not used with `authority: 'server'`.
   */
  hostIdentity?: string;
  /** Server-authority mode: the service's identity in the room (default 'micseat-authority'). */
  authorityIdentity?: string;
  /**
   * Server-authority mode: how long a seated client waits for the server to grant publish
   * before opening the mic fails with `timeout` (default 8,000 ms).
   */
  grantWaitMs?: number;
  /** Room configuration, used by the host when it creates the room. */
  config?: RoomConfigInput;
  /** Where the host saves the room for a reload (default sessionStorage; null = nowhere). */
  storage?: SnapshotStore | null;
  /** Key prefix for the saved room (default 'micseat:livekit:'); the room name is appended. */
  storageKeyPrefix?: string;
  /** The host saves the room at most this often (ms, default 1,000), and at once when its page is hidden or left. */
  saveEveryMs?: number;
  /** Give up on a command after this long (default 10,000 ms; LiveKit's floor is 8,000). */
  commandTimeoutMs?: number;
  /**
   * How long to wait for the authority to appear before calling it unreachable (default
   * 4,000 ms for a host: a real server announces a returning host within ~3 s; 10,000 ms for
   * the service, which joins a new room after LiveKit's `room_started` webhook or its sweep).
   */
  hostWaitMs?: number;
  /** How often the host announces its version (default 2,000 ms). */
  beaconMs?: number;
  /** Snapshot page size in UTF-8 bytes, host only (default and maximum 12,000; smaller to test paging). */
  snapshotPageBytes?: number;
  roomOptions?: RoomOptions;
  connectOptions?: RoomConnectOptions;
  /** Fault injection (tests, demos): the share (0..1) of incoming room data packets to drop. */
  dropIncomingData?: number;
}

/** Reads the identity (`sub`) of a LiveKit JWT without verifying it (the server does that). */
export function identityOfToken(token: string | undefined): string {
  try {
    if (typeof token !== 'string') return '';
    const part = token.split('.')[1] ?? '';
    const json = atob(
      part
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(part.length / 4) * 4, '='),
    );
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : '';
  } catch {
    return '';
  }
}

/** Longest a command's answer waits for its own change to reach the replica. */
const READ_YOUR_WRITES_MS = 1_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class LiveKitRoomBackend implements RoomBackend {
  readonly media: LiveKitMedia;
  /** The livekit-client Room (null before `connect`). */
  lk: Room | null = null;
  /** Counters for the inspector and tests: data packets dropped by fault injection, snapshots fetched. */
  readonly stats = { droppedData: 0, snapshots: 0 };
  /** The authority, on the host only. */
  authority: LiveKitAuthority | null = null;
  private _identity: string;
  private replica: RoomReplica;
  private joinOptions: JoinOptions | null = null;
  private readonly updateListeners = new Set<(u: RoomUpdate) => void>();
  private readonly statusListeners = new Set<(s: ConnectionStatus, e?: RoomError) => void>();
  private _status: ConnectionStatus = 'idle';
  private seq = 0;
  private readonly session = Math.random().toString(36).slice(2, 10);
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  private readonly inflight = new Set<(code: 'disconnected') => void>();
  private readonly opts: Required<
    Pick<LiveKitBackendOptions, 'commandTimeoutMs' | 'hostWaitMs' | 'beaconMs' | 'storageKeyPrefix'>
  >;
  /** Where the authority runs. */
  readonly authorityHome: LiveKitAuthorityHome;
  /** The identity commands go to and deltas come from: the host, or the room's service. */
  readonly authorityIdentity: string;
  /** How errors name the authority ("The host", "The room's service"). */
  private readonly peer: string;

  constructor(private readonly options: LiveKitBackendOptions) {
    // Bad options are reported by connect() as a typed error, never thrown here.
    this._identity = identityOfToken(options?.token);
    this.authorityHome = options?.authority === 'server' ? 'server' : 'host';
    const server = this.authorityHome === 'server';
    this.authorityIdentity = server
      ? (options.authorityIdentity ?? DEFAULT_AUTHORITY_IDENTITY)
      : (options?.hostIdentity ?? '');
    this.peer = server ? "The room's service" : 'The host';
    this.replica = new RoomReplica(this._identity);
    this.opts = {
      commandTimeoutMs: options?.commandTimeoutMs ?? 10_000,
      hostWaitMs: options?.hostWaitMs ?? (server ? 10_000 : 4_000),
      beaconMs: options?.beaconMs ?? 2_000,
      storageKeyPrefix: options?.storageKeyPrefix ?? 'micseat:livekit:',
    };
    this.media = new LiveKitMedia(() => this._identity, server ? { grantWaitMs: options.grantWaitMs ?? 8_000 } : null);
  }

  get identity(): string {
    return this._identity;
  }
  /** True on the host: in host-authority mode the one running the authority; else the room's `hostId`. */
  get isHost(): boolean {
    return this.authorityHome === 'server'
      ? !!this._identity && this.replica.room?.hostId === this._identity
      : this._identity === this.options.hostIdentity;
  }
  /** This client runs the room's authority (the host, in host-authority mode). */
  private get runsAuthority(): boolean {
    return this.authorityHome === 'host' && this._identity === this.options.hostIdentity;
  }
  get room(): RoomState | null {
    return this.authority ? this.authority.state : this.replica.room;
  }
  get status(): ConnectionStatus {
    return this._status;
  }

  async connect(join: JoinOptions): Promise<Result<RoomState>> {
    if (this._status === 'connecting' || this._status === 'connected')
      return fail('invalid-command', 'Already connected.');
    const refused = this.checkOptions();
    if (refused) {
      this.setStatus('disconnected', refused);
      return { ok: false, error: refused };
    }
    this.setStatus('connecting');
    this.joinOptions = join;
    const lk = new Room({ adaptiveStream: false, dynacast: false, ...this.options.roomOptions });
    this.lk = lk;
    lk.on(RoomEvent.DataReceived, (payload, participant, _kind, topic) => this.onData(payload, participant, topic));
    lk.on(RoomEvent.SignalReconnecting, () => this.setStatus('reconnecting'));
    lk.on(RoomEvent.Reconnecting, () => this.setStatus('reconnecting'));
    lk.on(RoomEvent.Reconnected, () => this.onReconnected());
    lk.on(RoomEvent.Disconnected, () => this.onDisconnected());
    // Fetched while the connection is made (the token names its identity already).
    const hostModule = this.runsAuthority ? import('./host.js') : null;
    hostModule?.catch(() => undefined); // awaited below; not "unhandled" if connecting fails first
    try {
      await lk.connect(this.options.url, this.options.token, { ...this.options.connectOptions, autoSubscribe: false });
    } catch (e) {
      const reason = e instanceof ConnectionError ? e.reason : undefined;
      const error: RoomError =
        reason === ConnectionErrorReason.NotAllowed
          ? { code: 'not-allowed', message: `The LiveKit server refused the token: ${(e as Error).message}` }
          : { code: 'host-unreachable', message: `The LiveKit server could not be reached: ${(e as Error).message}` };
      this.lk = null;
      this.setStatus('disconnected', error);
      return { ok: false, error };
    }
    this._identity = lk.localParticipant.identity;
    if (this.replica.viewer !== this._identity) this.replica = new RoomReplica(this._identity);
    await this.dataChannelOpen(lk);
    if (this.gone(lk)) return fail('disconnected', 'Disconnected while connecting.');
    this.media.attach(lk);

    const joinCommand: Command = { type: 'join', name: join.name, ...(join.avatar ? { avatar: join.avatar } : {}) };
    if (this.runsAuthority) {
      const { LiveKitAuthority, roleFromToken } = await (hostModule ?? import('./host.js'));
      if (this.gone(lk)) return fail('disconnected', 'Disconnected while connecting.');
      const authority = new LiveKitAuthority(lk, {
        storageKey: this.opts.storageKeyPrefix + lk.name,
        storage: this.options.storage === undefined ? defaultStorage() : this.options.storage,
        config: this.options.config,
        beaconMs: this.opts.beaconMs,
        roleOf: roleFromToken,
        ...(this.options.snapshotPageBytes ? { pageBytes: this.options.snapshotPageBytes } : {}),
        ...(this.options.saveEveryMs !== undefined ? { saveEveryMs: this.options.saveEveryMs } : {}),
      });
      this.authority = authority;
      authority.subscribe((o) => this.emit(o.state.room, o.events));
      authority.start();
      const joined = authority.execute(this._identity, 'host', this.nextId(), joinCommand);
      if (!joined.ok) return this.abort(joined.error);
      this.setStatus('connected');
      this.emit(authority.state, []);
      return ok(authority.state);
    }

    const synced = await this.syncNow();
    if (!synced.ok) return this.abort(synced.error);
    const joined = await this.send(joinCommand);
    if (!joined.ok) return this.abort(joined.error);
    if (this.gone(lk)) return fail('disconnected', 'Disconnected while connecting.');
    this.setStatus('connected');
    return ok(this.replica.room!);
  }

  async disconnect(): Promise<void> {
    const lk = this.lk;
    this.authority?.stop();
    this.media.stop();
    for (const f of [...this.inflight]) f('disconnected');
    if (lk) await lk.disconnect().catch(() => undefined);
    this.setStatus('disconnected');
  }

  onUpdate(listener: (u: RoomUpdate) => void): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  onStatus(listener: (s: ConnectionStatus, e?: RoomError) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /**
   * Paged reads. The host answers from its own authority; over LiveKit RPC they are not served
   * yet (issue #10, LiveKit part), so a remote client gets a typed `host-unreachable`.
   */
  async read(query: ReadQuery): Promise<Result<Page>> {
    if (this.authority) return this.authority.server.read({ id: this._identity }, query);
    return fail('host-unreachable', 'Paged reads are not served over LiveKit yet.');
  }

  async send(command: Command): Promise<Result> {
    const lk = this.lk;
    if (!lk || this._status === 'disconnected' || this._status === 'idle')
      return fail('disconnected', 'Not connected to the room.');
    const id = this.nextId();
    if (this.authority) return this.authority.execute(this._identity, 'host', id, command);
    const text = serialize(encodeCommand(id, command));
    if (!text.ok) return text;
    const deadline = Date.now() + this.opts.commandTimeoutMs;
    return new Promise<Result>((resolve) => {
      let settled = false;
      const settle = (r: Result) => {
        if (settled) return;
        settled = true;
        this.inflight.delete(cancel);
        resolve(r);
      };
      const cancel = () => settle(fail('disconnected', 'You left the room.'));
      this.inflight.add(cancel);
      void this.call(lk, METHOD_COMMAND, text.value, deadline).then(async (answer) => {
        if (!answer.ok) return settle(answer);
        const envelope = parseAnswer(answer.value);
        if (!envelope) return settle(fail('malformed', `${this.peer} answered with something unreadable.`));
        const decoded = decode(envelope.res);
        if (!decoded.ok) return settle(decoded);
        const m = decoded.value;
        if (m.t !== 'res' || m.id !== id)
          return settle(fail('malformed', `${this.peer} answered with something else.`));
        await this.caughtUp(envelope.at);
        settle(m.res as Result);
      });
    });
  }

  /**
   * One RPC to the host, resent (same payload, so the host's result cache answers a resend) when
   * the host is briefly absent or this client is reconnecting, until `deadline`.
   */
  private async call(lk: Room, method: string, payload: string, deadline: number): Promise<Result<string>> {
    let last: Result<string> = fail('host-unreachable', `${this.peer} is not in the room.`, {
      identity: this.authorityIdentity,
    });
    for (let attempt = 0; attempt < 3; attempt++) {
      const present = await this.waitForHost(lk, Math.min(this.opts.hostWaitMs, deadline - Date.now()));
      if (!present) return last;
      const left = deadline - Date.now();
      if (left <= 0) return fail('timeout', `${this.peer} did not answer in time.`);
      try {
        const answer = await lk.localParticipant.performRpc({
          destinationIdentity: this.authorityIdentity,
          method,
          payload,
          responseTimeout: Math.max(8_000, left),
        });
        return ok(answer);
      } catch (e) {
        last = rpcFailure(e, this.peer);
        const code = (e as { code?: number }).code;
        // A reconnect of this client fails in-flight calls with 1503 though the host is there.
        const retry = code === 1503 || code === 1505;
        if (!retry || this._status === 'disconnected') return last;
        await this.waitForStatus('connected', deadline - Date.now());
        await sleep(100);
      }
    }
    return last;
  }

  /**
   * Read-your-writes: waits until the replica is at `version` (the delta is normally there
   * already: it left the host first, on the same channel); if not soon, fetches a snapshot.
   * Never longer than READ_YOUR_WRITES_MS.
   */
  private async caughtUp(version: number): Promise<void> {
    const until = Date.now() + READ_YOUR_WRITES_MS;
    let synced = false;
    while (this.replica.version < version && Date.now() < until && this._status !== 'disconnected') {
      if (!synced && Date.now() > until - READ_YOUR_WRITES_MS / 2) {
        synced = true;
        void this.syncNow();
      }
      await sleep(10);
    }
  }

  private async waitForHost(lk: Room, ms: number): Promise<boolean> {
    const until = Date.now() + Math.max(0, ms);
    while (!lk.remoteParticipants.has(this.authorityIdentity)) {
      if (Date.now() >= until || this._status === 'disconnected') return false;
      await sleep(50);
    }
    return true;
  }

  private async waitForStatus(status: ConnectionStatus, ms: number): Promise<void> {
    const until = Date.now() + Math.max(0, ms);
    while (this._status !== status && this._status !== 'disconnected' && Date.now() < until) await sleep(50);
  }

  /** Fetches a snapshot from the host if it is newer than the replica (single flight). */
  private syncNow(fresh = false): Promise<Result> {
    const lk = this.lk;
    if (!lk || this.authority) return Promise.resolve(ok(null));
    const deadline = Date.now() + this.opts.commandTimeoutMs;
    let result: Result = ok(null);
    const run = async () => {
      const text = serialize(encodeSync(fresh ? 0 : Math.max(0, this.replica.version)));
      if (!text.ok) return;
      const first = await this.call(lk, METHOD_SYNC, text.value, deadline);
      if (!first.ok) return void (result = first);
      const page0 = parsePage(first.value);
      if (!page0) return void (result = fail('malformed', `${this.peer} sent an unreadable snapshot page.`));
      if (page0.pages === 0) return; // up to date
      const parts = [page0.data];
      for (let i = 1; i < page0.pages && i < MAX_PAGES; i++) {
        const next = await this.call(lk, METHOD_PAGE, JSON.stringify({ version: page0.version, page: i }), deadline);
        if (!next.ok) return void (result = next);
        const page = parsePage(next.value);
        if (!page || page.version !== page0.version || page.page !== i)
          return void (result = fail('malformed', 'A snapshot page did not match.'));
        parts.push(page.data);
      }
      const decoded = decode(parts.join(''));
      if (!decoded.ok) return void (result = decoded);
      if (decoded.value.t !== 'snap') return void (result = fail('malformed', 'Expected a snapshot.'));
      this.stats.snapshots++;
      if (fresh) {
        // Starting over: the new room replaces the old one in one step (never a null room).
        this.replica = new RoomReplica(this._identity);
        fresh = false;
      }
      this.apply(decoded.value);
    };
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing.then(() => ok(null));
    }
    const p = (async () => {
      do {
        this.syncAgain = false;
        await run();
      } while (this.syncAgain && result.ok);
    })();
    this.syncing = p.finally(() => (this.syncing = null));
    return this.syncing.then(() => result);
  }

  private onData(payload: Uint8Array, participant: RemoteParticipant | undefined, topic: string | undefined): void {
    // Only the authority (host or service) speaks for the room; the server stamps the sender's identity.
    if (topic !== DATA_TOPIC || this.authority || participant?.identity !== this.authorityIdentity) return;
    if (this.options.dropIncomingData && Math.random() < this.options.dropIncomingData) {
      this.stats.droppedData++;
      return;
    }
    const decoded = decode(payload);
    if (!decoded.ok) return;
    const m = decoded.value;
    if (m.t === 'sync') {
      // The host's beacon: "I am at version N".
      if (m.have > this.replica.version) void this.syncNow();
      // Behind us: the host came back without its saved room (storage off or lost) and started
      // a new one. Start over from its snapshot and join it again.
      else if (m.have < this.replica.version) void this.startOver();
      return;
    }
    if (m.t === 'delta' || m.t === 'snap' || m.t === 'self') this.apply(m);
  }

  private async startOver(): Promise<void> {
    if (this._status !== 'connected' || this.syncing) return;
    const synced = await this.syncNow(true);
    const room = this.replica.room;
    if (synced.ok && room && !room.members[this._identity] && this.joinOptions && this._status === 'connected') {
      const { name, avatar } = this.joinOptions;
      await this.send({ type: 'join', name, ...(avatar ? { avatar } : {}) });
    }
  }

  private apply(message: WireMessage): void {
    const out = this.replica.receive(message);
    if (out.kind === 'gap') {
      void this.syncNow();
      return;
    }
    if (out.kind !== 'applied') return;
    this.emit(out.room, out.events);
  }

  private emit(room: RoomState, events: readonly MicseatEvent[]): void {
    this.media.applySeatMap(room);
    for (const e of events) {
      if (e.type === 'member-left' && e.userId === this._identity && e.reason === 'removed' && !this.authority) {
        // Removed by a moderator: an honest client leaves the transport.
        queueMicrotask(() => void this.disconnect());
      }
    }
    const update: RoomUpdate = { room, events };
    for (const l of this.updateListeners) l(update);
  }

  private onReconnected(): void {
    if (this._status === 'disconnected') return;
    this.setStatus('connected');
    if (this.authority) this.authority.reconcilePresence();
    else void this.syncNow();
  }

  private onDisconnected(): void {
    this.authority?.stop();
    this.media.stop();
    for (const f of [...this.inflight]) f('disconnected');
    this.setStatus('disconnected');
  }

  /** True when `disconnect()` (or the transport) ended the connection `lk` meanwhile. */
  private gone(lk: Room): boolean {
    return this.lk !== lk || this._status === 'disconnected';
  }

  private abort(error: RoomError): Result<never> {
    // The status carries the reason first; disconnecting after it changes nothing more.
    this.setStatus('disconnected', error);
    void this.disconnect();
    return { ok: false, error };
  }

  /** Options that cannot work, as a typed error (checked before anything connects). */
  private checkOptions(): RoomError | null {
    const o = (this.options ?? {}) as Partial<LiveKitBackendOptions>;
    const server = this.authorityHome === 'server';
    const named = typeof this.authorityIdentity === 'string' && !!this.authorityIdentity;
    // [field, what it must be, whether it is]
    const rules: [string, string, boolean][] = [
      ['authority', "'host' or 'server'", o.authority === undefined || o.authority === 'host' || server],
      ['url', 'the ws(s):// URL of the LiveKit server', typeof o.url === 'string' && /^wss?:\/\//.test(o.url)],
      ['token', 'a LiveKit access token', typeof o.token === 'string' && !!o.token],
      ['hostIdentity', "the host's identity (or pass authority: 'server')", server || named],
      ['authorityIdentity', "the room service's identity", !server || named],
      [
        'grantWaitMs',
        'milliseconds ≥ 0',
        o.grantWaitMs === undefined || (Number.isFinite(o.grantWaitMs) && o.grantWaitMs >= 0),
      ],
    ];
    const broken = rules.find(([, , fine]) => !fine);
    return broken
      ? { code: 'invalid-command', message: `${broken[0]} must be ${broken[1]}.`, details: { field: broken[0] } }
      : null;
  }

  private nextId(): string {
    return `${this.session}-${++this.seq}`;
  }

  private setStatus(status: ConnectionStatus, error?: RoomError): void {
    if (this._status === status) return;
    this._status = status;
    for (const l of this.statusListeners) l(status, error);
  }

  /**
   * `room.connect` resolves when the peer connection is up, a moment before the reliable data
   * channel; the server drops reliable data (deltas, RPC answers) for us until it is open.
   * Reads livekit-client internals defensively; gives up after 5 s (the beacon repairs).
   */
  private async dataChannelOpen(lk: Room): Promise<void> {
    const engine = lk.engine as unknown as { dataChannelForKind?(kind: number): RTCDataChannel | undefined };
    if (typeof engine.dataChannelForKind !== 'function') return;
    const until = Date.now() + 5_000;
    while (engine.dataChannelForKind(DataPacket_Kind.RELIABLE)?.readyState !== 'open' && Date.now() < until)
      await sleep(25);
  }
}

function defaultStorage(): SnapshotStore | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}
