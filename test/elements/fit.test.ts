/**
 * What a new user reads at the widths people use: no state text cut ("(you)", countdowns,
 * "Muted by host", "Reserved for you"), long names shortened from their end (also right to
 * left), initials and colours that tell people apart, a mic badge clear of the initials.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import * as gridStories from '../../stories/mic-seat-grid.stories.js';
import * as companionStories from '../../stories/companions.stories.js';
import { setViewport } from '@web/test-runner-commands';
import type { MicSeat, MicseatRoom } from '@micseat/elements';
import { hueOf, initials } from '../../packages/elements/src/i18n/format.js';
import {
  closeRooms,
  cutStateText,
  hasState,
  makeRoom,
  overlaps,
  part,
  rowAction,
  textRect,
  until,
  words,
} from './helpers.js';

const LONG = 'Bartholomew Fitzgerald-Montgomery';

/** A room at `width` px seen by Alice, the host, with every seat state that carries text. */
async function busyRoom(lang: string, dir: 'ltr' | 'rtl', width: number) {
  await setViewport({ width, height: 800 });
  document.documentElement.dir = dir;
  const room = makeRoom({ seatCount: 8, reconnectGraceMs: 60_000, invitationTimeoutMs: 60_000 });
  const host = await room.join('alice', 'host', html`<mic-seat-grid></mic-seat-grid>`, { lang, name: 'Alice' });
  host.actor.send({ type: 'SET_MODE', mode: 'free' });
  const people = [
    ['bob', LONG],
    ['carol', 'Carol'],
    ['dan', 'Dan'],
  ] as const;
  const joined = [];
  for (const [id, name] of people) joined.push(await room.join(id, 'audience', html``, { name, lang }));
  const [bob, carol, dan] = joined as [(typeof joined)[0], (typeof joined)[0], (typeof joined)[0]];
  await until(() => bob.snap().context.room?.mode === 'free');
  bob.actor.send({ type: 'TAKE_SEAT', seat: 0 });
  carol.actor.send({ type: 'TAKE_SEAT', seat: 1 });
  await until(
    () =>
      host.snap().context.room!.seats[1]!.userId === 'carol' && host.snap().context.room!.seats[0]!.userId === 'bob',
  );
  host.actor.send({ type: 'MUTE_SEAT', seat: 0, muted: true });
  host.actor.send({ type: 'INVITE', userId: 'dan', seat: 2 });
  host.actor.send({ type: 'LOCK_SEAT', seat: 3, locked: true });
  room.memory.drop('carol');
  const seats = () =>
    [...host.el.querySelector('mic-seat-grid')!.shadowRoot!.querySelectorAll('mic-seat')] as MicSeat[];
  await until(
    () =>
      hasState(seats()[1]!, 'muted') &&
      hasState(seats()[2]!, 'reconnecting') &&
      hasState(seats()[3]!, 'reserved') &&
      hasState(seats()[4]!, 'locked'),
    'every state shown',
  );
  return { room, host, bob, carol, dan, seats };
}

