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
    await waitFor(() => host.room?.members['tab-user'], 3000, 'host sees the tab user');
    const r = await remote.send({ type: 'request-seat', requestId: 'bc-1', seat: 'any', media: 'audio' });
    expect(r.ok).to.equal(true);
    await waitFor(() => host.room?.requests['bc-1'], 3000, 'request at host');
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
    for (const data of ['{', '{"v":1,"t":"cmd","id":"a","cmd":{"type":"set-mode","mode":"free"}}', '{"v":9}', 'x'.repeat(70000)]) {
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
