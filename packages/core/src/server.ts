/**
 * The authority server: what every home of the authority (the in-page memory room, the host's
 * browser over LiveKit, the Node service) runs around the pure authority, so none writes its own.
 * - commands run once per caller and correlation id: a bounded per-caller result cache answers a
 *   resend instead of running it twice;
 * - internal commands (`tick`, `presence`) are refused from callers; presence comes from the
 *   transport through `presence()`;
 * - every change is fanned out once: a change of the stage as one `delta` wire message for
 *   everyone, and each person whose own part changed (member record, requests) gets a `self`
 *   message (timer-driven expiries and the coalesced counts included: core's
 *   authorityHostMachine owns the clock);
 * - sync answers: the stage when the asker is behind, nothing when it is up to date;
 * - paged reads of the queue and the audience (`read`).
 * Transports add only their wiring (links, RPC, data packets, storage).
 */
import { createActor, type Actor } from 'xstate';
import {
  readRoom,
  SYSTEM_CALLER,
  type AuthorityState,
  type Caller,
  type ReadOptions,
  type StepOutcome,
} from './authority.js';
import { fail, type Result } from './errors.js';
import { authorityHostMachine } from './machines/authority-host.js';
import { encodeDelta, encodeSelf, encodeSnapshot, type WireMessage } from './protocol.js';
import { SYSTEM_COMMANDS, type Member, type MemberRole, type Page, type RoomState } from './schema.js';

/** Results remembered per caller by default, so a resent command is answered, not run twice. */
export const RESULT_CACHE = 128;

export interface AuthorityServerOptions {
  /** The room to serve: `createAuthority(...)` for a new one, `restoreAuthority(room)` for a saved one. */
  state: AuthorityState;
  /** The authority's clock (default Date.now). */
  now?: () => number;
  /** Results remembered per caller (default RESULT_CACHE). */
  resultCache?: number;
  /** Fewest ms between two publications of the counts (default `LIMITS.countsIntervalMs`). */
  countsIntervalMs?: number;
  /**
   * What clients hold. `stage` (issue #10): the stage plus their own part (`self` messages);
   * the audience and the queue are read in pages. `room`: the whole room, every member and
   * request, in every snapshot and delta (the behaviour before #10, kept only while the
   * elements move to paged reads; it will go). Default `room` for now.
   */
  replicate?: 'stage' | 'room';
}

/**
 * One change of the room, as it leaves the authority: the outcome, the stage delta for everyone
 * (null when the stage did not change) and a `self` message for each person whose own part changed.
 */
export interface ServedChange {
  readonly outcome: StepOutcome;
  readonly delta: WireMessage | null;
  readonly personal: ReadonlyMap<string, WireMessage>;
}

export class AuthorityServer {
  readonly actor: Actor<typeof authorityHostMachine>;
  private readonly results = new Map<string, Map<string, Result>>();
  private readonly listeners = new Set<(change: ServedChange) => void>();
  private readonly cacheSize: number;
  /** What clients hold (see AuthorityServerOptions.replicate). */
  readonly replicate: 'stage' | 'room';
  private stopped = false;

  constructor(options: AuthorityServerOptions) {
    this.cacheSize = Math.max(1, options.resultCache ?? RESULT_CACHE);
    this.replicate = options.replicate ?? 'room';
    this.actor = createActor(authorityHostMachine, {
      input: {
        state: options.state,
        now: options.now ?? (() => Date.now()),
        ...(options.countsIntervalMs !== undefined ? { countsIntervalMs: options.countsIntervalMs } : {}),
      },
    });
    this.actor.on('outcome', ({ outcome }) => this.fanOut(outcome));
  }

  /**
   * The whole room (every member and request), at its newest version: built on first read,
   * O(room size). For saving and tests; serve clients `stage` and `selfOf`.
   */
  get room(): RoomState {
    return this.actor.getSnapshot().context.state.room;
  }

  /** The stage every client holds, at its own version (O(stage), cached per change). */
  get stage(): RoomState {
    return this.authorityState.stage;
  }

  /** The room's version (bumped by every change, the stage's or not). */
  get version(): number {
    return this.authorityState.version;
  }

  /** A member by id (O(log n)). */
  member(id: string): Member | undefined {
    return this.authorityState.member(id);
  }

  /** The version a client holds when it is up to date: the stage's (or the room's, replicating the room). */
  get clientVersion(): number {
    return this.replicate === 'stage' ? this.stage.version : this.version;
  }

  /** A viewer's own part as a `self` wire message (send it after a snapshot). */
  selfFor(viewer: string): WireMessage {
    const state = this.authorityState;
    return encodeSelf(state.version, state.selfOf(viewer));
  }

  /**
   * Everything a client at version `have` needs to be up to date (`have: 0`: a newcomer): the
   * snapshot when it is behind, and its own part (always, so a lost `self` is repaired too).
   */
  syncFor(viewer: string, have: number): WireMessage[] {
    const snapshot = this.snapshotFor(have);
    const out = snapshot ? [encodeSnapshot(snapshot)] : [];
    if (this.replicate === 'stage') out.push(this.selfFor(viewer));
    return out;
  }

