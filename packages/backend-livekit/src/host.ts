/**
 * The room's authority in the host's browser: core's AuthorityServer, served to the other
 * participants over LiveKit. Commands arrive by RPC (the server stamps the caller identity,
 * which is trusted; the role comes from the token's attributes), are run once per correlation
 * id (core's per-caller result cache answers resends), and every change goes out as a versioned
 * delta on reliable data. Late joiners and clients with a gap ask for a snapshot by RPC, in
 * pages. Presence comes from the transport (participant connected / disconnected).
 *
 * Host reload: the room is saved to `storage` (sessionStorage by default) as a snapshot wire
 * message; a host that comes back with the same identity restores it with `restoreAuthority`
 * (validated with `decode`), so seats, queue and versions survive. The save is not on the
 * change's path: changes mark the room dirty, and it is written at most once per `saveEveryMs`
 * (in an idle moment when the browser offers one), and at once when the page is hidden or left
 * (`visibilitychange`, `pagehide`, fired before a reload) and when the authority stops.
 */
import {
  AuthorityServer,
  authorityMemory,
  createAuthority,
  decode,
  encodeSnapshot,
  encodeSync,
  fail,
  restoreAuthority,
  serialize,
  type AuthorityMemory,
  type MemberRole,
  type Result,
  type RoomConfigInput,
  type RoomState,
  type ServedChange,
  type StepOutcome,
  type WireMessage,
} from '@micseat/core';
import {
  RoomEvent,
  RpcError,
  type Participant,
  type RemoteParticipant,
  type Room,
  type RpcInvocationData,
} from 'livekit-client';
import { DATA_TOPIC, METHOD_COMMAND, METHOD_PAGE, METHOD_SYNC, ROLE_ATTRIBUTE } from './rpc.js';
import { RpcAnswerer, RpcRefusal } from './rpc-server.js';

/** The saved room is not a transport message: it may be larger (sessionStorage holds megabytes). */
const SAVED_BYTES = 4 * 1024 * 1024;
/** Default for `saveEveryMs`. */
export const SAVE_EVERY_MS = 1_000;

/** Minimal Storage (sessionStorage, localStorage, or a Map-backed stand-in). */
export interface SnapshotStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface LiveKitAuthorityOptions {
  /** Key under which the room is saved for a host reload. */
  storageKey: string;
  storage: SnapshotStore | null;
  config?: RoomConfigInput;
  /** How often the host announces its version on the data topic (ms; 0 = never). */
  beaconMs: number;
  /** The role a remote participant's token vouches for. */
  roleOf?: (participant: Participant | undefined) => MemberRole;
  now?: () => number;
  /** Snapshot page size in UTF-8 bytes (default and maximum PAGE_BYTES; smaller in tests). */
  pageBytes?: number;
  /**
   * The room is saved for a reload at most this often (ms; default SAVE_EVERY_MS), and always
   * when the page is hidden or left. 0 saves after every change (as before; for tests).
   */
  saveEveryMs?: number;
}

/** Role from the token: the minter sets the `micseat.role` attribute; only 'cohost' is honoured. */
export function roleFromToken(participant: Participant | undefined): MemberRole {
  return participant?.attributes?.[ROLE_ATTRIBUTE] === 'cohost' ? 'cohost' : 'audience';
}

