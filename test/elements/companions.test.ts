import { expect, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type {
  AudioUnlock,
  ConnectedUsers,
  InvitationPrompt,
  MicToggle,
  RoomInspector,
  RoomModeToggle,
} from '@micseat/elements';
import { closeRooms, hasState, makeRoom, part, tick, until, type Person, rowAction } from './helpers.js';

const q = <K extends keyof HTMLElementTagNameMap>(p: Person, tag: K) =>
  p.el.querySelector(tag)! as HTMLElementTagNameMap[K];
const base = (el: Element) => part<HTMLButtonElement>(el, 'base')!;
const words = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();

describe('<room-mode-toggle>', () => {
  afterEach(closeRooms);

  it('host switches with click and keyboard; the whole room sees it; listeners read only', async () => {
    const room = makeRoom();
    const host = await room.join('alice', 'host', html`<room-mode-toggle></room-mode-toggle>`);
    const bob = await room.join('bob', 'audience', html`<room-mode-toggle></room-mode-toggle>`);
    const ht = q(host, 'room-mode-toggle') as RoomModeToggle;
    const bt = q(bob, 'room-mode-toggle') as RoomModeToggle;
    await until(() => hasState(ht, 'request'));
    expect(base(ht).getAttribute('role')).to.equal('switch');
    expect(base(ht).getAttribute('aria-checked')).to.equal('true');
    await expect(ht).to.be.accessible();
    const ev = oneEvent(host.el, 'mode-change');
    base(ht).click();
    expect((await ev).detail).to.deep.equal({ mode: 'free' });
    await until(() => hasState(ht, 'free') && hasState(bt, 'free'));
    expect(base(bt).getAttribute('aria-checked')).to.equal('false');
    await until(
      () => bob.el.shadowRoot!.querySelector('[part="announcer"]')!.textContent === 'Seats are now free to take',
    );
    // keyboard: Space on the focused switch
    base(ht).focus();
    await sendKeys({ press: 'Space' });
    await until(() => hasState(bt, 'request'));
    // listener: read only, says so, clicking does nothing
    expect(hasState(bt, 'readonly')).to.equal(true);
    expect(base(bt).getAttribute('aria-disabled')).to.equal('true');
    expect(words(bt)).to.contain('Only the host can change this');
    base(bt).click();
    await tick(100);
    expect(hasState(bt, 'request')).to.equal(true);
    await expect(bt).to.be.accessible();
  });

  it('a cancelled mode-change changes nothing', async () => {
    const room = makeRoom();
    const host = await room.join('alice', 'host', html`<room-mode-toggle></room-mode-toggle>`);
    const ht = q(host, 'room-mode-toggle');
    await until(() => hasState(ht, 'request'));
    host.el.addEventListener('mode-change', (e) => e.preventDefault(), { once: true });
    base(ht).click();
    await tick(100);
    expect(host.snap().context.room!.mode).to.equal('request');
  });
});

describe('<mic-toggle>', () => {
  afterEach(closeRooms);

  it('no seat: disabled, says why; the host can always speak', async () => {
    const room = makeRoom();
    const host = await room.join('alice', 'host', html`<mic-toggle></mic-toggle>`);
    const bob = await room.join('bob', 'audience', html`<mic-toggle></mic-toggle>`);
    const bm = q(bob, 'mic-toggle') as MicToggle;
    await until(() => hasState(bm, 'no-seat'));
    expect(words(bm)).to.contain('Take a seat to speak');
    expect(base(bm).getAttribute('aria-disabled')).to.equal('true');
    await expect(bm).to.be.accessible();
    const hm = q(host, 'mic-toggle');
    await until(() => hasState(hm, 'off'));
    const ev = oneEvent(host.el, 'mic-change');
    base(hm).click();
    expect((await ev).detail).to.deep.equal({ on: true });
    await until(() => hasState(hm, 'on'));
    expect(base(hm).getAttribute('aria-checked')).to.equal('true');
    expect(words(hm)).to.contain('Microphone on');
    await expect(hm).to.be.accessible();
    base(hm).focus();
    await sendKeys({ press: 'Enter' });
    await until(() => hasState(hm, 'off'));
  });

  it('muted by host: locked until released', async () => {
    const room = makeRoom();
    const host = await room.join('alice', 'host', html``);
    host.actor.send({ type: 'SET_MODE', mode: 'free' });
    const bob = await room.join('bob', 'audience', html`<mic-toggle></mic-toggle>`);
    await until(() => bob.snap().context.room!.mode === 'free');
    bob.actor.send({ type: 'TAKE_SEAT', seat: 0 });
    const bm = q(bob, 'mic-toggle');
    await until(() => hasState(bm, 'on'));
    host.actor.send({ type: 'MUTE_SEAT', seat: 0, muted: true });
    await until(() => hasState(bm, 'muted-by-host'));
    expect(words(bm)).to.contain('The host muted your seat');
    expect(base(bm).getAttribute('aria-disabled')).to.equal('true');
    await until(
      () => bob.el.shadowRoot!.querySelector('[part="announcer"]')!.textContent === 'The host muted your seat',
    );
    await expect(bm).to.be.accessible();
    host.actor.send({ type: 'MUTE_SEAT', seat: 0, muted: false });
    await until(() => hasState(bm, 'off'));
    base(bm).click();
    await until(() => hasState(bm, 'on'));
  });

  it('permission denied and no device are shown as such', async () => {
    const room = makeRoom();
    const host = await room.join('alice', 'host', html``);
    host.actor.send({ type: 'SET_MODE', mode: 'free' });
    const bob = await room.join('bob', 'audience', html`<mic-toggle></mic-toggle>`, {
      media: { micFailure: 'denied' },
    });
    const carol = await room.join('carol', 'audience', html`<mic-toggle></mic-toggle>`, {
      media: { micFailure: 'no-device' },
    });
    await until(() => bob.snap().context.room!.mode === 'free');
    // sitting works; the mic fails: the request machine gives the seat back, the mic toggle of a seated user shows it
    bob.actor.send({ type: 'TAKE_SEAT', seat: 0 });
    await until(() => bob.snap().context.room!.members.bob!.mic === 'denied');
    // put them on seats without the prepare step (moderator move is not possible for unseated users): use invitations' reserved seat + direct take
    room.memory.clients.get('bob')!.media.configure({ micFailure: null });
    bob.actor.send({ type: 'TAKE_SEAT', seat: 0 });
    await until(() => hasState(q(bob, 'mic-toggle'), 'on'));
    room.memory.clients.get('bob')!.media.configure({ micFailure: 'denied' });
    base(q(bob, 'mic-toggle')).click();
    await until(() => hasState(q(bob, 'mic-toggle'), 'off'));
    base(q(bob, 'mic-toggle')).click();
    await until(() => hasState(q(bob, 'mic-toggle'), 'denied'));
    expect(words(q(bob, 'mic-toggle'))).to.contain('Microphone permission denied');
    await expect(q(bob, 'mic-toggle')).to.be.accessible();
    // no device
    room.memory.clients.get('carol')!.media.configure({ micFailure: null });
    carol.actor.send({ type: 'TAKE_SEAT', seat: 1 });
    await until(() => hasState(q(carol, 'mic-toggle'), 'on'));
    room.memory.clients.get('carol')!.media.configure({ micFailure: 'no-device' });
    base(q(carol, 'mic-toggle')).click();
    await until(() => hasState(q(carol, 'mic-toggle'), 'off'));
    base(q(carol, 'mic-toggle')).click();
    await until(() => hasState(q(carol, 'mic-toggle'), 'no-device'));
    expect(words(q(carol, 'mic-toggle'))).to.contain('No microphone found');
    await expect(q(carol, 'mic-toggle')).to.be.accessible();
  });
});

describe('<invitation-prompt>', () => {
  afterEach(closeRooms);

  async function invited(config = {}) {
    const room = makeRoom({ seatCount: 3, ...config });
    const host = await room.join('alice', 'host', html``);
    const bob = await room.join(
      'bob',
      'audience',
      html`<invitation-prompt></invitation-prompt><mic-seat-grid></mic-seat-grid>`,
    );
    const p = q(bob, 'invitation-prompt') as InvitationPrompt;
    expect(p.hidden).to.equal(true);
    host.actor.send({ type: 'INVITE', userId: 'bob', seat: 1 });
    await until(() => hasState(p, 'pending'));
    return { room, host, bob, p };
  }

  it('pending: who invites, to which seat, time left; accept seats you', async () => {
    const { bob, p } = await invited();
    expect(part(p, 'message')!.textContent).to.equal('Alice invites you to seat 2');
    expect(part(p, 'countdown')!.textContent).to.match(/\d+ sec left/);
    await until(
      () => bob.el.shadowRoot!.querySelector('[part="announcer"]')!.textContent === 'You are invited to speak',
    );
    await expect(p).to.be.accessible();
    const ev = oneEvent(bob.el, 'invitation-accept');
    part<HTMLButtonElement>(p, 'accept')!.click();
    await ev;
    await until(() => bob.snap().context.room!.seats[1]!.userId === 'bob');
    await until(() => p.hidden);
  });

  it('an arriving invitation moves nothing on the page (overlay by default); placement="inline" takes its place in the flow', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html``);
    const bob = await room.join(
      'bob',
      'audience',
      html`<invitation-prompt></invitation-prompt><mic-seat-grid></mic-seat-grid>`,
    );
    const p = q(bob, 'invitation-prompt') as InvitationPrompt;
    const grid = q(bob, 'mic-seat-grid')!;
    await until(() => grid.shadowRoot!.querySelectorAll('mic-seat').length === 4);
    const before = grid.getBoundingClientRect().top;
    host.actor.send({ type: 'INVITE', userId: 'bob', seat: 1 });
    await until(() => hasState(p, 'pending'));
    expect(p.placement).to.equal('overlay');
    expect(part(p, 'base')!.getBoundingClientRect().height).to.be.greaterThan(30);
    expect(grid.getBoundingClientRect().top).to.equal(before);
    // The prompt sits inside the room, over its bottom edge.
    const roomBox = bob.el.getBoundingClientRect();
    const box = part(p, 'base')!.getBoundingClientRect();
    expect(box.bottom).to.be.at.most(roomBox.bottom);
    expect(box.top).to.be.at.least(roomBox.top);
    await expect(p).to.be.accessible();
    p.placement = 'inline';
    await p.updateComplete;
    expect(grid.getBoundingClientRect().top).to.be.greaterThan(before + 30);
  });

  it('decline (keyboard)', async () => {
    const { host, p, bob } = await invited();
    const ev = oneEvent(bob.el, 'invitation-decline');
    part<HTMLButtonElement>(p, 'accept')!.focus();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await ev;
    await until(() => p.hidden);
    await until(() => host.snap().context.room!.seats[1]!.status === 'empty');
  });

  it('withdrawn by the host: says so until dismissed', async () => {
    const { host, p } = await invited();
    const id = Object.keys(host.snap().context.room!.invitations)[0]!;
    host.actor.send({ type: 'CANCEL_INVITATION', invitationId: id });
    await until(() => hasState(p, 'closed'));
    expect(part(p, 'status')!.textContent).to.contain('The invitation was withdrawn');
    await expect(p).to.be.accessible();
    (p.shadowRoot!.querySelector('.actions button') as HTMLButtonElement).click();
    await until(() => p.hidden);
  });

  it('expires', async () => {
    const { p } = await invited({ invitationTimeoutMs: 1000 });
    await until(() => hasState(p, 'closed'), 'expired', 5000);
    expect(part(p, 'status')!.textContent).to.contain('The invitation expired');
  });
});

