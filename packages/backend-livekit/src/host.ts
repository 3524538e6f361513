/**
 * The room's authority in the host's browser: core's AuthorityServer, served to the other
 * participants over LiveKit. Commands arrive by RPC (the server stamps the caller identity,
 * which is trusted; the role comes from the token's attributes), are run once per correlation
 * id (core's per-caller result cache answers resends), and every change goes out as a versioned
 * delta on reliable data. Late joiners and clients with a gap ask for a snapshot by RPC, in
 * pages. Presence comes from the transport (participant connected / disconnected).
 *
 * Host reload: every change is saved to `storage` (sessionStorage by default) as a snapshot
 * wire message; a host that comes back with the same identity restores it with
 * `restoreAuthority` (validated with `decode`), so seats, queue and versions survive.
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
    this.save();
    if (this.options.beaconMs > 0) {
      this.beacon = setInterval(() => this.publish(encodeSync(this.state.version)), this.options.beaconMs);
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
    const m = this.state.members[identity];
    if (this.stopped || !m || m.role !== 'audience' || this.roleOf(identity) !== 'cohost') return;
    const self = this.room.localParticipant.identity;
    this.execute(self, 'host', `token-role-${identity}-${this.state.version}`, {
      type: 'set-cohost',
      userId: identity,
      cohost: true,
    });
  }

  private presence(userId: string, connected: boolean): void {
    if (this.stopped) return;
    this.server.presence(userId, connected);
  }

  private onChange({ outcome, delta }: ServedChange): void {
    const room = outcome.state.room;
    const sent = this.publish(delta);
    // A delta too large for one data packet is skipped: the beacon makes clients fetch a snapshot.
    if (!sent) this.publish(encodeSync(room.version));
    this.save(); // after the delta has left: saving for a reload must not delay everyone else
    for (const l of this.outcomeListeners) l(outcome);
  }

  private publish(message: WireMessage): boolean {
    const text = serialize(message);
    if (!text.ok) return false;
    if (this.stopped || this.room.state !== 'connected') return true;
    this.room.localParticipant
      .publishData(this.encoder.encode(text.value), { reliable: true, topic: DATA_TOPIC })
      .catch(() => undefined); // a lost delta is repaired by the beacon / gap sync
    return true;
  }

  private save(): void {
    const storage = this.options.storage;
    if (!storage) return;
    const text = serialize(encodeSnapshot(this.state, authorityMemory(this.actor.getSnapshot().context.state)), {
      maxBytes: SAVED_BYTES,
    });
    if (!text.ok) return;
    try {
      storage.setItem(this.options.storageKey, text.value);
    } catch {
      /* quota or privacy mode: reload then starts a fresh room */
    }
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
