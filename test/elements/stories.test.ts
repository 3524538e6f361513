/**
 * Every story renders in real Chromium: no error, every room connects, and the result is
 * accessible. (The stories are plain functions returning Lit templates.)
 */
import { expect, fixture } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import { ignoreResizeObserverLoop, tick, until } from './helpers.js';
import * as grid from '../../stories/mic-seat-grid.stories.js';
import * as button from '../../stories/cohost-request-button.stories.js';
import * as list from '../../stories/request-list.stories.js';
import * as companions from '../../stories/companions.stories.js';
import * as live from '../../stories/live-room.stories.js';

type StoryModule = Record<string, unknown> & { default: { title: string } };
interface Story {
  render?: (args: Record<string, unknown>) => TemplateResult;
  args?: Record<string, unknown>;
}

const modules = [grid, button, list, companions, live] as unknown as StoryModule[];

describe('stories', () => {
  before(ignoreResizeObserverLoop);

  for (const mod of modules) {
    for (const [name, value] of Object.entries(mod)) {
      const story = value as Story;
      if (name === 'default' || typeof story?.render !== 'function') continue;
      it(`${mod.default.title} / ${name}`, async () => {
        const el = await fixture<HTMLElement>(story.render!(story.args ?? {}));
        const rooms = () => [...el.querySelectorAll('micseat-room'), ...(el.matches('micseat-room') ? [el] : [])];
        await until(() => rooms().length > 0 && rooms().every((r) => (r as unknown as { actor?: { getSnapshot(): { value: unknown } } }).actor?.getSnapshot().value === 'connected'), 'rooms connected', 8000);
        await tick(1200);
        for (const r of rooms()) expect(r.shadowRoot!.querySelector('[part="connection"]'), `${name}: connection banner`).to.equal(null);
        await expect(el).to.be.accessible();
      });
    }
  }
});
