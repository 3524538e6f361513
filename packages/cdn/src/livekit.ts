/**
 * micseat-livekit.js: every element, the core API and the LiveKit backend. livekit-client is not
 * inside: it is its own module (./livekit-client.js next to this file), so a page that already
 * has one can map `livekit-client` elsewhere with an import map, and caches share it.
 */
export * from '@micseat/elements';
export * from '@micseat/core';
export {
  LiveKitRoomBackend,
  identityOfToken,
  liveKitOptionsFromParams,
  type LiveKitBackendOptions,
} from '@micseat/backend-livekit';
