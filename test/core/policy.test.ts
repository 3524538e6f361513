/**
 * The elements offer exactly what the authority allows: for generated rooms (the viewer's role ×
 * the other person's role × the seat's state × the mode × where the viewer sits), every action an
 * element offers is run through the real authority and never refused with `not-allowed`, and every
 * action the authority would carry out (ok, not a no-op duplicate) is offered. The offers are the
 * elements' own (packages/elements/src/offers.ts, what <mic-seat>, <connected-users> and the
 * other elements render), decided by core's policy.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  createAuthority,
  mayAnswerRequests,
  mayChangeMode,
  mayTakeGuestSeat,
  step,
  type AuthorityState,
  type Caller,
  type MemberRole,
  type Result,
  type RoomState,
} from '@micseat/core';
import { invitable, personMenu, seatMenu, seatTap, type SeatFacts } from '../../packages/elements/src/offers.ts';

type SeatSetup = 'empty' | 'occupied' | 'muted' | 'locked' | 'reserved' | 'reconnecting' | 'mine' | 'mine-muted';

interface Case {
  viewer: MemberRole;
  target: 'cohost' | 'audience';
  seat: SeatSetup;
  viewerSeated: boolean;
  mode: 'free' | 'request';
}

const HOST: Caller = { id: 'host', role: 'host' };
const S = 0; // the seat looked at
const OTHER_SEAT = 1; // where the viewer sits when seated elsewhere
const FREE_SEAT = 2; // kept empty: where a move goes

/** A room built through the authority itself: host, viewer, target, and two bystanders (x audience, y cohost). */
function build(c: Case): { state: AuthorityState; viewer: Caller } | null {
  let state = createAuthority('room', { seatCount: 4 }, 1_000);
  let now = 1_000;
  const run = (caller: Caller, command: unknown): void => {
    const out = step(state, command, caller, (now += 1));
    if (!out.result.ok) throw new Error(`setup: ${JSON.stringify(command)} → ${out.result.error.code}`);
    state = out.state;
  };
  const viewer: Caller = c.viewer === 'host' ? HOST : { id: 'v', role: c.viewer };
  const target: Caller = { id: 't', role: c.target };
  run(HOST, { type: 'join', name: 'Host' });
  run(HOST, { type: 'set-mode', mode: 'free' });
  if (viewer !== HOST) run(viewer, { type: 'join', name: 'Viewer' });
  run(target, { type: 'join', name: 'Target' });
  run({ id: 'x', role: 'audience' }, { type: 'join', name: 'X' });
  run({ id: 'y', role: 'cohost' }, { type: 'join', name: 'Y' });
  const mine = c.seat === 'mine' || c.seat === 'mine-muted';
  if (mine && viewer === HOST) return null; // the host is never on a guest seat
  if ((c.viewerSeated || mine) && viewer === HOST) return null;
  if (c.viewerSeated && !mine) run(viewer, { type: 'take-seat', seat: OTHER_SEAT });
  if (mine) run(viewer, { type: 'take-seat', seat: S });
  if (c.seat === 'occupied' || c.seat === 'muted' || c.seat === 'reconnecting')
    run(target, { type: 'take-seat', seat: S });
  if (c.seat === 'muted' || c.seat === 'mine-muted') run(HOST, { type: 'mute-seat', seat: S, muted: true });
  if (c.seat === 'locked') run(HOST, { type: 'lock-seat', seat: S, locked: true });
  if (c.seat === 'reserved') run(HOST, { type: 'invite', invitationId: 'inv-t', userId: 't', seat: S });
  if (c.seat === 'reconnecting')
    run({ id: 'system', role: 'system' }, { type: 'presence', userId: 't', connected: false });
  if (c.mode === 'request') run(HOST, { type: 'set-mode', mode: 'request' });

  return { state, viewer };
}

const roleOf = (room: RoomState, id: string | null) => (id ? (room.members[id]?.role ?? null) : null);

