/**
 * The in-memory room: the shared authority host machine in the page, serving any number of
 * clients over links that can be made to misbehave (fault injection), and the simulated
 * audio-level hub. Snapshots and deltas are the same wire messages LiveKit carries.
 */
import {
  AuthorityServer,
  createAuthority,
  decode,
  encodePage,
  encodeResult,
  fail,
  PROTOCOL_VERSION,
  type MemberRole,
  type RoomConfigInput,
  type RoomState,
  type ServedChange,
  type WireMessage,
} from '@micseat/core';
import { FaultyPipe, type FaultConfig } from './faults.js';

/** The server's end of one client's link. */
export interface ServerLink {
  readonly identity: string;
  readonly role: MemberRole;
  /** Deliver a message to the client. */
  push(message: WireMessage): void;
}

export interface MemoryRoomServerOptions {
  roomId?: string;
  config?: RoomConfigInput;
  /** The authority's clock (default Date.now). */
  now?: () => number;
  /** Fewest ms between two publications of the counts (default 1000). */
  countsIntervalMs?: number;
  /** What clients hold: the stage, or the whole room (default; see core's AuthorityServerOptions). */
  replicate?: 'stage' | 'room';
}

export class MemoryRoomServer {
  /** Core's authority server: idempotent commands, delta fan-out, sync answers. */
  readonly authority: AuthorityServer;
  private readonly links = new Map<string, ServerLink>();
  private readonly levelListeners = new Set<(levels: ReadonlyMap<string, number>) => void>();
  private readonly levels = new Map<string, number>();
  private closed = false;

  constructor(options: MemoryRoomServerOptions = {}) {
    const now = options.now ?? (() => Date.now());
    const state = createAuthority(options.roomId ?? 'room', options.config, now());
    this.authority = new AuthorityServer({
      state,
      now,
      ...(options.countsIntervalMs !== undefined ? { countsIntervalMs: options.countsIntervalMs } : {}),
      ...(options.replicate ? { replicate: options.replicate } : {}),
    });
    // Timer-driven changes (expiries) reach everyone like any other change (listener errors are
    // contained by the authority server: one bad link cannot stop the room).
    this.authority.onChange((change) => this.broadcast(change));
    this.authority.start();
  }

  get actor(): AuthorityServer['actor'] {
    return this.authority.actor;
  }

  /** The whole room (every member and request): O(room size), for tests and tools. */
  get room(): RoomState {
    return this.authority.room;
  }

  get connectedCount(): number {
    return this.links.size;
  }

  /** A client link arrives (or returns after a drop): it gets the stage and its own part; presence is restored. */
  attach(link: ServerLink): void {
    if (this.closed) return;
    this.links.set(link.identity, link);
    if (this.authority.member(link.identity)?.connected === false) this.authority.presence(link.identity, true);
    for (const m of this.authority.syncFor(link.identity, 0)) link.push(m);
  }

  /** A client link is gone (network drop, tab closed): its member enters the reconnect grace. */
  detach(identity: string): void {
    if (!this.links.delete(identity)) return;
    this.levels.delete(identity);
    this.authority.presence(identity, false);
  }

  /**
   * A message from a client: untrusted, even in the page (a backend's `send` passes whatever it
   * is given), so it is decoded first; what cannot be read is answered with a typed error when
   * it has a correlation id, and dropped otherwise. Commands are run once per correlation id;
   * sync asks for a snapshot. Never throws: one member's garbage must not stop the room.
   */
  receive(identity: string, input: unknown): void {
    const link = this.links.get(identity);
    if (!link || this.closed) return;
    try {
      const decoded = decode(input);
      if (decoded.ok) {
        this.handle(link, identity, decoded.value);
        return;
      }
      const envelope = envelopeOf(input);
      if (!envelope) return;
      const { id, t } = envelope;
      // A well-formed envelope around an invalid command or query is answered by the authority
      // itself (which validates it again: `invalid-command`, `too-large`), as every home does.
      if (decoded.error.code !== 'too-large' && decoded.error.code !== 'unsupported-version') {
        if (t === 'cmd') {
          this.handle(link, identity, { v: PROTOCOL_VERSION, t: 'cmd', id, cmd: envelope.body as never });
          return;
        }
        link.push(encodePage(id, this.authority.read({ id: identity }, envelope.body)));
        return;
      }
      link.push(t === 'cmd' ? encodeResult(id, decoded) : encodePage(id, decoded));
    } catch (e) {
      const envelope = envelopeOf(input);
      if (envelope) {
        const failure = fail('internal', 'The room could not handle this message; nothing changed.');
        link.push(envelope.t === 'cmd' ? encodeResult(envelope.id, failure) : encodePage(envelope.id, failure));
      }
      console.error('micseat: a message could not be handled', e);
    }
  }

