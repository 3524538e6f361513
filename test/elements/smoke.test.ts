import { expect, html } from '@open-wc/testing';
import { closeRooms, makeRoom, until } from './helpers.js';

const everything = html`
  <audio-unlock></audio-unlock>
  <mic-seat-grid></mic-seat-grid>
  <cohost-request-button></cohost-request-button>
  <mic-toggle></mic-toggle>
  <room-mode-toggle></room-mode-toggle>
  <invitation-prompt></invitation-prompt>
  <request-list></request-list>
  <connected-users></connected-users>
  <room-inspector open></room-inspector>
`;

describe('all elements together', () => {
  afterEach(closeRooms);

  it('host and listener pages are accessible', async () => {
    const room = makeRoom({ seatCount: 6 });
    const host = await room.join('alice', 'host', everything);
    const bob = await room.join('bob', 'audience', everything);
    await until(() => Object.keys(host.snap().context.room!.members).length === 2);
    await expect(host.el).to.be.accessible();
    await expect(bob.el).to.be.accessible();
  });
});
