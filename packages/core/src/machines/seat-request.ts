/**
 * The listener's side of asking for a seat, from the tap to sitting with a live mic:
 * idle → sending → pending → accepted → preparing → onSeat, or rejected / cancelled / timeout /
 * lostRace / failed. Terminal states are final: a new ask is a new actor.
 *
 * The authority's state is the truth; this machine follows it (ROOM events) and keeps its own
 * deadline (deadline + grace) so a listener is never left on "pending" when updates are lost.
 */
import { assign, fromPromise, setup } from 'xstate';
import type { RoomBackend } from '../backend.js';
import type { Result, RoomError } from '../errors.js';
import type { RoomEvent } from '../events.js';
import type { MediaWanted, RoomState, SeatRequest, WantedSeat } from '../schema.js';
import { prepareSeat, rollbackSeat } from './prepare.js';

/** A record entry by a client-made id, never an inherited property. */
const own = <T>(rec: Record<string, T>, id: string): T | undefined => (Object.hasOwn(rec, id) ? rec[id] : undefined);

/** A `request-closed` refusal telling the request's old outcome. */
const closedAs = (r: Result, status: string) =>
  !r.ok && r.error.code === 'request-closed' && r.error.details?.status === status;

/** How long after its deadline a request may wait for the authority's verdict before timing out locally. */
export const LOCAL_TIMEOUT_GRACE_MS = 1_000;

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
}

export type SeatRequestEvent = { type: 'ROOM'; room: RoomState; events: readonly RoomEvent[] } | { type: 'CANCEL' };

type Verdict = 'pending' | 'accepted' | 'rejected' | 'cancelled' | 'timeout';

const verdictOf = (r: SeatRequest | undefined): Verdict | null => r?.status ?? null;

function position(room: RoomState, requestId: string): number | null {
  const r = room.requests[requestId];
  if (!r || r.status !== 'pending') return null;
  let n = 1;
  for (const x of Object.values(room.requests)) if (x.status === 'pending' && x.seq < r.seq) n++;
  return n;
}

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
    keepError: assign({
      error: ({ event }) => ('output' in event ? (event.output as { ok: false; error: RoomError }).error : null),
    }),
    follow: assign(({ context, event }) => {
      if (event.type !== 'ROOM') return {};
      const r = own(event.room.requests, context.requestId);
      if (!r) return {};
      return {
        position: position(event.room, context.requestId),
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
          { actions: 'follow' },
        ],
        CANCEL: 'cancelling',
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
