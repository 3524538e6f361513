import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createAuthority, restoreAuthority, step, SYSTEM_CALLER, validateConfig, LIMITS } from '@micseat/core';
import { Room, host, user } from './helpers.ts';

describe('seats', () => {
  test('free mode: a member takes an empty seat; one seat per user', () => {
    const r = Room.withMembers(2);
    r.ok(host, { type: 'set-mode', mode: 'free' });
    r.ok(user(1), { type: 'take-seat', seat: 2 });
    assert.equal(r.room.seats[2]!.userId, 'u1');
    assert.equal(r.room.seats[2]!.status, 'occupied');
    assert.deepEqual(r.last.events, [{ type: 'seat-taken', seat: 2, userId: 'u1' }]);
    assert.equal(r.err(user(1), { type: 'take-seat', seat: 3 }, 'already-seated').details.seat, 2);
  });

  test('the loser of a race gets seat-taken with the nearest free seat', () => {
    const r = Room.withMembers(2);
    r.ok(host, { type: 'set-mode', mode: 'free' });
    r.ok(user(1), { type: 'take-seat', seat: 4 });
    const e = r.err(user(2), { type: 'take-seat', seat: 4 }, 'seat-taken');
    assert.equal(e.details.nearestFree, 3);
    assert.match(e.message, /just taken — try seat 4/);
  });

  test('request mode: a listener cannot take a seat without approval', () => {
    const r = Room.withMembers(1);
    r.err(user(1), { type: 'take-seat', seat: 0 }, 'approval-required');
  });

  test('leave, and atomic switch in one version', () => {
    const r = Room.withMembers(1);
    r.ok(host, { type: 'set-mode', mode: 'free' });
    r.ok(user(1), { type: 'take-seat', seat: 0 });
    const v = r.room.version;
    r.ok(user(1), { type: 'switch-seat', to: 5 });
    assert.equal(r.room.version, v + 1);
    assert.equal(r.room.seats[0]!.userId, null);
    assert.equal(r.room.seats[5]!.userId, 'u1');
    r.ok(user(1), { type: 'leave-seat' });
    assert.equal(r.room.seats[5]!.status, 'empty');
    assert.deepEqual(r.last.events, [{ type: 'seat-left', seat: 5, userId: 'u1', reason: 'exited' }]);
    r.err(user(1), { type: 'leave-seat' }, 'not-seated');
  });

  test('switch onto a taken or locked seat is refused and the old seat is kept', () => {
    const r = Room.withMembers(2);
    r.ok(host, { type: 'set-mode', mode: 'free' });
    r.ok(user(1), { type: 'take-seat', seat: 0 });
    r.ok(user(2), { type: 'take-seat', seat: 1 });
    r.err(user(1), { type: 'switch-seat', to: 1 }, 'seat-taken');
    r.ok(host, { type: 'lock-seat', seat: 2, locked: true });
    r.err(user(1), { type: 'switch-seat', to: 2 }, 'seat-locked');
    assert.equal(r.room.seats[0]!.userId, 'u1');
  });

  test('a moderator moves a speaker in one step; a listener cannot move someone else', () => {
    const r = Room.withMembers(2);
    r.ok(host, { type: 'set-mode', mode: 'free' });
    r.ok(user(1), { type: 'take-seat', seat: 0 });
    r.err(user(2), { type: 'switch-seat', to: 3, userId: 'u1' }, 'not-allowed');
    const v = r.room.version;
    r.ok(host, { type: 'switch-seat', to: 3, userId: 'u1' });
    assert.equal(r.room.version, v + 1);
    assert.equal(r.room.seats[3]!.userId, 'u1');
    assert.equal(r.room.seats[0]!.userId, null);
    r.err(host, { type: 'switch-seat', to: 4, userId: 'u2' }, 'not-seated');
  });

  test('kick tells the occupant terminated; only moderators may kick', () => {
    const r = Room.withMembers(2);
    r.ok(host, { type: 'set-mode', mode: 'free' });
    r.ok(user(1), { type: 'take-seat', seat: 0 });
    r.err(user(2), { type: 'kick-seat', seat: 0 }, 'not-allowed');
    r.ok(host, { type: 'kick-seat', seat: 0 });
    assert.deepEqual(r.last.events, [{ type: 'seat-left', seat: 0, userId: 'u1', reason: 'terminated' }]);
    r.err(host, { type: 'kick-seat', seat: 0 }, 'not-seated');
  });

  test('locking an occupied seat removes its occupant first; locked seats cannot be taken', () => {
    const r = Room.withMembers(2);
    r.ok(host, { type: 'set-mode', mode: 'free' });
    r.ok(user(1), { type: 'take-seat', seat: 3 });
    r.ok(host, { type: 'lock-seat', seat: 3, locked: true });
    assert.equal(r.room.seats[3]!.status, 'locked');
    assert.equal(r.room.seats[3]!.userId, null);
    assert.deepEqual(
      r.last.events.map((e) => e.type),
      ['seat-left', 'seat-locked'],
    );
    r.err(user(2), { type: 'take-seat', seat: 3 }, 'seat-locked');
    r.ok(host, { type: 'lock-seat', seat: 3, locked: false });
    r.ok(user(2), { type: 'take-seat', seat: 3 });
  });

  test('a muted seat: the occupant cannot unmute until released', () => {
    const r = Room.withMembers(1);
    r.ok(host, { type: 'set-mode', mode: 'free' });
    r.ok(user(1), { type: 'take-seat', seat: 0 });
    r.ok(user(1), { type: 'set-mic', mic: 'on' });
    r.ok(host, { type: 'mute-seat', seat: 0, muted: true });
    r.err(user(1), { type: 'set-mic', mic: 'on' }, 'seat-muted');
    r.ok(user(1), { type: 'set-mic', mic: 'off' });
    r.ok(host, { type: 'mute-seat', seat: 0, muted: false });
    r.ok(user(1), { type: 'set-mic', mic: 'on' });
    assert.equal(r.room.members.u1!.mic, 'on');
  });

  test('seat index out of range is a typed error with the seat count', () => {
    const r = Room.withMembers(1, { seatCount: 4 });
    r.ok(host, { type: 'set-mode', mode: 'free' });
    assert.equal(r.err(user(1), { type: 'take-seat', seat: 4 }, 'seat-out-of-range').details.seatCount, 4);
  });

  test('the host does not take a guest seat', () => {
    const r = Room.withMembers(0);
    r.err(host, { type: 'take-seat', seat: 0 }, 'not-allowed');
  });
});

