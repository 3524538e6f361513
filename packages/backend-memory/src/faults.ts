/**
 * Fault injection for one direction of a link: latency (+ jitter), drop, duplicate and
 * reorder rates, from a seeded random source so a failing run can be replayed.
 */
export interface FaultConfig {
  /** Base one-way delay in ms. */
  latencyMs?: number;
  /** Extra random delay, 0..jitterMs. */
  jitterMs?: number;
  /** Probability (0..1) that a message is lost. */
  drop?: number;
  /** Probability (0..1) that a message is delivered twice. */
  duplicate?: number;
  /** Probability (0..1) that a message is held back and delivered after a later one. */
  reorder?: number;
  /** Seed for the random source (default 1). */
  seed?: number;
}

export function checkFaults(f: FaultConfig): FaultConfig {
  for (const key of ['drop', 'duplicate', 'reorder'] as const) {
    const v = f[key];
    if (v !== undefined && !(v >= 0 && v <= 1))
      throw new RangeError(`faults.${key} must be a probability between 0 and 1, got ${v}`);
  }
  for (const key of ['latencyMs', 'jitterMs'] as const) {
    const v = f[key];
    if (v !== undefined && !(v >= 0 && v <= 60_000))
      throw new RangeError(`faults.${key} must be between 0 and 60000 ms, got ${v}`);
  }
  return f;
}

/** mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultStats {
  sent: number;
  dropped: number;
  duplicated: number;
  reordered: number;
}

/** Delivers messages through the configured faults. With no faults, delivery is a microtask. */
export class FaultyPipe<T> {
  private faults: FaultConfig = {};
  private random = seededRandom(1);
  private held: T | null = null;
  readonly stats: FaultStats = { sent: 0, dropped: 0, duplicated: 0, reordered: 0 };

  constructor(private readonly deliver: (message: T) => void) {}

  configure(faults: FaultConfig): void {
    this.faults = checkFaults({ ...faults });
    this.random = seededRandom(faults.seed ?? 1);
  }

  push(message: T): void {
    const f = this.faults;
    this.stats.sent++;
    if (!f.drop && !f.reorder && !f.duplicate && !f.latencyMs && !f.jitterMs && this.held === null) {
      queueMicrotask(() => this.deliver(message)); // a healthy link: no dice to roll
      return;
    }
    if (f.drop && this.random() < f.drop) {
      this.stats.dropped++;
      return;
    }
    if (f.reorder && this.held === null && this.random() < f.reorder) {
      // Held back until the next message overtakes it (or a short while passes).
      this.stats.reordered++;
      this.held = message;
      setTimeout(() => this.flushHeld(), (f.latencyMs ?? 0) + (f.jitterMs ?? 0) + 20);
      return;
    }
    this.later(message);
    if (f.duplicate && this.random() < f.duplicate) {
      this.stats.duplicated++;
      this.later(message);
    }
    this.flushHeld();
  }

  private flushHeld(): void {
    if (this.held === null) return;
    const m = this.held;
    this.held = null;
    this.later(m, 1);
  }

  private later(message: T, extra = 0): void {
    const delay =
      (this.faults.latencyMs ?? 0) + (this.faults.jitterMs ? this.random() * this.faults.jitterMs : 0) + extra;
    if (delay === 0) queueMicrotask(() => this.deliver(message));
    else setTimeout(() => this.deliver(message), delay);
  }
}
