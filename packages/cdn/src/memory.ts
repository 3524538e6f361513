/**
 * micseat-memory.js: every element, the core API and the in-memory backend, for demos and pages
 * without a build step. Loading it registers every tag and wires declarative demo rooms
 * (`<micseat-room demo-room="party" demo-user="alice" demo-role="host">`).
 */
import { startDemoRooms } from '@micseat/backend-memory';

export * from '@micseat/elements';
export * from '@micseat/core';
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

// Present demo rooms connect once the page is parsed; ones added later connect too.
startDemoRooms();
