import { expect, fixture, html } from '@open-wc/testing';
import { en, formatDuration, loadStrings, RoomModeToggle, stringsFor, type MicSeat } from '@micseat/elements';
import { closeRooms, hasState, makeRoom, part, until } from './helpers.js';

/** Every key of the English table exists in the Chinese one, and no Chinese string is left in English. */
function keysOf(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keysOf(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('theme, i18n, RTL', () => {
  afterEach(closeRooms);

  // First in this file (its own page): Chinese is not loaded yet.
  it('Chinese is fetched on demand, and a Chinese room never renders in English first', async () => {
    expect(stringsFor('zh-CN')).to.equal(en);
    const rendered: string[] = [];
    const proto = RoomModeToggle.prototype as unknown as { render(): unknown; t: typeof en };
    const render = proto.render;
    proto.render = function (this: typeof proto) {
      rendered.push(this.t.roomMode);
      return render.call(this);
    };
    try {
      const room = makeRoom({ seatCount: 2 });
      const host = await room.join('alice', 'host', html`<room-mode-toggle></room-mode-toggle>`, { lang: 'zh' });
      const toggle = host.el.querySelector('room-mode-toggle')!;
      await until(() => toggle.shadowRoot!.textContent!.includes('申请上麦'));
    } finally {
      proto.render = render;
    }
    expect(rendered.length).to.be.greaterThan(0);
    expect(rendered.filter((label) => label === en.roomMode)).to.deep.equal([]);
  });

  it('the Chinese table is complete', async () => {
    const zh = await loadStrings('zh-CN');
    expect(zh).to.not.equal(en);
    expect(keysOf(zh)).to.have.members(keysOf(en));
    expect(zh.seatN(3)).to.equal('3 号麦');
    expect(stringsFor('zh-CN')).to.equal(zh);
    expect(stringsFor('zh-Hant-TW')).to.equal(zh);
    expect(stringsFor('fr')).to.equal(en);
  });

  it('durations are formatted for the locale', () => {
    expect(formatDuration(45_000, 'en')).to.match(/45 ?sec/);
    expect(formatDuration(65_000, 'en')).to.match(/1 ?min.*5 ?sec/);
    expect(formatDuration(45_000, 'zh-CN')).to.match(/45 ?秒/);
    // Zero is "0 sec", not "" (Intl.DurationFormat leaves zero units out by default).
    expect(formatDuration(0, 'en')).to.match(/^0 ?sec/);
    expect(formatDuration(0, 'zh-CN')).to.match(/0 ?秒/);
    expect(formatDuration(60_000, 'en')).to.match(/^1 min$/);
    expect(formatDuration(200, 'en')).to.match(/1 ?sec/);
  });

  it('theme attribute switches light and dark through --micseat-color-scheme; knobs override', async () => {
    const room = makeRoom({ seatCount: 2 });
    const host = await room.join('alice', 'host', html`<mic-seat-grid></mic-seat-grid>`);
    const grid = host.el.querySelector('mic-seat-grid')!;
    await until(() => grid.shadowRoot!.querySelector('mic-seat'));
    host.el.setAttribute('theme', 'light');
    const bgLight = getComputedStyle(grid).backgroundColor;
    host.el.setAttribute('theme', 'dark');
    const bgDark = getComputedStyle(grid).backgroundColor;
    expect(bgLight).to.equal('rgb(255, 255, 255)');
    expect(bgDark).to.equal('rgb(30, 24, 52)');
    await expect(grid).to.be.accessible();
    host.el.style.setProperty('--micseat-surface', 'rgb(1, 2, 3)');
    expect(getComputedStyle(grid).backgroundColor).to.equal('rgb(1, 2, 3)');
  });

  it('a table from plain JS that misses keys shows English for them instead of breaking', async () => {
    const { registerStrings } = await import('@micseat/elements');
    // As a page without TypeScript might write it (an old key name, nested tables partly filled).
    registerStrings('xx', {
      seatN: (n: number) => `Place ${n}`,
      youSuffix: '(moi)',
      mic: { on: 'Micro ouvert' },
    } as never);
    const t = stringsFor('xx');
    expect(t.seatN(2)).to.equal('Place 2');
    expect(t.withYou('Ann')).to.equal('Ann (you)');
    expect(t.mic.on).to.equal('Micro ouvert');
    expect(t.mic.off).to.equal('Mic off');
    const room = makeRoom({ seatCount: 2 });
    const host = await room.join('alice', 'host', html`<mic-seat-grid></mic-seat-grid>`, { lang: 'xx' });
    const grid = host.el.querySelector('mic-seat-grid')!;
    await until(() => grid.shadowRoot!.querySelectorAll('mic-seat').length === 3);
    const own = grid.shadowRoot!.querySelector<MicSeat>('mic-seat[host]')!;
    await until(() => part(own, 'name')!.textContent === 'Alice (you)');
    expect(part(grid.shadowRoot!.querySelector<MicSeat>('mic-seat:not([host])')!, 'name')!.textContent).to.equal(
      'Place 1',
    );
  });

  it('a whole room in Chinese, right-to-left layout mirrored', async () => {
    const room = makeRoom({ seatCount: 3 });
    const host = await room.join(
      'alice',
      'host',
      html`<div dir="rtl"><mic-seat-grid></mic-seat-grid><room-mode-toggle></room-mode-toggle></div>`,
      { lang: 'zh' },
    );
    const grid = host.el.querySelector('mic-seat-grid')!;
    await until(() => grid.shadowRoot!.querySelectorAll('mic-seat').length === 4);
    const seats = [...grid.shadowRoot!.querySelectorAll<MicSeat>('mic-seat:not([host])')];
    expect(part(seats[0]!, 'name')!.textContent).to.equal('1 号麦');
    // The host's own place: the name marked as theirs with full-width brackets and no space.
    const own = grid.shadowRoot!.querySelector<MicSeat>('mic-seat[host]')!;
    await until(() => part(own, 'name')!.textContent === 'Alice（你）');
    expect(seats[0]!.getBoundingClientRect().left).to.be.greaterThan(seats[1]!.getBoundingClientRect().left);
    expect(host.el.querySelector('room-mode-toggle')!.shadowRoot!.textContent).to.contain('申请上麦');
    await expect(host.el).to.be.accessible();
    // switching the room's lang re-renders everything in English
    host.el.lang = 'en';
    await until(() => part(seats[0]!, 'name')!.textContent === 'Seat 1');
    expect(hasState(seats[0]!, 'empty')).to.equal(true);
  });

  it('a room takes the language of its nearest ancestor with lang', async () => {
    const memory = (await import('@micseat/backend-memory')).createMemoryRoom();
    const el = await fixture(
      html`<div lang="zh-CN"><micseat-room .backend=${memory.join('h', 'host')} name="H"><room-mode-toggle></room-mode-toggle></micseat-room></div>`,
    );
    const toggle = el.querySelector('room-mode-toggle')!;
    await until(() => toggle.shadowRoot!.textContent!.includes('申请上麦'));
    memory.close();
  });

  it('elements render (empty, accessible) without a room', async () => {
    const el = await fixture(html`<div>
      <mic-seat-grid></mic-seat-grid><cohost-request-button></cohost-request-button><mic-toggle></mic-toggle>
      <room-mode-toggle></room-mode-toggle><request-list></request-list><connected-users></connected-users>
      <invitation-prompt></invitation-prompt><audio-unlock></audio-unlock><room-inspector></room-inspector>
    </div>`);
    await expect(el).to.be.accessible();
    // ... and then each says it is not in a room (accessible too).
    await until(
      () => [...el.children].every((c) => c.shadowRoot?.querySelector('[part~="no-room"]')),
      'each says "Not in a room"',
    );
    await expect(el).to.be.accessible();
  });
});
