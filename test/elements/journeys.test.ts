/**
 * Journeys through both UIs, by clicks only (no actor.send shortcut): what a host and a listener
 * do and see, end to end, on a real in-memory room.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { CohostRequestButton, MicSeat, MicseatRoom, RequestList } from '@micseat/elements';
import { closeRooms, hasState, holdMic, makeRoom, part, until, words } from './helpers.js';

const rows = (l: RequestList) => [...l.shadowRoot!.querySelectorAll<HTMLElement>('[part~="row"]')];
const seatsOf = (root: MicseatRoom) =>
  [...root.querySelector('mic-seat-grid')!.shadowRoot!.querySelectorAll('mic-seat')] as MicSeat[];

describe('main journey, by clicks', () => {
  afterEach(closeRooms);

  it("listener asks → host's list → Accept → listener's seat: (you), mic on, the wave moving", async () => {
    const room = makeRoom({ seatCount: 4 });
    const ui = html`<mic-seat-grid></mic-seat-grid><cohost-request-button></cohost-request-button><request-list></request-list>`;
    const host = await room.join('alice', 'host', ui);
    const bob = await room.join('bob', 'audience', ui, { name: 'Bob' });
    const button = bob.el.querySelector('cohost-request-button') as CohostRequestButton;
    const list = host.el.querySelector('request-list') as RequestList;

    // The listener taps "Request to speak" and sees that they wait.
    await until(() => words(part(button, 'button')) === 'Request to speak');
    part<HTMLButtonElement>(button, 'button')!.click();
    await until(() => hasState(button, 'pending'), 'listener pending');
    expect(words(part(button, 'status'))).to.contain('You are number 1');

    // The host sees Bob in the queue and taps Accept on his row.
    await until(() => rows(list).length === 1, "Bob's row in the host's list");
    const row = rows(list)[0]!;
    expect(words(row)).to.contain('Bob');
    row.querySelector<HTMLButtonElement>('[part~="accept"]')!.click();

    // The listener is on a seat: "(you)", mic on, and the wave follows their voice.
    await until(() => hasState(button, 'on-seat'), 'listener on seat', 8000);
    const mine = () => seatsOf(bob.el).find((s) => hasState(s, 'me'));
    await until(() => mine(), "the listener's seat");
    const seat = mine()!;
    expect(words(part(seat, 'name'))).to.equal('Bob (you)');
    await until(() => words(part(seat, 'status')) === 'Mic on', 'mic on');
    expect(part(seat, 'mic')!.classList.contains('on')).to.equal(true);
    await until(() => hasState(seat, 'speaking'), 'speaking', 8000);
    const levels = new Set<string>();
    await until(
      () => {
        levels.add(part(seat, 'avatar')!.style.getPropertyValue('--_level'));
        return [...levels].filter((l) => Number(l) > 0).length >= 3;
      },
      'the wave moves with the level',
      8000,
    );
    // The host sees the same: Bob on that seat, and an empty queue.
    await until(() => rows(list).length === 0, 'queue empty');
    const onHost = seatsOf(host.el)[seat.seat + 1]!;
    await until(() => words(part(onHost, 'name')) === 'Bob');
  });
});

describe('a listener who reloads mid-request', () => {
  afterEach(closeRooms);

  it('sees "pending" again (rebuilt from the room), then goes through preparing to the seat when accepted', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html`<request-list></request-list>`);
    const first = await room.join('bob', 'audience', html`<cohost-request-button></cohost-request-button>`);
    const b1 = first.el.querySelector('cohost-request-button')!;
    part<HTMLButtonElement>(b1, 'button')!.click();
    await until(() => hasState(b1, 'pending'));
    const list = host.el.querySelector('request-list')!;
    await until(() => rows(list).length === 1);

    // Reload: the page goes (its element, its actor, its connection: the transport closes with
    // no "leave"); a new page joins as bob.
    const oldBackend = first.el.backend!;
    first.el.remove();
    await oldBackend.disconnect();
    const again = await room.join('bob', 'audience', html`<cohost-request-button></cohost-request-button>`);
    const b2 = again.el.querySelector('cohost-request-button')!;
    await until(() => hasState(b2, 'pending'), 'pending again after the reload');
    expect(words(part(b2, 'status'))).to.contain('You are number 1');
    expect(words(part(b2, 'button'))).to.contain('Cancel request');
    expect(rows(list).length, 'still one request at the host').to.equal(1);

    const seen: string[] = [];
    again.snap().context.request!.subscribe((s) => seen.push(String(s.value)));
    rows(list)[0]!.querySelector<HTMLButtonElement>('[part~="accept"]')!.click();
    await until(() => hasState(b2, 'on-seat'), 'on seat', 8000);
    expect(seen, 'preparing, then on the seat').to.include.members(['preparing', 'onSeat']);
    expect(again.snap().context.request?.getSnapshot().value).to.equal('onSeat');
    await until(() => again.snap().context.room!.members.bob!.mic === 'on', 'prepared: mic on');
  });
});

describe('a listener who reloads while their mic is being prepared', () => {
  afterEach(closeRooms);

  it('sees "preparing" again (rebuilt from the room), then sits with the mic on', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html`<request-list></request-list>`);
    const first = await room.join('bob', 'audience', html`<cohost-request-button></cohost-request-button>`);
    const b1 = first.el.querySelector('cohost-request-button')!;
    // The browser's permission prompt: opening the mic waits for the person.
    const prompt = holdMic(room, 'bob');
    part<HTMLButtonElement>(b1, 'button')!.click();
    const list = host.el.querySelector('request-list')!;
    await until(() => rows(list).length === 1);
    rows(list)[0]!.querySelector<HTMLButtonElement>('[part~="accept"]')!.click();
    await until(() => hasState(b1, 'preparing') && prompt.held(), 'preparing, the prompt open');

    // Reload during the prompt: the page goes (no answer to the prompt, no "leave"); a new page joins as bob.
    const oldBackend = first.el.backend!;
    first.el.remove();
    await oldBackend.disconnect();
    // The new page asks for the mic again: the browser prompts again (held until answered).
    const backend = room.memory.join('bob', 'audience');
    const prompt2 = holdMic(room, 'bob');
    const el = await fixture<MicseatRoom>(
      html`<micseat-room .backend=${backend} name="Bob" lang="en"><cohost-request-button></cohost-request-button></micseat-room>`,
    );
    const b2 = el.querySelector('cohost-request-button')!;
    await until(() => hasState(b2, 'preparing') && prompt2.held(), 'preparing again, not a seat with a closed mic');
    expect(words(part(b2, 'button'))).to.contain('Getting your mic ready');
    expect(
      el.actor!.getSnapshot().context.room!.seats.some((s) => s.userId === 'bob'),
      'on the seat meanwhile',
    ).to.equal(true);
    prompt2.release();
    await until(() => hasState(b2, 'on-seat'), 'on seat', 8000);
    await until(() => el.actor!.getSnapshot().context.room!.members.bob!.mic === 'on', 'prepared: mic on');
  });

  it('a speaker who closed their mic and reloads stays on the seat with the mic closed', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join('alice', 'host', html`<request-list></request-list>`);
    const first = await room.join('bob', 'audience', html`<cohost-request-button></cohost-request-button>`);
    const b1 = first.el.querySelector('cohost-request-button')!;
    part<HTMLButtonElement>(b1, 'button')!.click();
    const list = host.el.querySelector('request-list')!;
    await until(() => rows(list).length === 1);
    rows(list)[0]!.querySelector<HTMLButtonElement>('[part~="accept"]')!.click();
    await until(() => first.snap().context.room!.members.bob!.mic === 'on', 'mic on');
    first.actor.send({ type: 'SET_MIC', on: false });
    await until(() => first.snap().context.room!.members.bob!.mic === 'off', 'mic closed');

    const oldBackend = first.el.backend!;
    first.el.remove();
    await oldBackend.disconnect();
    const again = await room.join('bob', 'audience', html`<cohost-request-button></cohost-request-button>`);
    const b2 = again.el.querySelector('cohost-request-button')!;
    await until(() => hasState(b2, 'on-seat'), 'on the seat');
    expect(again.snap().context.request, 'nothing to prepare').to.equal(null);
    expect(again.snap().context.room!.members.bob!.mic).to.equal('off');
  });
});
