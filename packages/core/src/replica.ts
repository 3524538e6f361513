/**
 * A client's copy of the room, fed by snapshots, stage deltas and its own `self` messages in any
 * order: old and duplicated versions are ignored, a gap is reported so the caller asks for a
 * snapshot. The room it shows is the stage with the viewer's own part merged in (stage.ts).
 */
import { applyPatch } from './patch.js';
import type { RoomEvent } from './events.js';
import type { WireMessage } from './protocol.js';
import type { RoomState } from './schema.js';
import { mergeSelf, type SelfView } from './stage.js';

export type ReplicaOutcome =
  | { kind: 'applied'; room: RoomState; events: readonly RoomEvent[] }
  | { kind: 'ignored' }
  | { kind: 'gap'; have: number; got: number };

type Delta = Extract<WireMessage, { t: 'delta' }>;
const fromOf = (d: Delta) => d.from ?? d.to - 1;

export class RoomReplica {
  /** The stage as received (without the viewer's own part). */
  stage: RoomState | null = null;
  /** The viewer's own part, and the version it was sent at. */
  self: SelfView | null = null;
  selfAt = -1;
  private merged: RoomState | null = null;
  /** Deltas that arrived ahead of a missing one, by the version they start from. */
  private readonly ahead = new Map<number, Delta>();

  /** `viewer`: whose own part `self` messages carry (their member record is merged into `room`). */
  constructor(readonly viewer = '') {}

  /** The stage with the viewer's own part merged in, or null before the first snapshot. */
  get room(): RoomState | null {
    if (!this.stage) return null;
    return (this.merged ??= mergeSelf(this.stage, this.viewer, this.self));
  }

  get version(): number {
    return this.stage?.version ?? -1;
  }

  receive(message: WireMessage): ReplicaOutcome {
    if (message.t === 'self') {
      if (message.at <= this.selfAt) return { kind: 'ignored' };
      this.selfAt = message.at;
      this.self = { member: message.member, requests: message.requests };
      this.merged = null;
      const room = this.room;
      return room ? { kind: 'applied', room, events: message.events } : { kind: 'ignored' };
    }
    if (message.t === 'snap') {
      if (this.stage && message.room.version <= this.stage.version) return { kind: 'ignored' };
      this.stage = message.room;
      this.merged = null;
      return this.drain({ kind: 'applied', room: this.room!, events: [] });
    }
    if (message.t !== 'delta') return { kind: 'ignored' };
    if (!this.stage || message.to <= this.stage.version)
      return this.stage ? { kind: 'ignored' } : { kind: 'gap', have: -1, got: message.to };
    if (fromOf(message) > this.stage.version) {
      if (this.ahead.size < 256) this.ahead.set(fromOf(message), message);
      return { kind: 'gap', have: this.stage.version, got: message.to };
    }
    this.apply(message);
    return this.drain({ kind: 'applied', room: this.room!, events: message.events });
  }

  private apply(d: Delta): void {
    this.stage = applyPatch(this.stage!, d.patch, d.to, d.clock);
    this.merged = null;
  }

  private drain(first: Extract<ReplicaOutcome, { kind: 'applied' }>): ReplicaOutcome {
    if (this.ahead.size === 0) return first; // the usual case: nothing arrived early
    let events = first.events;
    for (;;) {
      const have = this.stage!.version;
      let next: Delta | undefined;
      for (const [from, d] of this.ahead) {
        if (d.to <= have) this.ahead.delete(from);
        else if (from <= have) next = d;
      }
      if (!next) break;
      this.ahead.delete(fromOf(next));
      this.apply(next);
      events = [...events, ...next.events];
    }
    return { kind: 'applied', room: this.room!, events };
  }
}
