/**
 * Runs the pure authority as an actor: commands in, outcomes out, and the authority's own
 * clock as an XState `after` timer (so fake clocks drive expiries in tests). Every backend
 * that hosts the authority (in-page, host browser over LiveKit) runs this same machine.
 */
import { assign, emit, setup } from 'xstate';
import { SYSTEM_CALLER, step, type AuthorityState, type Caller, type StepOutcome } from '../authority.js';
import { fail } from '../errors.js';
import { describe } from '../json.js';
import { LIMITS } from '../limits.js';
import { NO_STAGE_CHANGE } from '../stage.js';

export interface AuthorityHostContext {
  state: AuthorityState;
  now: () => number;
  /** Fewest ms between two publications of the counts (default `LIMITS.countsIntervalMs`). */
  countsIntervalMs: number;
  /** The outcome of the last event handled; read it synchronously right after `send`. */
  last: StepOutcome | null;
}

export type AuthorityHostEvent =
  { type: 'COMMAND'; command: unknown; caller: Caller } | { type: 'RESTORE'; state: AuthorityState };

/**
 * `step` never throws; the clock is the host's own code and could. An actor whose action
 * throws stops for good (every later command ignored), so nothing may escape here: the
 * outcome is a typed `internal` error and the state stays as it was.
 */
function safeStep(context: AuthorityHostContext, command: unknown, caller: Caller): StepOutcome {
  try {
    return step(context.state, command, caller, context.now());
  } catch (e) {
    return {
      state: context.state,
      events: [],
      result: fail('internal', `The room could not run this command; nothing changed (${describe(e)}).`),
      patch: null,
      stage: NO_STAGE_CHANGE,
    };
  }
}

/** Longest timer the platform allows; a room with no deadline just re-checks then. */
const MAX_DELAY = 2 ** 31 - 1;

export const authorityHostMachine = setup({
  types: {
    context: {} as AuthorityHostContext,
    events: {} as AuthorityHostEvent,
    input: {} as { state: AuthorityState; now?: () => number; countsIntervalMs?: number },
    emitted: {} as { type: 'outcome'; outcome: StepOutcome },
  },
  delays: {
    untilNextDeadline: ({ context }) => {
      let ms: number;
      try {
        ms = context.state.nextDeadline - context.now();
      } catch {
        return MAX_DELAY;
      }
      return Number.isFinite(ms) ? Math.min(MAX_DELAY, Math.max(0, ms)) : MAX_DELAY;
    },
    countsInterval: ({ context }) => context.countsIntervalMs,
  },
  guards: {
    countsStale: ({ context }) => context.state.countsStale,
  },
  actions: {
    apply: assign(({ context, event }) => {
      const caller = event.type === 'COMMAND' ? event.caller : SYSTEM_CALLER;
      const command = event.type === 'COMMAND' ? event.command : { type: 'tick' };
      const last = safeStep(context, command, caller);
      return { state: last.state, last };
    }),
    tick: assign(({ context }) => {
      const last = safeStep(context, { type: 'tick' }, SYSTEM_CALLER);
      return { state: last.state, last };
    }),
    publishCounts: assign(({ context }) => {
      const last = safeStep(context, { type: 'publish-counts' }, SYSTEM_CALLER);
      return { state: last.state, last };
    }),
    // Emitted after the state is assigned, so listeners see the new state.
    emitOutcome: emit(({ context }) => ({ type: 'outcome' as const, outcome: context.last! })),
  },
}).createMachine({
  id: 'authorityHost',
  context: ({ input }) => ({
    state: input.state,
    now: input.now ?? (() => Date.now()),
    countsIntervalMs: Math.max(0, input.countsIntervalMs ?? LIMITS.countsIntervalMs),
    last: null,
  }),
  type: 'parallel',
  states: {
    /** Commands, and the authority's own clock: a timer to the next deadline, re-armed after each change. */
    clock: {
      initial: 'running',
      states: {
        running: {
          after: {
            untilNextDeadline: { target: 'running', reenter: true, actions: ['tick', 'emitOutcome'] },
          },
          on: {
            COMMAND: { target: 'running', reenter: true, actions: ['apply', 'emitOutcome'] },
            RESTORE: {
              target: 'running',
              reenter: true,
              actions: assign(({ event }) => ({ state: event.state, last: null })),
            },
          },
        },
      },
    },
    /**
     * Counts: audience joins and leaves are coalesced; once anything moved a count, the counts
     * are published one interval later (so at most once per interval, whatever the churn).
     */
    counts: {
      initial: 'idle',
      states: {
        idle: { always: { guard: 'countsStale', target: 'due' } },
        due: {
          after: { countsInterval: { target: 'idle', actions: ['publishCounts', 'emitOutcome'] } },
        },
      },
    },
  },
});
