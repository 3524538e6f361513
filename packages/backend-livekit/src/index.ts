/**
 * @micseat/backend-livekit — micseat rooms over LiveKit (livekit-client is a peer dependency).
 *
 *   const backend = new LiveKitRoomBackend({ url, token, hostIdentity: 'alice' });
 *   // or, with the room service (@micseat/server) as the authority:
 *   const backend = new LiveKitRoomBackend({ url, token, authority: 'server' });
 *   await backend.connect({ name: 'Alice' });
 *
 * The host's authority is not here: `@micseat/backend-livekit/host` (LiveKitAuthority) and
 * `@micseat/backend-livekit/rpc-server` (the RPC answerer under it). The backend loads them on
 * the host alone, so a listener's page never downloads them (a re-export here would make
 * bundlers load their chunk statically).
 */
export type { SnapshotStore } from './host.js';
export {
  DEFAULT_AUTHORITY_IDENTITY,
  LiveKitRoomBackend,
  identityOfToken,
  type LiveKitAuthorityHome,
  type LiveKitBackendOptions,
} from './backend.js';
export { LiveKitMedia, mediaFailure, type PublishGrantOptions } from './media.js';
export {
  DATA_TOPIC,
  METHOD_COMMAND,
  METHOD_PAGE,
  METHOD_SYNC,
  ROLE_ATTRIBUTE,
  PAGE_BYTES,
  paginate,
  rpcFailure,
} from './rpc.js';
export { liveKitOptionsFromParams, type ParamsResult } from './params.js';
