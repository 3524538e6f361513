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
  join(id: string, role: MemberRole, content: TemplateResult, options?: { name?: string; media?: MemoryClientOptions['media']; lang?: string }): Promise<Person>;
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
