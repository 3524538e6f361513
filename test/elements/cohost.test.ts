import { expect, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ConnectedUsers, InvitationPrompt, RequestList } from '@micseat/elements';
import {
  closeRooms,
  hasState,
  ignoreResizeObserverLoop,
  makeRoom,
  part,
  rowAction,
  tick,
  until,
  type Person,
} from './helpers.js';

const usersOf = (p: Person) => p.el.querySelector('connected-users')! as ConnectedUsers;
const listOf = (p: Person) => p.el.querySelector('request-list')! as RequestList;
const words = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();
const rowOf = (cu: ConnectedUsers, name: string) =>
  [...cu.shadowRoot!.querySelectorAll<HTMLElement>('[part~="person"]')].find((r) =>
    r.querySelector('[part~="name"]')!.textContent!.startsWith(name),
  )!;
const cohostButton = (cu: ConnectedUsers, name: string) => rowAction(cu, name, 'cohost');
const roleOf = (p: Person, id: string) => p.snap().context.room?.members[id]?.role;
const panel = html`<connected-users></connected-users><request-list></request-list>`;

describe('<connected-users> co-host action', () => {
  before(ignoreResizeObserverLoop);
  afterEach(closeRooms);

  it('the host makes a listener co-host by clicking: everyone sees it, and the co-host can accept requests', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', panel);
    const bob = await room.join('bob', 'audience', panel);
    const carol = await room.join('carol', 'audience', panel);
    const hu = usersOf(host);
    await until(() => cohostButton(hu, 'Bob'));
    const button = cohostButton(hu, 'Bob')!;
    expect(button.textContent!.trim()).to.equal('Make co-host');
    expect(button.getAttribute('aria-label')).to.equal('Make co-host: Bob');
    await expect(hu).to.be.accessible();
    expect(listOf(bob).hidden).to.equal(true);

    const ev = oneEvent(host.el, 'cohost-change');
    button.click();
    const e = await ev;
    expect(e.detail).to.deep.equal({ userId: 'bob', cohost: true });
    expect(e.cancelable && e.bubbles && e.composed).to.equal(true);
    for (const p of [host, bob, carol]) await until(() => roleOf(p, 'bob') === 'cohost', `${p.id} sees bob as co-host`);
    // the badge, in every member's list
    for (const p of [host, bob, carol])
      await until(() => rowOf(usersOf(p), 'Bob').querySelector('[part~="meta"]')!.textContent!.includes('Co-host'));
    // the button flips
    await until(() => cohostButton(hu, 'Bob')?.textContent?.trim() === 'Remove co-host');
    expect(cohostButton(hu, 'Bob')!.getAttribute('aria-label')).to.equal('Remove co-host: Bob');
    await expect(hu).to.be.accessible();

    // the co-host sees the request list and accepts Carol's request with it
    const bl = listOf(bob);
    await until(() => !bl.hidden);
    bl.scrollIntoView(); // three rooms on one page: the virtualized list renders rows only when in view
    carol.actor.send({ type: 'REQUEST_SEAT' });
    await until(() => part(bl, 'accept'));
    const accept = oneEvent(bob.el, 'request-accept');
    part<HTMLButtonElement>(bl, 'accept')!.click();
    await accept;
    await until(() => host.snap().context.room!.seats.some((s) => s.userId === 'carol'));
    await expect(bl).to.be.accessible();
  });

  it('the host removes a co-host (keyboard); the request list hides again', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', panel);
    const bob = await room.join('bob', 'audience', panel);
    const announcer = (p: typeof bob) => p.el.shadowRoot!.querySelector('[part="announcer"]')!.textContent;
    host.actor.send({ type: 'SET_COHOST', userId: 'bob', cohost: true });
    await until(() => roleOf(bob, 'bob') === 'cohost');
    // The person is told, in the room's polite live region.
    await until(() => announcer(bob) === 'You are now a co-host: you can answer requests');
    const hu = usersOf(host);
    await until(() => cohostButton(hu, 'Bob')?.textContent!.trim() === 'Remove co-host');
    await until(() => !listOf(bob).hidden);
    const ev = oneEvent(host.el, 'cohost-change');
    cohostButton(hu, 'Bob')!.focus();
    await sendKeys({ press: 'Enter' });
    expect((await ev).detail).to.deep.equal({ userId: 'bob', cohost: false });
    await until(() => roleOf(host, 'bob') === 'audience' && roleOf(bob, 'bob') === 'audience');
    await until(() => cohostButton(hu, 'Bob')?.textContent?.trim() === 'Make co-host');
    expect(rowOf(hu, 'Bob').querySelector('[part~="meta"]')!.textContent).not.to.contain('Co-host');
    await until(() => listOf(bob).hidden);
    await until(() => announcer(bob) === 'You are no longer a co-host');
  });

  it('listeners and co-hosts never see the action; the host has none for themself', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', panel);
    const bob = await room.join('bob', 'audience', panel);
    const carol = await room.join('carol', 'audience', panel);
    const hu = usersOf(host);
    const bu = usersOf(bob);
    await until(() => cohostButton(hu, 'Carol') && words(bu).includes('Carol'));
    expect(bu.shadowRoot!.querySelector('[part~="cohost"]')).to.equal(null);
    expect(cohostButton(hu, 'Alice')).to.equal(null);
    await expect(bu).to.be.accessible();
    // a co-host moderates, but appointing co-hosts is the host's alone
    host.actor.send({ type: 'SET_COHOST', userId: 'bob', cohost: true });
    await until(() => roleOf(bob, 'bob') === 'cohost');
    await until(() => rowAction(bu, 'Carol', 'invite'));
    expect(bu.shadowRoot!.querySelector('[part~="cohost"]')).to.equal(null);
    expect(usersOf(carol).shadowRoot!.querySelector('[part~="cohost"]')).to.equal(null);
  });

  it('a cancelled cohost-change changes nothing', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', panel);
    await room.join('bob', 'audience', html``);
    const hu = usersOf(host);
    await until(() => cohostButton(hu, 'Bob'));
    host.el.addEventListener('cohost-change', (e) => e.preventDefault(), { once: true });
    cohostButton(hu, 'Bob')!.click();
    await tick(150);
    expect(roleOf(host, 'bob')).to.equal('audience');
    await until(() => cohostButton(hu, 'Bob'));
    expect(cohostButton(hu, 'Bob')!.textContent!.trim()).to.equal('Make co-host');
    // The same click, not cancelled this time, does change it (so the wait above was long enough).
    cohostButton(hu, 'Bob')!.click();
    await until(() => roleOf(host, 'bob') === 'cohost');
  });

  it('speaks Chinese, with full-width punctuation', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', panel, { lang: 'zh' });
    await room.join('bob', 'audience', html``);
    const hu = usersOf(host);
    await until(() => cohostButton(hu, 'Bob'));
    expect(cohostButton(hu, 'Bob')!.textContent!.trim()).to.equal('设为管理员');
    expect(cohostButton(hu, 'Bob')!.getAttribute('aria-label')).to.equal('设为管理员：Bob');
    expect(words(hu)).to.contain('麦上（1）');
    expect(words(hu)).to.contain('收听中（1）');
    await expect(hu).to.be.accessible();
  });
});