describe('<connected-users>', () => {
  afterEach(closeRooms);

  it('lists people on seats and listening, logs joins and leaves, moderators invite and remove', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html`<connected-users></connected-users>`);
    const cu = q(host, 'connected-users') as ConnectedUsers;
    await until(() => words(cu).includes('On seats (1)'));
    const bob = await room.join('bob', 'audience', html``);
    await until(() => words(cu).includes('Listening (1)'));
    await until(() => part(cu, 'activity')?.textContent?.includes('Bob joined'));
    await expect(cu).to.be.accessible();
    // invite bob (keyboard): his row's one actions button opens a menu; Invite is its first item
    expect(cu.shadowRoot!.querySelectorAll('[part~="person"] button').length, 'one tab stop per row').to.equal(1);
    const inv = oneEvent(host.el, 'seat-invite');
    part<HTMLButtonElement>(cu, 'actions')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => cu.shadowRoot!.activeElement === part(cu, 'invite'), 'focus on Invite');
    await sendKeys({ press: 'Enter' });
    expect((await inv).detail).to.deep.equal({ seat: 'any', userId: 'bob' });
    await until(() => Object.values(bob.snap().context.invitations).length === 1);
    await until(() => rowAction(cu, 'Bob', 'cancel'));
    bob.actor.send({ type: 'ACCEPT_INVITATION', invitationId: Object.keys(bob.snap().context.invitations)[0]! });
    await until(() => words(cu).includes('On seats (2)'));
    await until(() => part(cu, 'activity')!.textContent!.includes('Bob took seat 1'));
    // carol joins and is removed from the room
    await room.join('carol', 'audience', html``);
    await until(() => words(cu).includes('Listening (1)'));
    const rm = oneEvent(host.el, 'member-remove');
    await until(() => rowAction(cu, 'Carol', 'remove'));
    rowAction(cu, 'Carol', 'remove')!.click();
    expect((await rm).detail).to.deep.equal({ userId: 'carol' });
    await until(() => part(cu, 'activity')!.textContent!.includes('Carol left'));
    await expect(cu).to.be.accessible();
  });
});

