/**
 * Durations for people, in their locale: "45 sec", "1 min, 5 sec", "45秒". Uses
 * Intl.DurationFormat where the browser has it, Intl.NumberFormat units otherwise.
 */
interface DurationFormatLike {
  format(d: { hours?: number; minutes?: number; seconds?: number }): string;
}
type DurationFormatCtor = new (locale: string, options: { style: 'short' | 'narrow' | 'long' }) => DurationFormatLike;

const cache = new Map<string, (ms: number) => string>();

/** Whole seconds, rounded up (a countdown never shows 0 while time is left). */
export function formatDuration(ms: number, locale: string): string {
  let f = cache.get(locale);
  if (!f) {
    f = makeFormatter(locale);
    cache.set(locale, f);
  }
  return f(ms);
}

function makeFormatter(locale: string): (ms: number) => string {
  const DF = (Intl as unknown as { DurationFormat?: DurationFormatCtor }).DurationFormat;
  const split = (ms: number) => {
    const total = Math.max(0, Math.ceil(ms / 1000));
    return { hours: Math.floor(total / 3600), minutes: Math.floor((total % 3600) / 60), seconds: total % 60 };
  };
  if (DF) {
    // Zero units are left out by default ("auto"), so 0 s would format as "": the zero
    // formatter always shows seconds.
    const make = (tag: string, always: boolean) =>
      new DF(tag, always ? ({ style: 'short', secondsDisplay: 'always' } as { style: 'short' }) : { style: 'short' });
    let df: DurationFormatLike;
    let zero: DurationFormatLike;
    try {
      df = make(locale, false);
      zero = make(locale, true);
    } catch {
      df = make('en', false);
      zero = make('en', true);
    }
    return (ms) => {
      const { hours, minutes, seconds } = split(ms);
      if (!hours && !minutes && !seconds) return zero.format({ seconds: 0 });
      const parts: { hours?: number; minutes?: number; seconds?: number } = {};
      if (hours) parts.hours = hours;
      if (minutes) parts.minutes = minutes;
      if (seconds) parts.seconds = seconds;
      return df.format(parts);
    };
  }
  const unit = (u: 'hour' | 'minute' | 'second') => {
    try {
      return new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' });
    } catch {
      return new Intl.NumberFormat('en', { style: 'unit', unit: u, unitDisplay: 'short' });
    }
  };
  const [h, m, s] = [unit('hour'), unit('minute'), unit('second')];
  return (ms) => {
    const { hours, minutes, seconds } = split(ms);
    const out: string[] = [];
    if (hours) out.push(h.format(hours));
    if (minutes) out.push(m.format(minutes));
    if (seconds || out.length === 0) out.push(s.format(seconds));
    return out.join(' ');
  };
}

/**
 * Initials for an avatar: the first letter of each of the first two words ("Bob" → "B",
 * "Carol Ann" → "CA", "王小明" → "王"). Only first letters: a single name never gives "BO".
 */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter(Boolean);
  if (words.length === 0) return '?';
  return words
    .slice(0, 2)
    .map((w) => [...w][0]!)
    .join('')
    .toLocaleUpperCase();
}

/** How many distinct avatar hues there are; neighbours are 360 / HUE_STEPS degrees apart. */
export const HUE_STEPS = 12;

/**
 * A stable hue (0..359) for a user id, for avatar backgrounds: one of HUE_STEPS well-spread hues
 * (so two different colours are always at least 30° apart), picked by a well-mixed hash (FNV-1a
 * with a murmur finaliser: ids that differ by one letter land far apart).
 */
export function hueOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) % HUE_STEPS) * (360 / HUE_STEPS) + 15;
}
