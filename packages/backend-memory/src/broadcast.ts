/**
 * Several tabs, one room: the tab that serves the room bridges a BroadcastChannel to its
 * MemoryRoomServer; other tabs connect through the channel. Messages from another tab are
 * untrusted input and go through the protocol decoder. Same-origin tabs are trusted for the
 * role they claim: this mode is for demos and tests, not for a real deployment.
 */
import { decode, LIMITS, type MemberRole, type WireMessage } from '@micseat/core';
import type { ClientTransport } from './client.js';
import type { MemoryRoomServer } from './server.js';

type Envelope =
  | {
      dir: 'up';
      from: string;
      identity: string;
      role: MemberRole;
      kind: 'open' | 'close' | 'msg' | 'beat';
      data?: string;
    }
  | { dir: 'down'; to: string; data: string }
  | { dir: 'level'; identity: string; level: number };

const ROLES: readonly string[] = ['host', 'cohost', 'audience'];
const isIdentity = (x: unknown): x is string =>
  typeof x === 'string' && x.length > 0 && x.length <= LIMITS.maxIdentityLength;
const isKey = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 200;

/**
 * Presence across tabs: a client tab beats every `heartbeatMs`; the serving tab treats a tab it
 * has not heard from for `heartbeatMs × 3` as gone (a closed or crashed tab sends nothing), and
 * its member enters the normal reconnect grace. A tab being closed also says so on `pagehide`.
 */
export interface PresenceOptions {
  /** Default 2000 ms. */
  heartbeatMs?: number;
}
export const DEFAULT_HEARTBEAT_MS = 2_000;
const MISSED_BEATS = 3;

/** Serves `server` to other tabs on `channelName`. Returns a function that stops serving. */
export function serveOverBroadcastChannel(
  server: MemoryRoomServer,
  channelName: string,
  options: PresenceOptions = {},
): () => void {
  const channel = new BroadcastChannel(channelName);
  const clients = new Map<string, string>(); // tab client key → identity
  const heard = new Map<string, number>(); // tab client key → when last heard from
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  let open = true;
  const forget = (key: string) => {
    const identity = clients.get(key);
    clients.delete(key);
    heard.delete(key);
    // Another tab of the same person may still be here: only the last one going detaches.
    if (identity !== undefined && ![...clients.values()].includes(identity)) server.detach(identity);
  };
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, at] of heard) if (now - at > heartbeatMs * MISSED_BEATS) forget(key);
  }, heartbeatMs);
  const post = (env: Envelope) => {
    if (open) channel.postMessage(env);
  };
  // Anything from another tab is untrusted: checked here, decoded by the server; one tab's
  // garbage is dropped (or answered with a typed error) and never stops the room.
  channel.onmessage = (ev: MessageEvent<Envelope>) => {
    try {
      onEnvelope(ev.data);
    } catch (e) {
      console.error('micseat: a message from another tab could not be handled', e);
    }
  };
  const onEnvelope = (env: Envelope) => {
    if (!env || typeof env !== 'object') return;
    if (
      env.dir === 'level' &&
      isIdentity(env.identity) &&
      typeof env.level === 'number' &&
      Number.isFinite(env.level)
    ) {
      server.publishLevel(env.identity, env.level);
      return;
    }
    if (env.dir !== 'up' || !isKey(env.from) || !isIdentity(env.identity) || !ROLES.includes(env.role)) return;
    if (clients.get(env.from) === env.identity) heard.set(env.from, Date.now());
    if (env.kind === 'beat') return;
    if (env.kind === 'open') {
      clients.set(env.from, env.identity);
      heard.set(env.from, Date.now());
      server.attach({
        identity: env.identity,
        role: env.role,
        push: (m) => post({ dir: 'down', to: env.from, data: JSON.stringify(m) }),
      });
    } else if (env.kind === 'close') {
      if (clients.get(env.from) === env.identity) forget(env.from);
    } else if (env.kind === 'msg' && clients.get(env.from) === env.identity) {
      server.receive(env.identity, env.data);
    }
  };
  const offLevels = server.onLevels((levels) => {
    for (const [identity, level] of levels) post({ dir: 'level', identity, level });
  });
  return () => {
    offLevels();
    clearInterval(sweep);
    open = false;
    for (const identity of clients.values()) server.detach(identity);
    clients.clear();
    channel.close();
  };
}

/** The client side of a room served by another tab. */
export class BroadcastTransport implements ClientTransport {
  private readonly channel: BroadcastChannel;
  private handler: ((m: WireMessage) => void) | null = null;
  private readonly key = `${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  /** Decoder refusals, counted for the inspector. */
  rejected = 0;

  private beat: ReturnType<typeof setInterval> | null = null;
  private readonly heartbeatMs: number;

  constructor(
    channelName: string,
    private readonly identity: string,
    private readonly role: MemberRole,
    options: PresenceOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.channel = new BroadcastChannel(channelName);
    this.channel.onmessage = (ev: MessageEvent<Envelope>) => {
      const env = ev.data;
      if (!env || typeof env !== 'object' || env.dir !== 'down' || env.to !== this.key) return;
      const decoded = decode(env.data);
      if (!decoded.ok) {
        this.rejected++;
        return;
      }
      this.handler?.(decoded.value);
    };
  }

  /** The tab is going away (closed, reloaded, navigated): say so now rather than fall silent. */
  private onPageHide = (): void => this.close();

  private post(kind: 'open' | 'close' | 'msg' | 'beat', data?: string): void {
    this.channel.postMessage({
      dir: 'up',
      from: this.key,
      identity: this.identity,
      role: this.role,
      kind,
      ...(data ? { data } : {}),
    } satisfies Envelope);
  }

  send(message: WireMessage): void {
    this.post('msg', JSON.stringify(message));
  }
  onMessage(handler: (m: WireMessage) => void): void {
    this.handler = handler;
  }
  open(): void {
    this.post('open');
    if (this.beat) clearInterval(this.beat);
    this.beat = setInterval(() => this.post('beat'), this.heartbeatMs);
    if (typeof window !== 'undefined') window.addEventListener('pagehide', this.onPageHide);
  }
  close(): void {
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.onPageHide);
    this.post('close');
  }
}

/** Levels across tabs: published to the serving tab, heard from it. */
export class BroadcastLevelHub {
  private readonly channel: BroadcastChannel;
  private readonly levels = new Map<string, number>();
  private readonly listeners = new Set<(levels: ReadonlyMap<string, number>) => void>();

  constructor(channelName: string) {
    this.channel = new BroadcastChannel(channelName);
    this.channel.onmessage = (ev: MessageEvent<Envelope>) => {
      const env = ev.data;
      if (
        !env ||
        typeof env !== 'object' ||
        env.dir !== 'level' ||
        !isIdentity(env.identity) ||
        typeof env.level !== 'number' ||
        !Number.isFinite(env.level)
      )
        return;
      if (env.level <= 0) this.levels.delete(env.identity);
      else this.levels.set(env.identity, Math.min(1, env.level));
      const snapshot = new Map(this.levels);
      for (const l of this.listeners) l(snapshot);
    };
  }
  publish(identity: string, level: number): void {
    this.channel.postMessage({ dir: 'level', identity, level } satisfies Envelope);
  }
  onLevels(listener: (levels: ReadonlyMap<string, number>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