describe('<audio-unlock>', () => {
  afterEach(closeRooms);

  it('hidden while audio plays; "tap to listen" while blocked; a tap unlocks', async () => {
    const room = makeRoom();
    await room.join('alice', 'host', html``);
    const ok = await room.join('bob', 'audience', html`<audio-unlock></audio-unlock>`);
    expect((q(ok, 'audio-unlock') as AudioUnlock).hidden).to.equal(true);
    const carol = await room.join('carol', 'audience', html`<audio-unlock></audio-unlock>`, {
      media: { autoplayBlocked: true },
    });
    const au = q(carol, 'audio-unlock');
    await until(() => hasState(au, 'blocked'));
    expect(au.hidden).to.equal(false);
    expect(part(au, 'button')!.textContent).to.contain('Tap to listen');
    await expect(au).to.be.accessible();
    const ev = oneEvent(carol.el, 'audio-unlock');
    part<HTMLButtonElement>(au, 'button')!.focus();
    await sendKeys({ press: 'Space' });
    await ev;
    await until(() => au.hidden);
    expect(carol.snap().context.audioBlocked).to.equal(false);
  });
});

describe('<room-inspector>', () => {
  afterEach(closeRooms);

  it("shows the machines' states and logs their changes", async () => {
    const room = makeRoom();
    await room.join('alice', 'host', html``);
    const bob = await room.join('bob', 'audience', html`<room-inspector open></room-inspector>`);
    const ri = q(bob, 'room-inspector') as RoomInspector;
    await until(() => words(ri).includes('connected'));
    bob.actor.send({ type: 'REQUEST_SEAT' });
    await until(() => words(ri).includes('request → pending'));
    expect(part(ri, 'table')!.textContent).to.contain('pending');
    await expect(ri).to.be.accessible();
  });
});
