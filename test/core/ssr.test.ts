/**
 * Server-side rendering frameworks import a page's modules in Node, where there is no window.
 * Peers' web-component builds break there ("window is not defined"); ours must import cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

test('the packages import in Node without a DOM (SSR-safe)', async () => {
  assert.equal(typeof (globalThis as { window?: unknown }).window, 'undefined', 'this test runs without a window');
  const elements = await import('@micseat/elements');
  const memory = await import('@micseat/backend-memory');
  const livekit = await import('@micseat/backend-livekit');
  const core = await import('@micseat/core');
  assert.equal(typeof elements.MicSeatGrid, 'function');
  assert.equal(typeof elements.registerStrings, 'function');
  assert.equal(typeof memory.createMemoryRoom, 'function');
  assert.equal(typeof livekit.LiveKitRoomBackend, 'function');
  assert.equal(typeof core.step, 'function');
  // The memory room itself runs in Node too (it has no DOM dependency): a take-seat round trip.
  const room = memory.createMemoryRoom({ config: { seatCount: 2 } });
  const host = room.join('alice', 'host');
  await host.connect({ name: 'Alice' });
  const result = await host.send({ type: 'set-mode', mode: 'free' });
  assert.equal(result.ok, true);
  room.close();
});
