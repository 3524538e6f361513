/**
 * No silent failures for a new user: elements outside any room say so; a refused demo room
 * shows why; a room added after load connects; a bare room shows a default layout; a speaker
 * removed by the host is told and the log says so; old verdicts do not linger.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { closeDemoRooms, connectDemoRooms, observeDemoRooms } from '@micseat/backend-memory';
import { VERDICT_SHOW_MS, type CohostRequestButton, type MicseatRoom } from '@micseat/elements';
import { closeRooms, hasState, makeRoom, part, until, words } from './helpers.js';

describe('elements outside any <micseat-room>', () => {
  afterEach(closeRooms);

  it('say they are not in a room, warn once per tag, and come to life inside one', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(String(m));
    try {
      const page = await fixture(
        html`<div><mic-seat-grid></mic-seat-grid><mic-seat-grid></mic-seat-grid><request-list></request-list></div>`,
      );
      const [a, b] = [...page.querySelectorAll('mic-seat-grid')];
      const list = page.querySelector('request-list')!;
      for (const el of [a!, b!, list]) {
        await until(
          () => words(part(el, 'no-room')).startsWith('Not in a room'),
          `<${el.localName}> says it is not in a room`,
        );
        expect(hasState(el, 'no-room')).to.equal(true);
        expect((el as HTMLElement).hidden).to.equal(false);
      }
      const outside = warnings.filter((w) => w.includes('not inside a <micseat-room>'));
      expect(
        outside.filter((w) => w.includes('<mic-seat-grid>')),
        'one warning for two grids',
      ).to.have.length(1);
      expect(outside.filter((w) => w.includes('<request-list>'))).to.have.length(1);
      // Moved into a room, the grid shows the room.
      const room = makeRoom({ seatCount: 4 });
      const host = await room.join('alice', 'host', html``);
      host.el.append(a!);
      await until(() => a!.shadowRoot!.querySelectorAll('mic-seat').length === 5, 'the grid shows the room');
      expect(part(a!, 'no-room')).to.equal(null);
      expect(hasState(a!, 'no-room')).to.equal(false);
    } finally {
      console.warn = warn;
    }
  });
});

describe('demo rooms a new user writes by hand', () => {
  afterEach(closeDemoRooms);

  it('a refused demo room shows why, in the room', async () => {
    const error = console.error;
    console.error = () => undefined;
    try {
      const page = await fixture(
        html`<div><micseat-room demo-room="ok" demo-seats="many"><mic-seat-grid></mic-seat-grid></micseat-room></div>`,
      );
      const wiring = connectDemoRooms(page);
      expect(wiring.refused).to.have.length(1);
      const el = page.querySelector('micseat-room')!;
      await until(() => part(el, 'connection')?.dataset['status'] === 'refused', 'refusal shown');
      expect(words(part(el, 'connection'))).to.contain('demo-seats must be a whole number');
      expect(part(el, 'connection')!.getAttribute('role')).to.equal('alert');
    } finally {
      console.error = error;
    }
  });

  it('a <micseat-room demo-room> added after load connects, and a bare one shows a default layout', async () => {
    const page = await fixture(html`<div></div>`);
    const stop = observeDemoRooms(page);
    try {
      page.insertAdjacentHTML(
        'beforeend',
        '<section><micseat-room demo-room="late" demo-user="zed" demo-role="host" demo-seats="4"></micseat-room></section>',
      );
      const el = page.querySelector('micseat-room') as MicseatRoom;
      await until(() => el.actor?.getSnapshot().value === 'connected', 'connected without any script call');
      const layout = part(el, 'default-layout')!;
      expect(layout, 'default layout').not.to.equal(null);
      const grid = layout.querySelector('mic-seat-grid')!;
      await until(() => grid.shadowRoot!.querySelectorAll('mic-seat').length === 5, 'the default grid shows the room');
      expect(layout.querySelector('request-list')).not.to.equal(null);
      // Content of its own replaces the default.
      el.append(document.createElement('mic-seat-grid'));
      await until(() => !part(el, 'default-layout'), 'own content wins');
    } finally {
      stop();
    }
  });
});

describe('what a speaker and a listener are told', () => {
  afterEach(closeRooms);

  it('a speaker removed by the host sees it and hears it; the log says removed, not left', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html`<connected-users></connected-users>`);
    host.actor.send({ type: 'SET_MODE', mode: 'free' });
    const bob = await room.join('bob', 'audience', html`<cohost-request-button></cohost-request-button>`);
    await until(() => bob.snap().context.room?.mode === 'free');
    bob.actor.send({ type: 'TAKE_SEAT', seat: 0 });
    const b = bob.el.querySelector('cohost-request-button') as CohostRequestButton;
    await until(() => hasState(b, 'on-seat'));
    host.actor.send({ type: 'KICK_SEAT', seat: 0 });
    await until(() => words(part(b, 'status')) === 'You were removed from the seat', 'shown under the button');
    expect(part(b, 'status')!.classList.contains('problem')).to.equal(true);
    await until(() => words(part(bob.el, 'announcer')) === 'You were removed from the seat', 'announced');
    const cu = host.el.querySelector('connected-users')!;
    await until(() => words(part(cu, 'activity')).includes('Bob was removed from seat 1'), 'logged as a removal');
    expect(words(part(cu, 'activity'))).not.to.contain('Bob left seat 1');
    // Leaving on one's own is still "left".
    bob.actor.send({ type: 'TAKE_SEAT', seat: 1 });
    await until(() => hasState(b, 'on-seat'));
    bob.actor.send({ type: 'LEAVE_SEAT' });
    await until(() => words(part(cu, 'activity')).includes('Bob left seat 2'));
  });

  it('an old verdict goes when an invitation arrives, and by itself after a while', async () => {
    const room = makeRoom({ seatCount: 3, invitationTimeoutMs: 60_000 });
    const host = await room.join('alice', 'host', html``);
    const bob = await room.join('bob', 'audience', html`<cohost-request-button></cohost-request-button>`);
    const b = bob.el.querySelector('cohost-request-button') as CohostRequestButton;
    const rejectNext = async () => {
      part<HTMLButtonElement>(b, 'button')!.click();
      await until(() => hasState(b, 'pending'));
      const id = Object.values(host.snap().context.room!.requests).find((r) => r.status === 'pending')!.id;
      host.actor.send({ type: 'REJECT_REQUEST', requestId: id });
      await until(() => words(part(b, 'status')).includes('declined'), 'verdict shown');
    };
    await rejectNext();
    host.actor.send({ type: 'INVITE', userId: 'bob', seat: 1 });
    await until(() => words(part(b, 'status')) === '', 'cleared by the invitation');
    expect(hasState(b, 'idle')).to.equal(true);
    const inv = Object.keys(bob.snap().context.invitations)[0]!;
    bob.actor.send({ type: 'DECLINE_INVITATION', invitationId: inv });
    await until(() => !Object.values(bob.snap().context.room!.invitations).some((i) => i.status === 'pending'));
    await rejectNext();
    const shown = Date.now();
    await until(() => words(part(b, 'status')) === '', 'cleared after a while', VERDICT_SHOW_MS + 4000);
    expect(Date.now() - shown).to.be.at.least(VERDICT_SHOW_MS - 1000);
    expect(words(part(b, 'button'))).to.equal('Request to speak');
  });
});
