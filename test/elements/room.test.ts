import { expect, fixture, html } from '@open-wc/testing';
import { createMemoryRoom } from '@micseat/backend-memory';
import type { MicseatRoom } from '@micseat/elements';
import { closeRooms, hasState, makeRoom, part, tick, until } from './helpers.js';

const banner = (el: MicseatRoom) => part(el, 'connection')?.textContent?.trim() ?? null;
const announced = (el: MicseatRoom) => part(el, 'announcer')!.textContent;

describe('<micseat-room>', () => {
  afterEach(closeRooms);

  it('shows connecting, reconnecting (and recovers), and is accessible meanwhile', async () => {
    const room = makeRoom();
    await room.join('alice', 'host', html``);
    room.memory.setFaults({ latencyMs: 300 });
    const backend = room.memory.join('bob', 'audience');
    const el = await fixture<MicseatRoom>(
      html`<micseat-room .backend=${backend} name="Bob"><mic-seat-grid></mic-seat-grid></micseat-room>`,
    );
    await until(() => banner(el) === 'Connecting…');
    await expect(el).to.be.accessible();
    await until(() => hasState(el, 'connected'), 'connected', 8000);
    expect(banner(el)).to.equal(null);
    room.memory.setFaults({});
    room.memory.drop('bob');
    await until(() => banner(el) === 'Reconnecting…');
    expect(hasState(el, 'reconnecting')).to.equal(true);
    room.memory.resume('bob');
    await until(() => banner(el) === null && hasState(el, 'connected'));
  });

  it('announces removal from the room and the end of the room', async () => {
    const room = makeRoom();
    const host = await room.join('alice', 'host', html``);
    const bob = await room.join('bob', 'audience', html`<cohost-request-button></cohost-request-button>`);
    const carol = await room.join('carol', 'audience', html``);
    host.actor.send({ type: 'REMOVE_MEMBER', userId: 'bob' });
    await until(() => announced(bob.el) === 'You were removed from the room');
    await until(() => banner(bob.el) === 'Disconnected');
    host.actor.send({ type: 'LEAVE_ROOM' });
    await until(() => announced(carol.el) === 'The room has ended');
    await until(() => banner(carol.el) === 'The room has ended');
    expect(hasState(carol.el, 'ended')).to.equal(true);
    await expect(carol.el).to.be.accessible();
  });

  it('one actor per backend: moving the element keeps it, a new backend replaces it for every consumer', async () => {
    const memory = createMemoryRoom();
    const el = await fixture<MicseatRoom>(
      html`<micseat-room .backend=${memory.join('alice', 'host')} name="Alice"><room-mode-toggle></room-mode-toggle></micseat-room>`,
    );
    await until(() => hasState(el, 'connected'));
    const first = el.actor;
    const toggle = el.querySelector('room-mode-toggle')!;
    expect(toggle.actor === first).to.equal(true);
    const other = document.createElement('div');
    document.body.append(other);
    other.append(el);
    await tick(20);
    expect(el.actor === first).to.equal(true);
    expect(first!.getSnapshot().status).to.equal('active');
    const memory2 = createMemoryRoom();
    el.backend = memory2.join('zed', 'host');
    await until(() => el.actor !== first && hasState(el, 'connected'));
    expect(first!.getSnapshot().status).to.equal('stopped');
    await until(() => toggle.actor === el.actor);
    el.remove();
    await tick(20);
    expect(el.actor).to.equal(undefined);
    other.remove();
    memory.close();
    memory2.close();
  });
});

describe('<micseat-room> errors', () => {
  afterEach(closeRooms);

  it('shows a refused action in words until closed', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html``);
    const bob = await room.join('bob', 'audience', html`<mic-seat-grid></mic-seat-grid>`);
    host.actor.send({ type: 'SET_COHOST', userId: 'bob', cohost: true });
    await until(() => bob.snap().context.room!.members.bob!.role === 'cohost');
    // a co-host may not change the room mode: the authority refuses, the room says so
    bob.actor.send({ type: 'SET_MODE', mode: 'free' });
    await until(() => part(bob.el, 'error'));
    expect(part(bob.el, 'error')!.textContent).to.contain('You are not allowed to do that.');
    await until(() => announced(bob.el) === 'You are not allowed to do that.');
    await expect(bob.el).to.be.accessible();
    part(bob.el, 'error')!.querySelector('button')!.click();
    await until(() => !part(bob.el, 'error'));
  });
});