describe('roles and membership', () => {
  test('one host: a second host is refused', () => {
    const r = Room.withMembers(0);
    r.err({ id: 'other', role: 'host' }, { type: 'join', name: 'X' }, 'host-exists');
  });

  test('non-members are refused', () => {
    const r = Room.withMembers(0);
    r.err(user(9), { type: 'take-seat', seat: 0 }, 'not-member');
  });

  test('only the host switches mode; everyone gets mode-changed', () => {
    const r = Room.withMembers(1);
    r.err(user(1), { type: 'set-mode', mode: 'free' }, 'not-allowed');
    r.ok(host, { type: 'set-mode', mode: 'free' });
    assert.deepEqual(r.last.events, [{ type: 'mode-changed', mode: 'free' }]);
    assert.equal(r.room.mode, 'free');
  });

  test('a cohost moderates requests but cannot change mode or act on another cohost', () => {
    const r = Room.withMembers(3);
    r.ok(host, { type: 'set-cohost', userId: 'u1', cohost: true });
    r.ok(host, { type: 'set-cohost', userId: 'u2', cohost: true });
    r.err(user(1), { type: 'set-mode', mode: 'free' }, 'not-allowed');
    r.ok(user(3), { type: 'request-seat', requestId: 'q3', seat: 'any', media: 'audio' });
    r.ok(user(1), { type: 'accept-request', requestId: 'q3' });
    r.ok(user(2), { type: 'request-seat', requestId: 'q2', seat: 'any', media: 'audio' });
    r.ok(host, { type: 'accept-request', requestId: 'q2' });
    r.err(user(1), { type: 'kick-seat', seat: 1 }, 'not-allowed');
    r.ok(user(1), { type: 'kick-seat', seat: 0 });
  });

  test('remove a listener from the room: seat freed, requests cancelled, told removed', () => {
    const r = Room.withMembers(2);
    r.ok(user(2), { type: 'request-seat', requestId: 'q', seat: 'any', media: 'audio' });
    r.ok(host, { type: 'remove-member', userId: 'u2' });
    assert.equal(r.room.members.u2, undefined);
    assert.equal(r.room.requests.q!.status, 'cancelled');
    assert.ok(r.last.events.some((e) => e.type === 'member-left' && e.reason === 'removed'));
    r.err(user(1), { type: 'remove-member', userId: 'u1' }, 'not-allowed');
    r.err(host, { type: 'remove-member', userId: 'host' }, 'not-allowed');
  });

  test('the host leaving ends the room; later commands get room-ended', () => {
    const r = Room.withMembers(1);
    r.ok(user(1), { type: 'request-seat', requestId: 'q', seat: 'any', media: 'audio' });
    r.ok(host, { type: 'leave-room' });
    assert.equal(r.room.ended, true);
    assert.equal(r.room.requests.q!.status, 'cancelled');
    r.err(user(1), { type: 'leave-seat' }, 'room-ended');
  });
});

