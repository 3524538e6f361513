/**
 * An invitation as the invitee lives it: pending (with its countdown) → responding →
 * preparing → onSeat, or declined / cancelled / timeout / failed. Final states are final.
 */
import { assign, fromPromise, setup } from 'xstate';
import type { RoomBackend } from '../backend.js';
import type { RoomError } from '../errors.js';
import type { RoomEvent } from '../events.js';
import type { Invitation, RoomState } from '../schema.js';
import { prepareSeat, rollbackSeat } from './prepare.js';
import { LOCAL_TIMEOUT_GRACE_MS } from './seat-request.js';

export interface InvitationInput {
  backend: RoomBackend;
  invitation: Invitation;
  /** ms left until the deadline when the invitation was seen. */
  remainingMs: number;
}

export interface InvitationContext extends InvitationInput {
  error: RoomError | null;
  seatIndex: number | null;
}

export type InvitationEvent =
  { type: 'ROOM'; room: RoomState; events: readonly RoomEvent[] } | { type: 'ACCEPT' } | { type: 'DECLINE' };

const statusIn = (ctx: InvitationContext, ev: InvitationEvent, s: Invitation['status']) =>
  ev.type === 'ROOM' && ev.room.invitations[ctx.invitation.id]?.status === s;

export const invitationMachine = setup({
  types: { input: {} as InvitationInput, context: {} as InvitationContext, events: {} as InvitationEvent },
  actors: {
    respond: fromPromise(async ({ input }: { input: { backend: RoomBackend; id: string; accept: boolean } }) =>
      input.backend.send({ type: 'respond-invitation', invitationId: input.id, accept: input.accept }),
    ),
    prepare: prepareSeat,
    rollback: rollbackSeat,
  },
  delays: {
    untilLocalTimeout: ({ context }) => Math.max(0, context.remainingMs) + LOCAL_TIMEOUT_GRACE_MS,
  },
  actions: {
    follow: assign(({ context, event }) => {
      if (event.type !== 'ROOM') return {};
      const inv = event.room.invitations[context.invitation.id];
      return inv ? { invitation: inv, seatIndex: inv.seatIndex } : {};
    }),
  },
}).createMachine({
  id: 'invitation',
  context: ({ input }) => ({ ...input, error: null, seatIndex: null }),
  initial: 'pending',
  states: {
    pending: {
      after: { untilLocalTimeout: 'timeout' },
      on: {
        ROOM: [
          {
            guard: ({ context, event }) => statusIn(context, event, 'cancelled'),
            target: 'cancelled',
            actions: 'follow',
          },
          { guard: ({ context, event }) => statusIn(context, event, 'timeout'), target: 'timeout', actions: 'follow' },
          {
            guard: ({ context, event }) => statusIn(context, event, 'accepted'),
            target: 'preparing',
            actions: 'follow',
          },
          {
            guard: ({ context, event }) => statusIn(context, event, 'declined'),
            target: 'declined',
            actions: 'follow',
          },
          { actions: 'follow' },
        ],
        ACCEPT: 'accepting',
        DECLINE: 'declining',
      },
    },
    accepting: {
      invoke: {
        src: 'respond',
        input: ({ context }) => ({ backend: context.backend, id: context.invitation.id, accept: true }),
        onDone: [
          { guard: ({ event }) => event.output.ok, target: 'preparing' },
          {
            guard: ({ event }) => !event.output.ok && event.output.error.details?.status === 'timeout',
            target: 'timeout',
          },
          {
            guard: ({ event }) => !event.output.ok && event.output.error.details?.status === 'cancelled',
            target: 'cancelled',
          },
          {
            target: 'failed',
            actions: assign({ error: ({ event }) => (event.output as { ok: false; error: RoomError }).error }),
          },
        ],
      },
    },
    declining: {
      invoke: {
        src: 'respond',
        input: ({ context }) => ({ backend: context.backend, id: context.invitation.id, accept: false }),
        onDone: 'declined',
      },
    },
    preparing: {
      invoke: {
        src: 'prepare',
        input: ({ context }) => ({ backend: context.backend, camera: false }),
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
    declined: { type: 'final' },
    cancelled: { type: 'final' },
    timeout: { type: 'final' },
    failed: { type: 'final' },
  },
});
