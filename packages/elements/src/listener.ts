/**
 * @micseat/elements/listener — what a listener's page uses, and nothing a moderator needs: the room
 * provider, the seat grid (and seat), the request button, the mic toggle, the invitation prompt
 * and "tap to listen". Importing it registers those tags. No request list, mode toggle, member
 * list or inspector: a page whose viewer may moderate imports `@micseat/elements` instead (a
 * listener promoted to co-host on this page sees the listener's tags only).
 */
export { MicseatRoom } from './room/micseat-room.js';
export { MicSeatGrid } from './mic-seat-grid/mic-seat-grid.js';
export { MicSeat } from './mic-seat/mic-seat.js';
export { CohostRequestButton } from './cohost-request-button/cohost-request-button.js';
export { MicToggle } from './mic-toggle/mic-toggle.js';
export { InvitationPrompt } from './invitation-prompt/invitation-prompt.js';
export { AudioUnlock } from './audio-unlock/audio-unlock.js';
export { registerStrings, loadStrings, type Strings } from './i18n/strings.js';
export type * from './events.js';
