import { expect, html, oneEvent } from '@open-wc/testing';
import type { MicSeat } from '@micseat/elements';
import {
  MicseatElement,
  MicSeat as MicSeatClass,
  MicSeatGrid,
  CohostRequestButton,
  RequestList,
  RoomModeToggle,
  MicToggle,
  InvitationPrompt,
  ConnectedUsers,
  AudioUnlock,
  RoomInspector,
  MicseatRoom,
} from '@micseat/elements';
import { closeRooms, hasState, makeRoom, part, until } from './helpers.js';

const menuItems = (s: MicSeat) => [...s.shadowRoot!.querySelectorAll<HTMLElement>('[part~="menu-item"]')];
const menuItem = (s: MicSeat, text: string) => menuItems(s).find((b) => b.textContent!.trim() === text);

describe('<mic-seat> on its own, speaker menu, moderator extras', () => {
  afterEach(closeRooms);

  it("works alone inside a room; a speaker's own seat menu leaves or moves", async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html``);
    host.actor.send({ type: 'SET_MODE', mode: 'free' });
    const bob = await room.join('bob', 'audience', html`<mic-seat seat="1"></mic-seat><mic-seat seat="2"></mic-seat>`);
    const [s1, s2] = [...bob.el.querySelectorAll('mic-seat')] as MicSeat[];
    await until(() => part(s1!, 'base')!.textContent!.includes('Take seat 2'));
    part<HTMLButtonElement>(s1!, 'base')!.click();
    await until(() => hasState(s1!, 'me'));
    await expect(s1!).to.be.accessible();
    // tapping another empty seat moves me there
    expect(part(s2!, 'base')!.textContent).to.contain('Move to seat 3');
    const sw = oneEvent(bob.el, 'seat-switch');
    part<HTMLButtonElement>(s2!, 'base')!.click();
    expect((await sw).detail).to.deep.equal({ from: 1, to: 2, userId: 'bob' });
    await until(() => hasState(s2!, 'me') && hasState(s1!, 'empty'));
    // my own seat opens my menu: Leave seat
    part<HTMLButtonElement>(s2!, 'base')!.click();
    await until(() => menuItem(s2!, 'Leave seat'));
    await expect(s2!).to.be.accessible();
    const leave = oneEvent(bob.el, 'seat-leave');
    menuItem(s2!, 'Leave seat')!.click();
    expect((await leave).detail).to.deep.equal({ seat: 2 });
    await until(() => hasState(s2!, 'empty'));
  });

  it('host cancels the invitation holding a reserved seat from its menu; a cohost can take a seat', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html`<mic-seat seat="0"></mic-seat>`);
    const zoe = await room.join('zoe', 'audience', html`<mic-seat seat="1"></mic-seat>`);
    await room.join('bob', 'audience', html``);
    host.actor.send({ type: 'INVITE', userId: 'bob', seat: 0 });
    const s0 = host.el.querySelector('mic-seat')!;
    await until(() => hasState(s0, 'reserved'));
    part<HTMLButtonElement>(s0, 'base')!.click();
    await until(() => menuItem(s0, 'Cancel invitation'));
    const ev = oneEvent(host.el, 'invitation-cancel');
    menuItem(s0, 'Cancel invitation')!.click();
    await ev;
    await until(() => hasState(s0, 'empty'));
    // cohost: request mode, yet a cohost takes a seat directly from the menu
    host.actor.send({ type: 'SET_COHOST', userId: 'zoe', cohost: true });
    const z1 = zoe.el.querySelector('mic-seat')!;
    await until(() => zoe.snap().context.room!.members.zoe!.role === 'cohost');
    part<HTMLButtonElement>(z1, 'base')!.click();
    await until(() => menuItem(z1, 'Take this seat'));
    menuItem(z1, 'Take this seat')!.click();
    await until(() => hasState(z1, 'me'));
  });

  it('no leaks: removing elements unsubscribes them from the room actor', async () => {
    const room = makeRoom({ seatCount: 9 });
    const host = await room.join('alice', 'host', html`<div id="ui"></div>`);
    const observers = () => (host.actor as unknown as { observers: Set<unknown> }).observers.size;
    const before = observers();
    const ui = host.el.querySelector<HTMLElement>('#ui')!;
    const { render } = await import('lit');
    render(
      html`<mic-seat-grid></mic-seat-grid><cohost-request-button></cohost-request-button><request-list></request-list><room-mode-toggle></room-mode-toggle>
        <mic-toggle></mic-toggle><invitation-prompt></invitation-prompt><connected-users></connected-users><audio-unlock></audio-unlock><room-inspector open></room-inspector>`,
      ui,
    );
    await until(() => ui.querySelector('mic-seat-grid')!.shadowRoot!.querySelectorAll('mic-seat').length === 10);
    expect(observers()).to.be.greaterThan(before + 20);
    render(html``, ui);
    await until(() => observers() === before, 'all unsubscribed');
  });

  it('design tokens: every private variable used is defined, and every defined one is used', () => {
    const classes = [
      MicseatRoom,
      MicSeatClass,
      MicSeatGrid,
      CohostRequestButton,
      RequestList,
      RoomModeToggle,
      MicToggle,
      InvitationPrompt,
      ConnectedUsers,
      AudioUnlock,
      RoomInspector,
    ];
    const cssOf = (c: { styles?: unknown }) =>
      ([c.styles].flat(Infinity as 1) as { cssText?: string }[]).map((s) => s?.cssText ?? '').join('\n');
    const all = classes.map(cssOf).join('\n');
    const defined = new Set([...all.matchAll(/(--_[\w-]+)\s*:/g)].map((m) => m[1]!));
    const used = new Set([...all.matchAll(/var\((--_[\w-]+)/g)].map((m) => m[1]!));
    // set inline by the elements at run time
    for (const v of ['--_level', '--_hue', '--_columns']) defined.add(v);
    const undefinedVars = [...used].filter((v) => !defined.has(v));
    const unused = [...defined].filter((v) => !used.has(v));
    expect(undefinedVars, 'used but never defined').to.deep.equal([]);
    expect(unused, 'defined but never used').to.deep.equal([]);
    void MicseatElement;
  });
});
