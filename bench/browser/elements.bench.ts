/**
 * Element benchmarks in Chromium (issue 3): <mic-seat-grid> with 64 seats. The <request-list>
 * figures come from its 10,000-request test (test/elements/request-list.test.ts), which the
 * bench group also runs. Each figure is printed as one JSON line for scripts/bench.mjs.
 * Run with `npm run bench` (or MICSEAT_TEST_GROUP=bench npx web-test-runner).
 */
import { fixture, html } from '@open-wc/testing';
import { restoreAuthority, type Member, type RoomState, type SeatRequest } from '@micseat/core';
import type { MicSeat, MicSeatGrid, RequestList } from '@micseat/elements';
import { closeRooms, hasState, ignoreResizeObserverLoop, makeRoom, tick, until, type TestRoom } from '../../test/elements/helpers.js';

const report = (name: string, value: number, unit: string, target: string, ok: boolean) =>
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit, target, ok }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function seedQueue(room: TestRoom, n: number, from = 0): void {
  const server = room.memory.server;
  const base = server.room;
  const now = Date.now();
  const members: Record<string, Member> = { ...base.members };
  const requests: Record<string, SeatRequest> = { ...base.requests };
  for (let i = from; i < from + n; i++) {
    const id = `user-${i}`;
    members[id] = { id, name: `Listener ${i + 1}`, role: 'audience', connected: true, joinedAt: now, graceUntil: null, mic: 'off', camera: false };
    requests[`req-${i}`] = {
      id: `req-${i}`, userId: id, seat: 'any', media: 'audio', status: 'pending', seq: i + 1,
      createdAt: now - 1000, deadline: now + 120_000, resolvedAt: null, handledBy: null, seatIndex: null, reason: null,
    };
  }
  const next: RoomState = { ...base, version: base.version + 1, clock: now, members, requests };
  server.actor.send({ type: 'RESTORE', state: restoreAuthority(next) });
}

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
    let onlyThatSeat = true;
    for (let run = 0; run < 5; run++) {
      const room = makeRoom({ seatCount: 64 });
      const host = await room.join('alice', 'host', html`<mic-seat-grid></mic-seat-grid>`);
      host.actor.send({ type: 'SET_MODE', mode: 'free' });
      const bob = await room.join('bob', 'audience', html``);
      const grid = host.el.querySelector('mic-seat-grid') as MicSeatGrid;
      await until(() => grid.shadowRoot!.querySelectorAll('mic-seat:not([host])').length === 64 && bob.snap().context.room!.mode === 'free');
      await tick(50);
      const seats = [...grid.shadowRoot!.querySelectorAll<MicSeat>('mic-seat:not([host])')];
      const stats = seats.map((s) => instrument(s as unknown as { update: (c: unknown) => void }));
      const gridStats = instrument(grid as unknown as { update: (c: unknown) => void });
      bob.actor.send({ type: 'TAKE_SEAT', seat: 40 });
      await until(() => hasState(seats[40]!, 'occupied'));
      await tick(50);
      const touched = stats.map((s, i) => (s.calls ? i : -1)).filter((i) => i >= 0);
      if (touched.length !== 1 || touched[0] !== 40) onlyThatSeat = false;
      times.push(stats[40]!.ms + gridStats.ms);
      closeRooms();
    }
    report('<mic-seat-grid> 64 seats: render time of one seat change (median of 5)', median(times), 'ms', '<= 1', median(times) <= 1);
    report('<mic-seat-grid> 64 seats: seats re-rendered by one seat change', onlyThatSeat ? 1 : 0, 'seats (1 = only that seat)', '= 1', onlyThatSeat);
  });
});
