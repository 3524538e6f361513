/**
 * micseat-livekit.js: every element and the LiveKit backend. livekit-client is not inside: it is
 * its own module (./livekit-client.js next to this file), so a page that already has one can map
 * `livekit-client` elsewhere with an import map, and caches share it. The seat authority is not
 * loaded up front either: only the host runs it, and the backend imports it when it connects as
 * the host (a separate chunk).
 */
export * from '@micseat/elements';
export { LIMITS, DEFAULT_CONFIG, ERROR_CODES, roomError } from '@micseat/core';
export type * from '@micseat/core';
export {
  LiveKitRoomBackend,
  identityOfToken,
  liveKitOptionsFromParams,
  type LiveKitBackendOptions,
} from '@micseat/backend-livekit';
