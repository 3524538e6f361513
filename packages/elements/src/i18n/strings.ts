/**
 * Every user-visible string, typed. A table is a plain object: plain strings, or functions of
 * typed parameters (so a translation cannot forget a placeholder). English is the default;
 * `zh` is complete and loaded on demand. Add a language with `registerStrings('fr', {...})`.
 */
import type { ErrorCode, MicReport, RoomMode } from '@micseat/core';

export interface Strings {
  // punctuation
  /** Between a label and its value, e.g. `Mode: free` (en ': ', zh '：'). */
  labelSep: string;
  /** Between items of an inline list, e.g. `Seat 2, with camera` (en ', ', zh '，'). */
  listSep: string;
  /** Between a name and its explanation, e.g. `Free seating — Listeners take…` (en ' — ', zh '——'). */
  dashSep: string;
  /** A heading with a count, e.g. `Listening (3)` (zh uses full-width parentheses). */
  withCount: (label: string, n: number) => string;
  // room / connection
  notInRoom: string;
  roomRefused: (reason: string) => string;
  /** The `avatar` given was not used (see `AvatarProblem`). */
  avatarRefused: (problem: 'malformed' | 'too-large' | 'not-allowed') => string;
  roomLabel: string;
  connecting: string;
  reconnecting: string;
  disconnected: string;
  roomEnded: string;
  /** The room's host is not connected; the room carries on (banner and host seat). */
  hostAway: string;
  // seats
  seats: string;
  hostSeat: string;
  seatN: (n: number) => string;
  emptySeat: string;
  lockedSeat: string;
  reservedFor: (name: string) => string;
  reservedForYou: string;
  reserved: string;
  reconnectingSeat: string;
  takeSeatN: (n: number) => string;
  requestSeatN: (n: number) => string;
  moveToSeatN: (n: number) => string;
  /** A name marked as the viewer's own, e.g. "Ann (you)". */
  withYou: (name: string) => string;
  hostBadge: string;
  cohostBadge: string;
  speaking: string;
  timeLeft: (duration: string) => string;
  seatActions: (n: number) => string;
  removeFromSeat: string;
  lockSeat: string;
  unlockSeat: string;
  muteSeat: string;
  unmuteSeat: string;
  moveSpeaker: string;
  inviteToSeat: string;
  cancelInvitation: string;
  leaveSeat: string;
  takeThisSeat: string;
  back: string;
  close: string;
  noFreeSeat: string;
  nobodyToInvite: string;
  moveTo: (n: number) => string;
  seatJustTaken: (seat: number, nearest: number | null) => string;
  tryNearest: (n: number) => string;
  // mic
  mic: Record<MicReport | 'muted-by-host', string>;
  micOn: string;
  micOff: string;
  micMutedByHost: string;
  micNoDevice: string;
  micDenied: string;
  micNeedSeat: string;
  microphone: string;
  // request button
  requestToSpeak: string;
  takeASeat: string;
  withCamera: string;
  sending: string;
  cancelRequest: string;
  cancelling: string;
  preparing: string;
  rollingBack: string;
  queuePosition: (n: number) => string;
  requestRejected: (reason: string | null) => string;
  requestCancelled: string;
  requestTimeout: string;
  requestFailed: (message: string) => string;
  // request list
  requests: string;
  requestCount: (n: number) => string;
  noRequests: string;
  accept: string;
  reject: string;
  acceptNamed: (name: string) => string;
  rejectNamed: (name: string) => string;
  acceptNext: string;
  acceptAll: string;
  rejectAll: string;
  waiting: (duration: string) => string;
  anySeat: string;
  wantsSeat: (n: number) => string;
  withCameraShort: string;
  handledBy: (name: string, status: string) => string;
  statusWord: Record<'accepted' | 'rejected' | 'cancelled' | 'timeout' | 'pending', string>;
  recentlyHandled: string;
  // mode toggle
  roomMode: string;
  modeName: Record<RoomMode, string>;
  modeHint: Record<RoomMode, string>;
  onlyHostSwitches: string;
  // invitations
  invitation: string;
  invitedBy: (name: string, seat: number | null) => string;
  acceptInvitation: string;
  declineInvitation: string;
  invitationStatus: Record<
    | 'accepting'
    | 'declining'
    | 'preparing'
    | 'onSeat'
    | 'declined'
    | 'cancelled'
    | 'timeout'
    | 'failed'
    | 'rollingBack',
    string
  >;
  // connected users
  connectedUsers: string;
  onSeats: string;
  listening: string;
  nobodyHere: string;
  joined: (name: string) => string;
  left: (name: string) => string;
  tookSeat: (name: string, seat: number) => string;
  removedFromSeatLog: (name: string, seat: number) => string;
  leftSeat: (name: string, seat: number) => string;
  activity: string;
  personActions: (name: string) => string;
  removeFromRoom: (name: string) => string;
  inviteNamed: (name: string) => string;
  makeCohost: string;
  removeCohost: string;
  makeCohostNamed: (name: string) => string;
  removeCohostNamed: (name: string) => string;
  invite: string;
  offline: string;
  andMore: (n: number) => string;
  // audio unlock
  tapToListen: string;
  audioBlockedHint: string;
  // inspector
  inspector: string;
  inspectorRow: Record<
    | 'room'
    | 'identity'
    | 'version'
    | 'seats'
    | 'request'
    | 'invitations'
    | 'inbox'
    | 'busy'
    | 'levels'
    | 'audio'
    | 'error'
    | 'notice',
    string
  >;
  /** The summary's request part, given the request machine's state. */
  inspectorRequest: (state: string) => string;
  inspectorNoRequest: string;
  inspectorAudio: Record<'blocked' | 'playing', string>;
  inspectorLog: string;
  // announcements (lifecycle)
  notice: {
    'request-sent': string;
    'request-accepted': string;
    'request-rejected': string;
    'request-cancelled': string;
    'request-timeout': string;
    'seat-lost-race': string;
    'on-seat': string;
    'removed-from-seat': string;
    'seat-muted': string;
    'seat-unmuted': string;
    'removed-from-room': string;
    invited: string;
    'room-ended': string;
    'made-cohost': string;
    'cohost-removed': string;
    'host-away': string;
    'host-back': string;
    'mode-changed': (mode: RoomMode) => string;
    error: (message: string) => string;
  };
  /** One message per RoomError code; a full Record, so a table cannot miss a code. */
  errors: Record<ErrorCode, string>;
  unknownError: string;
}