  /**
   * Answers a paged read (queue, audience, position) from a caller the transport vouches for.
   * Never throws; see `readRoom` for the refusals.
   */
  read(caller: { id: string }, query: unknown, options?: ReadOptions): Result<Page> {
    if (this.stopped) return fail('disconnected', 'The room\u2019s authority has stopped.');
    return readRoom(this.authorityState, query, caller, options);
  }

  /** The authority's whole state (the room plus its private indexes). */
  get authorityState(): AuthorityState {
    return this.actor.getSnapshot().context.state;
  }

  /** False once stopped: commands are then refused with `disconnected`. */
  get running(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) this.actor.start();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.actor.stop();
  }

  /** Every change (with a patch), in version order, as it happens (synchronously inside `execute`). */
  onChange(listener: (change: ServedChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs one command from a caller the transport vouches for, once per correlation id: a resend
   * of an id already run is answered with the same result. Never throws.
   */
  execute(caller: { id: string; role: MemberRole }, id: string, command: unknown): Result {
    if (this.stopped) return fail('disconnected', 'The room\u2019s authority has stopped.');
    let cache = this.results.get(caller.id);
    if (!cache) this.results.set(caller.id, (cache = new Map()));
    const seen = cache.get(id);
    if (seen) return seen;
    const type = typeOf(command);
    if (typeof type === 'string' && SYSTEM_COMMANDS.has(type)) {
      return fail('not-allowed', 'Only the room itself may send this command.');
    }
    const who: Caller = { id: caller.id, role: caller.role };
    let result: Result;
    try {
      const before = this.actor.getSnapshot().context.last;
      // The delta reaches the listeners during `send`, before this returns: a caller's replica
      // already shows the change when the answer arrives.
      this.actor.send({ type: 'COMMAND', command, caller: who });
      const snapshot = this.actor.getSnapshot();
      // Never answer with an older outcome: if the actor did not run this command, say so.
      result =
        snapshot.status === 'active' && snapshot.context.last && snapshot.context.last !== before
          ? snapshot.context.last.result
          : fail('internal', 'The room did not run this command; nothing changed.');
    } catch {
      result = fail('internal', 'The room could not run this command; nothing changed.');
    }
    this.remember(caller.id, id, result);
    return result;
  }

  /** The result already given to `callerId` for correlation id `id`, if remembered. */
  recall(callerId: string, id: string): Result | undefined {
    return this.results.get(callerId)?.get(id);
  }

  /** Remembers a result (e.g. one restored from durable storage after a takeover). */
  remember(callerId: string, id: string, result: Result): void {
    let cache = this.results.get(callerId);
    if (!cache) this.results.set(callerId, (cache = new Map()));
    cache.set(id, result);
    if (cache.size > this.cacheSize) cache.delete(cache.keys().next().value!);
  }

  /** The transport says a member's link is up or down (reconnect grace). Unknown users are ignored. */
  presence(userId: string, connected: boolean): void {
    if (this.stopped || !this.member(userId)) return;
    this.actor.send({ type: 'COMMAND', command: { type: 'presence', userId, connected }, caller: SYSTEM_CALLER });
  }

  /**
   * The answer to a `sync` from a replica at version `have`: the stage when the replica is behind,
   * null when it is up to date. `have: 0` also means "nothing yet", so it always gets the stage.
   */
  snapshotFor(have: number): RoomState | null {
    const room = this.replicate === 'stage' ? this.stage : this.room;
    return have > 0 && room.version <= have ? null : room;
  }

  private fanOut(outcome: StepOutcome): void {
    if (!outcome.patch) return;
    const state = outcome.state;
    if (this.replicate === 'room') {
      this.tell({
        outcome,
        delta: encodeDelta(state.version, state.clock, outcome.patch, outcome.events),
        personal: new Map(),
      });
      return;
    }
    const { patch, from, events, personal } = outcome.stage;
    const selfs = new Map<string, WireMessage>();
    for (const [userId, own] of personal) selfs.set(userId, encodeSelf(state.version, state.selfOf(userId), own));
    const change: ServedChange = {
      outcome,
      // From the stage's previous version: the versions in between changed nothing on it.
      delta: patch ? encodeDelta(state.version, state.clock, patch, events, from) : null,
      personal: selfs,
    };
    this.tell(change);
  }

  private tell(change: ServedChange): void {
    // A listener that threw would stop the actor for good (every later command ignored).
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (e) {
        console.error('micseat: a change could not be sent or saved', e);
      }
    }
  }
}

/** A command's `type`, read without trusting the command (a Proxy or getter may throw). */
function typeOf(command: unknown): unknown {
  try {
    return command && typeof command === 'object' ? (command as { type?: unknown }).type : undefined;
  } catch {
    return undefined;
  }
}
