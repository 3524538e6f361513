/**
 * @micseat/backend-livekit — micseat rooms over LiveKit (livekit-client is a peer dependency).
 *
 *   const backend = new LiveKitRoomBackend({ url, token, hostIdentity: 'alice' });
 *   await backend.connect({ name: 'Alice' });
 */
export { LiveKitRoomBackend, identityOfToken, type LiveKitBackendOptions } from './backend.js';
export { LiveKitAuthority, roleFromToken, type LiveKitAuthorityOptions, type SnapshotStore } from './host.js';
export { LiveKitMedia, mediaFailure } from './media.js';
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
export { RpcAnswerer, RpcRefusal, type RpcAnswererOptions } from './rpc-server.js';
export { liveKitOptionsFromParams, type ParamsResult } from './params.js';
