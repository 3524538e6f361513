/**
 * The moderator's inbox: the page of the queue they look at (position, age, time left), the
 * actions on it, what is in flight, the last error, and a once-a-second clock for ages and
 * countdowns while anyone waits. The queue stays with the authority (it can hold 100,000): the
 * page is read (`read({ kind: 'queue' })`) when the published counts move, after each action,
 * when the view changes, and once a second while someone waits — one read in flight at a time.
 */
import { assign, fromPromise, fromCallback, setup } from 'xstate';
import type { RoomBackend } from '../backend.js';
import type { Result, RoomError } from '../errors.js';
import type { RoomEvent } from '../events.js';
import { LIMITS } from '../limits.js';
import type { Command, Member, QueuePage, RoomState, SeatRequest } from '../schema.js';

export interface InboxItem {
  readonly request: SeatRequest;
  /** The requester (name, avatar), or null if they left meanwhile. */
  readonly member: Member | null;
  readonly position: number;
  /** ms since the request arrived, and until it expires, on the authority's clock. */
  readonly ageMs: number;
  readonly leftMs: number;
  readonly busy: boolean;
}

/** What part of the queue the moderator looks at: from `cursor` (null: the head), `limit` requests. */
export interface InboxView {
  readonly cursor: string | null;
  readonly limit: number;
}

export interface InboxContext {
  backend: RoomBackend;
  room: RoomState | null;
  /** Authority clock estimate: the room's clock plus local time elapsed since it arrived. */
  now: number;
  busy: Record<string, true>;
  /** Requests this moderator resolved recently (for "handled by"). */
  recent: SeatRequest[];
  error: RoomError | null;
  view: InboxView;
  /** The page looked at, as last read (null before the first read). */
  page: QueuePage | null;
  /** Names and avatars by id: the members on the stage and the requesters on the page. */
  members: Record<string, Member>;
  /** A read is due. */
  stale: boolean;
  /**
   * The whole queue in FIFO order when the backend replicates the whole room (the behaviour
   * before issue #10, `replicate: 'room'`); null when clients hold the stage and read pages.
   */
  queue: SeatRequest[] | null;
}

export type InboxEvent =
  | { type: 'ROOM'; room: RoomState; events: readonly RoomEvent[] }
  | { type: 'ACCEPT'; requestId: string }
  | { type: 'REJECT'; requestId: string; reason?: string }
  | { type: 'ACCEPT_NEXT' }
  | { type: 'ACCEPT_ALL' }
  | { type: 'REJECT_ALL' }
  | { type: 'DISMISS_ERROR' }
  /** Look at another page: from a page's `next` cursor (null: the head), `limit` requests. */
  | { type: 'VIEW'; cursor: string | null; limit?: number }
  | { type: 'DONE'; key: string; result: Result };

const TICK_MS = 1000;

const sendCommand = fromCallback<InboxEvent, { backend: RoomBackend; key: string; command: Command }>(
  ({ input, sendBack }) => {
    void input.backend.send(input.command).then((result) => sendBack({ type: 'DONE', key: input.key, result }));
  },
);

const readQueue = fromPromise(async ({ input }: { input: { backend: RoomBackend; view: InboxView } }) =>
  input.backend.read({
    kind: 'queue',
    limit: input.view.limit,
    ...(input.view.cursor !== null ? { cursor: input.view.cursor } : {}),
  }),
);

/** The page looked at, in queue order, with ages and countdowns at `now`. */
export function inboxItems(ctx: Pick<InboxContext, 'page' | 'now' | 'busy' | 'queue' | 'members'>): InboxItem[] {
  const entries = ctx.queue
    ? ctx.queue.map((request, i) => ({ request, member: ctx.members[request.userId] ?? null, position: i + 1 }))
    : (ctx.page?.items ?? []);
  return entries.map(({ request, member, position }) => ({
    request,
    member,
    position,
    ageMs: Math.max(0, ctx.now - request.createdAt),
    leftMs: Math.max(0, request.deadline - ctx.now),
    busy: Object.hasOwn(ctx.busy, request.id) || Object.hasOwn(ctx.busy, '*'),
  }));
}

/** How many wait in all (the page's total when read, else the published count). */
export const inboxTotal = (ctx: Pick<InboxContext, 'page' | 'room' | 'queue'>): number =>
  ctx.queue?.length ?? ctx.page?.total ?? ctx.room?.counts.queue ?? 0;