describe('requests', () => {
  test('idempotent: the same id twice is one request; another user reusing it gets id-conflict', () => {
    const r = Room.withMembers(2);
    const a = r.ok(user(1), { type: 'request-seat', requestId: 'q1', seat: 'any', media: 'audio' });
    const v = r.room.version;
    const b = r.ok(user(1), { type: 'request-seat', requestId: 'q1', seat: 'any', media: 'audio' });
    assert.equal(b.duplicate, true);
    assert.equal(r.room.version, v);
    assert.deepEqual(b.request, a.request);
    r.err(user(2), { type: 'request-seat', requestId: 'q1', seat: 'any', media: 'audio' }, 'id-conflict');
  });

  test('one pending request per user', () => {
    const r = Room.withMembers(1);
    r.ok(user(1), { type: 'request-seat', requestId: 'q1', seat: 'any', media: 'audio' });
    assert.equal(
      r.err(user(1), { type: 'request-seat', requestId: 'q2', seat: 'any', media: 'audio' }, 'request-pending').details
        .requestId,
      'q1',
    );
  });

  test('FIFO positions by the authority clock; accept next takes the first', () => {
    const r = Room.withMembers(3);
    for (const n of [2, 1, 3]) {
      r.now += 10;
      assert.equal(
        r.ok(user(n), { type: 'request-seat', requestId: `q${n}`, seat: 'any', media: 'audio' }).position,
        [2, 1, 3].indexOf(n) + 1,
      );
    }
    r.ok(host, { type: 'accept-next' });
    assert.equal(r.room.requests.q2!.status, 'accepted');
    assert.equal(r.room.requests.q2!.handledBy, 'host');
    assert.equal(r.room.seats[0]!.userId, 'u2');
  });

  test('accept seats the requester itself, on the wanted seat or the nearest free one', () => {
    const r = Room.withMembers(2);
    r.ok(user(1), { type: 'request-seat', requestId: 'q1', seat: 4, media: 'audio' });
    r.ok(user(2), { type: 'request-seat', requestId: 'q2', seat: 4, media: 'audio' });
    assert.equal(r.ok(host, { type: 'accept-request', requestId: 'q1' }).seat, 4);
    assert.equal(r.ok(host, { type: 'accept-request', requestId: 'q2' }).seat, 3);
  });

  test('accept all until seats run out; reject all', () => {
    const r = Room.withMembers(4, { seatCount: 2 });
    for (const n of [1, 2, 3]) r.ok(user(n), { type: 'request-seat', requestId: `q${n}`, seat: 'any', media: 'audio' });
    const v = r.ok(host, { type: 'accept-all' });
    assert.deepEqual(v.accepted, ['q1', 'q2']);
    assert.equal(v.remaining, 1);
    r.err(host, { type: 'accept-next' }, 'no-free-seat');
    r.ok(user(4), { type: 'request-seat', requestId: 'q4', seat: 'any', media: 'audio' });
    assert.deepEqual(r.ok(host, { type: 'reject-all' }).rejected, ['q3', 'q4']);
  });

  test('cancel; a late accept after cancel or timeout is refused with the status', () => {
    const r = Room.withMembers(2);
    r.ok(user(1), { type: 'request-seat', requestId: 'q1', seat: 'any', media: 'audio', timeoutMs: 5000 });
    r.ok(user(1), { type: 'cancel-request', requestId: 'q1' });
    assert.equal(
      r.err(host, { type: 'accept-request', requestId: 'q1' }, 'request-closed').details.status,
      'cancelled',
    );
    r.ok(user(2), { type: 'request-seat', requestId: 'q2', seat: 'any', media: 'audio', timeoutMs: 5000 });
    r.advance(5000);
    assert.equal(r.room.requests.q2!.status, 'timeout');
    assert.equal(r.err(host, { type: 'accept-request', requestId: 'q2' }, 'request-closed').details.status, 'timeout');
  });

  test('expiry at the deadline even when the next command is someone else’s', () => {
    const r = Room.withMembers(2);
    r.ok(user(1), { type: 'request-seat', requestId: 'q1', seat: 'any', media: 'audio', timeoutMs: 2000 });
    r.now += 2000;
    r.ok(user(2), { type: 'signal', name: 'gift', payload: { rose: 1 } });
    assert.equal(r.room.requests.q1!.status, 'timeout');
  });

  test('handled by: the second moderator is told who handled it', () => {
    const r = Room.withMembers(2);
    r.ok(host, { type: 'set-cohost', userId: 'u1', cohost: true });
    r.ok(user(2), { type: 'request-seat', requestId: 'q2', seat: 'any', media: 'audio' });
    r.ok(host, { type: 'reject-request', requestId: 'q2' });
    const e = r.err(user(1), { type: 'accept-request', requestId: 'q2' }, 'request-closed');
    assert.equal(e.details.handledBy, 'host');
    assert.match(e.message, /by Host/);
  });

  test('free mode grants a request at once when a seat is open', () => {
    const r = Room.withMembers(1);
    r.ok(host, { type: 'set-mode', mode: 'free' });
    const v = r.ok(user(1), { type: 'request-seat', requestId: 'q1', seat: 'any', media: 'audio' });
    assert.equal(v.request.status, 'accepted');
    assert.equal(v.request.handledBy, 'auto');
    assert.equal(r.room.seats[0]!.userId, 'u1');
  });

  test('limits: queue size, rate per user, camera when audio-only', () => {
    const r = Room.withMembers(3, { maxPendingRequests: 2, requestRateCount: 2, requestRateWindowMs: 10_000 });
    r.ok(user(1), { type: 'request-seat', requestId: 'a1', seat: 'any', media: 'audio' });
    r.ok(user(2), { type: 'request-seat', requestId: 'a2', seat: 'any', media: 'audio' });
    assert.equal(
      r.err(user(3), { type: 'request-seat', requestId: 'a3', seat: 'any', media: 'audio' }, 'queue-full').details
        .limit,
      2,
    );
    r.ok(user(1), { type: 'cancel-request', requestId: 'a1' });
    r.ok(user(1), { type: 'request-seat', requestId: 'a4', seat: 'any', media: 'audio' });
    r.ok(user(1), { type: 'cancel-request', requestId: 'a4' });
    const e = r.err(user(1), { type: 'request-seat', requestId: 'a5', seat: 'any', media: 'audio' }, 'rate-limited');
    assert.ok(e.details.retryAfterMs > 0);
    r.err(user(3), { type: 'request-seat', requestId: 'a6', seat: 'any', media: 'audio+camera' }, 'not-allowed');
  });
});