describe('state text at realistic widths', () => {
  afterEach(async () => {
    closeRooms();
    document.documentElement.dir = 'ltr';
    await setViewport({ width: 800, height: 600 });
  });

  for (const [lang, dir, width] of [
    ['en', 'ltr', 320],
    ['zh', 'rtl', 390],
    ['en', 'rtl', 320],
    ['zh', 'ltr', 1280],
  ] as const) {
    it(`${width} px, ${lang}, ${dir}: "(you)", countdowns and states are never cut`, async () => {
      const { seats } = await busyRoom(lang, dir, width);
      const hostPlace = seats()[0]!;
      expect(hasState(hostPlace, 'host')).to.equal(true);
      const you = hostPlace.shadowRoot!.querySelector('[part~="name"] .you');
      expect(you, 'the host place shows "(you)" as its own box').not.to.equal(null);
      expect(words(you)).to.equal(lang === 'zh' ? '（你）' : '(you)');
      // the countdowns show digits
      await until(() => /\d/.test(words(part(seats()[2]!, 'countdown'))), 'reconnect countdown');
      expect(words(part(seats()[3]!, 'countdown'))).to.match(/\d/);
      expect(cutStateText(document)).to.deep.equal([]);
      // the long name is shortened, and from its end (its first letters show)
      const who = part(seats()[1]!, 'name')!.querySelector('.who')!;
      if (width < 800) expect(who.scrollWidth, 'long name ellipsized').to.be.greaterThan(who.clientWidth);
      const text = textRect(who);
      const box = who.getBoundingClientRect();
      // A Latin name reads left to right even in a right-to-left page: it starts at the box's left.
      expect(Math.abs(text.left - box.left), 'the name keeps its beginning').to.be.lessThan(2);
    });
  }

  it('zh, right to left: the seat label reads "3 号麦", not "号麦 3"', async () => {
    await setViewport({ width: 390, height: 800 });
    document.documentElement.dir = 'rtl';
    const room = makeRoom({ seatCount: 4 });
    const host = await room.join('alice', 'host', html`<mic-seat seat="2"></mic-seat>`, { lang: 'zh' });
    const seat = host.el.querySelector('mic-seat')!;
    const name = part(seat, 'name')!;
    await until(() => words(name) === '3 号麦');
    // The digit is drawn to the left of the characters: the line is laid out left to right.
    expect(getComputedStyle(name).direction).to.equal('ltr');
    const range = document.createRange();
    const node =
      name.firstChild?.nodeType === Node.TEXT_NODE
        ? name.firstChild
        : [...name.childNodes].find((n) => n.textContent?.includes('3'))!;
    const at = node.textContent!.indexOf('3');
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    const digit = range.getBoundingClientRect();
    const chars = textRect(name);
    expect(digit.left - chars.left, 'the digit comes first').to.be.lessThan(2);
  });
});

describe("the room's banner in Chinese, right to left", () => {
  afterEach(async () => {
    closeRooms();
    document.documentElement.dir = 'ltr';
  });

  it('"正在连接…" keeps its ellipsis at the end of the words, not before them', async () => {
    document.documentElement.dir = 'rtl';
    const room = makeRoom();
    await room.join('alice', 'host', html``);
    room.memory.setFaults({ latencyMs: 1500 });
    const el = await fixture<MicseatRoom>(
      html`<micseat-room .backend=${room.memory.join('bob', 'audience')} lang="zh" name="Bob"></micseat-room>`,
    );
    await until(() => words(part(el, 'connection')) === '正在连接…', 'the banner');
    const banner = part(el, 'connection')!;
    const node = banner.firstChild?.nodeType === Node.TEXT_NODE ? banner.firstChild : banner.childNodes[1]!;
    const text = node.textContent!;
    const rectOf = (i: number) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      return range.getBoundingClientRect();
    };
    const first = rectOf(text.indexOf('正'));
    const dots = rectOf(text.indexOf('…'));
    expect(dots.left, 'the ellipsis is drawn after (right of) the first character').to.be.greaterThan(first.left);
    room.memory.setFaults({});
  });
});

describe('countdowns on narrow seats (the six-seat grid stories, found by MICSEAT_VISUAL=all)', () => {
  afterEach(async () => {
    document.documentElement.dir = 'ltr';
    document.documentElement.lang = 'en';
    await setViewport({ width: 800, height: 600 });
  });

  for (const name of ['Reserved', 'Reconnecting'] as const) {
    for (const width of [320, 390]) {
      it(`${name} at ${width} px, en: a countdown of minutes stays inside its seat`, async () => {
        await setViewport({ width, height: 900 });
        document.documentElement.lang = 'en';
        const el = await fixture<HTMLElement>(
          (gridStories[name].render as unknown as (args: object) => TemplateResult)({}),
        );
        const seats = () =>
          [...(el.querySelector('mic-seat-grid')?.shadowRoot?.querySelectorAll('mic-seat') ?? [])] as MicSeat[];
        await until(
          () => seats().some((s) => /^\d+:\d\d$|min, \d+ sec/.test(words(part(s, 'countdown')))),
          'a long countdown',
          8000,
        );
        expect(cutStateText(el)).to.deep.equal([]);
      });
    }
  }

  it('an invitation for you at 320 px, en: "Reserved for you" and its seconds stay inside the seat', async () => {
    await setViewport({ width: 320, height: 900 });
    document.documentElement.lang = 'en';
    const el = await fixture<HTMLElement>(
      (companionStories.InvitationPending.render as unknown as (args: object) => TemplateResult)({}),
    );
    const seats = () =>
      [...(el.querySelector('mic-seat-grid')?.shadowRoot?.querySelectorAll('mic-seat') ?? [])] as MicSeat[];
    await until(() => seats().some((s) => /\d/.test(words(part(s, 'countdown')))), 'a countdown', 8000);
    expect(cutStateText(el)).to.deep.equal([]);
  });
});

