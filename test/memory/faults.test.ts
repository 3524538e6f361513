import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { createActor, type Actor } from 'xstate';
import { roomMachine, type RoomActor } from '@micseat/core';
import { waitFor } from '@micseat/core/conformance';
import { createMemoryRoom, FaultyPipe } from '@micseat/backend-memory';

const ctx = (a: RoomActor) => a.getSnapshot().context;

describe('fault injection', () => {
  it('a faulty pipe drops, duplicates and reorders at the configured rates (seeded)', async () => {
    const got: number[] = [];
    const pipe = new FaultyPipe<number>((n) => got.push(n));
    pipe.configure({ drop: 0.1, duplicate: 0.1, reorder: 0.1, seed: 7 });
    for (let i = 0; i < 2000; i++) pipe.push(i);
    await new Promise((r) => setTimeout(r, 60));
    const { dropped, duplicated, reordered } = pipe.stats;
    for (const n of [dropped, duplicated, reordered]) expect(n).to.be.within(120, 280);
    expect(got.length).to.equal(2000 - dropped + duplicated);
    const outOfOrder = got.some((n, i) => i > 0 && n < got[i - 1]!);
    expect(outOfOrder).to.equal(true);
  });

  it('refuses probabilities outside 0..1 with a readable error', () => {
    const room = createMemoryRoom();
    expect(() => room.setFaults({ drop: 1.5 })).to.throw(RangeError, /faults.drop must be a probability/);
    room.close();
  });

  it('with 10% of messages dropped, duplicated and reordered, every request reaches a terminal state ≤ 1 s after its deadline', async function () {
    this.timeout(60_000);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.constantFrom('accept', 'reject', 'ignore', 'cancel'), { minLength: 8, maxLength: 8 }),
        async (seed, fates) => {
          const timeoutMs = 1500;
          const room = createMemoryRoom({ config: { requestTimeoutMs: timeoutMs, seatCount: 9 } });
          room.setFaults({ drop: 0.1, duplicate: 0.1, reorder: 0.1, latencyMs: 5, jitterMs: 10, seed });
          const actors: Actor<typeof roomMachine>[] = [];
          const mk = (id: string, role: 'host' | 'audience') => {
            const a = createActor(roomMachine, {
              input: { backend: room.join(id, role, { resendMs: 150, keepAliveMs: 300 }), name: id },
            }).start();
            actors.push(a);
            return a;
          };
          try {
            const host = mk('host', 'host');
            const listeners = fates.map((_, i) => mk(`l${i}`, 'audience'));
            await waitFor(() => actors.every((a) => ctx(a).status === 'connected'), 8000, 'all connected');
            const sentAt = performance.now();
            listeners.forEach((l) => l.send({ type: 'REQUEST_SEAT' }));
            await waitFor(
              () => listeners.every((l) => ctx(l).request && ctx(l).request!.getSnapshot().value !== 'sending'),
              5000,
              'requests sent',
            );
            fates.forEach((fate, i) => {
              const l = listeners[i]!;
              const id = ctx(l).request!.getSnapshot().context.requestId;
              if (fate === 'accept') host.send({ type: 'ACCEPT_REQUEST', requestId: id });
              if (fate === 'reject') host.send({ type: 'REJECT_REQUEST', requestId: id });
              if (fate === 'cancel') l.send({ type: 'CANCEL_REQUEST' });
            });
            // Deadline = send time + timeout; allow the 1 s promised after it.
            const limit = sentAt + timeoutMs + 1000;
            await waitFor(
              () =>
                listeners.every((l) => ['done'].includes(ctx(l).request!.getSnapshot().status)) ||
                performance.now() > limit + 200,
              timeoutMs + 3000,
              'terminal states',
            );
            const doneAt = performance.now();
            for (const l of listeners) {
              const snap = ctx(l).request!.getSnapshot();
              expect(snap.status, `request of ${ctx(l).identity} is ${String(snap.value)}`).to.equal('done');
            }
            expect(doneAt).to.be.at.most(limit + 200);
            // Whatever the client concluded, the authority never seats two people on one seat.
            const seated = room.server.room.seats.filter((s) => s.userId).map((s) => s.userId);
            expect(new Set(seated).size).to.equal(seated.length);
          } finally {
            actors.forEach((a) => a.stop());
            room.close();
          }
        },
      ),
      { numRuns: 5 },
    );
  });
});
