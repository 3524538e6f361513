/**
 * The listener's side of asking for a seat, from the tap to sitting with a live mic:
 * idle → sending → pending → accepted → preparing → onSeat, or rejected / cancelled / timeout /
 * lostRace / failed. Terminal states are final: a new ask is a new actor.
 *
 * The authority's state is the truth; this machine follows it (ROOM events) and keeps its own
 * deadline (deadline + grace) so a listener is never left on "pending" when updates are lost.
 */
import { assign, fromPromise, sendParent, sendTo, setup } from 'xstate';
import type { RoomBackend } from '../backend.js';
import type { Result, RoomError } from '../errors.js';
import type { RoomEvent } from '../events.js';
import type { MediaWanted, RoomCounts, RoomState, SeatRequest, WantedSeat } from '../schema.js';
import { prepareSeat, rollbackSeat } from './prepare.js';

/** A record entry by a client-made id, never an inherited property. */
const own = <T>(rec: Record<string, T>, id: string): T | undefined => (Object.hasOwn(rec, id) ? rec[id] : undefined);

/** A `request-closed` refusal telling the request's old outcome. */
const closedAs = (r: Result, status: string) =>
  !r.ok && r.error.code === 'request-closed' && r.error.details?.status === status;

/** How long after its deadline a request may wait for the authority's verdict before timing out locally. */
export const LOCAL_TIMEOUT_GRACE_MS = 1_000;
/**
 * Fewest ms between two reads of the place in the queue. The place is not pushed (a request
 * leaving the queue would move everyone behind it: a message to each); it is read while pending,
 * at most this often and only after the published counts moved.
 */
export const POSITION_REFRESH_MS = 1_000;

export interface SeatRequestInput {
  backend: RoomBackend;
  /** `request` asks the host; `take` sits directly (free mode, or a seat reserved for us). */
  kind: 'request' | 'take';
  requestId: string;
  seat: WantedSeat;
  media: MediaWanted;
  timeoutMs: number;
  /**
   * Rebuilt from the room state (after a reload or reconnect): the request is already pending at
   * the authority (`pending`: the machine starts there instead of sending it again; `timeoutMs`
   * is then the time it has left), or accepted with its preparing interrupted (`preparing`: the
   * requester sits on the seat and opens the mic again).
   */
  adopted?: 'pending' | 'preparing';
}

export interface SeatRequestContext extends SeatRequestInput {
  /** 1-based place in the queue while pending. */
  position: number | null;
  /** Authority-clock deadline. */
  deadline: number | null;
  seatIndex: number | null;
  error: RoomError | null;
  /** After a lost race: the nearest seat that was free, to offer instead. */
  nearestFree: number | null;
  handledBy: string | null;
  reason: string | null;
  /** The room's counts as last seen (the position is read again after they move). */
  counts: RoomCounts | null;
}

export type SeatRequestEvent =
  | { type: 'ROOM'; room: RoomState; events: readonly RoomEvent[] }
  | { type: 'CANCEL' }
  /** From the position watcher: the place in the queue just read. */
  | { type: 'POSITION'; position: number | null };

export interface PositionWatcherContext {
  backend: RoomBackend;
  requestId: string;
  counts: RoomCounts | null;
  /** The counts when the position was last read (`undefined`: never read). */
  readAt: RoomCounts | null | undefined;
}

/**
 * Keeps a pending request's place in the queue fresh: reads it (`read({ kind: 'position' })`)
 * after the published counts moved, at most once per POSITION_REFRESH_MS.
 */
const positionWatcher = setup({
  types: {
    input: {} as { backend: RoomBackend; requestId: string; counts: RoomCounts | null; known: boolean },
    context: {} as PositionWatcherContext,
    events: {} as { type: 'COUNTS'; counts: RoomCounts },
  },
  actors: {
    readPosition: fromPromise(async ({ input }: { input: { backend: RoomBackend; requestId: string } }) => {
      const page = await input.backend.read({ kind: 'position' });
      return page.ok && page.value.kind === 'position' && page.value.request?.id === input.requestId
        ? page.value.position
        : null;
    }),
  },
  guards: { moved: ({ context }) => context.counts !== context.readAt },
  delays: { positionRefresh: () => POSITION_REFRESH_MS },
}).createMachine({
  id: 'positionWatcher',
  context: ({ input }) => ({
    backend: input.backend,
    requestId: input.requestId,
    counts: input.counts,
    readAt: input.known ? input.counts : undefined,
  }),
  on: { COUNTS: { actions: assign({ counts: ({ event }) => event.counts }) } },
  initial: 'checking',
  states: {
    checking: { always: [{ guard: 'moved', target: 'reading' }, { target: 'current' }] },
    current: { always: { guard: 'moved', target: 'resting' } },
    resting: { after: { positionRefresh: 'reading' } },
    reading: {
      entry: assign({ readAt: ({ context }) => context.counts }),
      invoke: {
        src: 'readPosition',
        input: ({ context }) => context,
        onDone: {
          target: 'current',
          actions: sendParent(({ event }) => ({ type: 'POSITION', position: event.output })),
        },
        onError: 'current',
      },
    },
  },
});