export class LiveKitAuthority {
  /** Core's authority server: idempotent commands, delta fan-out, sync answers. */
  readonly server: AuthorityServer;
  /** True when the room came back from storage (a host reload). */
  readonly restored: boolean;
  private readonly rpc: RpcAnswerer;
  private readonly outcomeListeners = new Set<(o: StepOutcome) => void>();
  private readonly encoder = new TextEncoder();
  private beacon: ReturnType<typeof setInterval> | null = null;
  /** A change not saved yet, and the timer that will save it. */
  private dirty = false;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private idleSave: number | null = null;
  private warnedUnsaved = false;
  private saved = false;
  private readonly offs: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly room: Room,
    private readonly options: LiveKitAuthorityOptions,
  ) {
    const now = options.now ?? (() => Date.now());
    const identity = room.localParticipant.identity;
    const saved = this.load(identity);
    this.restored = !!saved;
    const state = saved
      ? restoreAuthority(saved.room, saved.memory)
      : createAuthority(room.name || 'room', options.config, now());
    this.server = new AuthorityServer({ state, now });
    // (A listener that throws is contained by the authority server: the actor keeps running.)
    this.server.onChange((change) => this.onChange(change));
    this.rpc = new RpcAnswerer(
      this.server,
      { ...(options.pageBytes ? { pageBytes: options.pageBytes } : {}) },
      (c, id, cmd) => this.execute(c.id, c.role, id, cmd),
    );
  }

  get actor(): AuthorityServer['actor'] {
    return this.server.actor;
  }

  get state(): RoomState {
    return this.server.room;
  }

  subscribe(listener: (o: StepOutcome) => void): () => void {
    this.outcomeListeners.add(listener);
    return () => this.outcomeListeners.delete(listener);
  }

  start(): void {
    this.server.start();
    const room = this.room;
    room.registerRpcMethod(METHOD_COMMAND, (d) => this.rpcCommand(d));
    room.registerRpcMethod(METHOD_SYNC, (d) => this.rpcSync(d));
    room.registerRpcMethod(METHOD_PAGE, (d) => this.rpcPage(d));
    const joined = (p: RemoteParticipant) => {
      this.presence(p.identity, true);
      this.promoteFromToken(p.identity);
    };
    const attributes = (_changed: Record<string, string>, p: Participant) => this.promoteFromToken(p.identity);
    room.on(RoomEvent.ParticipantAttributesChanged, attributes);
    this.offs.push(() => room.off(RoomEvent.ParticipantAttributesChanged, attributes));
    const left = (p: RemoteParticipant) => this.presence(p.identity, false);
    room.on(RoomEvent.ParticipantConnected, joined);
    room.on(RoomEvent.ParticipantDisconnected, left);
    this.offs.push(
      () => room.off(RoomEvent.ParticipantConnected, joined),
      () => room.off(RoomEvent.ParticipantDisconnected, left),
    );
    // After a reload, presence is whatever the transport says now.
    this.reconcilePresence();
    this.saveNow();
    // A reload or a closed tab fires pagehide (and a hidden tab may be discarded): save then.
    if (typeof addEventListener === 'function') {
      const leaving = () => this.saveNow();
      const hidden = () => {
        if (typeof document !== 'undefined' && document.visibilityState === 'hidden') this.saveNow();
      };
      addEventListener('pagehide', leaving);
      addEventListener('visibilitychange', hidden);
      this.offs.push(
        () => removeEventListener('pagehide', leaving),
        () => removeEventListener('visibilitychange', hidden),
      );
    }
    if (this.options.beaconMs > 0) {
      this.beacon = setInterval(() => this.publish(encodeSync(this.server.clientVersion)), this.options.beaconMs);
    }
  }

  /** Marks members connected or not according to who is in the LiveKit room right now. */
  reconcilePresence(): void {
    const self = this.room.localParticipant.identity;
    for (const m of Object.values(this.state.members)) {
      if (m.id === self) continue;
      const here = this.room.remoteParticipants.has(m.id);
      if (here !== m.connected) this.presence(m.id, here);
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.beacon) clearInterval(this.beacon);
    for (const off of this.offs) off();
    this.saveNow(); // what changed since the last save (a host that leaves may come back)
    for (const m of [METHOD_COMMAND, METHOD_SYNC, METHOD_PAGE]) {
      try {
        this.room.unregisterRpcMethod(m);
      } catch {
        /* already gone */
      }
    }
    this.server.stop();
  }

  /** Forgets the saved room (e.g. when the host ends it on purpose). */
  clearSaved(): void {
    this.cancelSave();
    this.options.storage?.removeItem(this.options.storageKey);
  }

  /** Runs one command from `identity` (once per correlation id). */
  execute(identity: string, role: MemberRole, id: string, command: unknown): Result {
    if (this.stopped) return fail('disconnected', 'The host has left.');
    return this.server.execute({ id: identity, role }, id, command);
  }

  /**
   * A member who joined before the host had their participant info runs as audience; once the
   * info shows a cohost token, the host makes them cohost (only ever upgrades: a cohost made
   * by the host without a token attribute stays one).
   */
  private promoteFromToken(identity: string): void {
    const state = this.server.authorityState;
    const m = state.member(identity);
    if (this.stopped || !m || m.role !== 'audience' || this.roleOf(identity) !== 'cohost') return;
    const self = this.room.localParticipant.identity;
    this.execute(self, 'host', `token-role-${identity}-${state.version}`, {
      type: 'set-cohost',
      userId: identity,
      cohost: true,
    });
  }

  private presence(userId: string, connected: boolean): void {
    if (this.stopped) return;
    this.server.presence(userId, connected);
  }

  private onChange({ outcome, delta, personal }: ServedChange): void {
    // A delta too large for one data packet is skipped: the beacon makes clients fetch a snapshot.
    if (delta && !this.publish(delta)) this.publish(encodeSync(this.server.clientVersion));
    for (const [userId, self] of personal) this.publish(self, userId);
    this.scheduleSave();
    for (const l of this.outcomeListeners) l(outcome);
  }

  /** Sends a message to everyone, or to one participant (a `self` message). */
  private publish(message: WireMessage, to?: string): boolean {
    const text = serialize(message);
    if (!text.ok) return false;
    if (this.stopped || this.room.state !== 'connected') return true;
    if (to === this.room.localParticipant.identity) return true; // the host's own client reads the authority
    this.room.localParticipant
      .publishData(this.encoder.encode(text.value), {
        reliable: true,
        topic: DATA_TOPIC,
        ...(to ? { destinationIdentities: [to] } : {}),
      })
      .catch(() => undefined); // a lost delta is repaired by the beacon / gap sync
    return true;
  }

  /** Marks the room changed; it is saved once the quiet period has passed (coalescing every change in it). */
  private scheduleSave(): void {
    if (!this.options.storage) return;
    this.dirty = true;
    const every = this.options.saveEveryMs ?? SAVE_EVERY_MS;
    if (every <= 0) return this.saveNow();
    if (this.saveTimer !== null || this.idleSave !== null) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      // In an idle moment if the browser offers one, but no later than another period.
      if (typeof requestIdleCallback === 'function') {
        this.idleSave = requestIdleCallback(
          () => {
            this.idleSave = null;
            this.saveNow();
          },
          { timeout: every },
        );
      } else this.saveNow();
    }, every);
  }

  private cancelSave(): void {
    if (this.saveTimer !== null) clearTimeout(this.saveTimer);
    if (this.idleSave !== null && typeof cancelIdleCallback === 'function') cancelIdleCallback(this.idleSave);
    this.saveTimer = null;
    this.idleSave = null;
    this.dirty = false;
  }

  /** Writes the room now if it changed since the last save (the first call always writes). */
  private saveNow(): void {
    const storage = this.options.storage;
    const first = !this.saved;
    if (!storage || (!this.dirty && !first)) return;
    this.cancelSave();
    this.saved = true;
    const state = this.server.authorityState;
    const text = serialize(encodeSnapshot(state.room, authorityMemory(state)), { maxBytes: SAVED_BYTES });
    if (!text.ok) return this.unsaved(text.error.message);
    try {
      storage.setItem(this.options.storageKey, text.value);
    } catch (e) {
      // Quota or privacy mode: a reload then starts a fresh room.
      this.unsaved(String(e));
    }
  }

  /** Says once that a reload would not restore the newest room (never silently). */
  private unsaved(why: string): void {
    if (this.warnedUnsaved) return;
    this.warnedUnsaved = true;
    console.warn(`micseat: the room could not be saved for a host reload (${why.slice(0, 200)})`);
  }

  private load(identity: string): { room: RoomState; memory?: AuthorityMemory } | null {
    let text: string | null = null;
    try {
      text = this.options.storage?.getItem(this.options.storageKey) ?? null;
    } catch {
      return null;
    }
    if (!text) return null;
    const decoded = decode(text, { maxBytes: SAVED_BYTES });
    if (!decoded.ok || decoded.value.t !== 'snap') return null;
    const { room, memory } = decoded.value;
    // Only the same host restores its room, and never an ended one.
    if (room.hostId !== identity || room.ended) return null;
    return memory ? { room, memory } : { room };
  }

  private roleOf(identity: string): MemberRole {
    const p = this.room.remoteParticipants.get(identity);
    return (this.options.roleOf ?? roleFromToken)(p);
  }

  private async rpcCommand(data: RpcInvocationData): Promise<string> {
    // The caller's role is in its token attributes, which arrive with its participant info; a real
    // server batches joins of non-publishers (about every 3 s), so a join can arrive first. It is
    // then run as audience at once, and `promoteFromToken` upgrades it when the info arrives.
    return answer(() => this.rpc.command(data.callerIdentity, this.roleOf(data.callerIdentity), data.payload));
  }

  private async rpcSync(data: RpcInvocationData): Promise<string> {
    return answer(() => this.rpc.sync(data.payload));
  }

  private async rpcPage(data: RpcInvocationData): Promise<string> {
    return answer(() => this.rpc.page(data.payload));
  }
}

/** Runs an answerer call, re-throwing its refusal as livekit-client's RpcError. */
function answer(run: () => string): string {
  try {
    return run();
  } catch (e) {
    if (e instanceof RpcRefusal) throw new RpcError(e.code, e.message);
    throw e;
  }
}
