/**
 * Element benchmarks in Chromium (issue 3): <mic-seat-grid> with 64 seats. The <request-list>
 * figures come from its 10,000-request test (test/elements/request-list.test.ts), which the
 * bench group also runs. Each figure is printed as one JSON line for scripts/bench.mjs.
 * Run with `npm run bench` (or MICSEAT_TEST_GROUP=bench npx web-test-runner).
 */
import { html } from '@open-wc/testing';
import { type RoomUpdate } from '@micseat/core';
import { MemoryRoomBackend } from '@micseat/backend-memory';
import type { MicSeat, MicSeatGrid } from '@micseat/elements';
import { closeRooms, hasState, ignoreResizeObserverLoop, makeRoom, tick, until } from '../../test/elements/helpers.js';

const report = (name: string, value: number, unit: string, target: string, ok: boolean) =>
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit, target, ok }));
const ROUNDS = 21;
/** The smallest step of performance.now() here (Chromium coarsens it unless the page is cross-origin isolated). */
function timerResolution(): number {
  let min = Infinity;
  for (let i = 0; i < 50; i++) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    min = Math.min(min, b - a);
  }
  return min;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Wraps an element's `update` to time it and count its calls. */
function instrument(el: { update: (c: unknown) => void }) {
  const stats = { calls: 0, ms: 0 };
  const orig = el.update;
  el.update = function (this: unknown, c: unknown) {
    stats.calls++;
    const t0 = performance.now();
    orig.call(this, c);
    stats.ms += performance.now() - t0;
  };
  return stats;
}

describe('element benchmarks', function () {
  this.timeout(120_000);
  before(ignoreResizeObserverLoop);
  afterEach(closeRooms);

  it('<mic-seat-grid> with 64 seats: one seat change', async () => {
    const times: number[] = [];
    const totals: number[] = [];
    let onlyThatSeat = true;
    // Times each room update delivered to the host's room actor: the machine's step plus every
    // element's selectors, which run synchronously inside it (64 seats, the grid, the room).
    const delivery = { ms: 0, on: false };
    const onUpdate = MemoryRoomBackend.prototype.onUpdate;
    MemoryRoomBackend.prototype.onUpdate = function (this: MemoryRoomBackend, listener: (u: RoomUpdate) => void) {
      if (this.identity !== 'alice') return onUpdate.call(this, listener);
      return onUpdate.call(this, (u: RoomUpdate) => {
        const t0 = performance.now();
        listener(u);
        if (delivery.on) delivery.ms += performance.now() - t0;
      });
    };
    after(() => {
      MemoryRoomBackend.prototype.onUpdate = onUpdate;
    });
    const room = makeRoom({ seatCount: 64 });
    const host = await room.join('alice', 'host', html`<mic-seat-grid></mic-seat-grid>`);
    host.actor.send({ type: 'SET_MODE', mode: 'free' });
    const bob = await room.join('bob', 'audience', html``);
    const grid = host.el.querySelector('mic-seat-grid') as MicSeatGrid;
    await until(
      () =>
        grid.shadowRoot!.querySelectorAll('mic-seat:not([host])').length === 64 &&
        bob.snap().context.room!.mode === 'free',
    );
    await tick(50);
    const seats = [...grid.shadowRoot!.querySelectorAll<MicSeat>('mic-seat:not([host])')];
    const stats = seats.map((s) => instrument(s as unknown as { update: (c: unknown) => void }));
    const gridStats = instrument(grid as unknown as { update: (c: unknown) => void });
    // Bob takes seat 40 and leaves it again: each is one seat change. The first rounds warm up.
    const WARMUP = 6;
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      for (const s of [...stats, gridStats]) Object.assign(s, { calls: 0, ms: 0 });
      delivery.ms = 0;
      delivery.on = true;
      const taking = i % 2 === 0;
      bob.actor.send(taking ? { type: 'TAKE_SEAT', seat: 40 } : { type: 'LEAVE_SEAT' });
      await until(() => hasState(seats[40]!, taking ? 'occupied' : 'empty'));
      await tick(20);
      delivery.on = false;
      if (i < WARMUP) continue;
      const touched = stats.map((s, n) => (s.calls ? n : -1)).filter((n) => n >= 0);
      if (touched.length !== 1 || touched[0] !== 40) onlyThatSeat = false;
      times.push(stats[40]!.ms + gridStats.ms);
      totals.push(delivery.ms + stats.reduce((sum, x) => sum + x.ms, 0) + gridStats.ms);
    }
    console.log(
      `[bench] timer resolution ${timerResolution().toFixed(4)} ms (cross-origin isolated: ${globalThis.crossOriginIsolated})`,
    );
    report(
      '<mic-seat-grid> 64 seats: render time of one seat change (median of ' + ROUNDS + ')',
      median(times),
      'ms',
      '<= 1',
      median(times) <= 1,
    );
    report(
      '<mic-seat-grid> 64 seats: all work of one seat change in the page (room actor + every selector + renders, median of ' +
        ROUNDS +
        ')',
      median(totals),
      'ms',
      '<= 1',
      median(totals) <= 1,
    );
    report(
      '<mic-seat-grid> 64 seats: seats re-rendered by one seat change',
      onlyThatSeat ? 1 : 0,
      'seats (1 = only that seat)',
      '= 1',
      onlyThatSeat,
    );
  });
});
