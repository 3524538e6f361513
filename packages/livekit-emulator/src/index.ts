/**
 * @micseat/livekit-emulator — a test-only stand-in for a LiveKit server, for livekit-client 2.23
 * in real browsers over real WebRTC. Never ship it. See ../README.md.
 */
export { LiveKitEmulator, startEmulator, TwirpError } from './server.js';
export type { EmulatorOptions, RecordedWebhook } from './server.js';
export { permissionFromGrant, defaultLimits, SERVER_VERSION } from './room.js';
export type { Limits, Claims, VideoGrantClaims } from './room.js';
export { SERVER_COMMIT, PROTOCOL_COMMIT } from './refs.js';
