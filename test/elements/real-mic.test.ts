import { expect, html } from '@open-wc/testing';
import type { MicSeat } from '@micseat/elements';
import { closeRooms, hasState, makeRoom, part, until } from './helpers.js';

describe('real microphone (Chromium fake device)', () => {
  afterEach(closeRooms);

  it('a speaker on the real mic gets the speaking ring from the measured level', async () => {
    const room = makeRoom({ seatCount: 2 });
    const host = await room.join('alice', 'host', html`<mic-seat-grid></mic-seat-grid>`);
    host.actor.send({ type: 'SET_MODE', mode: 'free' });
    const bob = await room.join('bob', 'audience', html`<mic-seat-grid></mic-seat-grid>`, {
      media: { realMicrophone: true },
    });
    await until(() => bob.snap().context.room!.mode === 'free');
    // bob takes a seat: the preparing step opens the real (fake-device) microphone
    bob.actor.send({ type: 'TAKE_SEAT', seat: 0 });
    const seatOnHost = () =>
      host.el.querySelector('mic-seat-grid')!.shadowRoot!.querySelector<MicSeat>('mic-seat[seat="0"]:not([host])')!;
    await until(() => bob.snap().context.room!.members.bob!.mic === 'on', 'mic on', 8000);
    await until(() => hasState(seatOnHost(), 'speaking'), 'speaking ring from the fake device beep', 15_000);
    const level = Number(part(seatOnHost(), 'avatar')!.style.getPropertyValue('--_level'));
    expect(level).to.be.greaterThan(0);
    expect(part(seatOnHost(), 'base')!.textContent).to.contain('speaking');
    await expect(seatOnHost()).to.be.accessible();
  });
});
