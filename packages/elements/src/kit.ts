/**
 * Every element and helper of @micseat/elements except the debugging inspector: what a page that
 * only shows rooms needs (the single-file CMS bundle is built from this). Importing it registers
 * those tags.
 */
export * from './context.js';
export * from './events.js';
export { SelectorController, shallowEqual, type Equals } from './controllers/selector.js';
export { type AttributeErrorDetail, type AttributeRule, type AttributeRules } from './attributes.js';
export { RoomClockController, roomNow, trackRoomClock } from './controllers/clock.js';
export { HoldController } from './controllers/hold.js';
export { RovingTabindexController, type RovingItem, type RovingOptions } from './controllers/roving-tabindex.js';
export { registerStrings, stringsFor, loadStrings, errorText, type Strings } from './i18n/strings.js';
export { en } from './i18n/en.js';
// Chinese (`zh`) is fetched on first use (a static export here would load it on every page): loadStrings('zh').
export { formatDuration } from './i18n/format.js';
export { TOKENS, themeStyles } from './styles/theme.js';
export { MicseatElement } from './base/micseat-element.js';
export { MicseatRoom } from './room/micseat-room.js';
export { MicSeat, SPEAKING_THRESHOLD } from './mic-seat/mic-seat.js';
export { MicSeatGrid } from './mic-seat-grid/mic-seat-grid.js';
export { CohostRequestButton, VERDICT_SHOW_MS } from './cohost-request-button/cohost-request-button.js';
export { RequestList } from './request-list/request-list.js';
export { RoomModeToggle } from './room-mode-toggle/room-mode-toggle.js';
export { MicToggle } from './mic-toggle/mic-toggle.js';
export { InvitationPrompt } from './invitation-prompt/invitation-prompt.js';
export { ConnectedUsers } from './connected-users/connected-users.js';
export { AudioUnlock } from './audio-unlock/audio-unlock.js';
