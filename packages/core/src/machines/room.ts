/**
 * The client's room actor: the connection lifecycle (connecting → connected ⇄ reconnecting →
 * disconnected | ended), the replica of the room, and the child machines (my seat request, my
 * invitations, the moderator inbox). Elements read it through selectors and send it intents;
 * it is the only thing that talks to the backend.
 */
import { isHostAway, isModerator, needsApproval } from '../policy.js';
import { assign, fromCallback, fromPromise, setup, type ActorRefFrom, type SnapshotFrom } from 'xstate';
import type { ConnectionStatus, RoomBackend } from '../backend.js';
import { ok, type Result, type RoomError } from '../errors.js';
import type { RoomEvent } from '../events.js';
import type { Command, Json, MediaWanted, RoomMode, RoomState, WantedSeat } from '../schema.js';
import { inboxMachine } from './inbox.js';
import { invitationMachine } from './invitation.js';
import { seatRequestMachine } from './seat-request.js';

/** Something worth telling the user (and screen readers) about; elements localise `code`. */
export interface Notice {
  readonly seq: number;
  readonly code:
    | 'request-sent'
    | 'request-accepted'
    | 'request-rejected'
    | 'request-cancelled'
    | 'request-timeout'
    | 'seat-lost-race'
    | 'on-seat'
    | 'removed-from-seat'
    | 'seat-muted'
    | 'seat-unmuted'
    | 'removed-from-room'
    | 'invited'
    | 'room-ended'
    | 'mode-changed'
    | 'made-cohost'
    | 'cohost-removed'
    | 'host-away'
    | 'host-back'
    | 'error';
  readonly params: Readonly<Record<string, string | number>>;
}

export type RoomIntent =
  | { type: 'TAKE_SEAT'; seat: number }
  | { type: 'REQUEST_SEAT'; seat?: WantedSeat; media?: MediaWanted }
  | { type: 'CANCEL_REQUEST' }
  | { type: 'LEAVE_SEAT' }
  | { type: 'SWITCH_SEAT'; to: number; /** A moderator moving someone else. */ userId?: string }
  | { type: 'KICK_SEAT'; seat: number }
  | { type: 'LOCK_SEAT'; seat: number; locked: boolean }
  | { type: 'MUTE_SEAT'; seat: number; muted: boolean }
  | { type: 'SET_MODE'; mode: RoomMode }
  | { type: 'SET_COHOST'; userId: string; cohost: boolean }
  | { type: 'ACCEPT_REQUEST'; requestId: string }
  | { type: 'REJECT_REQUEST'; requestId: string; reason?: string }
  | { type: 'ACCEPT_NEXT' }
  | { type: 'ACCEPT_ALL' }
  | { type: 'REJECT_ALL' }
  | { type: 'INVITE'; userId: string; seat: WantedSeat }
  | { type: 'CANCEL_INVITATION'; invitationId: string }
  | { type: 'ACCEPT_INVITATION'; invitationId: string }
  | { type: 'DECLINE_INVITATION'; invitationId: string }
  | { type: 'REMOVE_MEMBER'; userId: string }
  | { type: 'SET_MIC'; on: boolean }
  | { type: 'SIGNAL'; name: string; payload: Json }
  | { type: 'UNLOCK_AUDIO' }
  | { type: 'LEAVE_ROOM' }
  | { type: 'DISMISS_ERROR' };

type BackendEvent =
  | { type: 'BACKEND.UPDATE'; room: RoomState; events: readonly RoomEvent[] }
  | { type: 'BACKEND.STATUS'; status: ConnectionStatus; error?: RoomError }
  | { type: 'BACKEND.LEVELS'; levels: ReadonlyMap<string, number> }
  | { type: 'BACKEND.AUDIO_BLOCKED'; blocked: boolean }
  | { type: 'BACKEND.MIC_CLOSED'; reason: RoomError }
  | { type: 'INTENT.DONE'; intent: string; result: Result }
  | { type: 'CONNECT' }
  | { type: 'DISCONNECT' };

