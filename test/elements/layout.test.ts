/**
 * Layouts a new user meets: the refused-action message never covers seat labels; the
 * playground shows its four people side by side at 1280 px.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { TemplateResult } from 'lit';
import type { MicSeat } from '@micseat/elements';
import { closeRooms, deepAll, ignoreResizeObserverLoop, makeRoom, overlaps, part, textRect, until } from './helpers.js';
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
