import { expect } from '@open-wc/testing';
import { waitFor } from '@micseat/core/conformance';
import { createMemoryRoom, joinOverBroadcastChannel, BroadcastTransport } from '@micseat/backend-memory';

// Two BroadcastChannel objects with one name talk to each other even inside one page,
// which is exactly what two tabs do.
describe('BroadcastChannel: one room across tabs', () => {
  it('a client in “another tab” joins, requests, is accepted and sees the same room', async () => {
    const room = createMemoryRoom();
    const stop = room.serveTabs('micseat-test-1');
    const host = room.join('host', 'host');
    await host.connect({ name: 'Host' });
    const remote = joinOverBroadcastChannel('micseat-test-1', 'tab-user', 'audience');
    const joined = await remote.connect({ name: 'Tab User' });
    expect(joined.ok).to.equal(true);
    // The tab user is in the audience: counted on every stage, listed by reading the audience.
    await waitFor(() => host.room?.counts.audience === 1, 3000, 'host counts the tab user');
    const audience = await remote.read({ kind: 'audience' });
    expect(audience.ok && audience.value.kind === 'audience' && audience.value.items.map((m) => m.id)).to.deep.equal([
      'tab-user',
    ]);
    const r = await remote.send({ type: 'request-seat', requestId: 'bc-1', seat: 'any', media: 'audio' });
    expect(r.ok).to.equal(true);
    await waitFor(() => remote.room?.requests['bc-1']?.status === 'pending', 3000, 'own request in the other tab');
    const queue = await host.read({ kind: 'queue' });
    expect(queue.ok && queue.value.kind === 'queue' && queue.value.items.map((e) => e.request.id)).to.deep.equal([
      'bc-1',
    ]);
    expect((await host.send({ type: 'accept-request', requestId: 'bc-1' })).ok).to.equal(true);
    await waitFor(() => remote.room?.seats[0]?.userId === 'tab-user', 3000, 'seated in the other tab');
    expect(remote.room!.version).to.equal(host.room!.version);
    await remote.disconnect();
    stop();
    room.close();
  });

  it('garbage on the channel is refused by the decoder and changes nothing', async () => {
    const room = createMemoryRoom();
    const stop = room.serveTabs('micseat-test-2');
    const host = room.join('host', 'host');
    await host.connect({ name: 'Host' });
    const version = room.server.room.version;
    const evil = new BroadcastChannel('micseat-test-2');
    evil.postMessage({ dir: 'up', from: 'x', identity: 'mallory', role: 'audience', kind: 'open' });
    for (const data of [
      '{',
      '{"v":2,"t":"cmd","id":"a","cmd":{"type":"set-mode","mode":"free"}}',
      '{"v":9}',
      'x'.repeat(70000),
    ]) {
      evil.postMessage({ dir: 'up', from: 'x', identity: 'mallory', role: 'audience', kind: 'msg', data });
    }
    evil.postMessage({ dir: 'up', from: 'x', identity: 'mallory', role: 'superuser', kind: 'open' });
    await new Promise((r) => setTimeout(r, 200));
    // mallory never joined, so even the well-formed set-mode is refused (not-member).
    expect(room.server.room.version).to.equal(version);
    expect(room.server.room.mode).to.equal('request');
    evil.close();
    stop();
    room.close();
  });

  it('a client transport counts what its decoder refused', async () => {
    const t = new BroadcastTransport('micseat-test-3', 'me', 'audience');
    const other = new BroadcastChannel('micseat-test-3');
    (t as unknown as { key: string }).key = 'k';
    other.postMessage({ dir: 'down', to: 'k', data: '{not json' });
    await new Promise((r) => setTimeout(r, 100));
    expect(t.rejected).to.equal(1);
    other.close();
  });
});

describe('BroadcastChannel presence: a tab that goes away frees its seat', () => {
  async function seatedTab(channel: string, heartbeatMs: number) {
    const room = createMemoryRoom({ config: { reconnectGraceMs: 1500 } });
    const stop = room.serveTabs(channel, { heartbeatMs });
    const host = room.join('host', 'host');
    await host.connect({ name: 'Host' });
    await host.send({ type: 'set-mode', mode: 'free' });
    return { room, stop, host };
  }

  it('a tab that falls silent (closed, crashed) is held for the grace, then its seat is freed', async () => {
    const { room, stop, host } = await seatedTab('micseat-presence-1', 100);
    // A "tab" that opens, takes a seat, then is killed: no close, no more beats.
    const tab = new BroadcastChannel('micseat-presence-1');
    const up = (kind: string, data?: string) =>
      tab.postMessage({
        dir: 'up',
        from: 'dead-tab',
        identity: 'ghost',
        role: 'audience',
        kind,
        ...(data ? { data } : {}),
      });
    up('open');
    up('msg', JSON.stringify({ v: 2, t: 'cmd', id: 'g1', cmd: { type: 'join', name: 'Ghost' } }));
    await waitFor(() => room.server.authority.member('ghost')?.connected, 3000, 'ghost joined');
    up('msg', JSON.stringify({ v: 2, t: 'cmd', id: 'g2', cmd: { type: 'take-seat', seat: 0 } }));
    await waitFor(() => host.room?.seats[0]?.userId === 'ghost', 3000, 'ghost seated');
    tab.close();
    // Missed beats: the member enters the reconnect grace (seat held, reconnecting) ...
    await waitFor(() => host.room?.seats[0]?.status === 'reconnecting', 3000, 'seat held while reconnecting');
    expect(host.room!.members['ghost']!.connected).to.equal(false);
    // ... and after the grace the seat is free.
    await waitFor(() => host.room?.seats[0]?.status === 'empty', 5000, 'seat freed after the grace');
    stop();
    room.close();
  });

  it('a live tab keeps beating and keeps its seat; pagehide says goodbye at once', async () => {
    const { room, stop, host } = await seatedTab('micseat-presence-2', 100);
    const remote = joinOverBroadcastChannel('micseat-presence-2', 'tab-user', 'audience', { heartbeatMs: 100 });
    expect((await remote.connect({ name: 'Tab' })).ok).to.equal(true);
    expect((await remote.send({ type: 'take-seat', seat: 1 })).ok).to.equal(true);
    await waitFor(() => host.room?.seats[1]?.userId === 'tab-user', 3000, 'seated');
    // Many heartbeat periods later (counted on the channel) it is still there, connected.
    const spy = new BroadcastChannel('micseat-presence-2');
    let beats = 0;
    spy.onmessage = (e: MessageEvent) => {
      if (e.data?.kind === 'beat' && e.data.identity === 'tab-user') beats++;
    };
    await waitFor(() => beats >= 8, 5000, 'eight heartbeats');
    spy.close();
    expect(host.room!.members['tab-user']!.connected).to.equal(true);
    expect(host.room!.seats[1]!.status).to.equal('occupied');
    window.dispatchEvent(new Event('pagehide'));
    await waitFor(() => host.room?.members['tab-user']?.connected === false, 1000, 'gone at pagehide');
    expect(host.room!.seats[1]!.status).to.equal('reconnecting');
    stop();
    room.close();
  });
});
