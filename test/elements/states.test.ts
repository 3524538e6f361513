/**
 * States the other files did not reach: a seat whose occupant has no microphone or was denied
 * one, the host's place while the host reconnects, and the invitation prompt while the mic is
 * being opened, while the seat is given back, and after it failed.
 *
 * In-between states are held, not raced: the mic is held open the way a browser holds
 * getUserMedia while its permission prompt is up, and a command is held the way a slow
 * network would, until the test lets them go.
 */
import { expect, html, oneEvent } from '@open-wc/testing';
import type { MemoryRoomBackend } from '@micseat/backend-memory';
import type { InvitationPrompt, MicSeat } from '@micseat/elements';
import {
  closeRooms,
  hasState,
  holdCommand,
  holdMic,
  makeRoom,
  part,
  until,
  words,
  type Person,
  type TestRoom,
} from './helpers.js';

const client = (room: TestRoom, id: string) => room.memory.clients.get(id)! as MemoryRoomBackend;

/** `id` sits on `seat` with the mic on, then the mic fails as a browser's would (off, then refused). */
async function seatWithFailingMic(room: TestRoom, p: Person, seat: number, failure: 'denied' | 'no-device') {
  p.actor.send({ type: 'TAKE_SEAT', seat });
  await until(() => p.snap().context.room!.members[p.id]!.mic === 'on', `${p.id} seated, mic on`);
  client(room, p.id).media.configure({ micFailure: failure });
  p.actor.send({ type: 'SET_MIC', on: false });
  await until(() => p.snap().context.room!.members[p.id]!.mic === 'off', `${p.id} mic off`);
  p.actor.send({ type: 'SET_MIC', on: true });
  await until(() => p.snap().context.room!.members[p.id]!.mic === failure, `${p.id} mic ${failure}`);
}

describe('<mic-seat> occupied, mic without a device or without permission', () => {
  afterEach(closeRooms);

  it('the seat itself says "No microphone" / "Mic blocked" and shows the crossed-out mic', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html``);
    host.actor.send({ type: 'SET_MODE', mode: 'free' });
    const viewer = await room.join(
      'vic',
      'audience',
      html`<mic-seat seat="0"></mic-seat><mic-seat seat="1"></mic-seat>`,
    );
    const [s0, s1] = [...viewer.el.querySelectorAll('mic-seat')] as MicSeat[];
    const carol = await room.join('carol', 'audience', html``, { name: 'Carol' });
    const dan = await room.join('dan', 'audience', html``, { name: 'Dan' });
    await until(() => carol.snap().context.room!.mode === 'free' && dan.snap().context.room!.mode === 'free');
    await seatWithFailingMic(room, carol, 0, 'no-device');
    await seatWithFailingMic(room, dan, 1, 'denied');

    for (const [s, name, status, cls] of [
      [s0!, 'Carol', 'No microphone', 'no-device'],
      [s1!, 'Dan', 'Mic blocked', 'denied'],
    ] as const) {
      await until(() => words(part(s, 'status')) === status, `${name}: status "${status}"`);
      expect(hasState(s, 'occupied')).to.equal(true);
      expect(hasState(s, 'mic-off')).to.equal(true);
      expect(hasState(s, 'speaking')).to.equal(false);
      expect(hasState(s, 'muted')).to.equal(false);
      expect(words(part(s, 'name'))).to.equal(name);
      const mic = part(s, 'mic')!;
      expect(mic.classList.contains(cls), `mic icon class ${cls}`).to.equal(true);
      // the crossed-out microphone (its diagonal stroke), not the open one
      expect(mic.querySelector('path[d*="M3 3l18 18"]'), 'mic-off icon').not.to.equal(null);
      expect(mic.getAttribute('aria-hidden')).to.equal('true');
      // the accessible name of the tile carries the seat number, the name and the mic state
      const base = part<HTMLButtonElement>(s, 'base')!;
      const label = words(base);
      expect(label).to.contain(`Seat ${s === s0 ? 1 : 2}:`);
      expect(label).to.contain(name);
      expect(label).to.contain(status);
      expect(base.getAttribute('aria-disabled')).to.equal('true');
      await expect(s).to.be.accessible();
    }

    // the mic comes back: the seat follows
    client(room, 'dan').media.configure({ micFailure: null });
    dan.actor.send({ type: 'SET_MIC', on: true });
    await until(() => words(part(s1!, 'status')) === 'Mic on', 'Dan: mic on again');
    expect(hasState(s1!, 'mic-off')).to.equal(false);
    expect(part(s1!, 'mic')!.querySelector('path[d*="M3 3l18 18"]')).to.equal(null);
  });
});

