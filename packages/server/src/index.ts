/**
 * @micseat/server — the server home of micseat's room authority: a Node service that owns rooms
 * through Redis leases, joins each LiveKit room as `micseat-authority`, enforces seats with
 * LiveKit permissions and mints role tokens. See README.md.
 */
export {
  MicseatService,
  developmentAuthorize,
  refuseAll,
  type Authorization,
  type Authorize,
  type ServiceOptions,
  type TokenRequest,
} from './service.js';
export { ServedRoom, type ServedRoomOptions } from './room.js';
export { RoomStore, StaleOwnerError, type RoomRole, type RoomStoreOptions, type StoredRoom } from './store.js';
export {
  AUTHORITY_IDENTITY,
  ROLE_ATTRIBUTE,
  mintAuthorityToken,
  mintParticipantToken,
  type Grant,
  type MintOptions,
} from './tokens.js';
export { optionsFromEnv } from './config.js';