describe('<micseat-room> stays connected', () => {
  it('given its backend before it is in the page (as a Lit template does), it joins once and stays connected', async () => {
    const { createMemoryRoom } = await import('@micseat/backend-memory');
    const memory = createMemoryRoom();
    // A short command timeout: a second, unanswered join would turn into "disconnected" quickly.
    const backend = memory.join('ann', 'host', { commandTimeoutMs: 400 });
    let connects = 0;
    const connect = backend.connect.bind(backend);
    backend.connect = (o) => (connects++, connect(o));
    const el = await fixture<MicseatRoom>(html`<micseat-room .backend=${backend} name="Ann"></micseat-room>`);
    await until(() => el.actor?.getSnapshot().value === 'connected', 'connected');
    await new Promise((r) => setTimeout(r, 900));
    expect(el.actor!.getSnapshot().value).to.equal('connected');
    expect(backend.status).to.equal('connected');
    expect(connects).to.equal(1);
    memory.close();
  });

  it('a backend connected a second time (a new room actor on the same backend) connects again', async () => {
    const { createMemoryRoom } = await import('@micseat/backend-memory');
    const memory = createMemoryRoom();
    const backend = memory.join('ann', 'host', { commandTimeoutMs: 400 });
    expect((await backend.connect({ name: 'Ann' })).ok).to.equal(true);
    const again = await backend.connect({ name: 'Ann' });
    expect(again.ok, JSON.stringify(again)).to.equal(true);
    await new Promise((r) => setTimeout(r, 600));
    expect(backend.status).to.equal('connected');
    memory.close();
  });

  it('two connects at once share one answer and leave the backend connected', async () => {
    const { createMemoryRoom } = await import('@micseat/backend-memory');
    const memory = createMemoryRoom();
    const backend = memory.join('ann', 'host', { commandTimeoutMs: 400 });
    const [a, b] = await Promise.all([backend.connect({ name: 'Ann' }), backend.connect({ name: 'Ann' })]);
    expect([a.ok, b.ok]).to.deep.equal([true, true]);
    await new Promise((r) => setTimeout(r, 600));
    expect(backend.status).to.equal('connected');
    memory.close();
  });
});

describe('<micseat-room> removed from the page', () => {
  afterEach(closeRooms);

  it('releases its connection (the member leaves for the others); put back, it joins again', async () => {
    const room = makeRoom({ reconnectGraceMs: 200 });
    const host = await room.join('alice', 'host', html``);
    const bob = await room.join('bob', 'audience', html`<mic-seat-grid></mic-seat-grid>`);
    const backend = bob.el.backend!;
    const members = () => host.snap().context.room!.members;
    await until(() => members().bob?.connected === true, 'bob in the room');
    const parent = bob.el.parentElement!;
    bob.el.remove();
    await until(() => backend.status === 'disconnected', "bob's backend disconnected");
    await until(() => !members().bob, 'bob gone for the host', 8000);
    expect(bob.el.actor).to.equal(undefined);
    parent.append(bob.el);
    await until(() => hasState(bob.el, 'connected'), 'bob connected again', 8000);
    await until(() => members().bob?.connected === true, 'bob back for the host');
  });

  it('keeps a backend that another room element still uses', async () => {
    const room = makeRoom();
    const host = await room.join('alice', 'host', html``);
    const backend = host.el.backend!;
    const second = await fixture<MicseatRoom>(html`<micseat-room .backend=${backend} name="Alice"></micseat-room>`);
    await until(() => hasState(second, 'connected'));
    second.remove();
    await tick(50);
    expect(backend.status).to.equal('connected');
    expect(hasState(host.el, 'connected')).to.equal(true);
  });
});
