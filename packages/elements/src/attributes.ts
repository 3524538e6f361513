/**
 * Attribute checks. An element given a value it cannot use (`seat="abc"`, `theme="blue"`, a
 * 500-character name) keeps its last good value, logs one readable warning and dispatches a typed
 * `attribute-error` event, instead of rendering "Seat NaN" or silently doing something else.
 */
import { isWireAvatar, LIMITS } from '@micseat/core';
import type { PropertyValues, ReactiveElement } from 'lit';

/** What an attribute accepts. */
export interface AttributeRule {
  /** The attribute's name in HTML (e.g. `max-listed` for `maxListed`). */
  readonly attribute: string;
  /** In words, for the error message: "a whole number from 0 to 63". */
  readonly expected: string;
  /** `raw` is the attribute's text when the value came from one (null when set as a property). */
  readonly valid: (value: unknown, raw?: string | null) => boolean;
  /** Used when there is no earlier good value to keep. */
  readonly fallback: unknown;
  /** For a refused value, a code saying why (e.g. an avatar's `too-large`), put in the error's `problem`. */
  readonly problem?: (value: unknown) => string;
}

export type AttributeRules = Readonly<Record<string, AttributeRule>>;

/** The detail of `attribute-error`. */
export interface AttributeErrorDetail {
  readonly code: 'invalid-attribute';
  readonly attribute: string;
  readonly value: string;
  readonly expected: string;
  readonly message: string;
  /** Why, when the rule tells (an avatar: `malformed`, `too-large` or `not-allowed`). */
  readonly problem?: string;
}

export const oneOf = (attribute: string, values: readonly string[], fallback: unknown = undefined): AttributeRule => ({
  attribute,
  expected: `one of ${values.map((v) => `"${v}"`).join(', ')}`,
  valid: (v) => typeof v === 'string' && values.includes(v),
  fallback,
});

export const wholeNumber = (attribute: string, min: number, max: number, fallback: number): AttributeRule => ({
  attribute,
  expected: `a whole number from ${min} to ${max}`,
  // The raw text too: Lit reads seat="" as 0 and seat="1e1" as 10.
  valid: (v, raw) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max && (raw == null || /^\s*\d+\s*$/.test(raw)),
  fallback,
});

export const text = (attribute: string, maxLength: number, fallback = ''): AttributeRule => ({
  attribute,
  expected: `text of at most ${maxLength} characters`,
  valid: (v) => typeof v === 'string' && v.trim().length <= maxLength,
  fallback,
});

/** A BCP 47 language tag (`en`, `zh-CN`), as Intl understands it; empty means "inherit". */
export const languageTag = (attribute = 'lang'): AttributeRule => ({
  attribute,
  expected: 'a language tag such as "en" or "zh-CN"',
  valid: (v) => {
    if (typeof v !== 'string') return false;
    if (v === '') return true;
    try {
      return Intl.getCanonicalLocales(v).length === 1;
    } catch {
      return false;
    }
  },
  fallback: '',
});

/** Why an avatar value cannot be used: not an address, too long, or a kind the room refuses. */
export type AvatarProblem = 'malformed' | 'too-large' | 'not-allowed';

/**
 * The avatar as the room's authority takes it: made absolute against this page (other members'
 * pages would resolve a relative URL elsewhere), then core's wire rule (an https: URL or a small
 * base64 data:image picture). Returns the address to send, or why it cannot be sent.
 */
export function wireAvatar(value: string): { url: string } | { problem: AvatarProblem } {
  if (value.length > LIMITS.maxAvatarLength) return { problem: 'too-large' };
  let url: string;
  try {
    const base = typeof document !== 'undefined' ? document.baseURI : 'https://localhost/';
    url = value.startsWith('data:') ? value : new URL(value, base).href;
  } catch {
    return { problem: 'malformed' };
  }
  if (isWireAvatar(url)) return { url };
  if (url.length > LIMITS.maxAvatarLength) return { problem: 'too-large' };
  // An image data: URL of an allowed type that is not plain base64 is broken rather than refused.
  if (/^data:image\/(png|jpeg|gif|webp|avif)[;,]/.test(url)) return { problem: 'malformed' };
  return { problem: 'not-allowed' };
}

/** An avatar address the room will take (core's `isWireAvatar`); empty means none. */
export const avatarUrl = (attribute: string): AttributeRule => ({
  attribute,
  expected: `an https: URL or a base64 data:image (png, jpeg, gif, webp, avif) of at most ${LIMITS.maxAvatarLength} characters`,
  valid: (v) => typeof v === 'string' && (v === '' || 'url' in wireAvatar(v)),
  problem: (v) => {
    const checked = typeof v === 'string' ? wireAvatar(v) : null;
    return checked && 'problem' in checked ? checked.problem : 'malformed';
  },
  fallback: undefined,
});

export const themeRule = oneOf('theme', ['light', 'dark', 'auto']);

/** The refusals each element has already warned about. */
const warned = new WeakMap<ReactiveElement, Set<string>>();

/** Whether `value` is what Lit's converters make of the attribute text `raw`. */
function fromAttribute(raw: string | null, value: unknown): raw is string {
  if (raw === null) return false;
  if (typeof value === 'number') return Object.is(Number(raw), value);
  return raw === value;
}

/**
 * Call first in `willUpdate`: every changed property with a rule that holds a bad value is put
 * back to its last good value (or the rule's fallback) and reported. A removed attribute (Lit
 * sets null) goes back to the fallback quietly. Returns the properties it refused.
 */
export function checkAttributes(el: ReactiveElement, changed: PropertyValues, rules: AttributeRules): Set<string> {
  const props = el as unknown as Record<string, unknown>;
  const refused = new Set<string>();
  for (const [key, rule] of Object.entries(rules)) {
    if (!changed.has(key as never)) continue;
    const value = props[key];
    if (value === undefined) continue;
    if (value === null) {
      if (rule.fallback !== undefined) props[key] = rule.fallback;
      continue;
    }
    // The attribute's text counts only when this value came from it (not from a property set since).
    const attr = el.getAttribute(rule.attribute);
    const raw = fromAttribute(attr, value) ? attr : null;
    if (rule.valid(value, raw)) continue;
    const previous = changed.get(key as never) as unknown;
    props[key] = previous !== undefined && previous !== null && rule.valid(previous) ? previous : rule.fallback;
    refused.add(key);
    const text = raw ?? (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
    const shown = text.length > 80 ? `${text.slice(0, 77)}…` : text;
    const kept = props[key] === undefined ? 'the default' : JSON.stringify(props[key]);
    const problem = rule.problem?.(value);
    const detail: AttributeErrorDetail = {
      code: 'invalid-attribute',
      attribute: rule.attribute,
      value: shown,
      expected: rule.expected,
      message: `<${el.localName}> ${rule.attribute}="${shown}" is not valid: expected ${rule.expected}. Keeping ${kept}.`,
      ...(problem ? { problem } : {}),
    };
    // One warning per element, attribute and value: setting the same bad value again is not news.
    const said = warned.get(el) ?? new Set<string>();
    const warning = `${rule.attribute}=${text}`;
    if (!said.has(warning)) console.warn(`micseat: ${detail.message}`);
    warned.set(el, said.add(warning));
    el.dispatchEvent(new CustomEvent('attribute-error', { detail, bubbles: true, composed: true }));
  }
  return refused;
}
