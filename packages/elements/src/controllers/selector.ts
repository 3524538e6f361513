/**
 * The small selector controller: reads a slice of an XState actor's snapshot and asks its host
 * to update only when that slice changes (by `equals`). The actor comes from a function, so it
 * can be the room actor from context or a child actor picked out of the room's snapshot; when
 * the function returns a different actor, the controller moves its subscription on the next
 * host update.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AnyActorRef, SnapshotFrom } from 'xstate';

export type Equals<T> = (a: T, b: T) => boolean;

export class SelectorController<A extends AnyActorRef, T> implements ReactiveController {
  private actor: A | null = null;
  private subscription: { unsubscribe(): void } | null = null;
  private current: T;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: () => A | null | undefined,
    private readonly selector: (snapshot: SnapshotFrom<A>) => T,
    private readonly fallback: T,
    private readonly equals: Equals<T> = Object.is,
  ) {
    this.current = fallback;
    host.addController(this);
  }

  /** The selected value (recomputed from the actor if the source changed since the last update). */
  get value(): T {
    this.sync();
    return this.current;
  }

  hostConnected(): void {
    this.connected = true;
    this.sync();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.actor = null;
  }

  hostUpdate(): void {
    this.sync();
  }

  private sync(): void {
    if (!this.connected) return;
    const next = this.source() ?? null;
    if (next === this.actor) return;
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.actor = next;
    if (!next) {
      this.current = this.fallback;
      return;
    }
    this.current = this.selector(next.getSnapshot() as SnapshotFrom<A>);
    this.subscription = next.subscribe({
      next: (snapshot: SnapshotFrom<A>) => this.take(snapshot),
      error: () => {},
    });
  }

  private take(snapshot: SnapshotFrom<A>): void {
    const value = this.selector(snapshot);
    if (this.equals(this.current, value)) return;
    this.current = value;
    this.host.requestUpdate();
  }
}

/** Equal when both are arrays/objects with the same own values (one level deep), or Object.is. */
export function shallowEqual<T>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka)
    if (!Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}
