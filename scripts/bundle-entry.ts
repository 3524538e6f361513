/**
 * Entry of the single-file bundle (dist/micseat.js) for pages without a build step (a CMS page):
 * every element (importing @micseat/elements registers the tags), the core (types, machines,
 * errors) and the in-memory backend. The LiveKit backend is NOT here: livekit-client alone is about
 * 135 kB gzip; pages that use LiveKit load @micseat/backend-livekit on their own.
 */
// Every element but <room-inspector> (a debugging tool, not for the pages this bundle serves;
// it is in the package: @micseat/elements/room-inspector).
export * from '../packages/elements/src/kit.js';
export * from '@micseat/core';
import { startDemoRooms } from '@micseat/backend-memory';

export {
  connectDemoRooms,
  observeDemoRooms,
  startDemoRooms,
  closeDemoRooms,
  createMemoryRoom,
  joinOverBroadcastChannel,
  MemoryRoomBackend,
  MemoryRoomServer,
  type MemoryRoom,
  type FaultConfig,
} from '@micseat/backend-memory';

// A page with no script of its own can wire demo rooms with attributes alone
// (<micseat-room demo-room="party" demo-user="alice" demo-role="host">), present at load or added later.
startDemoRooms();
