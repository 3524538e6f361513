/**
 * The moderator's inbox: the live queue (position, age, time left, handled-by) and the
 * actions on it. The queue is read from the authority's state; this machine adds what is in
 * flight, the last error, and a once-a-second clock for ages and countdowns while anyone waits.
 */
import { assign, fromCallback, setup } from 'xstate';
import type { RoomBackend } from '../backend.js';
import type { Result, RoomError } from '../errors.js';
import type { RoomEvent } from '../events.js';
import type { Command, RoomState, SeatRequest } from '../schema.js';

export interface InboxItem {
  readonly request: SeatRequest;
  readonly position: number;
  /** ms since the request arrived, and until it expires, on the authority's clock. */
  readonly ageMs: number;
  readonly leftMs: number;
  readonly busy: boolean;
}

export interface InboxContext {
  backend: RoomBackend;
  room: RoomState | null;
  /** Authority clock estimate: the room's clock plus local time elapsed since it arrived. */
  now: number;
  busy: Record<string, true>;
  /** Requests resolved recently, with who handled them (for "handled by X"). */
  recent: SeatRequest[];
  error: RoomError | null;
}

export type InboxEvent =
  | { type: 'ROOM'; room: RoomState; events: readonly RoomEvent[] }
  | { type: 'ACCEPT'; requestId: string }
  | { type: 'REJECT'; requestId: string; reason?: string }
  | { type: 'ACCEPT_NEXT' }
  | { type: 'ACCEPT_ALL' }
  | { type: 'REJECT_ALL' }
  | { type: 'DISMISS_ERROR' }
  | { type: 'DONE'; key: string; result: Result };

const TICK_MS = 1000;

const sendCommand = fromCallback<InboxEvent, { backend: RoomBackend; key: string; command: Command }>(
  ({ input, sendBack }) => {
    void input.backend.send(input.command).then((result) => sendBack({ type: 'DONE', key: input.key, result }));
  },
);

/** The pending queue in arrival order, with ages and countdowns at `now`. */
export function inboxItems(ctx: Pick<InboxContext, 'room' | 'now' | 'busy'>): InboxItem[] {
  if (!ctx.room) return [];
  const pending = Object.values(ctx.room.requests).filter((r) => r.status === 'pending');
  pending.sort((a, b) => a.seq - b.seq);
  return pending.map((request, i) => ({
    request,
    position: i + 1,
    ageMs: Math.max(0, ctx.now - request.createdAt),
    leftMs: Math.max(0, request.deadline - ctx.now),
    busy: Object.hasOwn(ctx.busy, request.id) || Object.hasOwn(ctx.busy, '*'),
  }));
}

const hasPending = (room: RoomState | null) =>
  !!room && Object.values(room.requests).some((r) => r.status === 'pending');

export const inboxMachine = setup({
  types: { input: {} as { backend: RoomBackend }, context: {} as InboxContext, events: {} as InboxEvent },
  actors: { sendCommand },
  actions: {
    take: assign(({ context, event }) => {
      if (event.type !== 'ROOM') return {};
      const resolved = event.events.flatMap((e) =>
        e.type === 'request-resolved' && event.room.requests[e.requestId] ? [event.room.requests[e.requestId]!] : [],
      );
      return {
        room: event.room,
        now: Math.max(context.now, event.room.clock),
        recent: resolved.length ? [...resolved, ...context.recent].slice(0, 20) : context.recent,
      };
    }),
    start: assign(({ context, event, spawn }) => {
      let key: string;
      let command: Command;
      switch (event.type) {
        case 'ACCEPT':
          [key, command] = [event.requestId, { type: 'accept-request', requestId: event.requestId }];
          break;
        case 'REJECT':
          [key, command] = [
            event.requestId,
            { type: 'reject-request', requestId: event.requestId, ...(event.reason ? { reason: event.reason } : {}) },
          ];
          break;
        case 'ACCEPT_NEXT': {
          const first = inboxItems(context)[0];
          if (!first) return {};
          [key, command] = [first.request.id, { type: 'accept-request', requestId: first.request.id }];
          break;
        }
        case 'ACCEPT_ALL':
          [key, command] = ['*', { type: 'accept-all' }];
          break;
        case 'REJECT_ALL':
          [key, command] = ['*', { type: 'reject-all' }];
          break;
        default:
          return {};
      }
      if (Object.hasOwn(context.busy, key)) return {}; // keyed by request id: `constructor` is an id like any other
      spawn('sendCommand', { input: { backend: context.backend, key, command } });
      return { busy: { ...context.busy, [key]: true as const }, error: null };
    }),
    done: assign(({ context, event }) => {
      if (event.type !== 'DONE') return {};
      const { [event.key]: _, ...busy } = context.busy;
      return { busy, error: event.result.ok ? context.error : event.result.error };
    }),
  },
}).createMachine({
  id: 'inbox',
  context: ({ input }) => ({
    backend: input.backend,
    room: input.backend.room,
    now: input.backend.room?.clock ?? 0,
    busy: {},
    recent: [],
    error: null,
  }),
  on: {
    ROOM: { actions: 'take' },
    ACCEPT: { actions: 'start' },
    REJECT: { actions: 'start' },
    ACCEPT_NEXT: { actions: 'start' },
    ACCEPT_ALL: { actions: 'start' },
    REJECT_ALL: { actions: 'start' },
    DONE: { actions: 'done' },
    DISMISS_ERROR: { actions: assign({ error: null }) },
  },
  initial: 'checking',
  states: {
    checking: {
      always: [{ guard: ({ context }) => hasPending(context.room), target: 'waiting' }, { target: 'empty' }],
    },
    empty: {
      on: { ROOM: { target: 'checking', actions: 'take' } },
    },
    waiting: {
      // Ages and countdowns move once a second while someone waits.
      after: {
        [TICK_MS]: { target: 'checking', actions: assign({ now: ({ context }) => context.now + TICK_MS }) },
      },
      on: { ROOM: { target: 'checking', actions: 'take' } },
    },
  },
});
