/**
 * Entry of the single-file bundle (dist/micseat.js) for pages without a build step (a CMS page):
 * every element (importing @micseat/elements registers the tags), the core (types, machines,
 * errors) and the in-memory backend. The LiveKit backend is NOT here: livekit-client alone is about
 * 135 kB gzip; pages that use LiveKit load @micseat/backend-livekit on their own.
 */
export * from '@micseat/elements';
export * from '@micseat/core';
export {
  createMemoryRoom,
  joinOverBroadcastChannel,
  MemoryRoomBackend,
  MemoryRoomServer,
  type MemoryRoom,
  type FaultConfig,
} from '@micseat/backend-memory';