describe('invitations', () => {
  test('reserve a seat with a countdown; only the invitee can take it; accept seats them', () => {
    const r = Room.withMembers(2);
    r.ok(host, { type: 'set-mode', mode: 'free' });
    r.ok(host, { type: 'invite', invitationId: 'i1', userId: 'u1', seat: 2, timeoutMs: 10_000 });
    assert.equal(r.room.seats[2]!.status, 'reserved');
    assert.equal(r.room.seats[2]!.deadline, r.now + 10_000);
    r.err(user(2), { type: 'take-seat', seat: 2 }, 'seat-reserved');
    r.ok(user(1), { type: 'respond-invitation', invitationId: 'i1', accept: true });
    assert.equal(r.room.seats[2]!.userId, 'u1');
    assert.equal(r.room.invitations.i1!.status, 'accepted');
  });

  test('decline and expiry release the reservation', () => {
    const r = Room.withMembers(2);
    r.ok(host, { type: 'invite', invitationId: 'i1', userId: 'u1', seat: 1, timeoutMs: 3000 });
    r.ok(user(1), { type: 'respond-invitation', invitationId: 'i1', accept: false });
    assert.equal(r.room.seats[1]!.status, 'empty');
    r.ok(host, { type: 'invite', invitationId: 'i2', userId: 'u2', seat: 1, timeoutMs: 3000 });
    r.advance(3000);
    assert.equal(r.room.invitations.i2!.status, 'timeout');
    assert.equal(r.room.seats[1]!.status, 'empty');
    r.err(user(2), { type: 'respond-invitation', invitationId: 'i2', accept: true }, 'invitation-closed');
  });

  test('someone else cannot answer an invitation', () => {
    const r = Room.withMembers(2);
    r.ok(host, { type: 'invite', invitationId: 'i1', userId: 'u1', seat: 'any' });
    r.err(user(2), { type: 'respond-invitation', invitationId: 'i1', accept: true }, 'not-allowed');
    r.err(user(1), { type: 'invite', invitationId: 'i9', userId: 'u2', seat: 'any' }, 'not-allowed');
  });
});

