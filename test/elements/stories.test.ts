/**
 * Every story renders in real Chromium: no error, every room connects, and the result is
 * accessible. (The stories are plain functions returning Lit templates.)
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import { ignoreResizeObserverLoop, tick, until } from './helpers.js';
import * as grid from '../../stories/mic-seat-grid.stories.js';
import * as button from '../../stories/cohost-request-button.stories.js';
import * as list from '../../stories/request-list.stories.js';
import * as companions from '../../stories/companions.stories.js';
import * as live from '../../stories/live-room.stories.js';
import * as seat from '../../stories/mic-seat.stories.js';
import * as provider from '../../stories/micseat-room.stories.js';

type StoryModule = Record<string, unknown> & { default: { title: string } };
interface Story {
  render?: (args: Record<string, unknown>) => TemplateResult;
  args?: Record<string, unknown>;
}

const modules = [grid, seat, provider, button, list, companions, live] as unknown as StoryModule[];

/** micseat-room stories that end connected (the others show a connection banner). */
const connectedProviderStories = new Set(['Connected', 'DarkChinese', 'ErrorBanner']);

const shadowOf = (root: Element, selector: string) => root.querySelector(selector)?.shadowRoot ?? null;
const text = (el: Node | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
const inState = (el: Element | null | undefined, s: string) =>
  !!el && (el as unknown as { matches(q: string): boolean }).matches(`:state(${s})`);

/**
 * What a story promises to show, checked once it is on screen (keyed by module title and
 * export name). A story that silently shows something else fails here.
 */
const shows: Record<string, (el: HTMLElement) => Promise<void>> = {
  'Elements/mic-seat / MicDenied': async (el) => {
    const s = el.querySelector('mic-seat')!;
    await until(
      () => text(s.shadowRoot!.querySelector('[part~="status"]')) === 'Mic blocked',
      'seat says Mic blocked',
      8000,
    );
    expect(inState(s, 'mic-off')).to.equal(true);
  },
  'Elements/mic-seat / NoDevice': async (el) => {
    const s = el.querySelector('mic-seat')!;
    await until(
      () => text(s.shadowRoot!.querySelector('[part~="status"]')) === 'No microphone',
      'seat says No microphone',
      8000,
    );
    expect(inState(s, 'mic-off')).to.equal(true);
  },
  'Elements/mic-seat / HostReconnecting': async (el) => {
    const s = el.querySelector('mic-seat[host]')!;
    await until(() => inState(s, 'reconnecting'), 'host place reconnecting', 8000);
    expect(text(s.shadowRoot!.querySelector('[part~="status"]'))).to.match(/^Reconnecting (\d+ min|\d+:\d\d)/);
  },
  'Elements/micseat-room / ErrorBanner': async (el) => {
    await until(
      () => text(el.shadowRoot!.querySelector('[part="error"]')).includes('Microphone permission was denied.'),
      'error banner',
      8000,
    );
  },
  'Elements/cohost-request-button / Sending': async (el) => {
    const b = el.querySelector('cohost-request-button')!;
    await until(() => inState(b, 'sending'), 'sending', 8000);
    expect(text(b.shadowRoot!.querySelector('[part~="button"]'))).to.contain('Sending…');
  },
  'Elements/cohost-request-button / Preparing': async (el) => {
    const b = el.querySelector('cohost-request-button')!;
    await until(() => inState(b, 'preparing'), 'preparing', 8000);
    expect(text(b.shadowRoot!.querySelector('[part~="button"]'))).to.contain('Getting your mic ready…');
  },
  'Elements/Companions / MicOff': async (el) => {
    await until(() => inState(el.querySelector('mic-toggle'), 'off'), 'mic off', 8000);
    expect(text(shadowOf(el, 'mic-toggle'))).to.contain('Microphone off');
  },
  'Elements/Companions / InvitationPreparing': async (el) => {
    const p = el.querySelector('invitation-prompt')!;
    await until(
      () => text(p.shadowRoot!.querySelector('[part~="status"]')) === 'Getting your mic ready…',
      'preparing',
      8000,
    );
    expect(inState(p, 'preparing')).to.equal(true);
  },
  'Elements/Companions / InvitationFailed': async (el) => {
    const p = el.querySelector('invitation-prompt')!;
    await until(() => inState(p, 'closed'), 'failed', 8000);
    expect(text(p.shadowRoot!.querySelector('[part~="status"]'))).to.equal(
      'Could not join: Microphone permission was denied.',
    );
  },
  'Elements/Companions / ConnectedUsersListener': async (el) => {
    const cu = el.querySelector('connected-users')!;
    await until(
      () => text(cu.shadowRoot).includes('On seats (2)') && text(cu.shadowRoot).includes('Listening (2)'),
      'lists',
      8000,
    );
    expect(cu.shadowRoot!.querySelector('[part~="invite"], [part~="remove"]'), 'no moderator buttons').to.equal(null);
  },
  'Elements/Companions / ConnectedUsersEmpty': async (el) => {
    const cu = el.querySelector('connected-users')!;
    await until(
      () => text(cu.shadowRoot).includes('On seats (1)') && text(cu.shadowRoot).includes('Listening (0)'),
      'host alone',
      8000,
    );
    expect(text(cu.shadowRoot)).to.contain('Nobody yet');
  },
};

describe('stories', () => {
  before(ignoreResizeObserverLoop);

  it('every state check names a story', () => {
    const names = modules.flatMap((m) => Object.keys(m).map((k) => `${m.default.title} / ${k}`));
    expect(Object.keys(shows).filter((k) => !names.includes(k))).to.deep.equal([]);
  });

  for (const mod of modules) {
    for (const [name, value] of Object.entries(mod)) {
      const story = value as Story;
      if (name === 'default' || typeof story?.render !== 'function') continue;
      it(`${mod.default.title} / ${name}`, async () => {
        const el = await fixture<HTMLElement>(story.render!(story.args ?? {}));
        if (name === 'LiveRoomOnLiveKit') {
          // Without a LiveKit URL and token it says what to give (the LiveKit run is in test/livekit and the backend README).
          el.remove();
          const box = await fixture<HTMLElement>(html`<div>${story.render!(story.args ?? {})}</div>`);
          await until(
            () => box.querySelector('[role="status"]')?.textContent?.includes('lk-url'),
            'asks for lk-url, lk-token, lk-host',
            8000,
          );
          expect(box.textContent).to.contain('lk-token');
          await expect(box).to.be.accessible();
          return;
        }
        const rooms = () => [...el.querySelectorAll('micseat-room'), ...(el.matches('micseat-room') ? [el] : [])];
        const expected = mod === (provider as unknown) && !connectedProviderStories.has(name) ? null : 'connected';
        if (expected) {
          await until(
            () =>
              rooms().length > 0 &&
              rooms().every(
                (r) =>
                  (r as unknown as { actor?: { getSnapshot(): { value: unknown } } }).actor?.getSnapshot().value ===
                  'connected',
              ),
            'rooms connected',
            8000,
          );
          await tick(1200);
          for (const r of rooms())
            expect(r.shadowRoot!.querySelector('[part="connection"]'), `${name}: connection banner`).to.equal(null);
        } else {
          await tick(1500);
          expect(
            rooms()[0]!.shadowRoot!.querySelector('[part="connection"]'),
            `${name}: connection banner`,
          ).not.to.equal(null);
        }
        await shows[`${mod.default.title} / ${name}`]?.(el);
        await expect(el).to.be.accessible();
      });
    }
  }
});

describe('Live room playground, played by clicking', () => {
  before(ignoreResizeObserverLoop);

  it('mode switch, request, accept, seat menu, fault injection', async () => {
    const story = (live as unknown as { LiveRoom: Story }).LiveRoom;
    const el = await fixture<HTMLElement>(story.render!(story.args ?? {}));
    const panes = [...el.querySelectorAll<HTMLElement>('micseat-room')];
    const [host, bob, carol] = panes as unknown as {
      actor: {
        getSnapshot(): {
          value: unknown;
          context: { room: { seats: { userId: string | null }[]; mode: string } | null };
        };
      };
      querySelector: HTMLElement['querySelector'];
    }[];
    await until(() =>
      panes.every((p) => (p as unknown as NonNullable<typeof host>).actor?.getSnapshot().value === 'connected'),
    );
    const sr = (e: Element | null) => e!.shadowRoot!;
    // Bob asks; the host accepts from the list
    (sr(bob!.querySelector('cohost-request-button')).querySelector('[part~="button"]') as HTMLButtonElement).click();
    // the virtualizer renders what is in view: bring the host's list into view first
    host!.querySelector('request-list')!.scrollIntoView();
    await until(() => sr(host!.querySelector('request-list')).querySelector('[part~="row"]'));
    (sr(host!.querySelector('request-list')).querySelector('[part~="accept"]') as HTMLButtonElement).click();
    await until(() => host!.actor.getSnapshot().context.room!.seats.some((s) => s.userId === 'bob'));
    // the host switches to free mode; Carol taps seat 6 and sits
    (sr(host!.querySelector('room-mode-toggle')).querySelector('[part~="base"]') as HTMLButtonElement).click();
    await until(() => carol!.actor.getSnapshot().context.room!.mode === 'free');
    const carolSeat = sr(carol!.querySelector('mic-seat-grid')).querySelector('mic-seat[seat="5"]:not([host])')!;
    carolSeat.scrollIntoView();
    (sr(carolSeat).querySelector('[part~="base"]') as HTMLButtonElement).click();
    await until(() => carol!.actor.getSnapshot().context.room!.seats[5]!.userId === 'carol');
    // fault panel: drop Carol's network → her seat shows reconnecting on the host's grid; resume
    const panel = el.querySelector('micseat-fault-panel')!;
    const dropCarol = [...sr(panel).querySelectorAll('button')].find((b) =>
      b.closest('div')!.textContent!.includes('Carol'),
    )!;
    dropCarol.click();
    const hostSeat = sr(host!.querySelector('mic-seat-grid')).querySelector('mic-seat[seat="5"]:not([host])')!;
    await until(() => (hostSeat as unknown as { matches(s: string): boolean }).matches(':state(reconnecting)'));
    dropCarol.click();
    await until(() => (hostSeat as unknown as { matches(s: string): boolean }).matches(':state(occupied)'));
    await expect(el).to.be.accessible();
  });
});
