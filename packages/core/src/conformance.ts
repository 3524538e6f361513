/**
 * The RoomBackend conformance suite: what every backend must do, written once and run by
 * each backend's tests against itself (memory in-page, LiveKit against the real LiveKit
 * server). Framework-free: pass your runner's `describe` and `it`.
 */
import type { RoomBackend, RoomUpdate } from './backend.js';
import type { MemberRole, RoomConfig } from './schema.js';

export interface ConformanceRoom {
  /** A connected, joined backend for `identity` with the role the transport vouches for. */
  join(identity: string, role: MemberRole, name?: string): Promise<RoomBackend>;
  close(): Promise<void>;
}

export interface ConformanceHarness {
  /** A fresh room; the first `join` with role `host` hosts it. */
  createRoom(config?: Partial<RoomConfig>): Promise<ConformanceRoom>;
  /** How long to wait for propagation before failing (default 5000 ms). */
  timeoutMs?: number;
  /** Skip the media checks (e.g. a transport without audio in this environment), with the reason printed. */
  skipMedia?: string;
  /**
   * Skip the stage checks (clients hold only the stage; the queue and the audience are read in
   * pages), with the reason printed: only while a backend still replicates the whole room (its
   * clients are then checked against the replicated room instead of paged reads).
   */
  skipStage?: string;
}

type Define = (name: string, fn: () => Promise<void>) => void;

class ConformanceError extends Error {}
function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new ConformanceError(message);
}

