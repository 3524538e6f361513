/**
 * Holds a flickering flag on for a while after it was last true (e.g. "speaking" between
 * syllables), with one timer that re-renders the host when the hold ends.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class HoldController implements ReactiveController {
  private lastOn = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    readonly holdMs: number,
  ) {
    host.addController(this);
  }

  /** Feed the raw flag; returns the held one. */
  hold(raw: boolean): boolean {
    const now = Date.now();
    if (raw) this.lastOn = now;
    const on = now - this.lastOn < this.holdMs;
    if (on && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.host.requestUpdate();
      }, this.holdMs);
    }
    return on;
  }

  /** Forget (e.g. the mic went off): the flag drops at once. */
  reset(): void {
    this.lastOn = -Infinity;
  }

  hostDisconnected(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