describe('avatars tell people apart', () => {
  afterEach(closeRooms);

  it('initials are first letters of up to two words', () => {
    expect(initials('Bob')).to.equal('B');
    expect(initials('carol ann smith')).to.equal('CA');
    expect(initials('  王小明 ')).to.equal('王');
    expect(initials('Émile Zola')).to.equal('ÉZ');
    expect(initials('!!!')).to.equal('?');
  });

  it('colours are well spread: two hues are the same or at least 30° apart, and many are used', () => {
    const hues = new Set<number>();
    for (let i = 0; i < 300; i++) hues.add(hueOf(`user-${i}`));
    for (const id of ['bob', 'carol', 'alice', 'dan']) hues.add(hueOf(id));
    const list = [...hues].sort((a, b) => a - b);
    for (let i = 1; i < list.length; i++) expect(list[i]! - list[i - 1]!).to.be.at.least(30);
    expect(list.length, 'distinct hues in use').to.be.at.least(10);
    expect(hueOf('bob')).not.to.equal(hueOf('carol'));
  });

  it('the mic badge does not cover the initials, at every avatar size', async () => {
    const room = makeRoom({ seatCount: 2 });
    const host = await room.join('alice', 'host', html`<mic-seat host></mic-seat>`, { name: 'Bob Stone' });
    const seat = host.el.querySelector('mic-seat')!;
    await until(() => part(seat, 'mic') && part(seat, 'initials'));
    for (const size of ['40px', '48px', '64px', '96px']) {
      seat.style.setProperty('--micseat-avatar-size', size);
      await seat.updateComplete;
      const mic = part(seat, 'mic')!.getBoundingClientRect();
      expect(overlaps(mic, textRect(part(seat, 'initials')!)), `mic badge over "BS" at ${size}`).to.equal(false);
    }
  });
});

describe('the seat menu stays in the viewport', () => {
  afterEach(async () => {
    closeRooms();
    document.documentElement.dir = 'ltr';
    await setViewport({ width: 800, height: 600 });
  });

  for (const dir of ['ltr', 'rtl'] as const) {
    it(`${dir}, 390 px, inside a clipping pane: the first and last seats' menus are whole and on screen`, async () => {
      await setViewport({ width: 390, height: 700 });
      document.documentElement.dir = dir;
      const room = makeRoom({ seatCount: 8 });
      const host = await room.join(
        'alice',
        'host',
        // A pane that clips (as the playground's and many apps' panes do), at the page's edge.
        html`<div style="overflow:hidden;height:330px;margin:0"><mic-seat-grid></mic-seat-grid></div>`,
        { lang: 'zh' },
      );
      const grid = host.el.querySelector('mic-seat-grid')!;
      await until(() => grid.shadowRoot!.querySelectorAll('mic-seat').length === 9);
      const seats = [...grid.shadowRoot!.querySelectorAll('mic-seat')] as MicSeat[];
      for (const s of [seats[1]!, seats[4]!, seats[8]!]) {
        part<HTMLButtonElement>(s, 'base')!.click();
        await until(() => part(s, 'menu') && part(s, 'menu')!.getBoundingClientRect().width > 0, 'menu open');
        await s.updateComplete;
        const m = part(s, 'menu')!.getBoundingClientRect();
        expect(m.left, 'left edge').to.be.at.least(0);
        expect(m.right, 'right edge').to.be.at.most(document.documentElement.clientWidth);
        expect(m.top).to.be.at.least(0);
        expect(m.bottom).to.be.at.most(document.documentElement.clientHeight);
        // not clipped by the pane: the element at the menu's centre is the menu
        const hit = s.shadowRoot!.elementFromPoint(m.left + m.width / 2, m.top + 12);
        expect(hit?.closest('[part~="menu"]'), 'menu drawn on top, not clipped').not.to.equal(null);
        document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
        await until(() => !part(s, 'menu'), 'closed by a pointer outside');
      }
    });
  }
});