export type RoomMachineEvent = RoomIntent | BackendEvent;

export interface RoomContext {
  backend: RoomBackend;
  name: string;
  avatar?: string;
  identity: string;
  status: ConnectionStatus;
  room: RoomState | null;
  request: ActorRefFrom<typeof seatRequestMachine> | null;
  invitations: Record<string, ActorRefFrom<typeof invitationMachine>>;
  inbox: ActorRefFrom<typeof inboxMachine> | null;
  levels: ReadonlyMap<string, number>;
  audioBlocked: boolean;
  /** The last refusal of an intent, until dismissed or replaced. */
  error: RoomError | null;
  notice: Notice | null;
  /** The events of the last room update (e.g. why a seat was left: a log tells a removal apart). */
  lastEvents: readonly RoomEvent[];
  /** Intents on their way to the authority, by kind (for busy states in the UI). */
  busy: Record<string, number>;
  autoConnect: boolean;
}

export interface RoomInput {
  backend: RoomBackend;
  name: string;
  avatar?: string;
  /** Connect as soon as the actor starts (default true). */
  autoConnect?: boolean;
}

const bridge = fromCallback<RoomMachineEvent, { backend: RoomBackend }>(({ input, sendBack }) => {
  const { backend } = input;
  const offs = [
    backend.onUpdate((u) => sendBack({ type: 'BACKEND.UPDATE', room: u.room, events: u.events })),
    backend.onStatus((status, error) => sendBack({ type: 'BACKEND.STATUS', status, ...(error ? { error } : {}) })),
    backend.media.onLevels((levels) => sendBack({ type: 'BACKEND.LEVELS', levels })),
    backend.media.onAudioBlocked((blocked) => sendBack({ type: 'BACKEND.AUDIO_BLOCKED', blocked })),
    backend.media.onMicClosed?.((reason) => sendBack({ type: 'BACKEND.MIC_CLOSED', reason })) ?? (() => undefined),
  ];
  return () => offs.forEach((off) => off());
});

const runIntent = fromCallback<
  RoomMachineEvent,
  { backend: RoomBackend; intent: string; run: (b: RoomBackend) => Promise<Result> }
>(({ input, sendBack }) => {
  void input.run(input.backend).then(
    (result) => sendBack({ type: 'INTENT.DONE', intent: input.intent, result }),
    (e: unknown) =>
      sendBack({
        type: 'INTENT.DONE',
        intent: input.intent,
        result: { ok: false, error: { code: 'media-failed', message: String(e) } },
      }),
  );
});

