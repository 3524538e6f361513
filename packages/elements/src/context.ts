/**
 * What `<micseat-room>` shares with every element inside it. Keys are Symbols; the room actor
 * is provided once and never replaced while the backend stays the same, so consumers subscribe
 * to it (through SelectorController) instead of being re-provided on every change.
 */
import { createContext } from '@lit/context';
import type { RoomActor } from '@micseat/core';
import type { Strings } from './i18n/strings.js';

export const roomContext = createContext<RoomActor | undefined>(Symbol('micseat.room'));

export interface LocaleInfo {
  readonly locale: string;
  readonly strings: Strings;
}
export const localeContext = createContext<LocaleInfo | undefined>(Symbol('micseat.locale'));
