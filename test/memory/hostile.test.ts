import { expect } from '@open-wc/testing';
import { waitFor } from '@micseat/core/conformance';
import { createMemoryRoom, joinOverBroadcastChannel } from '@micseat/backend-memory';
import type { Command, Result } from '@micseat/core';

// Issue #8: one member sending garbage (over another tab's BroadcastChannel, or through a
// backend's `send` in the page) gets typed errors, and the room keeps serving everybody else.
const deepText = (depth: number, kind: 'array' | 'object') =>
  kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
function deepValue(depth: number): unknown {
  let x: unknown = 1;
  for (let i = 0; i < depth; i++) x = i % 2 ? [x] : { a: x };
  return x;
}

describe('garbage from one member: typed errors, and the room keeps serving the others', () => {
  it('over the BroadcastChannel: deep, huge, cyclic-shaped, non-finite and prototype-named garbage; then the host’s set-mode really changes the mode', async () => {
    const room = createMemoryRoom();
    const stop = room.serveTabs('micseat-hostile-1');
    const host = room.join('host', 'host');
    await host.connect({ name: 'Host' });
    const alice = joinOverBroadcastChannel('micseat-hostile-1', 'alice', 'audience');
    expect((await alice.connect({ name: 'Alice' })).ok).to.equal(true);

    // Mallory is a real member in another tab, then posts raw envelopes of every kind.
    const evil = new BroadcastChannel('micseat-hostile-1');
    const answers = new Map<string, Result>();
    evil.onmessage = (ev) => {
      const env = ev.data as { dir?: string; to?: string; data?: string };
      if (env?.dir !== 'down' || env.to !== 'mallory-tab') return;
      const m = JSON.parse(env.data!) as { t: string; id?: string; res?: Result };
      if (m.t === 'res') answers.set(m.id!, m.res!);
    };
    const up = (data: unknown, extra: Record<string, unknown> = {}) =>
      evil.postMessage({
        dir: 'up',
        from: 'mallory-tab',
        identity: 'mallory',
        role: 'audience',
        kind: 'msg',
        data,
        ...extra,
      });
    evil.postMessage({ dir: 'up', from: 'mallory-tab', identity: 'mallory', role: 'audience', kind: 'open' });
    up(JSON.stringify({ v: 2, t: 'cmd', id: 'join', cmd: { type: 'join', name: 'Mallory' } }));
    await waitFor(() => answers.get('join'), 3000, 'mallory joined');
    expect(answers.get('join')!.ok).to.equal(true);

    const sig = (id: string, payload: string) =>
      `{"v":2,"t":"cmd","id":"${id}","cmd":{"type":"signal","name":"x","payload":${payload}}}`;
    const garbage: [string, string, string[]][] = [
      ['a3000', sig('a3000', deepText(3000, 'array')), ['too-large']],
      ['o2200', sig('o2200', deepText(2200, 'object')), ['too-large']],
      ['a10k', sig('a10k', deepText(10_000, 'array')), ['too-large', 'malformed']],
      ['inf', sig('inf', '1e999'), ['malformed']],
      ['big', sig('big', `"${'x'.repeat(5000)}"`), ['too-large']],
      [
        'extra',
        `{"v":2,"t":"cmd","id":"extra","cmd":{"type":"take-seat","seat":1,"__proto__":{"x":1}}}`,
        ['invalid-command'],
      ],
      ['neg', `{"v":2,"t":"cmd","id":"neg","cmd":{"type":"take-seat","seat":-4}}`, ['invalid-command']],
      [
        'proto',
        `{"v":2,"t":"cmd","id":"proto","cmd":{"type":"request-seat","requestId":"__proto__","seat":"any","media":"audio"}}`,
        ['ok'],
      ],
      ['ver', `{"v":2,"t":"cmd","id":"ver","cmd":{"type":"set-mode","mode":"free"}}`, ['not-allowed']],
    ];
    for (const [, text] of garbage) up(text);
    for (const junk of [
      '{',
      'x'.repeat(70_000),
      '{"v":9}',
      '{"v":2,"t":"delta","to":2,"clock":1e999,"patch":{},"events":[]}',
      null,
      42,
      { v: 1 },
    ])
      up(junk);
    for (const env of [
      null,
      7,
      'x',
      { dir: 'up', from: 'z', identity: 'x'.repeat(500), role: 'audience', kind: 'open' },
      { dir: 'level', identity: 'mallory', level: NaN },
    ]) {
      evil.postMessage(env);
    }
    for (const [id, , codes] of garbage) {
      await waitFor(() => answers.get(id), 5000, `answer to ${id}`);
      const r = answers.get(id)!;
      expect(codes, `${id}: ${JSON.stringify(r).slice(0, 200)}`).to.include(r.ok ? 'ok' : r.error.code);
    }
    expect(room.server.room.requests.__proto__?.userId).to.equal(
      'mallory',
      'a request id named __proto__ is an ordinary request',
    );

    // Everybody else is still served: the host's set-mode really changes the mode, for everyone.
    const set = await host.send({ type: 'set-mode', mode: 'free' });
    expect(set.ok).to.equal(true);
    expect(room.server.room.mode).to.equal('free');
    await waitFor(() => alice.room?.mode === 'free', 3000, 'alice sees the new mode');
    expect((await alice.send({ type: 'take-seat', seat: 1 })).ok).to.equal(true);
    await waitFor(() => host.room?.seats[1]?.userId === 'alice', 3000, 'the host sees alice seated');

    evil.close();
    await alice.disconnect();
    stop();
    room.close();
  });

  it('through send in the page: a deep payload, a cyclic one, a BigInt and a throwing Proxy are answered with typed errors, never a throw or a hang', async () => {
    const room = createMemoryRoom();
    const host = room.join('host', 'host');
    await host.connect({ name: 'Host' });
    const bob = room.join('bob', 'audience');
    await bob.connect({ name: 'Bob' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const trap = () => {
      throw new Error('trap');
    };
    const hostile: [unknown, string[]][] = [
      [{ type: 'signal', name: 'x', payload: deepValue(3000) }, ['too-large']],
      [{ type: 'signal', name: 'x', payload: deepValue(10_000) }, ['too-large', 'malformed']],
      [{ type: 'signal', name: 'x', payload: cyclic }, ['malformed']],
      [{ type: 'signal', name: 'x', payload: 10n }, ['malformed']],
      [
        new Proxy({ type: 'set-mode', mode: 'free' }, { get: trap, ownKeys: trap, getPrototypeOf: trap, has: trap }),
        ['malformed', 'invalid-command'],
      ],
      [null, ['malformed', 'invalid-command']],
    ];
    for (const [command, codes] of hostile) {
      const r = await bob.send(command as Command);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(codes).to.include(r.error.code);
    }
    expect(room.server.actor.getSnapshot().status).to.equal('active');
    expect((await host.send({ type: 'set-mode', mode: 'free' })).ok).to.equal(true);
    expect(room.server.room.mode).to.equal('free');
    await waitFor(() => bob.room?.mode === 'free', 3000, 'bob sees the new mode');
    room.close();
  });
});
