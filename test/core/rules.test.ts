/**
 * Issue #8: rules that were ambiguous, decided and documented in packages/core/README.md —
 * the host never on a guest seat, who may invite a cohost, what a signal does to the version,
 * and which avatar URLs travel on the wire.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decode, isWireAvatar, validateConfig } from '@micseat/core';
import { Room, host, user } from './helpers.ts';
import { checkInvariants } from './invariants.ts';

const co = { id: 'co', role: 'cohost' } as const;

describe('the host is never on a guest seat', () => {
  test('a seated member who joins again with the host grant becomes host and leaves the guest seat in the same step', () => {
    // The room's host never joined; a cohost seats `a`; then `a` joins with a host grant.
    const r = new Room();
    r.ok(co, { type: 'join', name: 'Co' });
    r.ok(user(1), { type: 'join', name: 'A' });
    r.ok(user(1), { type: 'request-seat', requestId: 'q1', seat: 2, media: 'audio' });
    r.ok(co, { type: 'accept-request', requestId: 'q1' });
    assert.equal(r.room.seats[2]!.userId, 'u1');
    const before = r.state;
    r.ok({ id: 'u1', role: 'host' }, { type: 'join', name: 'A' });
    checkInvariants(before, r.last);
    assert.equal(r.room.hostId, 'u1');
    assert.equal(r.room.members.u1!.role, 'host');
    assert.equal(r.room.seats[2]!.userId, null, 'off the guest seat');
    assert.ok(
      r.last.events.some((e) => e.type === 'seat-left' && e.userId === 'u1' && e.seat === 2 && e.reason === 'exited'),
    );
    // And as host it cannot take a guest seat back.
    r.err({ id: 'u1', role: 'host' }, { type: 'take-seat', seat: 2 }, 'not-allowed');
  });

  test('a member with a pending request or invitation who becomes host has them cancelled', () => {
    const r = new Room();
    r.ok(co, { type: 'join', name: 'Co' });
    r.ok(user(1), { type: 'join', name: 'A' });
    r.ok(user(2), { type: 'join', name: 'B' });
    r.ok(user(1), { type: 'request-seat', requestId: 'q1', seat: 'any', media: 'audio' });
    r.ok(co, { type: 'invite', invitationId: 'i2', userId: 'u2', seat: 1 });
    r.ok({ id: 'u1', role: 'host' }, { type: 'join', name: 'A' });
    assert.equal(r.room.requests.q1!.status, 'cancelled');
    assert.equal(r.room.requests.q1!.reason, 'became-host');
    r.err({ id: 'u2', role: 'host' }, { type: 'join', name: 'B' }, 'host-exists');
  });
});

describe('who may invite a cohost', () => {
  test('the host may; a cohost may not (like moving, kicking, muting or removing a cohost)', () => {
    const r = Room.withMembers(2);
    r.ok(co, { type: 'join', name: 'Co' });
    r.ok(host, { type: 'set-cohost', userId: 'co', cohost: true });
    r.ok(host, { type: 'set-cohost', userId: 'u2', cohost: true });
    const e = r.err(co, { type: 'invite', invitationId: 'i1', userId: 'u2', seat: 'any' }, 'not-allowed');
    assert.match(e.message, /host/);
    r.ok(co, { type: 'invite', invitationId: 'i2', userId: 'u1', seat: 'any' });
    r.ok(host, { type: 'invite', invitationId: 'i3', userId: 'u2', seat: 'any' });
  });
});

describe('signals', () => {
  test('a signal is an event on the ordered stream: it bumps the version by one with an empty patch, and changes no state', () => {
    const r = Room.withMembers(1);
    const before = r.room;
    r.ok(user(1), { type: 'signal', name: 'gift', payload: { rose: 1 } });
    assert.equal(r.room.version, before.version + 1);
    assert.deepEqual(r.last.patch, {});
    assert.deepEqual(r.last.events, [{ type: 'signal', from: 'u1', name: 'gift', payload: { rose: 1 } }]);
    const { version: _v, clock: _c, ...rest } = r.room;
    const { version: _v2, clock: _c2, ...restBefore } = before;
    assert.deepEqual(rest, restBefore);
  });
});

describe('avatars on the wire: https: or a data:image picture, and the room’s allow-list when it has one', () => {
  const accepted = [
    'https://cdn.example.com/a.png',
    'https://example.com:8443/x?y=1#z',
    'data:image/png;base64,iVBORw0KGgo=',
    'data:image/webp;base64,UklGRg==',
  ];
  const refused = [
    'http://example.com/a.png',
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'blob:https://example.com/1234',
    '/relative/a.png',
    'a.png',
    '//example.com/a.png',
    'data:text/html;base64,PHNjcmlwdD4=',
    'data:image/svg+xml,<svg onload=alert(1)>',
    'https://user:pass@example.com/a.png',
    `https://example.com/${'a'.repeat(600)}`,
    'ftp://example.com/a.png',
    '',
  ];

  test('join takes the allowed kinds and refuses every other with a typed, readable error; nothing changes', () => {
    for (const avatar of accepted) {
      const r = new Room();
      r.ok(user(1), { type: 'join', name: 'A', avatar });
      assert.equal(r.room.members.u1!.avatar, avatar);
    }
    for (const avatar of refused) {
      const r = new Room();
      const e = r.err(user(1), { type: 'join', name: 'A', avatar }, 'invalid-command');
      assert.match(e.message, /avatar/);
      assert.equal(r.room.members.u1, undefined);
    }
  });

  test('property: a URL is accepted exactly when it is https (no credentials) or a base64 raster data:image, within the length limit', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          fc.string(),
          fc.constantFrom(...accepted, ...refused),
        ),
        (avatar) => {
          const r = new Room();
          const out = r.run(user(1), { type: 'join', name: 'A', avatar });
          let https = false;
          try {
            const u = new URL(avatar);
            https = u.protocol === 'https:' && !u.username && !u.password;
          } catch {
            /* not a URL */
          }
          const expected =
            avatar.length <= 512 &&
            (https || /^data:image\/(png|jpeg|gif|webp|avif);base64,[A-Za-z0-9+/]+={0,2}$/.test(avatar));
          assert.equal(out.ok, expected, avatar);
          assert.equal(isWireAvatar(avatar), expected);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  test('a room with avatarOrigins takes https avatars only from those origins (data:image always)', () => {
    const r = new Room({ avatarOrigins: ['https://cdn.example.com'] });
    r.ok(user(1), { type: 'join', name: 'A', avatar: 'https://cdn.example.com/a.png' });
    r.ok(user(2), { type: 'join', name: 'B', avatar: 'data:image/png;base64,iVBORw0KGgo=' });
    const e = r.err(
      user(3),
      { type: 'join', name: 'C', avatar: 'https://tracker.example.net/pixel.png' },
      'invalid-command',
    );
    assert.deepEqual(e.details?.origins, ['https://cdn.example.com']);
    assert.equal(validateConfig({ avatarOrigins: ['http://cdn.example.com'] }).ok, false);
    assert.equal(validateConfig({ avatarOrigins: ['https://cdn.example.com/path'] }).ok, false);
  });

  test('a snapshot or delta carrying another kind of avatar is refused by decode', () => {
    const r = new Room();
    r.ok(user(1), { type: 'join', name: 'A', avatar: 'https://cdn.example.com/a.png' });
    const text = JSON.stringify({ v: 2, t: 'snap', room: r.room }).replace(
      'https://cdn.example.com/a.png',
      'http://evil.example/x.png',
    );
    const d = decode(text);
    assert.equal(!d.ok && d.error.code, 'malformed');
  });
});
