/**
 * A client of the in-memory room: implements the RoomBackend contract over any message
 * transport (an in-page MemoryLink, or a BroadcastChannel to another tab). Commands carry a
 * correlation id and are resent until answered (the server answers a resend from its cache),
 * a gap in versions asks for a snapshot, and a keep-alive sync catches a lost last delta.
 */
import {
  encodeCommand,
  encodeRead,
  encodeSync,
  fail,
  RoomReplica,
  serialize,
  type Command,
  type ConnectionStatus,
  type JoinOptions,
  type Page,
  type ReadQuery,
  type Result,
  type RoomBackend,
  type RoomError,
  type RoomMedia,
  type RoomState,
  type RoomUpdate,
  type WireMessage,
} from '@micseat/core';
import { MemoryMedia, type MemoryMediaOptions } from './media.js';

export interface ClientTransport {
  send(message: WireMessage): void;
  onMessage(handler: (message: WireMessage) => void): void;
  open(): void;
  close(): void;
}

export interface MemoryClientOptions {
  /** Give up on a command after this long (default 8000 ms). */
  commandTimeoutMs?: number;
  /** Resend an unanswered command this often (default 400 ms). */
  resendMs?: number;
  /** Ask for missed changes this often (default 1000 ms; 0 turns it off). */
  keepAliveMs?: number;
  media?: MemoryMediaOptions;
}

interface Waiting {
  resolve: (r: Result<never>) => void;
  message: WireMessage;
  resend: ReturnType<typeof setInterval>;
  giveUp: ReturnType<typeof setTimeout>;
}

export class MemoryRoomBackend implements RoomBackend {
  readonly media: RoomMedia & MemoryMedia;
  private readonly replica: RoomReplica;
  private readonly updateListeners = new Set<(u: RoomUpdate) => void>();
  private readonly statusListeners = new Set<(s: ConnectionStatus, e?: RoomError) => void>();
  private readonly waiting = new Map<string, Waiting>();
  private firstSnapshot: ((room: RoomState) => void) | null = null;
  private keepAlive: ReturnType<typeof setInterval> | null = null;
  private seq = 0;
  /**
   * Command ids are unique per client, not per identity: the server answers a repeated id from
   * its cache, so a reloaded page counting from 1 again would get the old page's answers.
   */
  private readonly instance = Math.random().toString(36).slice(2, 10);
  private _status: ConnectionStatus = 'idle';
  private readonly opts: Required<Omit<MemoryClientOptions, 'media'>>;

  constructor(
    readonly identity: string,
    private readonly transport: ClientTransport,
    options: MemoryClientOptions & { levels: ConstructorParameters<typeof MemoryMedia>[1] },
  ) {
    this.opts = {
      commandTimeoutMs: options.commandTimeoutMs ?? 8000,
      resendMs: options.resendMs ?? 400,
      keepAliveMs: options.keepAliveMs ?? 1000,
    };
    this.media = new MemoryMedia(identity, options.levels, options.media);
    this.replica = new RoomReplica(identity);
    transport.onMessage((m) => this.receive(m));
  }

  get room(): RoomState | null {
    return this.replica.room;
  }
  get status(): ConnectionStatus {
    return this._status;
  }

  /** A connect under way: a second call while it runs waits for the same answer. */
  private connecting: Promise<Result<RoomState>> | null = null;