  private handle(link: ServerLink, identity: string, message: WireMessage): void {
    if (message.t === 'sync') {
      // `have: 0` also means "nothing yet" (a replica with no room), so it always gets the stage.
      // Its own part comes along either way (tiny), so a lost `self` is repaired by the keep-alive.
      for (const m of this.authority.syncFor(identity, message.have)) link.push(m);
      return;
    }
    if (message.t === 'read') {
      link.push(encodePage(message.id, this.authority.read({ id: identity }, message.query)));
      return;
    }
    if (message.t !== 'cmd') return;
    // Run once per correlation id, internal commands refused (core's authority server). The delta
    // (pushed by the change listener during `execute`) goes first: a caller's replica already
    // shows the change when the answer arrives.
    const result = this.authority.execute({ id: identity, role: link.role }, message.id, message.cmd);
    link.push(encodeResult(message.id, result));
  }

  private broadcast({ outcome, delta, personal }: ServedChange): void {
    if (delta) for (const link of this.links.values()) link.push(delta);
    for (const [userId, self] of personal) this.links.get(userId)?.push(self);
    // Someone removed from the room is cut off, as a real server would.
    for (const e of outcome.events) {
      if (e.type === 'member-left' && e.reason === 'removed') this.links.delete(e.userId);
    }
  }

  /** Audio levels published by speakers (real analyser or simulated), fanned out to listeners. */
  publishLevel(identity: string, level: number): void {
    if (level <= 0) this.levels.delete(identity);
    else this.levels.set(identity, Math.min(1, level));
    const snapshot = new Map(this.levels);
    for (const l of this.levelListeners) l(snapshot);
  }

  onLevels(listener: (levels: ReadonlyMap<string, number>) => void): () => void {
    this.levelListeners.add(listener);
    return () => this.levelListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.authority.stop();
    this.links.clear();
  }
}

/**
 * The correlation id, kind and body (`cmd` or `query`) of a `cmd` or `read` message that could
 * not be decoded, when it has a readable id: so it can be answered, not left to time out.
 */
function envelopeOf(input: unknown): { id: string; t: 'cmd' | 'read'; body: unknown } | null {
  try {
    const raw = typeof input === 'string' ? (JSON.parse(input) as unknown) : input;
    const m = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : null;
    if (!m || (m.t !== 'cmd' && m.t !== 'read')) return null;
    if (typeof m.id !== 'string' || m.id.length === 0 || m.id.length > 64) return null;
    return { id: m.id, t: m.t, body: m.t === 'cmd' ? m.cmd : m.query };
  } catch {
    return null;
  }
}

/** A pair of faulty pipes joining one client to the server, with a switch to cut it. */
export class MemoryLink {
  readonly up: FaultyPipe<WireMessage>;
  readonly down: FaultyPipe<WireMessage>;
  private clientHandler: ((m: WireMessage) => void) | null = null;
  online = true;

  constructor(
    readonly server: MemoryRoomServer,
    readonly identity: string,
    readonly role: MemberRole,
  ) {
    this.up = new FaultyPipe((m) => this.online && this.server.receive(identity, m));
    this.down = new FaultyPipe((m) => this.online && this.clientHandler?.(m));
  }

  setFaults(faults: FaultConfig): void {
    this.up.configure({ ...faults, seed: (faults.seed ?? 1) * 2 });
    this.down.configure({ ...faults, seed: (faults.seed ?? 1) * 2 + 1 });
  }

  onMessage(handler: (m: WireMessage) => void): void {
    this.clientHandler = handler;
  }

  send(m: WireMessage): void {
    if (this.online) this.up.push(m);
  }

  open(): void {
    this.online = true;
    this.server.attach({ identity: this.identity, role: this.role, push: (m) => this.online && this.down.push(m) });
  }

  close(): void {
    this.online = false;
    this.server.detach(this.identity);
  }
}