import { en } from './en.js';

const tables = new Map<string, Strings>([['en', en]]);

/**
 * Tables fetched on first use, by primary subtag: a page that never shows Chinese never downloads
 * its ~3 kB (gzip). Until one arrives `stringsFor` answers English; the elements hold their
 * rendering until it is here (`stringsLoading`), so no English flashes by.
 */
const onDemand: Readonly<Record<string, () => Promise<Strings>>> = {
  zh: () => import('./zh.js').then((m) => m.zh),
};
const loading = new Map<string, Promise<void>>();

const tagOf = (locale: string | undefined | null): string => (locale || 'en').toLowerCase();
const primaryOf = (tag: string): string => tag.split('-')[0]!;

/**
 * Adds or replaces a language (matched by its primary subtag, e.g. `fr` for `fr-CA`). TypeScript
 * asks for a complete table; a table from plain JS that misses keys (e.g. one written for an
 * older version) shows English for those instead of breaking the elements.
 */
export function registerStrings(lang: string, table: Strings): void {
  const merged: Record<string, unknown> = { ...en };
  for (const [key, value] of Object.entries(table as unknown as Record<string, unknown>)) {
    const base = (en as unknown as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (typeof base === 'object' && base && typeof value === 'object') merged[key] = { ...base, ...value };
    else if (base === undefined || typeof base === typeof value) merged[key] = value;
  }
  tables.set(lang.toLowerCase(), merged as unknown as Strings);
}

/**
 * The table for a BCP 47 tag: an exact match, then the primary language, then English. A table
 * loaded on demand (`zh`) is English until `loadStrings` (or an element showing it) fetched it.
 */
export function stringsFor(locale: string | undefined | null): Strings {
  const tag = tagOf(locale);
  return tables.get(tag) ?? tables.get(primaryOf(tag)) ?? en;
}

/**
 * Starts fetching the table `locale` needs when it is one loaded on demand and not here yet, and
 * returns a promise of its arrival (a failed fetch leaves English, with a warning); `undefined`
 * when there is nothing to wait for.
 */
export function stringsLoading(locale: string | undefined | null): Promise<void> | undefined {
  const tag = tagOf(locale);
  const primary = primaryOf(tag);
  if (tables.has(tag) || tables.has(primary) || !Object.hasOwn(onDemand, primary)) return undefined;
  let pending = loading.get(primary);
  if (!pending) {
    pending = onDemand[primary]!().then(
      (table) => {
        if (!tables.has(primary)) tables.set(primary, table);
      },
      (e: unknown) => {
        console.warn(`micseat: the "${primary}" strings could not be loaded, so English is shown.`, e);
        if (!tables.has(primary)) tables.set(primary, en);
      },
    );
    loading.set(primary, pending);
  }
  return pending;
}

/** The table for `locale`, fetched first when it is one loaded on demand (`zh`). */
export async function loadStrings(locale: string | undefined | null): Promise<Strings> {
  await stringsLoading(locale);
  return stringsFor(locale);
}

/** A localised message for a RoomError code, falling back to the authority's own message. */
export function errorText(t: Strings, code: string, message?: string): string {
  return t.errors[code as ErrorCode] ?? message ?? t.unknownError;
}
