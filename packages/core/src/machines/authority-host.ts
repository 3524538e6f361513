/**
 * Runs the pure authority as an actor: commands in, outcomes out, and the authority's own
 * clock as an XState `after` timer (so fake clocks drive expiries in tests). Every backend
 * that hosts the authority (in-page, host browser over LiveKit) runs this same machine.
 */
import { assign, emit, setup } from 'xstate';
import { SYSTEM_CALLER, step, type AuthorityState, type Caller, type StepOutcome } from '../authority.js';

export interface AuthorityHostContext {
  state: AuthorityState;
  now: () => number;
  /** The outcome of the last event handled; read it synchronously right after `send`. */
  last: StepOutcome | null;
}

export type AuthorityHostEvent =
  | { type: 'COMMAND'; command: unknown; caller: Caller }
  | { type: 'RESTORE'; state: AuthorityState };

/** Longest timer the platform allows; a room with no deadline just re-checks then. */
const MAX_DELAY = 2 ** 31 - 1;

export const authorityHostMachine = setup({
  types: {
    context: {} as AuthorityHostContext,
    events: {} as AuthorityHostEvent,
    input: {} as { state: AuthorityState; now?: () => number },
    emitted: {} as { type: 'outcome'; outcome: StepOutcome },
  },
  delays: {
    untilNextDeadline: ({ context }) => {
      const ms = context.state.nextDeadline - context.now();
      return Number.isFinite(ms) ? Math.min(MAX_DELAY, Math.max(0, ms)) : MAX_DELAY;
    },
  },
  actions: {
    apply: assign(({ context, event }) => {
      const caller = event.type === 'COMMAND' ? event.caller : SYSTEM_CALLER;
      const command = event.type === 'COMMAND' ? event.command : { type: 'tick' };
      const last = step(context.state, command, caller, context.now());
      return { state: last.state, last };
    }),
    tick: assign(({ context }) => {
      const last = step(context.state, { type: 'tick' }, SYSTEM_CALLER, context.now());
      return { state: last.state, last };
    }),
    // Emitted after the state is assigned, so listeners see the new state.
    emitOutcome: emit(({ context }) => ({ type: 'outcome' as const, outcome: context.last! })),
  },
}).createMachine({
  id: 'authorityHost',
  context: ({ input }) => ({ state: input.state, now: input.now ?? (() => Date.now()), last: null }),
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
});
