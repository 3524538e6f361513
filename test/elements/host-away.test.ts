/**
 * "Host away": the room's host drops (here the memory backend's network drop; with a server
 * authority, the host's tab closing, tested in test/livekit/service-e2e.test.ts). Everyone else's
 * <micseat-room> shows it and announces it, in English and Chinese, and the host's place says so
 * once the host is dropped after the reconnect grace; the room carries on meanwhile.
 */
import { expect, html } from '@open-wc/testing';
import { isHostAway } from '@micseat/core';
import type { MicseatRoom } from '@micseat/elements';
import { closeRooms, hasState, makeRoom, part, until } from './helpers.js';

const banner = (el: MicseatRoom) => part(el, 'host-away')?.textContent?.trim() ?? null;
const announced = (el: MicseatRoom) => part(el, 'announcer')!.textContent;
const hostPlace = (el: MicseatRoom) =>
  el.querySelector('mic-seat-grid')!.shadowRoot!.querySelector('mic-seat[host]')!.shadowRoot!.textContent ?? '';

describe('host away', () => {
  afterEach(closeRooms);

  for (const [lang, away, awayNotice, backNotice] of [
    ['en', 'Host away', 'The host is away; the room carries on', 'The host is back'],
    ['zh', '房主暂时离开', '房主暂时离开，房间照常进行', '房主回来了'],
  ] as const) {
    it(`[${lang}] the host drops: a banner, an announcement and a state; the host's return clears them`, async () => {
      const room = makeRoom({ reconnectGraceMs: 60_000 });
      const host = await room.join('alice', 'host', html``);
      const bob = await room.join('bob', 'audience', html`<mic-seat-grid></mic-seat-grid>`, { lang });
      expect(banner(bob.el)).to.equal(null);
      expect(hasState(bob.el, 'host-away')).to.equal(false);

      room.memory.drop('alice');
      await until(() => banner(bob.el) === away, `bob sees “${away}”`);
      expect(announced(bob.el)).to.equal(awayNotice);
      expect(hasState(bob.el, 'host-away')).to.equal(true);
      expect(isHostAway(bob.snap().context.room!)).to.equal(true);
      // The host never sees itself away.
      expect(banner(host.el)).to.equal(null);
      await expect(bob.el).to.be.accessible();

      room.memory.resume('alice');
      await until(() => banner(bob.el) === null, 'the banner goes');
      await until(() => announced(bob.el) === backNotice, 'the return is announced');
      expect(hasState(bob.el, 'host-away')).to.equal(false);
    });
  }

  it('after the grace the host is dropped: the host’s place reads “Host away”, and a cohost still answers requests', async () => {
    const room = makeRoom({ reconnectGraceMs: 200 });
    await room.join('alice', 'host', html``);
    const cora = await room.join('cora', 'cohost', html``);
    const bob = await room.join('bob', 'audience', html`<mic-seat-grid></mic-seat-grid>`);
    room.memory.drop('alice');
    await until(() => !bob.snap().context.room!.members['alice'], 'alice dropped after the grace', 5000);
    expect(banner(bob.el)).to.equal('Host away');
    await until(() => hostPlace(bob.el).includes('Host away'), 'the host’s place says so');
    bob.actor.send({ type: 'REQUEST_SEAT' });
    await until(() => Object.values(cora.snap().context.room!.requests).some((q) => q.status === 'pending'));
    cora.actor.send({ type: 'ACCEPT_NEXT' });
    await until(() => bob.snap().context.room!.seats.some((s) => s.userId === 'bob'), 'bob seated by the cohost');
  });
});