describe('<mic-seat host> while the host reconnects', () => {
  afterEach(closeRooms);

  it('shows "Reconnecting" with the grace countdown, which moves, then the host again', async () => {
    const room = makeRoom({ seatCount: 2, reconnectGraceMs: 4000 });
    await room.join('alice', 'host', html``, { name: 'Alice' });
    const bob = await room.join('bob', 'audience', html`<mic-seat host></mic-seat>`);
    const s = bob.el.querySelector('mic-seat')!;
    await until(() => hasState(s, 'occupied'));
    expect(hasState(s, 'host')).to.equal(true);
    expect(part(s, 'countdown')).to.equal(null);

    room.memory.drop('alice');
    await until(() => hasState(s, 'reconnecting'), 'host reconnecting');
    expect(hasState(s, 'occupied')).to.equal(false);
    expect(hasState(s, 'host')).to.equal(true);
    // the deadline is the host's grace: 4 s from the drop
    const graceUntil = bob.snap().context.room!.members.alice!.graceUntil;
    expect(graceUntil, 'grace deadline').to.be.a('number');
    const first = words(part(s, 'countdown'));
    expect(words(part(s, 'status'))).to.match(/^Reconnecting [34] sec$/);
    expect(words(part(s, 'name'))).to.equal('Alice');
    expect(words(part(s, 'badge'))).to.equal('Host');
    expect(words(part(s, 'base'))).to.contain('Host: Alice');
    await expect(s).to.be.accessible();
    // the countdown runs on the room clock
    await until(() => words(part(s, 'countdown')) !== first, 'countdown moved', 3000);
    expect(words(part(s, 'status'))).to.match(/^Reconnecting [123] sec$/);

    room.memory.resume('alice');
    await until(() => hasState(s, 'occupied'), 'host back');
    expect(hasState(s, 'reconnecting')).to.equal(false);
    expect(part(s, 'countdown')).to.equal(null);
    expect(words(part(s, 'status'))).to.equal('Mic off');
  });
});

describe('<invitation-prompt> after Join: preparing, rolling back, failed', () => {
  afterEach(closeRooms);

  async function invited(media = {}) {
    const room = makeRoom({ seatCount: 3, invitationTimeoutMs: 60_000 });
    const host = await room.join('alice', 'host', html`<mic-seat seat="1"></mic-seat>`);
    const bob = await room.join('bob', 'audience', html`<invitation-prompt></invitation-prompt>`, { media });
    const p = bob.el.querySelector('invitation-prompt') as InvitationPrompt;
    host.actor.send({ type: 'INVITE', userId: 'bob', seat: 1 });
    await until(() => hasState(p, 'pending'));
    return { room, host, bob, p, hostSeat: host.el.querySelector('mic-seat')! };
  }

  it('preparing: "Getting your mic ready…" while the mic opens, then on the seat', async () => {
    const { room, bob, p, hostSeat } = await invited();
    const mic = holdMic(room, 'bob');
    const ev = oneEvent(bob.el, 'invitation-accept');
    part<HTMLButtonElement>(p, 'accept')!.click();
    await ev;
    await until(() => words(part(p, 'status')) === 'Getting your mic ready…', 'preparing');
    expect(mic.held()).to.equal(true);
    expect(hasState(p, 'preparing')).to.equal(true);
    expect(hasState(p, 'pending')).to.equal(false);
    expect(p.hidden).to.equal(false);
    expect(words(part(p, 'message'))).to.equal('Alice invites you to seat 2');
    // no answer buttons, no countdown, nothing to dismiss while it works
    expect(part(p, 'accept')).to.equal(null);
    expect(part(p, 'decline')).to.equal(null);
    expect(part(p, 'countdown')).to.equal(null);
    expect(p.shadowRoot!.querySelector('button')).to.equal(null);
    // the seat is already Bob's, mic not yet on
    await until(() => hasState(hostSeat, 'occupied'));
    expect(words(part(hostSeat, 'status'))).to.equal('Mic off');
    await expect(p).to.be.accessible();
    mic.release();
    await until(() => p.hidden, 'prompt gone once seated');
    await until(() => words(part(hostSeat, 'status')) === 'Mic on');
    expect(hasState(p, 'preparing')).to.equal(false);
  });

  it('rolling back, then failed: the mic was denied, the seat is given back, the message says why', async () => {
    const { room, host, p, hostSeat } = await invited({ micFailure: 'denied' });
    const leave = holdCommand(room, 'bob', 'leave-seat');
    part<HTMLButtonElement>(p, 'accept')!.click();
    await until(() => words(part(p, 'status')) === 'The mic failed — giving the seat back…', 'rolling back');
    expect(leave.held()).to.equal(true);
    expect(hasState(p, 'preparing')).to.equal(true);
    expect(hasState(p, 'closed')).to.equal(false);
    expect(p.shadowRoot!.querySelector('button')).to.equal(null);
    // still on the seat, and the room knows why the mic is off
    await until(() => words(part(hostSeat, 'status')) === 'Mic blocked');
    await expect(p).to.be.accessible();

    leave.release();
    await until(() => hasState(p, 'closed'), 'failed');
    expect(hasState(p, 'preparing')).to.equal(false);
    expect(words(part(p, 'status'))).to.equal('Could not join: Microphone permission was denied.');
    expect(words(part(p, 'message'))).to.equal('Alice invites you to seat 2');
    await until(() => hasState(hostSeat, 'empty'), 'seat given back');
    expect(host.snap().context.room!.seats[1]!.userId).to.equal(null);
    await expect(p).to.be.accessible();
    // shown until dismissed
    const close = part<HTMLButtonElement>(p, 'close')!;
    expect(words(close)).to.equal('Close');
    close.click();
    await until(() => p.hidden, 'dismissed');
  });

  it('failed with no microphone at all', async () => {
    const { p, hostSeat } = await invited({ micFailure: 'no-device' });
    part<HTMLButtonElement>(p, 'accept')!.click();
    await until(() => hasState(p, 'closed'), 'failed');
    expect(words(part(p, 'status'))).to.equal('Could not join: No microphone was found.');
    await until(() => hasState(hostSeat, 'empty'), 'seat given back');
    await expect(p).to.be.accessible();
  });
});

