/**
 * The visual check: every story at phone to desktop widths, in English and Chinese, light and
 * dark, left-to-right and right-to-left. For each: no state text is cut (`data-state-text`: a
 * state, "(you)", a countdown), nothing pokes out of the viewport, no button lies over text, and
 * axe passes. To keep the run short each story is rendered once, half of them at 390 px Chinese
 * dark right-to-left (the combination most likely to break) and the others cycling through the
 * rest. MICSEAT_VISUAL=all (the config then sets `window.__micseatVisualAll`) checks every story
 * at 320, 390, 768 and 1280 px × en/zh × light/dark × LTR/RTL: each story is rendered once per
 * language, theme and direction and checked at each width in turn (resizing re-lays it out).
 *
 *   MICSEAT_VISUAL=all MICSEAT_TEST_GROUP=elements MICSEAT_TEST_FILES='test/elements/visual*.test.ts' npx web-test-runner
 */
import { expect, fixture } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { TemplateResult } from 'lit';
import { cutStateText, deepAll, ignoreResizeObserverLoop, overlaps, textRect, tick, until } from './helpers.js';
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
interface Look {
  width: number;
  lang: 'en' | 'zh';
  theme: 'light' | 'dark';
  dir: 'ltr' | 'rtl';
}

const LOOKS: Look[] = [
  { width: 390, lang: 'zh', theme: 'dark', dir: 'rtl' },
  { width: 320, lang: 'en', theme: 'light', dir: 'ltr' },
  { width: 768, lang: 'zh', theme: 'light', dir: 'ltr' },
  { width: 1280, lang: 'en', theme: 'dark', dir: 'rtl' },
  { width: 390, lang: 'en', theme: 'dark', dir: 'ltr' },
  { width: 320, lang: 'zh', theme: 'dark', dir: 'rtl' },
  { width: 768, lang: 'en', theme: 'dark', dir: 'rtl' },
  { width: 1280, lang: 'zh', theme: 'light', dir: 'ltr' },
];
const ALL = (window as unknown as { __micseatVisualAll?: boolean }).__micseatVisualAll === true;
const WIDTHS = [320, 390, 768, 1280];
/** Every language, theme and direction (each checked at every width) when ALL. */
const EVERY: Omit<Look, 'width'>[] = (['en', 'zh'] as const).flatMap((lang) =>
  (['light', 'dark'] as const).flatMap((theme) => (['ltr', 'rtl'] as const).map((dir) => ({ lang, theme, dir }))),
);

const ALL_MODULES = [grid, seat, provider, button, list, companions, live] as unknown as StoryModule[];
/** Stories that need a LiveKit server (checked in test/livekit). */
const skip = new Set(['LiveRoomOnLiveKit']);

const TEXT = '[part~="name"], [part~="meta"], [part~="status"], [part~="message"], [part~="title"], [data-state-text]';

/** Buttons lying over text of the same element (a popover menu is on top by design and not counted). */
function buttonsOverText(root: Element): string[] {
  const problems: string[] = [];
  const roots = [
    root,
    ...deepAll(root, '*')
      .filter((e) => e.shadowRoot)
      .map((e) => e.shadowRoot!),
  ];
  for (const r of roots) {
    const buttons = [...r.querySelectorAll('button')].filter(
      (b) => b.checkVisibility() && !b.closest('[popover]') && b.getBoundingClientRect().width > 1,
    );
    const texts = [...r.querySelectorAll(TEXT)].filter(
      (t) => t.checkVisibility() && !t.closest('[popover]') && t.getBoundingClientRect().width > 1,
    );
    for (const b of buttons) {
      const br = b.getBoundingClientRect();
      for (const t of texts) {
        if (b.contains(t) || t.contains(b)) continue;
        const tr = textRect(t);
        if (tr.width > 1 && overlaps(br, tr))
          problems.push(
            `button "${b.textContent!.trim() || b.getAttribute('aria-label')}" over "${t.textContent!.trim()}"`,
          );
      }
    }
  }
  return problems;
}

/** Micseat elements that leave the viewport sideways (a scrolling ancestor's content is not counted). */
function outOfViewport(root: Element): string[] {
  const vw = document.documentElement.clientWidth;
  const problems: string[] = [];
  if (document.documentElement.scrollWidth > vw + 1)
    problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw})`);
  for (const el of deepAll(
    root,
    'micseat-room, mic-seat-grid, mic-seat, cohost-request-button, request-list, room-mode-toggle, mic-toggle, invitation-prompt, connected-users, audio-unlock, room-inspector',
  )) {
    if (!el.checkVisibility()) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.left < -1 || r.right > vw + 1)
      problems.push(`<${el.localName}> at ${Math.round(r.left)}..${Math.round(r.right)} of ${vw}`);
  }
  return problems;
}

/**
 * Checks the stories of `modules` (a part of all of them: the runner gives each test file three
 * minutes, so the stories are split over two files). `n` counts stories across all modules, so
 * the looks are spread the same way whatever the split.
 */
export function visualCheck(part: 0 | 1): void {
  describe(`visual check (part ${part + 1} of 2): every story, sampled widths, languages, themes, directions`, () => {
    before(ignoreResizeObserverLoop);
    afterEach(async () => {
      document.documentElement.dir = 'ltr';
      document.documentElement.lang = 'en';
      document.documentElement.style.removeProperty('--micseat-color-scheme');
      await setViewport({ width: 800, height: 600 });
    });

    let i = 0;
    ALL_MODULES.forEach((mod, m) => {
      for (const [name, value] of Object.entries(mod)) {
        const story = value as Story;
        if (name === 'default' || typeof story?.render !== 'function' || skip.has(name)) continue;
        const n = i++;
        if ((m < 3 ? 0 : 1) !== part) continue;
        // A sample: one look per story. ALL: one render per language/theme/direction, every width.
        const runs: { look: Omit<Look, 'width'>; widths: number[] }[] = ALL
          ? EVERY.map((look) => ({ look, widths: WIDTHS }))
          : [n % 2 === 0 ? LOOKS[0]! : LOOKS[1 + ((n >> 1) % (LOOKS.length - 1))]!].map(({ width, ...look }) => ({
              look,
              widths: [width],
            }));
        for (const { look, widths } of runs) {
          it(`${mod.default.title} / ${name} at ${widths.join(', ')} px, ${look.lang}, ${look.theme}, ${look.dir}`, async () => {
            await setViewport({ width: widths[0]!, height: 900 });
            document.documentElement.dir = look.dir;
            document.documentElement.lang = look.lang;
            document.documentElement.style.setProperty('--micseat-color-scheme', look.theme);
            const el = await fixture<HTMLElement>(story.render!(story.args ?? {}));
            const rooms = () => [...el.querySelectorAll('micseat-room'), ...(el.matches('micseat-room') ? [el] : [])];
            await until(
              () => rooms().length > 0 && rooms().every((r) => (r as unknown as { actor?: unknown }).actor),
              'rooms made',
              8000,
            );
            // The story's scenario plays in the room (bots join, take seats, ask): let it settle.
            await tick(1200);
            for (const width of widths) {
              if (width !== widths[0]) {
                await setViewport({ width, height: 900 });
                await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
              }
              expect(cutStateText(el), `state text cut at ${width} px`).to.deep.equal([]);
              expect(outOfViewport(el), `out of the viewport at ${width} px`).to.deep.equal([]);
              expect(buttonsOverText(el), `buttons over text at ${width} px`).to.deep.equal([]);
              await expect(el).to.be.accessible();
            }
          });
        }
      }
    });
  });
}