function facts(room: RoomState, viewer: Caller): SeatFacts {
  const seat = room.seats[S]!;
  const mySeat = room.seats.findIndex((s) => s.userId === viewer.id);
  const invitation = Object.values(room.invitations).find(
    (i) => i.status === 'pending' && i.seat === S && i.userId === seat.reservedFor,
  );
  return {
    connected: true,
    me: viewer.id,
    myRole: roleOf(room, viewer.id),
    mySeat,
    mode: room.mode,
    index: S,
    status: seat.status,
    muted: seat.muted,
    reservedFor: seat.reservedFor,
    occupant: seat.userId,
    occupantRole: roleOf(room, seat.userId),
    requestActive: false,
    invitationId: invitation?.id ?? null,
  };
}

/** Every command a viewer could send about seat S, named by the offer that would send it. */
function seatCandidates(room: RoomState, f: SeatFacts): { offer: string; command: Record<string, unknown> }[] {
  const seat = room.seats[S]!;
  const seatedIds = new Set(room.seats.map((s) => s.userId));
  const out: { offer: string; command: Record<string, unknown> }[] = [
    { offer: 'take', command: { type: 'take-seat', seat: S } },
    { offer: 'switch-here', command: { type: 'switch-seat', to: S } },
    { offer: 'kick', command: { type: 'kick-seat', seat: S } },
    { offer: seat.locked ? 'unlock' : 'lock', command: { type: 'lock-seat', seat: S, locked: !seat.locked } },
    { offer: 'cancel-invitation', command: { type: 'cancel-invitation', invitationId: 'inv-t' } },
  ];
  // Leaving and moving yourself are on your own seat's menu.
  if (f.mySeat === S)
    out.push(
      { offer: 'leave', command: { type: 'leave-seat' } },
      { offer: 'move-self', command: { type: 'switch-seat', to: FREE_SEAT } },
    );
  // Requests name a seat only from a tap on an open seat (the button asks for "any"): the authority
  // accepts a request for an occupied seat (it seats the requester elsewhere on accept), which
  // the grid does not offer.
  if (seat.status === 'empty' || seat.reservedFor === f.me)
    out.push({ offer: 'request', command: { type: 'request-seat', requestId: 'r1', seat: S, media: 'audio' } });
  // Muting an empty seat (for whoever sits next) is left to the API; the menu mutes people.
  if (seat.userId)
    out.push({ offer: seat.muted ? 'unmute' : 'mute', command: { type: 'mute-seat', seat: S, muted: !seat.muted } });
  if (seat.userId && seat.userId !== f.me)
    out.push({ offer: 'move', command: { type: 'switch-seat', to: FREE_SEAT, userId: seat.userId } });
  for (const id of Object.keys(room.members)) {
    const m = room.members[id]!;
    const invited = Object.values(room.invitations).some((i) => i.status === 'pending' && i.userId === id);
    const listed = invitable(f.myRole, m) && !seatedIds.has(id) && !invited;
    out.push({
      offer: listed ? 'invite' : `invite-unlisted:${id}`,
      command: { type: 'invite', invitationId: `inv-${id}-new`, userId: id, seat: S },
    });
  }
  return out;
}

const isNoOp = (r: Result): boolean =>
  r.ok && typeof r.value === 'object' && r.value !== null && (r.value as { duplicate?: boolean }).duplicate === true;

const cases = fc.record({
  viewer: fc.constantFrom<MemberRole>('host', 'cohost', 'audience'),
  target: fc.constantFrom<'cohost' | 'audience'>('cohost', 'audience'),
  seat: fc.constantFrom<SeatSetup>(
    'empty',
    'occupied',
    'muted',
    'locked',
    'reserved',
    'reconnecting',
    'mine',
    'mine-muted',
  ),
  viewerSeated: fc.boolean(),
  mode: fc.constantFrom<'free' | 'request'>('free', 'request'),
});

