import { expect, html, oneEvent } from '@open-wc/testing';
import type { CohostRequestButton } from '@micseat/elements';
import { closeRooms, hasState, holdCommand, holdMic, makeRoom, part, tick, until, type Person } from './helpers.js';

const btnOf = (p: Person) => p.el.querySelector('cohost-request-button')!;
const main = (b: CohostRequestButton) => part<HTMLButtonElement>(b, 'button')!;
const status = (b: CohostRequestButton) => part(b, 'status')!.textContent!.replace(/\s+/g, ' ').trim();
const liveText = (b: CohostRequestButton) => b.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim();

async function setup(config = {}, media = {}) {
  const room = makeRoom({ seatCount: 3, ...config });
  const host = await room.join('alice', 'host', html`<cohost-request-button></cohost-request-button>`);
  const bob = await room.join('bob', 'audience', html`<cohost-request-button></cohost-request-button>`, { media });
  return { room, host, bob, b: btnOf(bob) };
}

describe('<cohost-request-button>', () => {
  afterEach(closeRooms);

  it('idle: "Request to speak"; hidden for the host', async () => {
    const { host, b } = await setup();
    await until(() => main(b)?.textContent!.includes('Request to speak'));
    expect(hasState(b, 'idle')).to.equal(true);
    expect(btnOf(host).hidden).to.equal(true);
    await expect(b).to.be.accessible();
  });

  it('pending: queue position and time left, announced; cancel', async () => {
    const { room, b, bob } = await setup();
    const carol = await room.join('carol', 'audience', html``);
    carol.actor.send({ type: 'REQUEST_SEAT' });
    await until(() => carol.snap().context.request?.getSnapshot().value === 'pending');
    const ev = oneEvent(bob.el, 'seat-request');
    main(b).click();
    expect((await ev).detail).to.deep.equal({ seat: 'any', media: 'audio' });
    await until(() => hasState(b, 'pending'));
    await until(() => status(b).includes('You are number 2'));
    expect(status(b)).to.match(/\d+ sec left|1 min left/);
    await until(() => liveText(b) === 'You are number 2');
    // carol leaves the queue: bob moves up and hears it
    carol.actor.send({ type: 'CANCEL_REQUEST' });
    await until(() => status(b).includes('You are number 1'));
    await until(() => liveText(b) === 'You are number 1');
    expect(main(b).textContent).to.contain('Cancel request');
    await expect(b).to.be.accessible();
    const cancel = oneEvent(bob.el, 'seat-request-cancel');
    main(b).click();
    await cancel;
    await until(() => hasState(b, 'cancelled'));
    expect(status(b)).to.contain('Request cancelled');
    expect(main(b).textContent).to.contain('Request to speak');
    await expect(b).to.be.accessible();
  });

  it('accepted → preparing → on seat → "Leave seat" (and the announcement)', async () => {
    const { host, b, bob } = await setup();
    main(b).click();
    await until(() => hasState(b, 'pending'));
    const req = Object.values(host.snap().context.room!.requests)[0]!;
    host.actor.send({ type: 'ACCEPT_REQUEST', requestId: req.id });
    await until(() => hasState(b, 'on-seat'));
    expect(main(b).textContent).to.contain('Leave seat');
    await until(() => bob.el.shadowRoot!.querySelector('[part="announcer"]')!.textContent === 'Request accepted');
    await expect(b).to.be.accessible();
    const leave = oneEvent(bob.el, 'seat-leave');
    main(b).click();
    expect((await leave).detail).to.deep.equal({ seat: 0 });
    await until(() => hasState(b, 'idle') && !hasState(b, 'on-seat'));
  });

  it('sending: "Sending…" while the request is on its way; a second click sends nothing more', async () => {
    const { room, host, b } = await setup();
    await until(() => main(b)?.textContent!.includes('Request to speak'));
    const { release } = holdCommand(room, 'bob', 'request-seat');
    main(b).click();
    await until(() => hasState(b, 'sending'));
    expect(hasState(b, 'idle')).to.equal(false);
    expect(main(b).textContent).to.contain('Sending…');
    await expect(b).to.be.accessible();
    main(b).click();
    await tick(50);
    expect(Object.keys(host.snap().context.room!.requests)).to.have.length(0);
    release();
    await until(() => hasState(b, 'pending'));
    expect(Object.keys(host.snap().context.room!.requests)).to.have.length(1);
  });

  it('preparing: "Getting your mic ready…" while the browser opens the mic', async () => {
    const { room, host, b } = await setup();
    const { release } = holdMic(room, 'bob');
    main(b).click();
    await until(() => hasState(b, 'pending'));
    host.actor.send({ type: 'ACCEPT_NEXT' });
    await until(() => host.snap().context.room!.seats.some((s) => s.userId === 'bob'));
    await until(() => hasState(b, 'preparing') || hasState(b, 'on-seat'));
    expect(main(b).textContent).to.contain('Getting your mic ready…');
    expect(hasState(b, 'preparing')).to.equal(true);
    await expect(b).to.be.accessible();
    // nothing to do meanwhile: a click neither leaves the seat nor asks again
    main(b).click();
    await tick(50);
    expect(host.snap().context.room!.seats.some((s) => s.userId === 'bob')).to.equal(true);
    release();
    await until(() => hasState(b, 'on-seat'));
  });

  it('rolling back: "The mic failed — giving the seat back…", then the failure in words', async () => {
    const { room, host, b } = await setup({}, { micFailure: 'denied' });
    const { release } = holdCommand(room, 'bob', 'leave-seat');
    main(b).click();
    await until(() => hasState(b, 'pending'));
    host.actor.send({ type: 'ACCEPT_NEXT' });
    await until(() => main(b).textContent!.includes('The mic failed — giving the seat back…'), 'rolling back');
    expect(hasState(b, 'preparing')).to.equal(true);
    expect(hasState(b, 'on-seat')).to.equal(false);
    expect(host.snap().context.room!.seats.some((s) => s.userId === 'bob')).to.equal(true);
    await expect(b).to.be.accessible();
    release();
    await until(() => hasState(b, 'failed'), 'failed');
    expect(status(b)).to.contain('Microphone permission was denied');
    await until(() => host.snap().context.room!.seats.every((s) => s.userId !== 'bob'), 'seat given back');
  });

  it('rejected: a clear message, can ask again', async () => {
    const { host, b } = await setup();
    main(b).click();
    await until(() => hasState(b, 'pending'));
    host.actor.send({ type: 'REJECT_ALL' });
    await until(() => hasState(b, 'rejected'));
    expect(status(b)).to.contain('The host declined your request');
    expect(main(b).getAttribute('aria-disabled')).to.equal('false');
    await expect(b).to.be.accessible();
  });

  it('timeout: nobody answered in time', async () => {
    const { b } = await setup({ requestTimeoutMs: 1000 });
    main(b).click();
    await until(() => hasState(b, 'pending'));
    await until(() => hasState(b, 'timeout'), 'timeout', 5000);
    expect(status(b)).to.contain('Nobody answered in time');
    await expect(b).to.be.accessible();
  });

  it('error: the mic is denied on accept, the seat is given back, the message says why', async () => {
    const { host, b } = await setup({}, { micFailure: 'denied' });
    main(b).click();
    await until(() => hasState(b, 'pending'));
    host.actor.send({ type: 'ACCEPT_NEXT' });
    await until(() => hasState(b, 'failed'), 'failed', 5000);
    expect(status(b)).to.contain('Microphone permission was denied');
    expect(host.snap().context.room!.seats.every((s) => s.userId !== 'bob')).to.equal(true);
    await expect(b).to.be.accessible();
  });

  it('lost race in free mode: "seat just taken — try seat N" with a button', async () => {
    const room = makeRoom({ seatCount: 2 });
    const host = await room.join('alice', 'host', html``);
    host.actor.send({ type: 'SET_MODE', mode: 'free' });
    const bob = await room.join('bob', 'audience', html`<cohost-request-button></cohost-request-button>`);
    const carol = await room.join('carol', 'audience', html``);
    await until(() => bob.snap().context.room!.mode === 'free');
    room.memory.setFaultsFor('bob', { latencyMs: 150 });
    bob.actor.send({ type: 'TAKE_SEAT', seat: 1 });
    carol.actor.send({ type: 'TAKE_SEAT', seat: 1 });
    const b = btnOf(bob);
    await until(() => hasState(b, 'lost-race'));
    expect(status(b)).to.contain('Seat 2 was just taken — try seat 1');
    await expect(b).to.be.accessible();
    part<HTMLButtonElement>(b, 'retry')!.click();
    await until(() => hasState(b, 'on-seat'));
  });

  it('free mode says "Take a seat"; camera choice only when the room allows camera', async () => {
    const { host, b, bob } = await setup({ allowCamera: true });
    host.actor.send({ type: 'SET_MODE', mode: 'free' });
    await until(() => main(b).textContent!.includes('Take a seat'));
    const cam = part(b, 'camera')!.querySelector('input')!;
    cam.click();
    const ev = oneEvent(bob.el, 'seat-request');
    main(b).click();
    expect((await ev).detail).to.deep.equal({ seat: 'any', media: 'audio+camera' });
    await until(() => hasState(b, 'on-seat'));
    await expect(b).to.be.accessible();
  });

  it('no camera choice in an audio-only room; a cancelled event sends nothing', async () => {
    const { b, bob } = await setup();
    await until(() => main(b).textContent!.includes('Request to speak'));
    expect(part(b, 'camera')).to.equal(null);
    bob.el.addEventListener('seat-request', (e) => e.preventDefault(), { once: true });
    main(b).click();
    await tick(100);
    expect(bob.snap().context.request).to.equal(null);
  });

  it('speaks Chinese with lang="zh"', async () => {
    const room = makeRoom({ seatCount: 3 });
    await room.join('alice', 'host', html``);
    const bob = await room.join('bob', 'audience', html`<cohost-request-button></cohost-request-button>`, {
      lang: 'zh-CN',
    });
    const b = btnOf(bob);
    await until(() => main(b).textContent!.includes('申请上麦'));
    main(b).click();
    await until(() => status(b).includes('你排在第 1 位'));
    expect(status(b)).to.match(/剩余 .*(秒|分钟)/);
    await expect(b).to.be.accessible();
  });
});
