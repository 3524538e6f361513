/**
 * The room's authority in the host's browser: core's authorityHostMachine, served to the other
 * participants over LiveKit. Commands arrive by RPC (the server stamps the caller identity,
 * which is trusted; the role comes from the token's attributes), are run once per correlation
 * id (a per-caller result cache answers resends), and every change goes out as a versioned
 * delta on reliable data. Late joiners and clients with a gap ask for a snapshot by RPC, in
 * pages. Presence comes from the transport (participant connected / disconnected).
 *
 * Host reload: every change is saved to `storage` (sessionStorage by default) as a snapshot
 * wire message; a host that comes back with the same identity restores it with
 * `restoreAuthority` (validated with `decode`), so seats, queue and versions survive.
 */
import { createActor, type Actor } from 'xstate';
import {
  authorityHostMachine,
  authorityMemory,
  createAuthority,
  decode,
  encodeDelta,
  encodeResult,
  encodeSnapshot,
  encodeSync,
  fail,
  restoreAuthority,
  serialize,
  type AuthorityMemory,
  type Caller,
  type MemberRole,
  type Result,
  type RoomConfigInput,
  type RoomState,
  type StepOutcome,
  type WireMessage,
} from '@micseat/core';
import { RoomEvent, RpcError, type Participant, type RemoteParticipant, type Room, type RpcInvocationData } from 'livekit-client';
import {
  DATA_TOPIC,
  METHOD_COMMAND,
  METHOD_PAGE,
  METHOD_SYNC,
  paginate,
  parsePageRequest,
  ROLE_ATTRIBUTE,
  RPC_MALFORMED,
  RPC_STALE_SNAPSHOT,
  type SnapshotPage,
} from './rpc.js';