describe('<invitation-prompt> announces the outcome', () => {
  afterEach(closeRooms);

  async function invited(config = {}) {
    const room = makeRoom({ seatCount: 3, ...config });
    const host = await room.join('alice', 'host', html``);
    const bob = await room.join('bob', 'audience', html`<invitation-prompt></invitation-prompt>`);
    const p = bob.el.querySelector('invitation-prompt')! as InvitationPrompt;
    host.actor.send({ type: 'INVITE', userId: 'bob', seat: 1 });
    await until(() => hasState(p, 'pending'));
    // the live region is there, empty, before anything is said in it
    const region = part(p, 'status')!;
    expect(region.getAttribute('role')).to.equal('status');
    expect(region.getAttribute('aria-live')).to.equal('polite');
    expect(region.textContent!.trim()).to.equal('');
    return { host, bob, p, region };
  }

  it('"withdrawn" is said in the same live region when the host withdraws it', async () => {
    const { host, p, region } = await invited();
    const id = Object.keys(host.snap().context.room!.invitations)[0]!;
    host.actor.send({ type: 'CANCEL_INVITATION', invitationId: id });
    await until(() => hasState(p, 'closed'));
    expect(part(p, 'status')).to.equal(region);
    expect(region.textContent).to.contain('The invitation was withdrawn');
    await expect(p).to.be.accessible();
    part<HTMLButtonElement>(p, 'close')!.click();
    await until(() => p.hidden);
  });

  it('"expired" is said in the same live region when it times out', async () => {
    const { p, region } = await invited({ invitationTimeoutMs: 1000 });
    await until(() => hasState(p, 'closed'), 'expired', 5000);
    expect(part(p, 'status')).to.equal(region);
    expect(region.textContent).to.contain('The invitation expired');
    await expect(p).to.be.accessible();
  });
});

describe('parts and error messages', () => {
  afterEach(closeRooms);

  it('"Nobody yet" has a part; a refused action shows a localized message with a Close part', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html`<connected-users></connected-users>`);
    const hu = usersOf(host);
    await until(() => part(hu, 'nobody'));
    expect(part(hu, 'nobody')!.textContent).to.equal('Nobody yet');
    // not-member had no text of its own before; now every error code has one
    host.actor.send({ type: 'SET_COHOST', userId: 'ghost', cohost: true });
    const error = () => host.el.shadowRoot!.querySelector<HTMLElement>('[part~="error"]');
    await until(() => error());
    expect(error()!.textContent).to.contain('That person is not in the room.');
    await expect(host.el).to.be.accessible();
    host.el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="error-close"]')!.click();
    await until(() => !error());
  });

  it('the same in Chinese', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html``, { lang: 'zh' });
    host.actor.send({ type: 'SET_COHOST', userId: 'ghost', cohost: true });
    const error = () => host.el.shadowRoot!.querySelector<HTMLElement>('[part~="error"]');
    await until(() => error());
    expect(error()!.textContent).to.contain('此人不在房间内。');
    expect(host.el.shadowRoot!.querySelector('[part~="error-close"]')!.textContent).to.equal('关闭');
  });
});
