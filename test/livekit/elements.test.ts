/**
 * The elements on the LiveKit backend, unchanged: a listener's <cohost-request-button> asks,
 * the host accepts, the listener goes on seat with a real published mic, and another
 * listener (showing a <mic-seat-grid>) has them seated and subscribes to their audio.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '@micseat/elements';
import type { MicseatRoom } from '@micseat/elements';
import { targets } from './env.js';
import { createLkRoom, type LkRoom } from './harness.js';

const all = await targets();

const until = (check: () => unknown, message: string, timeout = 10_000) =>
  waitUntil(() => !!check(), message, { timeout, interval: 25 });

for (const target of all) {
  describe(`elements on the LiveKit backend [${target.name}]`, function () {
    this.timeout(40_000);
    let room: LkRoom;
    afterEach(async () => {
      await room.close();
    });

    async function mount(identity: string, role: 'host' | 'audience', content: ReturnType<typeof html>) {
      const backend = await room.make(identity, role);
      const el = await fixture<MicseatRoom>(
        html`<micseat-room .backend=${backend} name=${identity} lang="en">${content}</micseat-room>`,
      );
      await until(() => el.actor?.getSnapshot().value === 'connected', `${identity} connected`);
      return { el, backend, actor: el.actor! };
    }

    it('request button → host accepts → on seat with the mic published; another listener (with a grid) has bob seated and subscribes to him', async () => {
      room = createLkRoom(target, { seatCount: 4 });
      const host = await mount('c-host', 'host', html`<request-list></request-list>`);
      const bob = await mount('c-bob', 'audience', html`<cohost-request-button></cohost-request-button>`);
      const carol = await mount('c-carol', 'audience', html`<mic-seat-grid></mic-seat-grid>`);
      const button = bob.el.querySelector('cohost-request-button')!;
      const main = () => button.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!;
      await until(() => main()?.textContent!.includes('Request to speak'), 'request button ready');
      main().click();
      await until(
        () => Object.values(host.actor.getSnapshot().context.room!.requests).some((q) => q.status === 'pending'),
        'host sees the request',
      );
      const req = Object.values(host.actor.getSnapshot().context.room!.requests)[0]!;
      host.actor.send({ type: 'ACCEPT_REQUEST', requestId: req.id });
      await until(
        () => bob.actor.getSnapshot().context.request?.getSnapshot().value === 'onSeat',
        'bob on seat',
        15_000,
      );
      await until(() => main().textContent!.includes('Leave seat'), 'the button offers to leave');
      expect(bob.backend.lk!.localParticipant.isMicrophoneEnabled).to.equal(true);
      await until(() => carol.backend.media.subscribed.includes('c-bob'), 'carol subscribes to bob');
      expect(carol.actor.getSnapshot().context.room!.seats.some((s) => s.userId === 'c-bob')).to.equal(true);
    });
  });
}