/** Results remembered per caller, so a resent command is answered, not run twice. */
const RESULT_CACHE = 128;
/** An RPC answer must stay under LiveKit's 15 KiB payload limit. */
const MAX_RESULT_BYTES = 14_000;
/** Serialised snapshots kept for paging (by version). */
const SNAPSHOT_CACHE = 4;
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
  readonly actor: Actor<typeof authorityHostMachine>;
  /** True when the room came back from storage (a host reload). */
  readonly restored: boolean;
  private readonly results = new Map<string, Map<string, Result>>();
  private readonly snapshots = new Map<number, string[]>();
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
    const state = saved ? restoreAuthority(saved.room, saved.memory) : createAuthority(room.name || 'room', options.config, now());
    this.actor = createActor(authorityHostMachine, { input: { state, now } });
    // A listener that threw would stop the actor for good (every later command ignored).
    this.actor.on('outcome', ({ outcome }) => {
      try {
        this.onOutcome(outcome);
      } catch (e) {
        console.error('micseat: a change could not be sent or saved', e);
      }
    });
  }

  get state(): RoomState {
    return this.actor.getSnapshot().context.state.room;
  }

  subscribe(listener: (o: StepOutcome) => void): () => void {
    this.outcomeListeners.add(listener);
    return () => this.outcomeListeners.delete(listener);
  }

  start(): void {
    this.actor.start();
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
    this.offs.push(() => room.off(RoomEvent.ParticipantConnected, joined), () => room.off(RoomEvent.ParticipantDisconnected, left));
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
    this.actor.stop();
  }

  /** Forgets the saved room (e.g. when the host ends it on purpose). */
  clearSaved(): void {
    this.options.storage?.removeItem(this.options.storageKey);
  }

  /** Runs one command from `identity` (once per correlation id). */
  execute(identity: string, role: MemberRole, id: string, command: unknown): Result {
    if (this.stopped) return fail('disconnected', 'The host has left.');
    let cache = this.results.get(identity);
    if (!cache) this.results.set(identity, (cache = new Map()));
    const seen = cache.get(id);
    if (seen) return seen;
    const type = (command as { type?: unknown } | null)?.type;
    if (type === 'tick' || type === 'presence') {
      return fail('not-allowed', 'Only the room itself may send this command.');
    }
    const caller: Caller = { id: identity, role };
    let result: Result;
    try {
      const before = this.actor.getSnapshot().context.last;
      this.actor.send({ type: 'COMMAND', command, caller });
      const snapshot = this.actor.getSnapshot();
      // Never answer with an older outcome: if the actor did not run this command, say so.
      result =
        snapshot.status === 'active' && snapshot.context.last && snapshot.context.last !== before
          ? snapshot.context.last.result
          : fail('internal', 'The room did not run this command; nothing changed.');
    } catch {
      result = fail('internal', 'The room could not run this command; nothing changed.');
    }
    cache.set(id, result);
    if (cache.size > RESULT_CACHE) cache.delete(cache.keys().next().value!);
    return result;
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
    this.execute(self, 'host', `token-role-${identity}-${this.state.version}`, { type: 'set-cohost', userId: identity, cohost: true });
  }

  private presence(userId: string, connected: boolean): void {
    if (this.stopped || !this.state.members[userId]) return;
    this.actor.send({ type: 'COMMAND', command: { type: 'presence', userId, connected }, caller: { id: 'system', role: 'system' } });
  }

  private onOutcome(outcome: StepOutcome): void {
    if (!outcome.patch) return;
    const room = outcome.state.room;
    const sent = this.publish(encodeDelta(room.version, room.clock, outcome.patch, outcome.events));
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
    const text = serialize(encodeSnapshot(this.state, authorityMemory(this.actor.getSnapshot().context.state)), { maxBytes: SAVED_BYTES });
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
    let id: string;
    let command: unknown;
    const decoded = decode(data.payload);
    if (decoded.ok && decoded.value.t === 'cmd') {
      id = decoded.value.id;
      command = decoded.value.cmd;
    } else {
      // A well-formed envelope around an invalid command is answered by the authority itself
      // (`invalid-command`, which validates the command again); anything else is refused.
      const raw = safeParse(data.payload) as { v?: unknown; t?: unknown; id?: unknown; cmd?: unknown } | null;
      if (!(raw && raw.v === 1 && raw.t === 'cmd' && typeof raw.id === 'string' && raw.id.length > 0 && raw.id.length <= 64)) {
        throw new RpcError(RPC_MALFORMED, decoded.ok ? 'not a command' : decoded.error.message.slice(0, 200));
      }
      id = raw.id;
      command = raw.cmd;
    }
    // The caller's role is in its token attributes, which arrive with its participant info; a real
    // server batches joins of non-publishers (about every 3 s), so a join can arrive first. It is
    // then run as audience at once, and `promoteFromToken` upgrades it when the info arrives.
    const result = this.execute(data.callerIdentity, this.roleOf(data.callerIdentity), id, command);
    let text = serialize(encodeResult(id, result));
    if (!text.ok || text.value.length * 3 > MAX_RESULT_BYTES) {
      const small: Result = result.ok ? { ok: true, value: null } : result;
      text = serialize(encodeResult(id, small));
    }
    if (!text.ok) throw new RpcError(RPC_MALFORMED, 'result too large');
    // `at`: the room version after the command, so the caller can make sure its replica shows
    // the change before it hands the answer on (read-your-writes, as in the memory backend).
    return `{"at":${this.state.version},"res":${text.value}}`;
  }

  private pagesOf(room: RoomState): string[] {
    let pages = this.snapshots.get(room.version);
    if (!pages) {
      const text = serialize(encodeSnapshot(room));
      if (!text.ok) throw new RpcError(RPC_MALFORMED, 'snapshot too large');
      pages = paginate(text.value, this.options.pageBytes);
      this.snapshots.set(room.version, pages);
      if (this.snapshots.size > SNAPSHOT_CACHE) this.snapshots.delete(this.snapshots.keys().next().value!);
    }
    return pages;
  }

  private async rpcSync(data: RpcInvocationData): Promise<string> {
    const decoded = decode(data.payload);
    if (!decoded.ok || decoded.value.t !== 'sync') throw new RpcError(RPC_MALFORMED, 'expected a sync message');
    const room = this.state;
    // `have: 0` also means "nothing yet" (a replica with no room), so it always gets the room.
    if (decoded.value.have > 0 && room.version <= decoded.value.have) {
      return JSON.stringify({ version: room.version, page: 0, pages: 0, data: '' } satisfies SnapshotPage);
    }
    const pages = this.pagesOf(room);
    return JSON.stringify({ version: room.version, page: 0, pages: pages.length, data: pages[0]! } satisfies SnapshotPage);
  }

  private async rpcPage(data: RpcInvocationData): Promise<string> {
    const req = parsePageRequest(data.payload);
    if (!req) throw new RpcError(RPC_MALFORMED, 'expected { version, page }');
    const pages = this.snapshots.get(req.version);
    if (!pages || req.page >= pages.length) throw new RpcError(RPC_STALE_SNAPSHOT, 'that snapshot is gone; sync again');
    return JSON.stringify({ version: req.version, page: req.page, pages: pages.length, data: pages[req.page]! } satisfies SnapshotPage);
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