type Verdict = 'pending' | 'accepted' | 'rejected' | 'cancelled' | 'timeout';

const verdictOf = (r: SeatRequest | undefined): Verdict | null => r?.status ?? null;

export const seatRequestMachine = setup({
  types: {
    input: {} as SeatRequestInput,
    context: {} as SeatRequestContext,
    events: {} as SeatRequestEvent,
  },
  actors: {
    send: fromPromise(async ({ input }: { input: SeatRequestInput }) =>
      input.kind === 'take' && typeof input.seat === 'number'
        ? input.backend.send({ type: 'take-seat', seat: input.seat })
        : input.backend.send({
            type: 'request-seat',
            requestId: input.requestId,
            seat: input.seat,
            media: input.media,
            timeoutMs: input.timeoutMs,
          }),
    ),
    cancel: fromPromise(async ({ input }: { input: SeatRequestInput }) =>
      input.backend.send({ type: 'cancel-request', requestId: input.requestId }),
    ),
    positionWatcher,
    prepare: prepareSeat,
    rollback: rollbackSeat,
  },
  delays: {
    // Counted from entering `pending` (sending is short), so only the timer clock matters.
    untilLocalTimeout: ({ context }) => context.timeoutMs + LOCAL_TIMEOUT_GRACE_MS,
  },
  guards: {
    isAccepted: ({ context, event }) =>
      event.type === 'ROOM' && verdictOf(own(event.room.requests, context.requestId)) === 'accepted',
    isRejected: ({ context, event }) =>
      event.type === 'ROOM' && verdictOf(own(event.room.requests, context.requestId)) === 'rejected',
    isCancelled: ({ context, event }) =>
      event.type === 'ROOM' && verdictOf(own(event.room.requests, context.requestId)) === 'cancelled',
    isTimedOut: ({ context, event }) =>
      event.type === 'ROOM' && verdictOf(own(event.room.requests, context.requestId)) === 'timeout',
  },
  actions: {
    /** The watcher reads the position again after the counts move. */
    tellCounts: sendTo('position', ({ event }) => ({
      type: 'COUNTS' as const,
      counts: (event as Extract<SeatRequestEvent, { type: 'ROOM' }>).room.counts,
    })),
    keepError: assign({
      error: ({ event }) => ('output' in event ? (event.output as { ok: false; error: RoomError }).error : null),
    }),
    follow: assign(({ context, event }) => {
      if (event.type !== 'ROOM') return {};
      const r = own(event.room.requests, context.requestId);
      if (!r) return { counts: event.room.counts };
      return {
        counts: event.room.counts,
        position: r.status === 'pending' ? context.position : null,
        deadline: r.deadline,
        seatIndex: r.seatIndex,
        handledBy: r.handledBy,
        reason: r.reason,
      };
    }),
  },
}).createMachine({
  id: 'seatRequest',
  context: ({ input }) => ({
    ...input,
    position: null,
    deadline: null,
    seatIndex: null,
    error: null,
    nearestFree: null,
    handledBy: null,
    reason: null,
    counts: input.backend.room?.counts ?? null,
  }),
  initial: 'start',
  states: {
    start: {
      always: [
        { guard: ({ context }) => context.adopted === 'pending', target: 'pending' },
        { guard: ({ context }) => context.adopted === 'preparing', target: 'preparing' },
        { target: 'sending' },
      ],
    },
    sending: {
      invoke: {
        src: 'send',
        input: ({ context }) => context,
        onDone: [
          {
            guard: ({ event }) => !event.output.ok && event.output.error.code === 'seat-taken',
            target: 'lostRace',
            actions: assign(({ event }) => {
              const error = (event.output as { ok: false; error: RoomError }).error;
              return { error, nearestFree: (error.details?.nearestFree as number | null | undefined) ?? null };
            }),
          },
          // A resend answered after the host reloaded: the request was decided long ago; follow that verdict.
          { guard: ({ event }) => closedAs(event.output, 'rejected'), target: 'rejected', actions: 'keepError' },
          { guard: ({ event }) => closedAs(event.output, 'cancelled'), target: 'cancelled', actions: 'keepError' },
          { guard: ({ event }) => closedAs(event.output, 'timeout'), target: 'timeout', actions: 'keepError' },
          {
            guard: ({ event }) => !event.output.ok,
            target: 'failed',
            actions: assign({ error: ({ event }) => (event.output as { ok: false; error: RoomError }).error }),
          },
          {
            // take-seat succeeded, or a free-mode request was granted at once.
            guard: ({ context, event }) => {
              if (context.kind === 'take') return true;
              const value = (event.output as { ok: true; value: { request?: SeatRequest } }).value;
              return value.request?.status === 'accepted';
            },
            target: 'accepted',
            actions: assign(({ context, event }) => {
              const value = (event.output as { ok: true; value: { seat?: number; request?: SeatRequest } }).value;
              return {
                seatIndex:
                  value.request?.seatIndex ?? value.seat ?? (typeof context.seat === 'number' ? context.seat : null),
              };
            }),
          },
          {
            target: 'pending',
            actions: assign(({ event }) => {
              const value = (event.output as { ok: true; value: { request: SeatRequest; position?: number } }).value;
              return { position: value.position ?? null, deadline: value.request.deadline };
            }),
          },
        ],
      },
    },
    pending: {
      after: {
        // The authority's verdict never came (host gone, updates lost): stop waiting.
        untilLocalTimeout: {
          target: 'timeout',
          actions: assign({
            error: () => ({ code: 'timeout', message: 'The host did not answer in time.' }) as RoomError,
          }),
        },
      },
      on: {
        ROOM: [
          { guard: 'isAccepted', target: 'accepted', actions: 'follow' },
          { guard: 'isRejected', target: 'rejected', actions: 'follow' },
          { guard: 'isCancelled', target: 'cancelled', actions: 'follow' },
          { guard: 'isTimedOut', target: 'timeout', actions: 'follow' },
          { actions: ['follow', 'tellCounts'] },
        ],
        CANCEL: 'cancelling',
        POSITION: { actions: assign({ position: ({ context, event }) => event.position ?? context.position }) },
      },
      // Keeps the place in the queue fresh (read, not pushed: see POSITION_REFRESH_MS).
      invoke: {
        id: 'position',
        src: 'positionWatcher',
        input: ({ context }) => ({
          backend: context.backend,
          requestId: context.requestId,
          counts: context.counts,
          known: context.position !== null,
        }),
      },
    },
    cancelling: {
      invoke: {
        src: 'cancel',
        input: ({ context }) => context,
        onDone: [
          { guard: ({ event }) => event.output.ok, target: 'cancelled' },
          {
            // Too late: it was decided meanwhile; follow the verdict.
            guard: ({ event }) =>
              !event.output.ok &&
              event.output.error.code === 'request-closed' &&
              event.output.error.details?.status === 'accepted',
            target: 'accepted',
          },
          {
            guard: ({ event }) => !event.output.ok && event.output.error.details?.status === 'rejected',
            target: 'rejected',
          },
          {
            guard: ({ event }) => !event.output.ok && event.output.error.details?.status === 'timeout',
            target: 'timeout',
          },
          {
            target: 'pending',
            actions: assign({ error: ({ event }) => (event.output as { ok: false; error: RoomError }).error }),
          },
        ],
      },
      on: {
        ROOM: [
          { guard: 'isAccepted', target: 'accepted', actions: 'follow' },
          { guard: 'isRejected', target: 'rejected', actions: 'follow' },
          { guard: 'isCancelled', target: 'cancelled', actions: 'follow' },
          { guard: 'isTimedOut', target: 'timeout', actions: 'follow' },
        ],
      },
    },
    accepted: {
      always: 'preparing',
    },
    preparing: {
      invoke: {
        src: 'prepare',
        input: ({ context }) => ({
          backend: context.backend,
          camera: context.media === 'audio+camera',
          ...(context.kind === 'request' ? { requestId: context.requestId } : {}),
        }),
        onDone: [
          { guard: ({ event }) => event.output.ok, target: 'onSeat' },
          {
            target: 'rollingBack',
            actions: assign({ error: ({ event }) => (event.output as { ok: false; error: RoomError }).error }),
          },
        ],
      },
    },
    rollingBack: {
      invoke: { src: 'rollback', input: ({ context }) => ({ backend: context.backend }), onDone: 'failed' },
    },
    onSeat: { type: 'final' },
    lostRace: { type: 'final' },
    rejected: { type: 'final' },
    cancelled: { type: 'final' },
    timeout: { type: 'final' },
    failed: { type: 'final' },
  },
});

export type SeatRequestState =
  | 'sending'
  | 'pending'
  | 'cancelling'
  | 'accepted'
  | 'preparing'
  | 'rollingBack'
  | 'onSeat'
  | 'lostRace'
  | 'rejected'
  | 'cancelled'
  | 'timeout'
  | 'failed';
