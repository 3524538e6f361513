/**
 * An accepted request is marked `prepared` when its requester reports their mic naming it, so a
 * page reloaded during the mic prompt knows to prepare again, and one reloaded after does not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Room } from './helpers.ts';

function accepted() {
  const r = Room.withMembers(2, { seatCount: 2 });
  r.ok(r.as('u1'), { type: 'request-seat', requestId: 'r1', seat: 'any', media: 'audio', timeoutMs: 30_000 });
  r.ok(r.as('host', 'host'), { type: 'accept-request', requestId: 'r1' });
  assert.equal(r.room.requests['r1']!.status, 'accepted');
  assert.equal(r.room.requests['r1']!.prepared, undefined, 'not prepared yet');
  return r;
}

test("the requester's mic report naming the request marks it prepared", () => {
  for (const mic of ['on', 'off', 'denied', 'no-device'] as const) {
    const r = accepted();
    r.ok(r.as('u1'), { type: 'set-mic', mic, requestId: 'r1' });
    assert.equal(r.room.requests['r1']!.prepared, true, mic);
  }
});

test('a report without the id, or naming another one, leaves it unprepared', () => {
  const r = accepted();
  r.ok(r.as('u1'), { type: 'set-mic', mic: 'on' });
  r.ok(r.as('u1'), { type: 'set-mic', mic: 'on', requestId: 'nope' });
  assert.equal(r.room.requests['r1']!.prepared, undefined);
  // Someone else naming it changes nothing either.
  r.ok(r.as('u2'), { type: 'set-mic', mic: 'off', requestId: 'r1' });
  assert.equal(r.room.requests['r1']!.prepared, undefined);
});

test('a pending request is not marked', () => {
  const r = Room.withMembers(1, { seatCount: 2 });
  r.ok(r.as('u1'), { type: 'request-seat', requestId: 'r1', seat: 'any', media: 'audio', timeoutMs: 30_000 });
  r.ok(r.as('u1'), { type: 'set-mic', mic: 'off', requestId: 'r1' });
  assert.equal(r.room.requests['r1']!.prepared, undefined);
});

test('a malformed request id in set-mic is refused, typed', () => {
  const r = accepted();
  r.err(r.as('u1'), { type: 'set-mic', mic: 'on', requestId: '' }, 'invalid-command');
  r.err(r.as('u1'), { type: 'set-mic', mic: 'on', requestId: 'x'.repeat(500) }, 'invalid-command');
});
