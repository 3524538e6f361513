import { defineConformanceSuite } from '@micseat/core/conformance';
import { createMemoryRoom, type MemoryRoom } from '@micseat/backend-memory';

defineConformanceSuite(describe, it, {
  async createRoom(config) {
    const room: MemoryRoom = createMemoryRoom({ replicate: 'stage', config: { reconnectGraceMs: 2000, ...config } });
    return {
      async join(identity, role, name) {
        const b = room.join(identity, role);
        const r = await b.connect({ name: name ?? identity });
        if (!r.ok) throw new Error(r.error.message);
        return b;
      },
      async close() {
        room.close();
      },
    };
  },
});
