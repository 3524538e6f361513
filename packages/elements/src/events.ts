/**
 * Intent events. Every user action an element turns into a room intent is first dispatched as
 * a cancelable, bubbling, composed CustomEvent with a lowercase kebab-case name; calling
 * `preventDefault()` stops the intent (e.g. to confirm first, or to route it elsewhere).
 */
import type { MediaWanted, RoomMode, WantedSeat } from '@micseat/core';
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
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface HTMLElementEventMap extends MicseatDomEvents {}
}
