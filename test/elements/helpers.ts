/**
 * Test helpers: a real memory-backend room (no mocks), people joining it through
 * `<micseat-room>` providers, and waits on the room actor's state.
 */
import { createMemoryRoom, type MemoryRoom, type MemoryClientOptions } from '@micseat/backend-memory';
import type { MemberRole, RoomActor, RoomConfigInput, RoomSnapshot } from '@micseat/core';
import { fixture, waitUntil } from '@open-wc/testing';
import { html, type TemplateResult } from 'lit';
import '@micseat/elements';
import type { MicseatRoom } from '@micseat/elements';

export interface Person {
  readonly id: string;
  readonly el: MicseatRoom;
  readonly actor: RoomActor;
  snap(): RoomSnapshot;
}

export interface TestRoom {
  readonly memory: MemoryRoom;
  /** Joins through a `<micseat-room>` wrapping `content`, waits until connected. */
  join(
    id: string,
    role: MemberRole,
    content: TemplateResult,
    options?: { name?: string; media?: MemoryClientOptions['media']; lang?: string },
  ): Promise<Person>;
  /** Joins with a bare actor (another participant without UI). */
  close(): void;
}

const rooms: MemoryRoom[] = [];

/**
 * The virtualizer's ResizeObserver may report "loop completed with undelivered notifications":
 * a benign browser warning (https://github.com/WICG/resize-observer/issues/38), not a failure.
 * Call in a `before` hook (mocha installs its own onerror when the run starts).
 */
export function ignoreResizeObserverLoop(): void {
  const previous = window.onerror;
  window.onerror = (message, ...rest) =>
    String(message).includes('ResizeObserver loop') ? true : (previous?.call(window, message, ...rest) ?? false);
}

export function makeRoom(config: RoomConfigInput = {}): TestRoom {
  const memory = createMemoryRoom({ config });
  rooms.push(memory);
  return {
    memory,
    async join(id, role, content, options = {}) {
      const backend = memory.join(id, role, { media: options.media ?? {} });
      const name = options.name ?? id[0]!.toUpperCase() + id.slice(1);
      const el = await fixture<MicseatRoom>(
        html`<micseat-room .backend=${backend} name=${name} lang=${options.lang ?? 'en'}>${content}</micseat-room>`,
      );
      await waitUntil(() => el.actor?.getSnapshot().value === 'connected', `${id} connected`, { timeout: 5000 });
      const actor = el.actor!;
      return { id, el, actor, snap: () => actor.getSnapshot() };
    },
    close() {
      memory.close();
    },
  };
}

/** Closes every room made by the tests so far (call in afterEach). */
export function closeRooms(): void {
  for (const r of rooms.splice(0)) r.close();
}

export async function until(check: () => unknown, message = 'condition', timeout = 5000): Promise<void> {
  await waitUntil(() => !!check(), message, { timeout, interval: 20 });
}

/** The element's shadow part (first match). */
export function part<T extends Element = HTMLElement>(el: Element, name: string): T | null {
  return el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
}