const newId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `r${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;

/** What an intent asks of the backend; null for intents handled by child machines. */
function commandFor(intent: RoomIntent): Command | null {
  switch (intent.type) {
    case 'SWITCH_SEAT':
      return { type: 'switch-seat', to: intent.to, ...(intent.userId ? { userId: intent.userId } : {}) };
    case 'KICK_SEAT':
      return { type: 'kick-seat', seat: intent.seat };
    case 'LOCK_SEAT':
      return { type: 'lock-seat', seat: intent.seat, locked: intent.locked };
    case 'MUTE_SEAT':
      return { type: 'mute-seat', seat: intent.seat, muted: intent.muted };
    case 'SET_MODE':
      return { type: 'set-mode', mode: intent.mode };
    case 'SET_COHOST':
      return { type: 'set-cohost', userId: intent.userId, cohost: intent.cohost };
    case 'INVITE':
      return { type: 'invite', invitationId: newId(), userId: intent.userId, seat: intent.seat };
    case 'CANCEL_INVITATION':
      return { type: 'cancel-invitation', invitationId: intent.invitationId };
    case 'REMOVE_MEMBER':
      return { type: 'remove-member', userId: intent.userId };
    case 'SIGNAL':
      return { type: 'signal', name: intent.name, payload: intent.payload };
    default:
      return null;
  }
}

const myRole = (ctx: RoomContext) => ctx.room?.members[ctx.identity]?.role;
export const mySeat = (ctx: Pick<RoomContext, 'room' | 'identity'>): number =>
  ctx.room?.seats.findIndex((s) => s.userId === ctx.identity) ?? -1;

let noticeSeq = 0;
const notice = (code: Notice['code'], params: Notice['params'] = {}): Notice => ({ seq: ++noticeSeq, code, params });

export const roomMachine = setup({
  types: { input: {} as RoomInput, context: {} as RoomContext, events: {} as RoomMachineEvent },
  actors: {
    bridge,
    runIntent,
    connect: fromPromise(async ({ input }: { input: { backend: RoomBackend; name: string; avatar?: string } }) =>
      input.backend.connect({ name: input.name, ...(input.avatar ? { avatar: input.avatar } : {}) }),
    ),
    seatRequest: seatRequestMachine,
    invitation: invitationMachine,
    inbox: inboxMachine,
  },
  actions: {
    takeUpdate: assign(({ context, event, spawn }) => {
      if (event.type !== 'BACKEND.UPDATE') return {};
      const { room, events } = event;
      const me = context.identity;
      // Finished children keep their final state for the UI but take no more events.
      const live = (ref: { getSnapshot(): { status: string } } | null) => ref?.getSnapshot().status === 'active';
      if (live(context.request)) context.request!.send({ type: 'ROOM', room, events });
      // My request pending at the authority but no machine following it (this page reloaded or
      // reconnected): rebuild it from the room state, as invitations are, so the listener sees
      // "pending" and goes through preparing when the host accepts. Likewise a request accepted
      // onto the seat I sit on whose preparing never ended (a reload during the mic prompt):
      // prepare again rather than sit with a closed mic nobody chose.
      let request = context.request;
      if (!live(request)) {
        const seat = room.seats.findIndex((s) => s.userId === me);
        const mine = Object.values(room.requests).find(
          (r) =>
            r.userId === me &&
            (r.status === 'pending' ||
              (r.status === 'accepted' &&
                !r.prepared &&
                r.seatIndex === seat &&
                seat >= 0 &&
                !room.seats[seat]!.muted)),
        );
        if (mine && request?.getSnapshot().context.requestId !== mine.id) {
          request = spawn('seatRequest', {
            id: 'request',
            input: {
              backend: context.backend,
              kind: 'request',
              requestId: mine.id,
              seat: mine.seat,
              media: mine.media,
              timeoutMs: Math.max(0, mine.deadline - room.clock),
              adopted: mine.status === 'pending' ? 'pending' : 'preparing',
            },
          });
          request.send({ type: 'ROOM', room, events: [] });
        }
      }
      for (const ref of Object.values(context.invitations)) if (live(ref)) ref.send({ type: 'ROOM', room, events });
      context.inbox?.send({ type: 'ROOM', room, events });

      let invitations = context.invitations;
      for (const inv of Object.values(room.invitations)) {
        if (inv.userId !== me || inv.status !== 'pending' || Object.hasOwn(invitations, inv.id)) continue;
        const ref = spawn('invitation', {
          id: `invitation-${inv.id}`,
          input: { backend: context.backend, invitation: inv, remainingMs: inv.deadline - room.clock },
        });
        // Keyed by a client-made id: a null-prototype record, so `constructor` is an id like any other.
        invitations = Object.assign(Object.create(null) as typeof invitations, invitations, { [inv.id]: ref });
      }
      const role = room.members[me]?.role;
      const inbox =
        context.inbox ??
        (isModerator(role) ? spawn('inbox', { id: 'inbox', input: { backend: context.backend } }) : null);
      if (inbox && !context.inbox) inbox.send({ type: 'ROOM', room, events });

      let n: Notice | null = context.notice;
      // The host leaving or coming back (a server authority carries on without them).
      const away = isHostAway(room);
      if (away !== (context.room ? isHostAway(context.room) : false) && room.hostId !== me)
        n = notice(away ? 'host-away' : 'host-back');
      for (const e of events) {
        if (e.type === 'seat-left' && e.userId === me && e.reason === 'terminated')
          n = notice('removed-from-seat', { seat: e.seat });
        else if (e.type === 'member-left' && e.userId === me && e.reason === 'removed') n = notice('removed-from-room');
        else if (e.type === 'seat-muted' && room.seats[e.seat]?.userId === me)
          n = notice(e.muted ? 'seat-muted' : 'seat-unmuted', { seat: e.seat });
        else if (e.type === 'invitation-created' && e.userId === me) n = notice('invited');
        else if (e.type === 'room-ended') n = notice('room-ended');
        else if (e.type === 'mode-changed') n = notice('mode-changed', { mode: e.mode });
        else if (e.type === 'role-changed' && e.userId === me)
          n = notice(e.role === 'cohost' ? 'made-cohost' : 'cohost-removed');
        else if (e.type === 'request-resolved' && e.userId === me) {
          const code = (
            {
              accepted: 'request-accepted',
              rejected: 'request-rejected',
              cancelled: 'request-cancelled',
              timeout: 'request-timeout',
              pending: null,
            } as const
          )[e.status];
          if (code) n = notice(code);
        }
      }
      return { room, invitations, inbox, notice: n, request, lastEvents: events };
    }),
    /** A seat muted by a moderator closes the occupant's mic at once. */
    obeySeatMute: ({ context, event, self }) => {
      if (event.type !== 'BACKEND.UPDATE') return;
      for (const e of event.events) {
        if (e.type === 'seat-muted' && e.muted && event.room.seats[e.seat]?.userId === context.identity) {
          if (event.room.members[context.identity]?.mic === 'on') self.send({ type: 'SET_MIC', on: false });
        }
        if (e.type === 'seat-left' && e.userId === context.identity) void context.backend.media.setMic(false);
      }
    },
    startRequest: assign(({ context, event, spawn }) => {
      if (event.type !== 'TAKE_SEAT' && event.type !== 'REQUEST_SEAT') return {};
      const live = context.request?.getSnapshot();
      if (live && live.status === 'active') return {};
      if (mySeat(context) >= 0 || !context.room) return {};
      const seat: WantedSeat = event.type === 'TAKE_SEAT' ? event.seat : (event.seat ?? 'any');
      const reserved = typeof seat === 'number' && context.room.seats[seat]?.reservedFor === context.identity;
      const direct = event.type === 'TAKE_SEAT' && !needsApproval(context.room.mode, myRole(context), reserved);
      const request = spawn('seatRequest', {
        id: 'request',
        input: {
          backend: context.backend,
          kind: direct ? 'take' : 'request',
          requestId: newId(),
          seat,
          media: event.type === 'REQUEST_SEAT' ? (event.media ?? 'audio') : 'audio',
          timeoutMs: context.room.config.requestTimeoutMs,
        },
      });
      return { request, error: null, notice: direct ? context.notice : notice('request-sent') };
    }),
    sendCommand: assign(({ context, event, spawn }) => {
      const command = commandFor(event as RoomIntent);
      if (!command) return {};
      spawn('runIntent', { input: { backend: context.backend, intent: event.type, run: (b) => b.send(command) } });
      return { busy: { ...context.busy, [event.type]: (context.busy[event.type] ?? 0) + 1 } };
    }),
    runMedia: assign(({ context, event, spawn }) => {
      let run: ((b: RoomBackend) => Promise<Result>) | null = null;
      if (event.type === 'SET_MIC') {
        run = async (b) => {
          if (event.on) {
            const seat = mySeat(context);
            if (seat >= 0 && context.room?.seats[seat]?.muted) {
              return {
                ok: false,
                error: {
                  code: 'seat-muted',
                  message: 'The host muted your seat; you can unmute when they release it.',
                },
              };
            }
          }
          const media = await b.media.setMic(event.on);
          if (!media.ok) {
            const report =
              media.error.code === 'mic-denied' ? 'denied' : media.error.code === 'no-device' ? 'no-device' : 'off';
            await b.send({ type: 'set-mic', mic: report });
            return media;
          }
          return b.send({ type: 'set-mic', mic: event.on ? 'on' : 'off' });
        };
      } else if (event.type === 'LEAVE_SEAT') {
        run = async (b) => {
          await b.media.setMic(false);
          return b.send({ type: 'leave-seat' });
        };
      } else if (event.type === 'LEAVE_ROOM') {
        run = async (b) => {
          await b.media.setMic(false);
          const r = await b.send({ type: 'leave-room' });
          await b.disconnect();
          return r;
        };
      } else if (event.type === 'UNLOCK_AUDIO') {
        run = async (b) => {
          await b.media.unlockAudio();
          return ok({});
        };
      }
      if (!run) return {};
      spawn('runIntent', { input: { backend: context.backend, intent: event.type, run } });
      return { busy: { ...context.busy, [event.type]: (context.busy[event.type] ?? 0) + 1 } };
    }),
    /** The transport closed my mic (the server took the grant away): the room hears it is off. */
    followMicClosed: assign(({ context, event, spawn }) => {
      if (event.type !== 'BACKEND.MIC_CLOSED' || context.room?.members[context.identity]?.mic !== 'on') return {};
      spawn('runIntent', {
        input: { backend: context.backend, intent: 'SET_MIC', run: (b) => b.send({ type: 'set-mic', mic: 'off' }) },
      });
      return { busy: { ...context.busy, SET_MIC: (context.busy['SET_MIC'] ?? 0) + 1 } };
    }),
    intentDone: assign(({ context, event }) => {
      if (event.type !== 'INTENT.DONE') return {};
      const left = (context.busy[event.intent] ?? 1) - 1;
      const { [event.intent]: _, ...rest } = context.busy;
      return {
        busy: left > 0 ? { ...rest, [event.intent]: left } : rest,
        error: event.result.ok ? context.error : event.result.error,
        notice: event.result.ok
          ? context.notice
          : notice('error', { code: event.result.error.code, message: event.result.error.message }),
      };
    }),
  },
}).createMachine({
  id: 'room',
  context: ({ input }) => ({
    backend: input.backend,
    name: input.name,
    ...(input.avatar ? { avatar: input.avatar } : {}),
    identity: input.backend.identity,
    status: input.backend.status,
    room: input.backend.room,
    request: null,
    lastEvents: [],
    invitations: Object.create(null),
    inbox: null,
    levels: new Map(),
    audioBlocked: input.backend.media.audioBlocked,
    error: null,
    notice: null,
    busy: {},
    autoConnect: input.autoConnect ?? true,
  }),
  invoke: { src: 'bridge', input: ({ context }) => ({ backend: context.backend }) },
  on: {
    'BACKEND.UPDATE': { actions: ['takeUpdate', 'obeySeatMute'] },
    'BACKEND.LEVELS': { actions: assign({ levels: ({ event }) => event.levels }) },
    'BACKEND.AUDIO_BLOCKED': { actions: assign({ audioBlocked: ({ event }) => event.blocked }) },
    'BACKEND.MIC_CLOSED': { actions: 'followMicClosed' },
    'INTENT.DONE': { actions: 'intentDone' },
    DISMISS_ERROR: { actions: assign({ error: null }) },
  },
  initial: 'start',
  states: {
    start: {
      always: [{ guard: ({ context }) => context.autoConnect, target: 'connecting' }, { target: 'idle' }],
    },
    idle: { on: { CONNECT: 'connecting' } },
    connecting: {
      entry: assign({ status: 'connecting' }),
      invoke: {
        src: 'connect',
        input: ({ context }) => ({
          backend: context.backend,
          name: context.name,
          ...(context.avatar ? { avatar: context.avatar } : {}),
        }),
        onDone: [
          {
            guard: ({ event }) => event.output.ok,
            target: 'connected',
            actions: assign({ room: ({ event, context }) => (event.output.ok ? event.output.value : context.room) }),
          },
          {
            target: 'disconnected',
            actions: assign({ error: ({ event }) => (event.output as { ok: false; error: RoomError }).error }),
          },
        ],
      },
    },
    connected: {
      entry: assign({ status: 'connected' }),
      always: { guard: ({ context }) => !!context.room?.ended, target: 'ended' },
      on: {
        'BACKEND.STATUS': [
          { guard: ({ event }) => event.status === 'reconnecting', target: 'reconnecting' },
          { guard: ({ event }) => event.status === 'disconnected', target: 'disconnected' },
        ],
        TAKE_SEAT: { actions: 'startRequest' },
        REQUEST_SEAT: { actions: 'startRequest' },
        CANCEL_REQUEST: { actions: ({ context }) => context.request?.send({ type: 'CANCEL' }) },
        ACCEPT_REQUEST: {
          actions: ({ context, event }) => context.inbox?.send({ type: 'ACCEPT', requestId: event.requestId }),
        },
        REJECT_REQUEST: {
          actions: ({ context, event }) =>
            context.inbox?.send({
              type: 'REJECT',
              requestId: event.requestId,
              ...(event.reason ? { reason: event.reason } : {}),
            }),
        },
        ACCEPT_NEXT: { actions: ({ context }) => context.inbox?.send({ type: 'ACCEPT_NEXT' }) },
        ACCEPT_ALL: { actions: ({ context }) => context.inbox?.send({ type: 'ACCEPT_ALL' }) },
        REJECT_ALL: { actions: ({ context }) => context.inbox?.send({ type: 'REJECT_ALL' }) },
        ACCEPT_INVITATION: {
          actions: ({ context, event }) =>
            (Object.hasOwn(context.invitations, event.invitationId)
              ? context.invitations[event.invitationId]
              : undefined
            )?.send({ type: 'ACCEPT' }),
        },
        DECLINE_INVITATION: {
          actions: ({ context, event }) =>
            (Object.hasOwn(context.invitations, event.invitationId)
              ? context.invitations[event.invitationId]
              : undefined
            )?.send({ type: 'DECLINE' }),
        },
        SWITCH_SEAT: { actions: 'sendCommand' },
        KICK_SEAT: { actions: 'sendCommand' },
        LOCK_SEAT: { actions: 'sendCommand' },
        MUTE_SEAT: { actions: 'sendCommand' },
        SET_MODE: { actions: 'sendCommand' },
        SET_COHOST: { actions: 'sendCommand' },
        INVITE: { actions: 'sendCommand' },
        CANCEL_INVITATION: { actions: 'sendCommand' },
        REMOVE_MEMBER: { actions: 'sendCommand' },
        SIGNAL: { actions: 'sendCommand' },
        SET_MIC: { actions: 'runMedia' },
        LEAVE_SEAT: { actions: 'runMedia' },
        LEAVE_ROOM: { actions: 'runMedia' },
        UNLOCK_AUDIO: { actions: 'runMedia' },
      },
    },
    reconnecting: {
      entry: assign({ status: 'reconnecting' }),
      on: {
        'BACKEND.STATUS': [
          { guard: ({ event }) => event.status === 'connected', target: 'connected' },
          { guard: ({ event }) => event.status === 'disconnected', target: 'disconnected' },
        ],
        UNLOCK_AUDIO: { actions: 'runMedia' },
      },
    },
    disconnected: {
      entry: assign({ status: 'disconnected' }),
      on: {
        CONNECT: 'connecting',
        'BACKEND.STATUS': { guard: ({ event }) => event.status === 'connected', target: 'connected' },
      },
    },
    ended: {
      entry: assign({ status: 'disconnected' }),
      type: 'final',
    },
  },
});

export type RoomActor = ActorRefFrom<typeof roomMachine>;
export type RoomSnapshot = SnapshotFrom<typeof roomMachine>;
