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
  | { dir: 'up'; from: string; identity: string; role: MemberRole; kind: 'open' | 'close' | 'msg'; data?: string }
  | { dir: 'down'; to: string; data: string }
  | { dir: 'level'; identity: string; level: number };

const ROLES: readonly string[] = ['host', 'cohost', 'audience'];
const isIdentity = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= LIMITS.maxIdentityLength;
const isKey = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 200;

/** Serves `server` to other tabs on `channelName`. Returns a function that stops serving. */
export function serveOverBroadcastChannel(server: MemoryRoomServer, channelName: string): () => void {
  const channel = new BroadcastChannel(channelName);
  const clients = new Map<string, string>(); // tab client key → identity
  let open = true;
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
    if (env.dir === 'level' && isIdentity(env.identity) && typeof env.level === 'number' && Number.isFinite(env.level)) {
      server.publishLevel(env.identity, env.level);
      return;
    }
    if (env.dir !== 'up' || !isKey(env.from) || !isIdentity(env.identity) || !ROLES.includes(env.role)) return;
    if (env.kind === 'open') {
      clients.set(env.from, env.identity);
      server.attach({
        identity: env.identity,
        role: env.role,
        push: (m) => post({ dir: 'down', to: env.from, data: JSON.stringify(m) }),
      });
    } else if (env.kind === 'close') {
      clients.delete(env.from);
      server.detach(env.identity);
    } else if (env.kind === 'msg' && clients.get(env.from) === env.identity) {
      server.receive(env.identity, env.data);
    }
  };
  const offLevels = server.onLevels((levels) => {
    for (const [identity, level] of levels) post({ dir: 'level', identity, level });
  });
  return () => {
    offLevels();
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

  constructor(
    channelName: string,
    private readonly identity: string,
    private readonly role: MemberRole,
  ) {
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

  private post(kind: 'open' | 'close' | 'msg', data?: string): void {
    this.channel.postMessage({ dir: 'up', from: this.key, identity: this.identity, role: this.role, kind, ...(data ? { data } : {}) } satisfies Envelope);
  }

  send(message: WireMessage): void {
    this.post('msg', JSON.stringify(message));
  }
  onMessage(handler: (m: WireMessage) => void): void {
    this.handler = handler;
  }
  open(): void {
    this.post('open');
  }
  close(): void {
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
      if (!env || typeof env !== 'object' || env.dir !== 'level' || !isIdentity(env.identity) || typeof env.level !== 'number' || !Number.isFinite(env.level)) return;
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