describe('reconnect grace', () => {
  test('a dropped occupant holds the seat as reconnecting; returning restores it', () => {
    const r = Room.withMembers(1, { reconnectGraceMs: 5000 });
    r.ok(host, { type: 'set-mode', mode: 'free' });
    r.ok(user(1), { type: 'take-seat', seat: 0 });
    r.run(SYSTEM_CALLER, { type: 'presence', userId: 'u1', connected: false });
    assert.equal(r.room.seats[0]!.status, 'reconnecting');
    assert.equal(r.room.seats[0]!.deadline, r.now + 5000);
    r.advance(4000);
    r.run(SYSTEM_CALLER, { type: 'presence', userId: 'u1', connected: true });
    assert.equal(r.room.seats[0]!.status, 'occupied');
  });

  test('after the grace the seat is freed and the member dropped', () => {
    const r = Room.withMembers(1, { reconnectGraceMs: 5000 });
    r.ok(host, { type: 'set-mode', mode: 'free' });
    r.ok(user(1), { type: 'take-seat', seat: 0 });
    r.run(SYSTEM_CALLER, { type: 'presence', userId: 'u1', connected: false });
    r.advance(5000);
    assert.equal(r.room.seats[0]!.status, 'empty');
    assert.equal(r.room.members.u1, undefined);
    assert.ok(r.last.events.some((e) => e.type === 'seat-left' && e.reason === 'dropped'));
  });

  test('presence and tick are the system’s alone', () => {
    const r = Room.withMembers(1);
    r.err(user(1), { type: 'presence', userId: 'u1', connected: false }, 'not-allowed');
    r.err(user(1), { type: 'tick' }, 'not-allowed');
  });
});

describe('input checks', () => {
  test('malformed commands are typed errors naming the field', () => {
    const r = Room.withMembers(1);
    assert.equal(r.err(user(1), { type: 'take-seat', seat: -1 }, 'invalid-command').details.field, 'seat');
    r.err(user(1), { type: 'take-seat', seat: 1.5 }, 'invalid-command');
    r.err(user(1), { type: 'nope' }, 'invalid-command');
    r.err(user(1), null, 'invalid-command');
    r.err(user(1), { type: 'join', name: 'x'.repeat(LIMITS.maxNameLength + 1) }, 'invalid-command');
    r.err(
      user(1),
      { type: 'request-seat', requestId: 'q', seat: 'any', media: 'audio', timeoutMs: 60 },
      'invalid-command',
    );
    r.err(
      { id: 'x'.repeat(LIMITS.maxIdentityLength + 1), role: 'audience' },
      { type: 'join', name: 'A' },
      'invalid-command',
    );
    r.err(user(1), { type: 'signal', name: 'big', payload: 'x'.repeat(LIMITS.maxSignalBytes) }, 'too-large');
  });

  test('config is validated', () => {
    assert.equal(validateConfig({ seatCount: 0 }).ok, false);
    assert.equal(validateConfig({ seatCount: LIMITS.maxSeats + 1 }).ok, false);
    assert.throws(() => createAuthority('r', { seatCount: -3 }), /seatCount/);
  });

  test('version is monotonic and only bumps on change', () => {
    const r = Room.withMembers(1);
    const v = r.room.version;
    r.ok(host, { type: 'set-mode', mode: 'request' });
    assert.equal(r.room.version, v);
    r.ok(host, { type: 'set-mode', mode: 'free' });
    assert.equal(r.room.version, v + 1);
  });

  test('restore from a snapshot keeps the queue order (host reload)', () => {
    const r = Room.withMembers(3);
    for (const n of [3, 1, 2]) r.ok(user(n), { type: 'request-seat', requestId: `q${n}`, seat: 'any', media: 'audio' });
    const restored = restoreAuthority(JSON.parse(JSON.stringify(r.room)));
    assert.deepEqual(restored.queue, ['q3', 'q1', 'q2']);
    const out = step(restored, { type: 'accept-next' }, host, r.now);
    assert.equal(out.state.room.seats[0]!.userId, 'u3');
  });
});