describe('<mic-toggle> while the mic is opening', () => {
  afterEach(closeRooms);

  it('busy: aria-busy, a second click asks nothing more, then on', async () => {
    const room = makeRoom({ seatCount: 2 });
    const host = await room.join('alice', 'host', html`<mic-toggle></mic-toggle>`);
    const t = host.el.querySelector('mic-toggle')!;
    await until(() => hasState(t, 'off'));
    const mic = holdMic(room, 'alice');
    const base = part<HTMLButtonElement>(t, 'base')!;
    let asked = 0;
    host.el.addEventListener('mic-change', () => asked++);
    base.click();
    await until(() => hasState(t, 'busy'), 'busy');
    expect(mic.held()).to.equal(true);
    expect(base.getAttribute('aria-busy')).to.equal('true');
    expect(hasState(t, 'off')).to.equal(true);
    await expect(t).to.be.accessible();
    base.click();
    expect(asked).to.equal(1);
    mic.release();
    await until(() => hasState(t, 'on') && !hasState(t, 'busy'), 'on');
    expect(base.getAttribute('aria-busy')).to.equal('false');
    expect(base.getAttribute('aria-checked')).to.equal('true');
  });
});

describe('<connected-users> for a listener, and in an empty room', () => {
  afterEach(closeRooms);

  it('a listener sees who is on the seats and who listens, with no invite or remove buttons', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html``);
    host.actor.send({ type: 'SET_MODE', mode: 'free' });
    const bob = await room.join('bob', 'audience', html``);
    await until(() => bob.snap().context.room!.mode === 'free');
    bob.actor.send({ type: 'TAKE_SEAT', seat: 1 });
    const vic = await room.join('vic', 'audience', html`<connected-users></connected-users>`, { name: 'Vic' });
    const cu = vic.el.querySelector('connected-users')!;
    await until(
      () => words(cu.shadowRoot).includes('On seats (2)') && words(cu.shadowRoot).includes('Listening (1)'),
      'sections',
    );
    const people = [...cu.shadowRoot!.querySelectorAll('[part~="person"]')].map((p) => words(p));
    expect(people).to.have.length(3);
    expect(people[0]).to.contain('Alice').and.to.contain('Host');
    expect(people[1]).to.contain('Bob').and.to.contain('Seat 2');
    expect(people[2]).to.contain('Vic (you)');
    expect(cu.shadowRoot!.querySelector('[part~="invite"], [part~="remove"], [part~="cancel"]')).to.equal(null);
    await expect(cu).to.be.accessible();
    // someone joins and leaves: the listener's log says so too
    const carol = await room.join('carol', 'audience', html``);
    await until(() => words(part(cu, 'activity')).includes('Carol joined'));
    carol.actor.send({ type: 'LEAVE_ROOM' });
    await until(() => words(part(cu, 'activity')).includes('Carol left'));
    expect(cu.shadowRoot!.querySelector('[part~="invite"], [part~="remove"], [part~="cancel"]')).to.equal(null);
  });

  it('the host alone: "Nobody yet" under Listening, nobody else in the log', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html`<connected-users></connected-users>`);
    const cu = host.el.querySelector('connected-users')!;
    await until(
      () => words(cu.shadowRoot).includes('On seats (1)') && words(cu.shadowRoot).includes('Listening (0)'),
      'sections',
    );
    const nobody = cu.shadowRoot!.querySelectorAll('[part~="nobody"]');
    expect(nobody).to.have.length(1);
    expect(words(nobody[0])).to.equal('Nobody yet');
    // (the log may hold your own arrival; nobody else's)
    expect(words(part(cu, 'activity')).replace('Alice joined', '')).not.to.match(/joined|left|took/);
    await expect(cu).to.be.accessible();
  });
});
