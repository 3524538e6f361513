import { expect, html } from '@open-wc/testing';
import { closeRooms, ignoreResizeObserverLoop, makeRoom, until } from './helpers.js';

const everything = html`
  <audio-unlock></audio-unlock>
  <invitation-prompt></invitation-prompt>
  <mic-seat-grid></mic-seat-grid>
  <cohost-request-button></cohost-request-button>
  <mic-toggle></mic-toggle>
  <room-mode-toggle></room-mode-toggle>
  <request-list></request-list>
  <connected-users></connected-users>
  <room-inspector open></room-inspector>
`;

describe('all elements together', () => {
  before(ignoreResizeObserverLoop);
  afterEach(closeRooms);

  for (const theme of ['light', 'dark'] as const) {
    for (const lang of ['en', 'zh-CN']) {
      it(`host and listener pages are accessible (${theme}, ${lang}), with requests, invitations, muted and blocked audio`, async () => {
        const room = makeRoom({ seatCount: 6 });
        const host = await room.join('alice', 'host', everything, { lang });
        const bob = await room.join('bob', 'audience', everything, { lang, media: { autoplayBlocked: true } });
        const carol = await room.join('carol', 'audience', everything, { lang });
        for (const p of [host, bob, carol]) p.el.setAttribute('theme', theme);
        await until(() => Object.keys(host.snap().context.room!.members).length === 3);
        bob.actor.send({ type: 'REQUEST_SEAT' });
        host.actor.send({ type: 'INVITE', userId: 'carol', seat: 2 });
        // The list is virtualized: it renders the rows that are on screen.
        host.el.querySelector('request-list')!.scrollIntoView();
        await until(() => host.el.querySelector('request-list')!.shadowRoot!.querySelector('[part~="row"]'));
        await until(() => !carol.el.querySelector('invitation-prompt')!.hidden);
        await expect(host.el).to.be.accessible();
        await expect(bob.el).to.be.accessible();
        await expect(carol.el).to.be.accessible();
        host.actor.send({ type: 'ACCEPT_NEXT' });
        await until(() => host.snap().context.room!.seats.some((s) => s.userId === 'bob'));
        host.actor.send({
          type: 'MUTE_SEAT',
          seat: host.snap().context.room!.seats.findIndex((s) => s.userId === 'bob'),
          muted: true,
        });
        await until(() => host.snap().context.room!.seats.some((s) => s.muted));
        await expect(host.el).to.be.accessible();
        await expect(bob.el).to.be.accessible();
      });
    }
  }
});
