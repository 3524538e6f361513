/**
 * micseat-memory.js: every element, the core API and the in-memory backend, for demos and pages
 * without a build step. Loading it registers every tag and wires declarative demo rooms
 * (`<micseat-room demo-room="party" demo-user="alice" demo-role="host">`).
 */
import { connectDemoRooms } from '@micseat/backend-memory';

export * from '@micseat/elements';
export * from '@micseat/core';
export {
  connectDemoRooms,
  closeDemoRooms,
  createMemoryRoom,
  joinOverBroadcastChannel,
  MemoryRoomBackend,
  MemoryRoomServer,
  type MemoryRoom,
  type FaultConfig,
} from '@micseat/backend-memory';

// Module scripts run once the page is parsed, so the elements are there; later ones can call
// connectDemoRooms() again.
if (typeof document !== 'undefined') {
  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', () => connectDemoRooms(), { once: true });
  else connectDemoRooms();
}
