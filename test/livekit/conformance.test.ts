/**
 * The core RoomBackend conformance suite against LiveKitRoomBackend: real livekit-client
 * participants in Chromium, against the real LiveKit server.
 */
import { defineConformanceSuite } from '@micseat/core/conformance';
import { targets } from './env.js';
import { createLkRoom } from './harness.js';

const all = await targets();

for (const target of all) {
  describe(`LiveKit backend [${target.name}]`, function () {
    this.timeout(30_000);
    defineConformanceSuite(describe, it, {
      timeoutMs: 8000,
      // The LiveKit homes still replicate the whole room and serve no paged reads over RPC (issue #10, LiveKit part).
      skipStage: 'the LiveKit host and server still replicate the whole room',
      async createRoom(config) {
        const room = createLkRoom(target, config);
        return { join: (identity, role, name) => room.join(identity, role, name), close: () => room.close() };
      },
    });
  });
}
