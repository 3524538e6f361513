/**
 * Intent events. Every user action an element turns into a room intent is first dispatched as
 * a cancelable, bubbling, composed CustomEvent with a lowercase kebab-case name; calling
 * `preventDefault()` stops the intent (e.g. to confirm first, or to route it elsewhere).
 */
import type { MediaWanted, RoomIntent, RoomMode, WantedSeat } from '@micseat/core';
import type { AttributeErrorDetail } from './attributes.js';

export interface MicseatEventDetails {
  /** Take a seat directly (free mode, a reserved seat, or a moderator). */
  'seat-take': { seat: number };
  /** Ask the host for a seat (request mode). */
  'seat-request': { seat: WantedSeat; media: MediaWanted };
  'seat-request-cancel': Record<string, never>;
  'seat-leave': { seat: number };
  /** Move yourself (or, as a moderator, a speaker) to another seat. */
  'seat-switch': { from: number; to: number; userId: string };
  'seat-kick': { seat: number; userId: string };
  'seat-lock': { seat: number; locked: boolean };
  'seat-mute': { seat: number; muted: boolean };
  'seat-invite': { seat: WantedSeat; userId: string };
  'invitation-cancel': { invitationId: string };
  'mode-change': { mode: RoomMode };
  'mic-change': { on: boolean };
  'request-accept': { requestId: string };
  'request-reject': { requestId: string };
  'request-accept-next': Record<string, never>;
  'request-accept-all': Record<string, never>;
  'request-reject-all': Record<string, never>;
  'invitation-accept': { invitationId: string };
  'invitation-decline': { invitationId: string };
  'member-remove': { userId: string };
  /** The host makes a member a co-host (`cohost: true`) or takes it back (`false`). */
  'cohost-change': { userId: string; cohost: boolean };
  'audio-unlock': Record<string, never>;
}

/**
 * The one table from a DOM event to the room intent it stands for (`me` is the viewer's id: a
 * switch of one's own seat carries no userId). Elements only name the event and its detail.
 */
export const INTENT_OF: {
  readonly [K in MicseatEventName]: (detail: MicseatEventDetails[K], me: string) => RoomIntent;
} = {
  'seat-take': (d) => ({ type: 'TAKE_SEAT', seat: d.seat }),
  'seat-request': (d) => ({ type: 'REQUEST_SEAT', seat: d.seat, media: d.media }),
  'seat-request-cancel': () => ({ type: 'CANCEL_REQUEST' }),
  'seat-leave': () => ({ type: 'LEAVE_SEAT' }),
  'seat-switch': (d, me) =>
    d.userId === me ? { type: 'SWITCH_SEAT', to: d.to } : { type: 'SWITCH_SEAT', to: d.to, userId: d.userId },
  'seat-kick': (d) => ({ type: 'KICK_SEAT', seat: d.seat }),
  'seat-lock': (d) => ({ type: 'LOCK_SEAT', seat: d.seat, locked: d.locked }),
  'seat-mute': (d) => ({ type: 'MUTE_SEAT', seat: d.seat, muted: d.muted }),
  'seat-invite': (d) => ({ type: 'INVITE', userId: d.userId, seat: d.seat }),
  'invitation-cancel': (d) => ({ type: 'CANCEL_INVITATION', invitationId: d.invitationId }),
  'mode-change': (d) => ({ type: 'SET_MODE', mode: d.mode }),
  'mic-change': (d) => ({ type: 'SET_MIC', on: d.on }),
  'request-accept': (d) => ({ type: 'ACCEPT_REQUEST', requestId: d.requestId }),
  'request-reject': (d) => ({ type: 'REJECT_REQUEST', requestId: d.requestId }),
  'request-accept-next': () => ({ type: 'ACCEPT_NEXT' }),
  'request-accept-all': () => ({ type: 'ACCEPT_ALL' }),
  'request-reject-all': () => ({ type: 'REJECT_ALL' }),
  'invitation-accept': (d) => ({ type: 'ACCEPT_INVITATION', invitationId: d.invitationId }),
  'invitation-decline': (d) => ({ type: 'DECLINE_INVITATION', invitationId: d.invitationId }),
  'member-remove': (d) => ({ type: 'REMOVE_MEMBER', userId: d.userId }),
  'cohost-change': (d) => ({ type: 'SET_COHOST', userId: d.userId, cohost: d.cohost }),
  'audio-unlock': () => ({ type: 'UNLOCK_AUDIO' }),
};

/** Not an intent (nothing to cancel): an attribute held a value the element could not use. */
export interface MicseatErrorEventDetails {
  'attribute-error': AttributeErrorDetail;
}

export type MicseatEventName = keyof MicseatEventDetails;
export type MicseatEvent<K extends MicseatEventName> = CustomEvent<MicseatEventDetails[K]>;

type MicseatDomEvents = { [K in MicseatEventName]: MicseatEvent<K> } & {
  [K in keyof MicseatErrorEventDetails]: CustomEvent<MicseatErrorEventDetails[K]>;
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- only an interface merges into the DOM's event map
  interface HTMLElementEventMap extends MicseatDomEvents {}
}