export async function waitFor<T>(
  probe: () => T | undefined | null | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() - start > timeoutMs)
      throw new ConformanceError(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function defineConformanceSuite(
  describe: (name: string, body: () => void) => void,
  it: Define,
  harness: ConformanceHarness,
): void {
  const T = harness.timeoutMs ?? 5000;
  /** The checks that clients hold only the stage and read the rest in pages. */
  const stage = !harness.skipStage;
  if (harness.skipStage) console.log(`conformance stage checks skipped: ${harness.skipStage}`);
  describe('RoomBackend conformance', () => {
    let room: ConformanceRoom | null = null;
    const open = async (config?: Partial<RoomConfig>) => (room = await harness.createRoom(config));
    const close = async () => {
      await room?.close();
      room = null;
    };
    const scenario = (name: string, fn: () => Promise<void>) =>
      it(name, async () => {
        try {
          await fn();
        } finally {
          await close();
        }
      });

    scenario('connect: everyone sees the stage and themselves; the audience is counted, not replicated', async () => {
      const r = await open();
      const host = await r.join('c-host', 'host', 'Host');
      const a = await r.join('c-a', 'audience', 'Ann');
      check(host.status === 'connected' && a.status === 'connected', 'both connected');
      await waitFor(() => a.room?.members['c-host'], T, 'the host on the stage to propagate');
      check(a.room!.members['c-host']!.role === 'host', 'host role');
      check(a.room!.hostId === 'c-host', 'hostId');
      check(a.room!.members['c-a']!.name === 'Ann', 'own member record');
      if (stage) check(!host.room!.members['c-a'], 'an audience member is not on the host’s stage');
      await waitFor(
        () => host.room?.counts.members === 2 && host.room.counts.audience === 1 && a.room?.counts.audience === 1,
        T,
        'counts: 2 members, 1 in the audience, at every client',
      );
      if (!stage) {
        // A backend that still replicates the whole room shows the audience in it (no paged reads).
        check(host.room!.members['c-a']?.name === 'Ann', 'Ann in the replicated room');
        return;
      }
      const page = await host.read({ kind: 'audience' });
      check(page.ok && page.value.kind === 'audience', `audience page: ${JSON.stringify(page)}`);
      check(page.value.kind === 'audience' && page.value.items.map((m) => m.id).join() === 'c-a', 'Ann listed');
    });

    scenario('request → accept: the requester is seated by the authority and sees it', async () => {
      const r = await open();
      const host = await r.join('c-host', 'host');
      const a = await r.join('c-a', 'audience');
      const sent = await a.send({ type: 'request-seat', requestId: 'conf-q1', seat: 'any', media: 'audio' });
      check(sent.ok, `request accepted by the authority: ${JSON.stringify(sent)}`);
      await waitFor(() => a.room?.requests['conf-q1']?.status === 'pending', T, 'requester to see it pending');
      if (stage) check(!host.room!.requests['conf-q1'], 'the queue is not replicated');
      else await waitFor(() => host.room?.requests['conf-q1']?.status === 'pending', T, 'the host to see it queued');
      const queue = stage ? await host.read({ kind: 'queue' }) : null;
      check(
        queue === null ||
          (queue.ok &&
            queue.value.kind === 'queue' &&
            queue.value.items[0]?.request.id === 'conf-q1' &&
            queue.value.items[0].position === 1 &&
            queue.value.head?.id === 'conf-q1'),
        `host reads the request at the head of the queue: ${JSON.stringify(queue)}`,
      );
      const acc = await host.send({ type: 'accept-request', requestId: 'conf-q1' });
      check(acc.ok, 'accept ok');
      await waitFor(() => a.room?.requests['conf-q1']?.status === 'accepted', T, 'requester to see accepted');
      check(
        a.room!.seats.some((s) => s.userId === 'c-a'),
        'requester on a seat',
      );
    });

    scenario('a resent request id is one request', async () => {
      const r = await open();
      await r.join('c-host', 'host');
      const a = await r.join('c-a', 'audience');
      const cmd = { type: 'request-seat', requestId: 'conf-dup', seat: 'any', media: 'audio' } as const;
      const [x, y] = await Promise.all([a.send(cmd), a.send(cmd)]);
      check(x.ok && y.ok, 'both answered ok');
      await waitFor(() => a.room?.requests['conf-dup'], T, 'request visible');
      check(Object.values(a.room!.requests).filter((q) => q.userId === 'c-a').length === 1, 'exactly one request');
    });

    scenario('race: several listeners take one seat, exactly one wins, the others get seat-taken', async () => {
      const r = await open();
      const host = await r.join('c-host', 'host');
      await host.send({ type: 'set-mode', mode: 'free' });
      const players = await Promise.all([1, 2, 3, 4].map((i) => r.join(`c-p${i}`, 'audience')));
      await waitFor(() => players.every((p) => p.room?.mode === 'free'), T, 'free mode everywhere');
      const results = await Promise.all(players.map((p) => p.send({ type: 'take-seat', seat: 0 })));
      const wins = results.filter((x) => x.ok).length;
      check(wins === 1, `exactly one winner, got ${wins}`);
      for (const x of results)
        if (!x.ok) check(x.error.code === 'seat-taken', `loser gets seat-taken, got ${x.error.code}`);
      await waitFor(() => players.every((p) => p.room?.seats[0]?.userId), T, 'everyone sees the winner');
      const winner = players[results.findIndex((x) => x.ok)]!.identity;
      check(
        players.every((p) => p.room!.seats[0]!.userId === winner),
        'one seat, one person, everywhere',
      );
    });

    scenario('mode change reaches everyone; kick tells the occupant terminated', async () => {
      const r = await open();
      const host = await r.join('c-host', 'host');
      const a = await r.join('c-a', 'audience');
      const seen: RoomUpdate[] = [];
      a.onUpdate((u) => seen.push(u));
      await host.send({ type: 'set-mode', mode: 'free' });
      await waitFor(() => a.room?.mode === 'free', T, 'mode at listener');
      check((await a.send({ type: 'take-seat', seat: 2 })).ok, 'take');
      check((await host.send({ type: 'kick-seat', seat: 2 })).ok, 'kick');
      await waitFor(
        () =>
          seen.some((u) =>
            u.events.some((e) => e.type === 'seat-left' && e.userId === 'c-a' && e.reason === 'terminated'),
          ) ||
          (a.room?.seats[2]?.userId === null && seen.length > 0),
        T,
        'listener told terminated',
      );
      check(a.room!.seats[2]!.userId === null, 'seat freed');
    });

    scenario('versions only grow at every client', async () => {
      const r = await open();
      const host = await r.join('c-host', 'host');
      const a = await r.join('c-a', 'audience');
      const versions: number[] = [];
      a.onUpdate((u) => versions.push(u.room.version));
      for (const mode of ['free', 'request', 'free'] as const) await host.send({ type: 'set-mode', mode });
      await waitFor(() => a.room?.mode === 'free' && versions.length >= 1, T, 'updates');
      for (let i = 1; i < versions.length; i++)
        check(versions[i]! > versions[i - 1]!, `monotonic: ${versions.join(',')}`);
    });

    scenario('bad input: a malformed command is a typed error and changes nothing', async () => {
      const r = await open();
      await r.join('c-host', 'host');
      const a = await r.join('c-a', 'audience');
      const before = a.room!.version;
      const res = await a.send({ type: 'take-seat', seat: -4 } as never);
      check(!res.ok && res.error.code === 'invalid-command', `invalid-command, got ${JSON.stringify(res)}`);
      const unauthorised = await a.send({ type: 'set-mode', mode: 'free' });
      check(!unauthorised.ok && unauthorised.error.code === 'not-allowed', 'not-allowed');
      check(a.room!.version === before, 'room unchanged');
    });

    scenario('a late joiner gets the stage and the counts; the queue only by reading it', async () => {
      const r = await open();
      const host = await r.join('c-host', 'host');
      const a = await r.join('c-a', 'audience');
      await a.send({ type: 'request-seat', requestId: 'conf-late', seat: 3, media: 'audio' });
      await host.send({ type: 'lock-seat', seat: 5, locked: true });
      const late = await r.join('c-late', 'audience');
      await waitFor(
        () => late.room?.seats[5]?.locked && late.room.counts.queue === 1 && late.room.counts.members === 3,
        T,
        'stage and counts',
      );
      if (!stage) return;
      check(!late.room!.requests['conf-late'], 'someone else’s request is not replicated');
      const refused = await late.read({ kind: 'queue' });
      check(
        !refused.ok && refused.error.code === 'not-allowed',
        `a listener cannot read the queue: ${JSON.stringify(refused)}`,
      );
      const position = await a.read({ kind: 'position' });
      check(
        position.ok && position.value.kind === 'position' && position.value.position === 1,
        `the requester reads its place: ${JSON.stringify(position)}`,
      );
    });

    scenario(
      'paging: a walk through the audience sees everyone once; hostile cursors and limits are typed errors',
      async () => {
        if (!stage) return;
        const r = await open();
        const host = await r.join('c-host', 'host');
        const ids = ['c-l1', 'c-l2', 'c-l3', 'c-l4', 'c-l5'];
        for (const id of ids) await r.join(id, 'audience');
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let guard = 0; guard < 10; guard++) {
          const page = await host.read({ kind: 'audience', limit: 2, ...(cursor ? { cursor } : {}) });
          check(page.ok && page.value.kind === 'audience', `a page: ${JSON.stringify(page)}`);
          if (page.value.kind !== 'audience') break;
          check(page.value.items.length <= 2, 'at most the limit');
          check(page.value.offset === seen.length, `offset ${page.value.offset} after ${seen.length}`);
          check(page.value.total === ids.length, `total ${page.value.total}`);
          seen.push(...page.value.items.map((m) => m.id));
          if (!page.value.next) break;
          cursor = page.value.next;
        }
        check(seen.slice().sort().join() === ids.join(), `each listener exactly once: ${seen.join()}`);
        for (const query of [
          { kind: 'audience', cursor: 'q1.1' },
          { kind: 'audience', cursor: 'a1.x:y' },
          { kind: 'queue', cursor: 'a1.1:c-l1' },
          { kind: 'audience', limit: 0 },
          { kind: 'audience', limit: 100_000 },
          { kind: 'audience', cursor: 'a'.repeat(5000) },
          { kind: 'everyone' },
        ]) {
          const res = await host.read(query as never);
          check(
            !res.ok && res.error.code === 'invalid-command',
            `${JSON.stringify(query)} refused: ${JSON.stringify(res)}`,
          );
        }
      },
    );

    scenario('media: a speaker’s mic is reported on, with a level others see', async () => {
      if (harness.skipMedia) {
        console.log(`conformance media check skipped: ${harness.skipMedia}`);
        return;
      }
      const r = await open();
      const host = await r.join('c-host', 'host');
      await host.send({ type: 'set-mode', mode: 'free' });
      const a = await r.join('c-a', 'audience');
      check((await a.send({ type: 'take-seat', seat: 0 })).ok, 'take');
      const mic = await a.media.setMic(true);
      check(mic.ok, `mic opened: ${JSON.stringify(mic)}`);
      check((await a.send({ type: 'set-mic', mic: 'on' })).ok, 'mic state told');
      let heard = 0;
      const off = host.media.onLevels((levels) => (heard = Math.max(heard, levels.get('c-a') ?? 0)));
      await waitFor(
        () => heard > 0.01 && host.room?.members['c-a']?.mic === 'on',
        T * 2,
        'host to see the speaker’s level',
      );
      off();
      await a.media.setMic(false);
    });
  });
}