describe('elements offer exactly what the authority allows (core policy)', () => {
  test('a seat: the tap and the menu', () => {
    let checked = 0;
    fc.assert(
      fc.property(cases, (c) => {
        const built = build(c);
        if (!built) return;
        const { state, viewer } = built;
        const room = state.room;
        const f = facts(room, viewer);
        const tap = seatTap(f);
        const offered = new Set<string>(seatMenu(f));
        if (tap && tap !== 'menu') offered.add(tap);
        for (const { offer, command } of seatCandidates(room, f)) {
          const result = step(state, command, viewer, room.clock + 1).result;
          const label = `${JSON.stringify(c)} ${JSON.stringify(command)}`;
          if (offered.has(offer)) {
            assert.ok(result.ok || result.error.code !== 'not-allowed', `offered but refused: ${label}`);
            assert.ok(result.ok, `offered but refused (${result.ok ? '' : result.error.code}): ${label}`);
          } else if (result.ok && !isNoOp(result) && !(offer === 'request' && offered.has('take'))) {
            // (Asking for a seat one may simply take is allowed, and the seat offers the take.)
            assert.fail(`allowed but not offered: ${label} (offered: ${[...offered].join(', ') || 'nothing'})`);
          }
          checked++;
        }
      }),
      { numRuns: 400, includeErrorInReport: true },
    );
    assert.ok(checked > 1000);
  });

  test('a person in <connected-users>', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const built = build(c);
        if (!built) return;
        const { state, viewer } = built;
        const room = state.room;
        const myRole = roleOf(room, viewer.id);
        for (const id of Object.keys(room.members)) {
          const m = room.members[id]!;
          const invitation = Object.values(room.invitations).find((i) => i.status === 'pending' && i.userId === id);
          const offers = new Set<string>(
            personMenu({
              myRole,
              role: m.role,
              connected: m.connected,
              seated: room.seats.some((s) => s.userId === id),
              invitationId: invitation?.id ?? null,
            }),
          );
          const candidates: [string, Record<string, unknown>][] = [
            ['invite', { type: 'invite', invitationId: `new-${id}`, userId: id, seat: 'any' }],
            ['remove', { type: 'remove-member', userId: id }],
            [
              m.role === 'cohost' ? 'remove-cohost' : 'make-cohost',
              { type: 'set-cohost', userId: id, cohost: m.role !== 'cohost' },
            ],
          ];
          if (invitation)
            candidates.push(['cancel-invitation', { type: 'cancel-invitation', invitationId: invitation.id }]);
          for (const [offer, command] of candidates) {
            const result = step(state, command, viewer, room.clock + 1).result;
            const label = `${JSON.stringify(c)} on ${id}: ${JSON.stringify(command)}`;
            if (offers.has(offer)) assert.ok(result.ok, `offered but refused: ${label}`);
            else if (result.ok && !isNoOp(result)) assert.fail(`allowed but not offered: ${label}`);
          }
        }
      }),
      { numRuns: 300, includeErrorInReport: true },
    );
  });

  test('the room-wide switches: mode, the request list, the request button', () => {
    for (const role of ['host', 'cohost', 'audience'] as const) {
      const built = build({ viewer: role, target: 'audience', seat: 'empty', viewerSeated: false, mode: 'request' })!;
      const { state, viewer } = built;
      const room0 = state.room;
      const mode = step(state, { type: 'set-mode', mode: 'free' }, viewer, room0.clock + 1).result;
      assert.equal(mode.ok, mayChangeMode(role), `set-mode as ${role}`);
      const pending = step(
        state,
        { type: 'request-seat', requestId: 'q1', seat: 'any', media: 'audio' },
        { id: 'x', role: 'audience' },
        room0.clock + 1,
      );
      const next = step(pending.state, { type: 'accept-next' }, viewer, room0.clock + 2).result;
      assert.equal(next.ok, mayAnswerRequests(role), `accept-next as ${role}`);
      const ask = step(
        state,
        { type: 'request-seat', requestId: 'q2', seat: 'any', media: 'audio' },
        viewer,
        room0.clock + 1,
      ).result;
      assert.equal(ask.ok, mayTakeGuestSeat(role), `request-seat as ${role}`);
    }
  });
});
