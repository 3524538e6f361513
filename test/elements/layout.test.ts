/**
 * Layouts a new user meets: the refused-action message never covers seat labels; the
 * playground shows its four people side by side at 1280 px.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { TemplateResult } from 'lit';
import type { MicSeat } from '@micseat/elements';
import {
  closeRooms,
  deepAll,
  hasState,
  holdMic,
  ignoreResizeObserverLoop,
  makeRoom,
  overlaps,
  part,
  textRect,
  until,
  words,
} from './helpers.js';
import * as live from '../../stories/live-room.stories.js';

describe('layouts', () => {
  before(ignoreResizeObserverLoop);
  afterEach(async () => {
    closeRooms();
    await setViewport({ width: 800, height: 600 });
  });

  it('at 320 px a refused action is shown below the seats, covering no label', async () => {
    await setViewport({ width: 320, height: 800 });
    const room = makeRoom({ seatCount: 4 });
    const host = await room.join('alice', 'host', html``);
    void host;
    const bob = await room.join('bob', 'audience', html`<mic-seat-grid></mic-seat-grid>`);
    // A listener's action the room refuses (only moderators lock seats): the refusal is shown.
    bob.actor.send({ type: 'LOCK_SEAT', seat: 0, locked: true });
    await until(() => part(bob.el, 'error'), 'the refusal is shown');
    const error = part(bob.el, 'error')!.getBoundingClientRect();
    const seats = [...bob.el.querySelector('mic-seat-grid')!.shadowRoot!.querySelectorAll('mic-seat')] as MicSeat[];
    for (const s of seats) {
      for (const p of ['name', 'status']) {
        const t = textRect(part(s, p)!);
        expect(overlaps(error, t), `error over seat ${s.seat} ${p}`).to.equal(false);
      }
    }
    expect(error.right).to.be.at.most(320);
  });

  it('the playground at 1280 px shows the host and the three listeners side by side', async () => {
    await setViewport({ width: 1280, height: 800 });
    const story = (
      live as unknown as {
        LiveRoom: { render: (a: Record<string, unknown>) => TemplateResult; args: Record<string, unknown> };
      }
    ).LiveRoom;
    const el = await fixture<HTMLElement>(story.render(story.args));
    const panes = () => deepAll(el, 'micseat-room');
    await until(() => panes().length === 4);
    const tops = panes().map((p) => p.getBoundingClientRect());
    // One row: the same top for all four, each inside the viewport's width, the row starting on screen.
    expect(new Set(tops.map((r) => Math.round(r.top))).size, 'one row').to.equal(1);
    for (const r of tops) expect(r.right).to.be.at.most(1280);
    expect(tops[0]!.top).to.be.below(800);
  });
});

/**
 * The room's default layout (seats, then the controls row: request button, mic, mode) must not
 * jump as a listener goes through the states or the host switches the mode: the mic and mode
 * switches keep their place and height, and what follows the row does not move.
 */
describe('no jumps between states', () => {
  before(ignoreResizeObserverLoop);
  afterEach(async () => {
    closeRooms();
    document.documentElement.dir = 'ltr';
    await setViewport({ width: 800, height: 600 });
  });

  const boxes = (el: Element) => {
    const d = el.shadowRoot!.querySelector('[part~="default-layout"]')!;
    const box = (sel: string) => {
      const r = d.querySelector(sel)!.getBoundingClientRect();
      return { top: Math.round(r.top), left: Math.round(r.left), height: Math.round(r.height) };
    };
    return {
      mic: box('mic-toggle'),
      mode: box('room-mode-toggle'),
      controls: box('.controls'),
      list: box('request-list'),
    };
  };

  for (const width of [320, 390, 768, 1280])
    for (const lang of ['en', 'zh'])
      for (const dir of ['ltr', 'rtl'] as const)
        it(`${width} px, ${lang}, ${dir}: listener idle → pending → preparing → mic on/off → muted; host free/request`, async () => {
          await setViewport({ width, height: 900 });
          document.documentElement.dir = dir;
          const room = makeRoom({ seatCount: 4 });
          const host = await room.join('alice', 'host', html``, { lang });
          const bob = await room.join('bob', 'audience', html``, { lang, name: 'Bob' });
          const hostView = await room.join('carol', 'cohost', html``, { lang, name: 'Carol' });
          void hostView;
          const button = () => bob.el.shadowRoot!.querySelector('cohost-request-button')!;
          const seen: Record<string, ReturnType<typeof boxes>> = {};
          const look = async (state: string) => {
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
            seen[state] = boxes(bob.el);
          };
          await until(() => words(part(button(), 'button')) !== '', 'the button');
          await look('idle');
          const prompt = holdMic(room, 'bob');
          bob.actor.send({ type: 'REQUEST_SEAT' });
          await until(() => hasState(button(), 'pending') && /\d/.test(words(part(button(), 'status'))), 'pending');
          await look('pending');
          const id = Object.keys(host.snap().context.room!.requests)[0]!;
          host.actor.send({ type: 'ACCEPT_REQUEST', requestId: id });
          await until(() => hasState(button(), 'preparing') && prompt.held(), 'preparing');
          await look('preparing');
          prompt.release();
          await until(() => bob.snap().context.room!.members.bob!.mic === 'on', 'mic on');
          await until(() => hasState(button(), 'on-seat'));
          await look('mic on');
          bob.actor.send({ type: 'SET_MIC', on: false });
          await until(() => bob.snap().context.room!.members.bob!.mic === 'off', 'mic off');
          await look('mic off');
          const seat = bob.snap().context.room!.seats.findIndex((x) => x.userId === 'bob');
          host.actor.send({ type: 'MUTE_SEAT', seat, muted: true });
          await until(() => bob.snap().context.room!.seats[seat]!.muted, 'muted by host');
          await look('muted by host');
          host.actor.send({ type: 'SET_MODE', mode: 'free' });
          await until(() => bob.snap().context.room!.mode === 'free', 'free mode');
          await look('free mode');
          host.actor.send({ type: 'SET_MODE', mode: 'request' });
          await until(() => bob.snap().context.room!.mode === 'request', 'request mode');
          await look('request mode');
          const first = seen['idle']!;
          const moved = Object.entries(seen).flatMap(([state, b]) =>
            (['mic', 'mode', 'controls', 'list'] as const)
              .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(first[k]))
              .map((k) => `${k} in "${state}": ${JSON.stringify(b[k])} (idle: ${JSON.stringify(first[k])})`),
          );
          expect(moved).to.deep.equal([]);
        });
});
