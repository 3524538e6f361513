/**
 * Countdowns on the authority's clock. Deadlines in the room state are authority-clock ms;
 * `now()` estimates the authority's clock as the room's last `clock` plus the local time since
 * that version arrived (tracked once per room actor). While `active()` is true the host
 * re-renders once a second — one timer per host, here and nowhere else — so the numbers move;
 * the values themselves always come from state.
 */
import type { RoomActor } from '@micseat/core';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

interface Anchor {
  clock: number;
  local: number;
}

const anchors = new WeakMap<RoomActor, Anchor>();

/** The authority-clock anchor of a room actor (subscribed once per actor). */
export function trackRoomClock(actor: RoomActor): Anchor {
  let a = anchors.get(actor);
  if (!a) {
    const anchor: Anchor = { clock: actor.getSnapshot().context.room?.clock ?? Date.now(), local: Date.now() };
    a = anchor;
    anchors.set(actor, anchor);
    actor.subscribe({
      next: (s) => {
        const clock = s.context.room?.clock;
        if (clock !== undefined && clock !== anchor.clock) {
          anchor.clock = clock;
          anchor.local = Date.now();
        }
      },
      error: () => {},
    });
  }
  return a;
}

/** The authority's clock for `actor`, estimated now. */
export function roomNow(actor: RoomActor | undefined): number {
  if (!actor) return Date.now();
  const a = trackRoomClock(actor);
  return a.clock + (Date.now() - a.local);
}

export class RoomClockController implements ReactiveController {
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly actor: () => RoomActor | undefined,
    private readonly active: () => boolean,
    private readonly intervalMs = 1000,
  ) {
    host.addController(this);
  }

  /** The authority's clock, estimated. */
  now(): number {
    return roomNow(this.actor());
  }

  /** ms left until an authority-clock deadline (never negative). */
  left(deadline: number | null | undefined): number {
    return deadline == null ? 0 : Math.max(0, deadline - this.now());
  }

  hostConnected(): void {
    const a = this.actor();
    if (a) trackRoomClock(a);
  }

  hostUpdated(): void {
    const on = this.active();
    if (on && !this.timer) this.timer = setInterval(() => this.host.requestUpdate(), this.intervalMs);
    else if (!on && this.timer) this.stop();
  }

  hostDisconnected(): void {
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
