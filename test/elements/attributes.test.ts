/**
 * Bad attribute values (issue #3 and the "bad input" standard): each element keeps its last
 * good value, says what it expected in one warning, and dispatches a typed `attribute-error`.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { AttributeErrorDetail, ConnectedUsers, MicSeat, MicSeatGrid, MicseatRoom } from '@micseat/elements';
import { closeRooms, hasState, makeRoom, part, until, words } from './helpers.js';

/** Collects attribute-error events under `root` and silences (but counts) the warnings. */
function listen(root: EventTarget) {
  const errors: AttributeErrorDetail[] = [];
  const warnings: string[] = [];
  root.addEventListener('attribute-error', (e) => errors.push((e as CustomEvent<AttributeErrorDetail>).detail));
  const warn = console.warn;
  console.warn = (m: string) => warnings.push(m);
  return { errors, warnings, restore: () => (console.warn = warn) };
}

describe('bad attribute values', () => {
  afterEach(closeRooms);

  it('<mic-seat seat>: not a number, negative, fractional or past the limit keeps the last good seat', async () => {
    const room = makeRoom({ seatCount: 4 });
    const host = await room.join('alice', 'host', html`<mic-seat seat="2"></mic-seat>`);
    const seat = host.el.querySelector('mic-seat') as MicSeat;
    await until(() => part(seat, 'name')?.textContent === 'Seat 3');
    const l = listen(host.el);
    try {
      for (const bad of ['abc', '-1', '1.5', '64', '']) {
        seat.setAttribute('seat', bad);
        await seat.updateComplete;
        expect(seat.seat, bad).to.equal(2);
        expect(part(seat, 'name')!.textContent).to.equal('Seat 3');
      }
      // A good value after the bad ones still works (nothing got stuck).
      seat.setAttribute('seat', '0');
      await seat.updateComplete;
      expect(part(seat, 'name')!.textContent).to.equal('Seat 1');
    } finally {
      l.restore();
    }
    expect(l.errors.map((e) => e.value)).to.deep.equal(['abc', '-1', '1.5', '64', '']);
    expect(l.errors[0]).to.deep.include({
      code: 'invalid-attribute',
      attribute: 'seat',
      expected: 'a whole number from 0 to 63',
    });
    expect(l.errors[0]!.message).to.equal(
      '<mic-seat> seat="abc" is not valid: expected a whole number from 0 to 63. Keeping 2.',
    );
    expect(l.warnings).to.have.length(5);
    expect(l.warnings[0]).to.contain('micseat: <mic-seat> seat="abc"');
  });

  it('a first value that is bad falls back to the default, not to NaN', async () => {
    const l = listen(document);
    try {
      const room = makeRoom({ seatCount: 4 });
      const host = await room.join(
        'alice',
        'host',
        html`<mic-seat seat="oops"></mic-seat><mic-seat-grid layout="diagonal"></mic-seat-grid>`,
      );
      const seat = host.el.querySelector('mic-seat') as MicSeat;
      const grid = host.el.querySelector('mic-seat-grid') as MicSeatGrid;
      await until(() => part(seat, 'name')?.textContent === 'Seat 1');
      expect(hasState(seat, 'empty')).to.equal(true);
      // The grid chose its layout from the seat count, as if no layout had been given.
      await until(() => grid.layout === 'group');
      expect(l.errors.map((e) => [e.attribute, e.value])).to.deep.equal([
        ['seat', 'oops'],
        ['layout', 'diagonal'],
      ]);
      expect(l.errors[1]!.expected).to.equal('one of "duo", "group", "large"');
    } finally {
      l.restore();
    }
  });

  it('theme and lang: unknown values are refused on every element', async () => {
    const room = makeRoom();
    const host = await room.join('alice', 'host', html`<mic-seat-grid theme="dark"></mic-seat-grid>`);
    const grid = host.el.querySelector('mic-seat-grid') as MicSeatGrid;
    const l = listen(host.el);
    try {
      grid.setAttribute('theme', 'blue');
      await grid.updateComplete;
      expect(grid.theme).to.equal('dark');
      expect(grid.getAttribute('theme')).to.equal('dark');
      grid.setAttribute('lang', 'not a language!');
      await grid.updateComplete;
      expect(grid.lang).to.equal('');
      grid.setAttribute('lang', 'zh-CN');
      await grid.updateComplete;
      expect(grid.lang).to.equal('zh-CN');
    } finally {
      l.restore();
    }
    expect(l.errors.map((e) => e.attribute)).to.deep.equal(['theme', 'lang']);
  });

  it('<connected-users max-listed activity-size>: bounded whole numbers; the list shown keeps working', async () => {
    const room = makeRoom();
    const host = await room.join('alice', 'host', html`<connected-users max-listed="2"></connected-users>`);
    for (const id of ['bob', 'carol', 'dan', 'eve']) await room.join(id, 'audience', html``);
    const users = host.el.querySelector('connected-users') as ConnectedUsers;
    const listed = () =>
      users.shadowRoot!.querySelectorAll('[part~="section"]')[1]!.querySelectorAll('[part~="person"]').length;
    const more = () => part(users, 'more')?.textContent?.trim();
    await until(() => listed() === 2 && more() === 'and 2 more');
    const l = listen(host.el);
    try {
      users.setAttribute('max-listed', '0');
      users.setAttribute('activity-size', '100000');
      await users.updateComplete;
      expect([listed(), more()]).to.deep.equal([2, 'and 2 more']);
      // A good property set after a refused attribute is taken (the stale attribute text does not count).
      users.maxListed = 3;
      await users.updateComplete;
      expect([listed(), more()]).to.deep.equal([3, 'and 1 more']);
      // Removing the attribute goes back to the default quietly (50: everyone listed).
      users.removeAttribute('max-listed');
      await users.updateComplete;
      expect([listed(), more()]).to.deep.equal([4, undefined]);
    } finally {
      l.restore();
    }
    expect(users.activitySize).to.equal(6);
    expect(l.errors.map((e) => [e.attribute, e.value])).to.deep.equal([
      ['max-listed', '0'],
      ['activity-size', '100000'],
    ]);
  });

  it('<mic-seat-grid layout>: explicit, refused, then removed goes back to the automatic layout', async () => {
    const room = makeRoom({ seatCount: 4 });
    const host = await room.join('alice', 'host', html`<mic-seat-grid layout="large"></mic-seat-grid>`);
    const grid = host.el.querySelector('mic-seat-grid') as MicSeatGrid;
    await grid.updateComplete;
    expect(grid.layout).to.equal('large');
    const l = listen(host.el);
    try {
      grid.setAttribute('layout', 'diagonal');
      await grid.updateComplete;
      expect(grid.layout).to.equal('large');
      grid.removeAttribute('layout');
      await until(() => grid.layout === 'group');
    } finally {
      l.restore();
    }
    expect(l.errors.map((e) => e.message)).to.deep.equal([
      '<mic-seat-grid> layout="diagonal" is not valid: expected one of "duo", "group", "large". Keeping "large".',
    ]);
  });

  it('<micseat-room name avatar>: an oversized name or a script URL is refused; the room joins with the identity', async () => {
    const { createMemoryRoom } = await import('@micseat/backend-memory');
    const memory = createMemoryRoom();
    const l = listen(document);
    let el: MicseatRoom;
    try {
      el = await fixture<MicseatRoom>(
        html`<micseat-room .backend=${memory.join('dana', 'host')} name=${'D'.repeat(65)} avatar="javascript:alert(1)"></micseat-room>`,
      );
      await until(() => el.actor?.getSnapshot().value === 'connected');
    } finally {
      l.restore();
    }
    const me = el!.actor!.getSnapshot().context.room!.members['dana']!;
    expect(me.name).to.equal('dana');
    expect(me.avatar ?? null).to.equal(null);
    expect(l.errors.map((e) => e.attribute)).to.deep.equal(['name', 'avatar']);
    expect(l.errors[0]!.value.length).to.be.at.most(80);
    expect(l.errors[0]!.expected).to.equal('text of at most 64 characters');
    memory.close();
  });

  it('<micseat-room avatar>: what the authority would refuse (malformed, oversized, http:, blob:…) is refused here, shown, announced, warned once', async () => {
    const { createMemoryRoom } = await import('@micseat/backend-memory');
    const { LIMITS } = await import('@micseat/core');
    const cases: [string, string][] = [
      ['https://[::1/a.png', 'malformed'],
      ['data:image/png;base64,@@@', 'malformed'],
      [`https://example.com/${'a'.repeat(LIMITS.maxAvatarLength)}.png`, 'too-large'],
      ['http://example.com/a.png', 'not-allowed'],
      ['blob:https://example.com/0f6e4b9e-2d3c-4f4e-9a57-6c1e2b3a4d5f', 'not-allowed'],
      ['data:image/svg+xml;base64,PHN2Zz4=', 'not-allowed'],
      ['javascript:alert(1)', 'not-allowed'],
    ];
    for (const [value, problem] of cases) {
      const memory = createMemoryRoom();
      const l = listen(document);
      let el: MicseatRoom;
      try {
        el = await fixture<MicseatRoom>(
          html`<micseat-room .backend=${memory.join('dana', 'host')} name="Dana" lang="en" avatar=${value}></micseat-room>`,
        );
        await until(() => el.actor?.getSnapshot().value === 'connected');
        // The same bad value again: one warning, not one per try.
        el.avatar = 'https://example.com/ok.png';
        await el.updateComplete;
        el.setAttribute('avatar', value);
        await el.updateComplete;
      } finally {
        l.restore();
      }
      expect(l.errors.length, `${value}: ${JSON.stringify(l.errors)}`).to.equal(2);
      const shown = part(el!, 'attribute-error');
      expect(shown, `${value}: shown`).to.not.equal(null);
      expect(words(shown), value).to.contain('Your picture was not used');
      await until(() => words(part(el!, 'announcer')).includes('Your picture was not used'), `${value}: announced`);
      expect(l.errors.length, value).to.equal(2);
      expect(l.errors[0], value).to.deep.include({ code: 'invalid-attribute', attribute: 'avatar', problem });
      expect(
        l.warnings.filter((w) => w.includes('avatar=')),
        `${value}: warned once`,
      ).to.have.length(1);
      expect(el!.actor!.getSnapshot().context.room!.members['dana']!.avatar ?? null, value).to.equal(null);
      memory.close();
    }
  });

  it('<micseat-room avatar>: an https: address or a data:image picture is taken', async () => {
    const { createMemoryRoom } = await import('@micseat/backend-memory');
    for (const value of ['https://example.com/a.png', 'data:image/png;base64,iVBORw0KGgo=']) {
      const memory = createMemoryRoom();
      const el = await fixture<MicseatRoom>(
        html`<micseat-room .backend=${memory.join('dana', 'host')} name="Dana" avatar=${value}></micseat-room>`,
      );
      await until(() => el.actor?.getSnapshot().value === 'connected');
      expect(part(el, 'attribute-error')).to.equal(null);
      expect(el.actor!.getSnapshot().context.room!.members['dana']!.avatar).to.equal(value);
      memory.close();
    }
  });
});
