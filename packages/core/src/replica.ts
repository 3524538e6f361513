/**
 * A client's copy of the room, fed by snapshots and deltas in any order: old and duplicated
 * versions are ignored, a gap is reported so the caller asks for a snapshot.
 */
import { applyPatch } from './patch.js';
import type { RoomEvent } from './events.js';
import type { WireMessage } from './protocol.js';
import type { RoomState } from './schema.js';

export type ReplicaOutcome =
  | { kind: 'applied'; room: RoomState; events: readonly RoomEvent[] }
  | { kind: 'ignored' }
  | { kind: 'gap'; have: number; got: number };

export class RoomReplica {
  room: RoomState | null = null;
  /** Deltas that arrived ahead of a missing one, by version; applied once the gap closes. */
  private readonly ahead = new Map<number, Extract<WireMessage, { t: 'delta' }>>();

  get version(): number {
    return this.room?.version ?? -1;
  }

  receive(message: WireMessage): ReplicaOutcome {
    if (message.t === 'snap') {
      if (this.room && message.room.version <= this.room.version) return { kind: 'ignored' };
      this.room = message.room;
      return this.drain({ kind: 'applied', room: this.room, events: [] });
    }
    if (message.t !== 'delta') return { kind: 'ignored' };
    if (!this.room || message.to <= this.room.version)
      return this.room ? { kind: 'ignored' } : { kind: 'gap', have: -1, got: message.to };
    if (message.to > this.room.version + 1) {
      if (this.ahead.size < 256) this.ahead.set(message.to, message);
      return { kind: 'gap', have: this.room.version, got: message.to };
    }
    this.room = applyPatch(this.room, message.patch, message.to, message.clock);
    return this.drain({ kind: 'applied', room: this.room, events: message.events });
  }

  private drain(first: Extract<ReplicaOutcome, { kind: 'applied' }>): ReplicaOutcome {
    if (this.ahead.size === 0) return first; // the usual case: nothing arrived early
    let events = first.events;
    for (const v of [...this.ahead.keys()]) if (v <= this.room!.version) this.ahead.delete(v);
    let next = this.ahead.get(this.room!.version + 1);
    while (next) {
      this.ahead.delete(next.to);
      this.room = applyPatch(this.room!, next.patch, next.to, next.clock);
      events = [...events, ...next.events];
      next = this.ahead.get(this.room.version + 1);
    }
    return { kind: 'applied', room: this.room!, events };
  }
}
