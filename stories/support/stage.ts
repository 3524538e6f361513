/**
 * Story helpers: a fresh in-memory room per story, "bots" (other participants with their own
 * room actor, no UI) that play parts of a scenario, and the viewer's `<micseat-room>`.
 * Only the stories use these; elements never see a backend.
 */
import { createMemoryRoom, type MemoryClientOptions, type MemoryRoom } from '@micseat/backend-memory';
import { roomMachine, type MemberRole, type RoomActor, type RoomConfigInput, type RoomSnapshot } from '@micseat/core';
import type { Decorator } from '@storybook/web-components-vite';
import { html, type TemplateResult } from 'lit';
import { createActor } from 'xstate';
import '@micseat/elements';

let live: { room: MemoryRoom; actors: RoomActor[] }[] = [];
let generation = 0;

/** Thrown by `until` when a newer story replaced the room a scenario was playing in. */
class Superseded extends Error {}

/** A new room; the rooms of the previous story are closed (their timers stop). */
export function freshRoom(config: RoomConfigInput = {}): MemoryRoom {
  for (const r of live) {
    r.actors.forEach((a) => a.stop());
    r.room.close();
  }
  const room = createMemoryRoom({ config });
  generation++;
  live = [{ room, actors: [] }];
  return room;
}

/** Polls `check` every 30 ms until it holds (or `timeoutMs` passes). */
export async function until(check: () => unknown, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  const gen = generation;
  while (!check()) {
    if (gen !== generation) throw new Superseded();
    if (Date.now() > end) throw new Error('story setup: condition not reached');
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** Another participant, driven by its own room actor. Resolves once connected. */
export async function bot(
  room: MemoryRoom,
  id: string,
  role: MemberRole = 'audience',
  name = id[0]!.toUpperCase() + id.slice(1),
  media: MemoryClientOptions['media'] = {},
): Promise<RoomActor> {
  const backend = room.join(id, role, { media });
  const actor = createActor(roomMachine, { input: { backend, name } }).start();
  live.find((l) => l.room === room)?.actors.push(actor);
  await until(() => actor.getSnapshot().value === 'connected');
  return actor;
}

export const snap = (a: RoomActor): RoomSnapshot => a.getSnapshot();

/** The viewer: a `<micseat-room>` joined as `id` around `content`. */
export function viewer(
  room: MemoryRoom,
  id: string,
  role: MemberRole,
  content: TemplateResult,
  options: { name?: string; media?: MemoryClientOptions['media']; style?: string } = {},
): TemplateResult {
  const backend = room.join(id, role, { media: options.media ?? {} });
  const name = options.name ?? id[0]!.toUpperCase() + id.slice(1);
  return html`<micseat-room .backend=${backend} name=${name} style=${options.style ?? 'display:grid;gap:16px;max-width:760px'}>${content}</micseat-room>`;
}

/** Waits until `id` is connected in the room (e.g. the viewer, before a bot invites them). */
export function joined(room: MemoryRoom, id: string): Promise<void> {
  return until(() => room.server.room.members[id]?.connected);
}

/** `setTimeout` for scenarios: skipped when a newer story has replaced the room meanwhile. */
export function later(fn: () => void, ms: number): void {
  const gen = generation;
  setTimeout(() => gen === generation && fn(), ms);
}

/** Runs a scenario after the story is on screen; errors are logged, not thrown into Storybook. */
export function play(run: () => Promise<unknown>): void {
  setTimeout(() => void run().catch((e) => e instanceof Superseded || console.warn('[micseat story]', e)), 0);
}

/** Follows the toolbar's theme: the elements read `--micseat-color-scheme` (inherited). */
export const withTheme: Decorator = (story, context) => {
  const theme = String(context.globals.theme ?? 'dark');
  document.documentElement.style.setProperty('--micseat-color-scheme', theme === 'system' ? 'light dark' : theme);
  return story();
};

/**
 * Holds opening `id`'s microphone, as a browser does while its permission prompt is up and
 * nobody has answered it yet: whatever is opening the mic stays in its "preparing" state.
 */
export function permissionPrompt(room: MemoryRoom, id: string): void {
  const media = room.clients.get(id)!.media;
  const real = media.setMic.bind(media);
  media.setMic = (on: boolean, ...rest: unknown[]) =>
    on
      ? new Promise<never>(() => {})
      : (real as (on: boolean, ...r: unknown[]) => ReturnType<typeof real>)(on, ...rest);
}

/** Holds `id`'s commands of one type on their way to the room, as a stalled link would (they never arrive). */
export function stalled(room: MemoryRoom, id: string, type: string): void {
  const backend = room.clients.get(id)!;
  const real = backend.send.bind(backend);
  backend.send = (command) => (command.type === type ? new Promise<never>(() => {}) : real(command));
}