describe('<connected-users> at 320 px', () => {
  afterEach(async () => {
    closeRooms();
    await setViewport({ width: 800, height: 600 });
  });

  it('one actions button per person, covering nothing; "Cancel invitation" is in its menu', async () => {
    await setViewport({ width: 320, height: 700 });
    const room = makeRoom({ seatCount: 3, invitationTimeoutMs: 60_000 });
    const host = await room.join('alice', 'host', html`<connected-users></connected-users>`);
    await room.join('bob', 'audience', html``, { name: 'Bartholomew Fitzgerald' });
    await room.join('carol', 'audience', html``);
    const cu = host.el.querySelector('connected-users')!;
    await until(() => rowAction(cu, 'Bartholomew', 'invite'));
    rowAction(cu, 'Bartholomew', 'invite')!.click();
    await until(() => Object.values(host.snap().context.room!.invitations).some((i) => i.status === 'pending'));
    const rows = () => [...cu.shadowRoot!.querySelectorAll<HTMLElement>('[part~="person"]')];
    await until(() =>
      words(
        rows()
          .find((r) => words(r).includes('Bartholomew'))!
          .querySelector('[part~="meta"]'),
      ).includes('Pending'),
    );
    for (const row of rows()) {
      const buttons = row.querySelectorAll('button');
      expect(buttons.length, `${words(row)}: at most one tab stop`).to.be.at.most(1);
      const button = buttons[0];
      if (!button) continue;
      const b = button.getBoundingClientRect();
      for (const p of ['name', 'meta']) {
        const el = row.querySelector(`[part~="${p}"]`)!;
        expect(overlaps(b, textRect(el)), `${words(el)} under the button`).to.equal(false);
      }
    }
    expect(cutStateText(cu)).to.deep.equal([]);
    const ev = new Promise<Event>((r) => host.el.addEventListener('invitation-cancel', r, { once: true }));
    await until(() => rowAction(cu, 'Bartholomew', 'cancel'));
    rowAction(cu, 'Bartholomew', 'cancel')!.click();
    await ev;
    await until(
      () => !Object.values(host.snap().context.room!.invitations).some((i) => i.status === 'pending'),
      'invitation withdrawn',
    );
    await expect(cu).to.be.accessible();
  });
});

describe('<request-list> at 320 px', () => {
  afterEach(async () => {
    closeRooms();
    await setViewport({ width: 800, height: 600 });
  });

  for (const lang of ['en', 'zh']) {
    it(`${lang}: rows show the wanted seat and the time left whole; icon buttons cover nothing`, async () => {
      await setViewport({ width: 320, height: 700 });
      const room = makeRoom({ seatCount: 4 });
      const host = await room.join('alice', 'host', html`<request-list></request-list>`, { lang });
      const list = host.el.querySelector('request-list')!;
      for (const id of ['bob', 'carol']) {
        const p = await room.join(id, 'audience', html``, { name: id === 'bob' ? LONG : 'Carol', lang });
        p.actor.send({ type: 'REQUEST_SEAT' });
      }
      const rows = () => [...list.shadowRoot!.querySelectorAll<HTMLElement>('[part~="row"]')];
      await until(
        () => rows().length === 2 && rows().every((r) => r.getBoundingClientRect().height > 0),
        'two rows on screen',
      );
      for (const row of rows()) {
        const left = row.querySelector('[part~="time-left"]')!;
        expect(words(left)).to.match(/\d/);
        expect(left.getBoundingClientRect().width, 'time left shown').to.be.greaterThan(0);
        for (const b of row.querySelectorAll('button')) {
          for (const p of ['name', 'meta', 'position']) {
            const el = row.querySelector(`[part~="${p}"]`)!;
            expect(overlaps(b.getBoundingClientRect(), textRect(el)), `${p} under a button`).to.equal(false);
          }
        }
      }
      expect(cutStateText(list)).to.deep.equal([]);
      await expect(list).to.be.accessible();
    });
  }
});
