/**
 * Core's RoomBackend conformance suite with the room service (@micseat/server) as the authority:
 * real livekit-client participants in Chromium (LiveKitRoomBackend, `authority: 'server'`), the
 * real LiveKit server, the service started by test/livekit/service-plugin.mjs with the real Redis.
 */
import { defineConformanceSuite } from '@micseat/core/conformance';
import { createServiceRoom, service } from './service-env.js';

await service();

describe('LiveKit backend with the server authority', function () {
  this.timeout(60_000);
  defineConformanceSuite(describe, it, {
    timeoutMs: 10_000,
    // The service still replicates the whole room and serves no paged reads over RPC (issue #10,
    // LiveKit part: docs/wip/10-stage-ui.patch).
    skipStage: 'the room service still replicates the whole room',
    async createRoom() {
      // Rooms are created by the service with its own configuration.
      const room = createServiceRoom('conf');
      return { join: (identity, role, name) => room.join(identity, role, name), close: () => room.close() };
    },
  });
});
