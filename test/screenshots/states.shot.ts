/**
 * `npm run screenshots`: PNGs of the main states for people to look at (not a test of looks):
 * the host's and a listener's view of one busy room, at phone and desktop widths, dark and
 * light, English and Chinese right-to-left. Written to packages/elements/docs/screenshots/
 * (or MICSEAT_SCREENSHOTS_DIR).
 */
import { html } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, setViewport } from '@web/test-runner-commands';
import type { MicSeat } from '@micseat/elements';
import { closeRooms, hasState, makeRoom, until } from '../elements/helpers.js';

const view = html`<div style="display:grid;gap:12px;padding:12px">
  <invitation-prompt></invitation-prompt>
  <mic-seat-grid></mic-seat-grid>
  <div style="display:flex;flex-wrap:wrap;gap:12px;align-items:center">
    <cohost-request-button></cohost-request-button><mic-toggle></mic-toggle><room-mode-toggle></room-mode-toggle>
  </div>
  <request-list style="--micseat-request-list-height:190px"></request-list>
</div>`;

async function busyRoom(lang: string) {
  const room = makeRoom({
    seatCount: 8,
    reconnectGraceMs: 600_000,
    invitationTimeoutMs: 600_000,
    requestTimeoutMs: 600_000,
  });
  const host = await room.join('alice', 'host', view, { lang, name: lang === 'zh' ? '爱丽丝' : 'Alice' });
  host.actor.send({ type: 'SET_MODE', mode: 'free' });
  const names =
    lang === 'zh'
      ? ['王小明', '李娜', '陈伟', '赵敏', '周杰', '孙丽']
      : ['Bob Stone', 'Carol', 'Dan', 'Erin Bartholomew', 'Frank', 'Grace'];
  const ids = ['bob', 'carol', 'dan', 'erin', 'frank', 'grace'];
  const people: Awaited<ReturnType<typeof room.join>>[] = [];
  for (let i = 0; i < ids.length; i++)
    people.push(await room.join(ids[i]!, 'audience', i === 5 ? view : html``, { lang, name: names[i]! }));
  await until(() => people.every((p) => p.snap().context.room?.mode === 'free'));
  people[0]!.actor.send({ type: 'TAKE_SEAT', seat: 0 });
  people[1]!.actor.send({ type: 'TAKE_SEAT', seat: 1 });
  people[2]!.actor.send({ type: 'TAKE_SEAT', seat: 2 });
  await until(() => [0, 1, 2].every((i) => host.snap().context.room!.seats[i]!.userId));
  host.actor.send({ type: 'MUTE_SEAT', seat: 1, muted: true });
  host.actor.send({ type: 'INVITE', userId: 'erin', seat: 3 });
  host.actor.send({ type: 'LOCK_SEAT', seat: 7, locked: true });
  host.actor.send({ type: 'SET_MODE', mode: 'request' });
  await until(() => people[3]!.snap().context.room?.mode === 'request');
  people[4]!.actor.send({ type: 'REQUEST_SEAT' });
  people[5]!.actor.send({ type: 'REQUEST_SEAT' });
  room.memory.drop('dan');
  const seats = () =>
    [...host.el.querySelector('mic-seat-grid')!.shadowRoot!.querySelectorAll('mic-seat')] as MicSeat[];
  await until(
    () =>
      hasState(seats()[3]!, 'reconnecting') && hasState(seats()[4]!, 'reserved') && hasState(seats()[1]!, 'speaking'),
    'states shown',
    10_000,
  );
  await until(() => people[5]!.snap().context.request?.getSnapshot().value === 'pending');
  return { host, listener: people[5]! };
}

async function shot(name: string, el: Element) {
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const r = el.getBoundingClientRect();
  await executeServerCommand('micseat-screenshot', {
    name,
    clip: { x: r.x, y: r.y + window.scrollY, width: r.width, height: Math.min(r.height, 1400) },
  });
}

describe('screenshots of the main states', () => {
  afterEach(() => {
    closeRooms();
    document.documentElement.dir = 'ltr';
  });

  for (const [width, lang, theme, dir] of [
    [390, 'en', 'dark', 'ltr'],
    [390, 'en', 'light', 'ltr'],
    [390, 'zh', 'dark', 'rtl'],
    [1280, 'en', 'dark', 'ltr'],
    [1280, 'zh', 'light', 'ltr'],
  ] as const) {
    it(`${width} px ${lang} ${theme} ${dir}`, async () => {
      await setViewport({ width, height: 1800 });
      await emulateMedia({ reducedMotion: 'reduce' });
      document.documentElement.dir = dir;
      const { host, listener } = await busyRoom(lang);
      for (const p of [host, listener]) p.el.setAttribute('theme', theme);
      const tag = `${width}-${lang}-${theme}-${dir}`;
      await shot(`host-${tag}`, host.el);
      await shot(`listener-${tag}`, listener.el);
    });
  }
});