export function hasState(el: Element, name: string): boolean {
  return (el as unknown as { matches(s: string): boolean }).matches(`:state(${name})`);
}

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** An element's text with whitespace collapsed, as a person reads it. */
export const words = (el: Node | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** A gate: `wait` resolves once `open()` is called. */
function gate() {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/** Holds opening `id`'s mic (as a browser's permission prompt does) until `release()`. */
export function holdMic(room: TestRoom, id: string) {
  const media = room.memory.clients.get(id)!.media;
  const real = media.setMic.bind(media);
  const g = gate();
  let held = false;
  media.setMic = async (on: boolean, ...rest: unknown[]) => {
    if (on) {
      held = true;
      await g.wait;
    }
    return (real as (on: boolean, ...r: unknown[]) => ReturnType<typeof real>)(on, ...rest);
  };
  return { held: () => held, release: g.open };
}

/** Holds `id`'s commands of one type on the way to the room (a stalled link) until `release()`. */
export function holdCommand(room: TestRoom, id: string, type: string) {
  const backend = room.memory.clients.get(id)!;
  const real = backend.send.bind(backend);
  const g = gate();
  let held = false;
  backend.send = async (command) => {
    if (command.type === type) {
      held = true;
      await g.wait;
    }
    return real(command);
  };
  return { held: () => held, release: g.open };
}

/** The flat-tree parent: the slot an element is assigned to, its parent, or its shadow root's host. */
function flatParent(el: Element): Element | null {
  if (el.assignedSlot) return el.assignedSlot;
  if (el.parentElement) return el.parentElement;
  const root = el.parentNode;
  return root instanceof ShadowRoot ? root.host : null;
}

/** Every element matching `selector` under `root`, through open shadow roots. */
export function deepAll(root: Element | Document, selector: string): Element[] {
  const out: Element[] = [];
  const walk = (node: Element | Document | ShadowRoot) => {
    for (const el of node.querySelectorAll('*')) {
      if (el.matches(selector)) out.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(root);
  return out;
}

const describeEl = (el: Element) => {
  const host: Node = el.getRootNode();
  const owner = host instanceof ShadowRoot ? host.host.localName : 'document';
  return `<${owner}> "${words(el)}"`;
};

/**
 * What a person could not read: every text marked `data-state-text` (a state, "(you)", a
 * countdown) that is cut by an ancestor that clips, pokes out of its own element, or leaves the
 * viewport. Deliberately hidden text (1 px, screen readers only) and text not rendered are skipped.
 */
export function cutStateText(root: Element | Document = document): string[] {
  const problems: string[] = [];
  const vw = document.documentElement.clientWidth;
  for (const el of deepAll(root, '[data-state-text]')) {
    if (!el.checkVisibility({ checkVisibilityCSS: true })) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;
    if (r.left < -0.5 || r.right > vw + 0.5)
      problems.push(`${describeEl(el)} leaves the viewport (${r.left.toFixed(0)}..${r.right.toFixed(0)} of ${vw})`);
    const own = getComputedStyle(el);
    if (own.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1)
      problems.push(`${describeEl(el)} is ellipsized`);
    let host: Element | null = null;
    for (let a = flatParent(el); a; a = flatParent(a)) {
      if (!host && a.shadowRoot && a.shadowRoot.contains(el)) host = a;
      const s = getComputedStyle(a);
      // A scroll container shows the rest by scrolling (a virtual list, a pane): only hidden/clip cut.
      const cuts = (o: string) => o === 'hidden' || o === 'clip';
      const scrolls = (o: string) => o === 'auto' || o === 'scroll';
      const b = a.getBoundingClientRect();
      const outside =
        r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5;
      if ((scrolls(s.overflowX) || scrolls(s.overflowY)) && outside) {
        host = null; // scrolled out of view, not cut: nothing more to check for this one
        break;
      }
      const clipsX = cuts(s.overflowX);
      const clipsY = cuts(s.overflowY);
      if (!clipsX && !clipsY) continue;
      if (
        (clipsX && (r.left < b.left - 0.5 || r.right > b.right + 0.5)) ||
        (clipsY && (r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5))
      ) {
        problems.push(
          `${describeEl(el)} is cut by ${a.localName}${a.getAttribute('part') ? `[part=${a.getAttribute('part')}]` : ''}`,
        );
        break;
      }
    }
    if (host) {
      const b = host.getBoundingClientRect();
      if (r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5) {
        problems.push(`${describeEl(el)} pokes out of its <${host.localName}>`);
      }
    }
  }
  return problems;
}

/** The bounding box of an element's text as drawn: its glyphs, within the element's own box when that clips (an ellipsis). */
export function textRect(el: Element): DOMRect {
  const range = document.createRange();
  range.selectNodeContents(el);
  const t = range.getBoundingClientRect();
  if (getComputedStyle(el).overflowX === 'visible') return t;
  const b = el.getBoundingClientRect();
  const left = Math.max(t.left, b.left);
  const right = Math.min(t.right, b.right);
  return new DOMRect(left, t.top, Math.max(0, right - left), t.height);
}

export const overlaps = (a: DOMRect, b: DOMRect) =>
  a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

/**
 * The `action` item (invite, cancel, cohost, remove) of `name`'s row in a `<connected-users>`:
 * opens that row's actions menu when it is closed (use inside `until`).
 */
export function rowAction(cu: Element, name: string, action: string): HTMLButtonElement | null {
  const row = [...cu.shadowRoot!.querySelectorAll<HTMLElement>('[part~="person"]')].find((r) =>
    r.querySelector('[part~="name"]')!.textContent!.trim().startsWith(name),
  );
  if (!row) return null;
  const item = row.querySelector<HTMLButtonElement>(`[part~="${action}"]`);
  if (item) return item;
  if (!row.querySelector('[part~="menu"]')) row.querySelector<HTMLButtonElement>('[part~="actions"]')?.click();
  return null;
}