/** The whole queue if the room holds other people's requests (it replicates the whole room), else null. */
function wholeQueue(room: RoomState | null, me: string): SeatRequest[] | null {
  if (!room) return null;
  let whole = false;
  const pending: SeatRequest[] = [];
  for (const r of Object.values(room.requests)) {
    if (r.userId !== me) whole = true;
    if (r.status === 'pending') pending.push(r);
  }
  return whole ? pending.sort((a, b) => a.seq - b.seq) : null;
}

function membersOf(room: RoomState | null, page: QueuePage | null): Record<string, Member> {
  const out: Record<string, Member> = Object.create(null);
  if (room) Object.assign(out, room.members);
  for (const { member } of page?.items ?? []) if (member) out[member.id] = member;
  return out;
}

export const inboxMachine = setup({
  types: { input: {} as { backend: RoomBackend }, context: {} as InboxContext, events: {} as InboxEvent },
  actors: { sendCommand, readQueue },
  guards: {
    stale: ({ context }) => context.stale,
    waiting: ({ context }) => inboxTotal(context) > 0,
  },
  actions: {
    take: assign(({ context, event }) => {
      if (event.type !== 'ROOM') return {};
      const moved = event.room.counts !== context.room?.counts;
      // Replicating the whole room, others' verdicts arrive as events ("handled by X").
      const resolved = event.events.flatMap((e) =>
        e.type === 'request-resolved' && event.room.requests[e.requestId] ? [event.room.requests[e.requestId]!] : [],
      );
      return {
        room: event.room,
        now: Math.max(context.now, event.room.clock),
        members: event.room.members !== context.room?.members ? membersOf(event.room, context.page) : context.members,
        stale: context.stale || moved,
        queue:
          event.room.requests !== context.room?.requests
            ? wholeQueue(event.room, context.backend.identity)
            : context.queue,
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
        case 'ACCEPT_NEXT':
          // The authority takes its own head (the page may be a moment old, or not read yet).
          [key, command] = [context.page?.head?.id ?? 'next', { type: 'accept-next' }];
          break;
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
      const resolved = event.result.ok ? (event.result.value as { request?: SeatRequest } | null)?.request : undefined;
      return {
        busy,
        error: event.result.ok ? context.error : event.result.error,
        recent: resolved
          ? [resolved, ...context.recent.filter((r) => r.id !== resolved.id)].slice(0, 20)
          : context.recent,
        stale: true,
      };
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
    view: { cursor: null, limit: LIMITS.defaultPageSize },
    page: null,
    members: membersOf(input.backend.room, null),
    stale: true,
    queue: wholeQueue(input.backend.room, input.backend.identity),
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
    VIEW: {
      actions: assign(({ event }) => ({
        view: {
          cursor: event.cursor,
          limit: Math.max(1, Math.min(LIMITS.maxPageSize, Math.floor(event.limit ?? LIMITS.defaultPageSize))),
        },
        stale: true,
      })),
    },
  },
  type: 'parallel',
  states: {
    /** Ages and countdowns move once a second while someone waits; the page is read again then too. */
    clock: {
      initial: 'checking',
      states: {
        checking: { always: [{ guard: 'waiting', target: 'waiting' }, { target: 'empty' }] },
        empty: { always: { guard: 'waiting', target: 'waiting' } },
        waiting: {
          after: {
            [TICK_MS]: {
              target: 'checking',
              actions: assign({ now: ({ context }) => context.now + TICK_MS, stale: true }),
            },
          },
        },
      },
    },
    /** One read of the page in flight at a time; a read asked for meanwhile follows it. */
    reader: {
      initial: 'idle',
      states: {
        idle: { always: { guard: 'stale', target: 'reading' } },
        reading: {
          entry: assign({ stale: false }),
          invoke: {
            src: 'readQueue',
            input: ({ context }) => ({ backend: context.backend, view: context.view }),
            onDone: {
              target: 'idle',
              actions: assign(({ context, event }) => {
                const res = event.output;
                if (!res.ok) return { error: res.error.code === 'not-allowed' ? context.error : res.error };
                if (res.value.kind !== 'queue') return {};
                return { page: res.value, members: membersOf(context.room, res.value) };
              }),
            },
            onError: 'idle',
          },
        },
      },
    },
  },
});