  connect(options: JoinOptions): Promise<Result<RoomState>> {
    if (this.connecting) return this.connecting;
    this.connecting = this.connectOnce(options).finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connectOnce(options: JoinOptions): Promise<Result<RoomState>> {
    this.setStatus('connecting');
    const snapshot = new Promise<RoomState>((resolve) => (this.firstSnapshot = resolve));
    this.transport.open();
    // The first snapshot can be lost like any message: keep asking until it arrives.
    this.startKeepAlive();
    const timeout = new Promise<null>((r) => setTimeout(() => r(null), this.opts.commandTimeoutMs));
    const room = await Promise.race([snapshot, timeout]);
    if (!room) {
      this.stopKeepAlive();
      this.setStatus('disconnected', { code: 'host-unreachable', message: 'The room did not answer.' });
      return fail('host-unreachable', 'The room did not answer.');
    }
    const joined = await this.send({
      type: 'join',
      name: options.name,
      ...(options.avatar ? { avatar: options.avatar } : {}),
    });
    if (!joined.ok) {
      this.stopKeepAlive();
      this.setStatus('disconnected', joined.error);
      return joined;
    }
    this.setStatus('connected');
    if (this.opts.keepAliveMs === 0) this.stopKeepAlive();
    return { ok: true, value: this.replica.room! };
  }

  async disconnect(): Promise<void> {
    this.stopKeepAlive();
    this.transport.close();
    this.failWaiting('disconnected', 'You left the room.');
    this.media.stop();
    this.setStatus('disconnected');
  }

  /** Simulates a network drop (fault injection): the transport goes away until `resume()`. */
  drop(): void {
    this.stopKeepAlive();
    this.transport.close();
    this.setStatus('reconnecting');
  }

  /** Comes back after `drop()`: a fresh snapshot, presence restored, seat kept within the grace. */
  resume(): void {
    this.transport.open();
    this.startKeepAlive();
    this.setStatus('connected');
  }

  onUpdate(listener: (u: RoomUpdate) => void): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  onStatus(listener: (s: ConnectionStatus, e?: RoomError) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  send(command: Command): Promise<Result> {
    return this.ask((id) => encodeCommand(id, command));
  }

  read(query: ReadQuery): Promise<Result<Page>> {
    return this.ask((id) => encodeRead(id, query));
  }

  /** Sends a command or a read with a correlation id, resent until answered. */
  private ask<T>(make: (id: string) => WireMessage): Promise<Result<T>> {
    if (this._status === 'disconnected' || this._status === 'idle') {
      return Promise.resolve(fail('disconnected', 'Not connected to the room.'));
    }
    const id = `${this.identity.slice(0, 36)}:${this.instance}:${++this.seq}`;
    const message = make(id);
    // What JSON cannot carry (a cycle, a BigInt, a throwing getter) is refused here, typed,
    // instead of throwing out of a transport; everything else is the authority's to judge.
    const encodable = serialize(message, { maxBytes: Infinity });
    if (!encodable.ok) return Promise.resolve(encodable);
    return new Promise<Result<T>>((resolve) => {
      const w: Waiting = {
        resolve: resolve as (r: Result<never>) => void,
        message,
        resend: setInterval(() => this.transport.send(message), this.opts.resendMs),
        giveUp: setTimeout(
          () => this.settle(id, fail('timeout', 'The room did not answer in time.')),
          this.opts.commandTimeoutMs,
        ),
      };
      this.waiting.set(id, w);
      this.transport.send(message);
    });
  }

  private settle(id: string, result: Result<unknown>): void {
    const w = this.waiting.get(id);
    if (!w) return; // a duplicated answer
    clearInterval(w.resend);
    clearTimeout(w.giveUp);
    this.waiting.delete(id);
    w.resolve(result as Result<never>);
  }

  private failWaiting(code: 'disconnected', message: string): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, fail(code, message));
  }

  private receive(message: WireMessage): void {
    if (message.t === 'res' || message.t === 'page') {
      this.settle(message.id, message.res as Result);
      return;
    }
    const out = this.replica.receive(message);
    if (out.kind === 'gap') {
      this.transport.send(encodeSync(out.have));
      return;
    }
    // A second connect on this backend gets the snapshot it already holds: that answers it too.
    if (out.kind === 'ignored' && message.t === 'snap' && this.firstSnapshot && this.replica.room) {
      const f = this.firstSnapshot;
      this.firstSnapshot = null;
      f(this.replica.room);
    }
    if (out.kind !== 'applied') return;
    if (this.firstSnapshot) {
      const f = this.firstSnapshot;
      this.firstSnapshot = null;
      f(out.room);
    }
    for (const e of out.events) {
      if (e.type === 'member-left' && e.userId === this.identity && e.reason === 'removed') {
        // Removed by a moderator: the transport is closed for us.
        queueMicrotask(() => void this.disconnect());
      }
    }
    const update: RoomUpdate = { room: out.room, events: out.events };
    for (const l of this.updateListeners) l(update);
  }

  private setStatus(status: ConnectionStatus, error?: RoomError): void {
    if (this._status === status) return;
    this._status = status;
    for (const l of this.statusListeners) l(status, error);
  }

  private startKeepAlive(): void {
    this.stopKeepAlive();
    const period =
      this.opts.keepAliveMs > 0 ? this.opts.keepAliveMs : this._status === 'connecting' ? this.opts.resendMs : 0;
    if (period > 0) {
      this.keepAlive = setInterval(() => this.transport.send(encodeSync(this.replica.version)), period);
    }
  }

  private stopKeepAlive(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }
}
