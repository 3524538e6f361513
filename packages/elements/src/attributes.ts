/**
 * Attribute checks. An element given a value it cannot use (`seat="abc"`, `theme="blue"`, a
 * 500-character name) keeps its last good value, logs one readable warning and dispatches a typed
 * `attribute-error` event, instead of rendering "Seat NaN" or silently doing something else.
 */
import { LIMITS } from '@micseat/core';
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
}

export type AttributeRules = Readonly<Record<string, AttributeRule>>;

/** The detail of `attribute-error`. */
export interface AttributeErrorDetail {
  readonly code: 'invalid-attribute';
  readonly attribute: string;
  readonly value: string;
  readonly expected: string;
  readonly message: string;
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

/** An image address: http(s), a data: image, a blob:, or relative to the page. */
export const imageUrl = (attribute: string): AttributeRule => ({
  attribute,
  expected: `an image URL (http, https, data:image or relative) of at most ${LIMITS.maxAvatarLength} characters`,
  valid: (v) => {
    if (typeof v !== 'string') return false;
    if (v.length > LIMITS.maxAvatarLength) return false;
    if (v === '') return true;
    try {
      const base = typeof document !== 'undefined' ? document.baseURI : 'https://localhost/';
      const url = new URL(v, base);
      return (
        url.protocol === 'https:' ||
        url.protocol === 'http:' ||
        url.protocol === 'blob:' ||
        (url.protocol === 'data:' && v.startsWith('data:image/'))
      );
    } catch {
      return false;
    }
  },
  fallback: undefined,
});

export const themeRule = oneOf('theme', ['light', 'dark', 'auto']);

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
    const detail: AttributeErrorDetail = {
      code: 'invalid-attribute',
      attribute: rule.attribute,
      value: shown,
      expected: rule.expected,
      message: `<${el.localName}> ${rule.attribute}="${shown}" is not valid: expected ${rule.expected}. Keeping ${kept}.`,
    };
    console.warn(`micseat: ${detail.message}`);
    el.dispatchEvent(new CustomEvent('attribute-error', { detail, bubbles: true, composed: true }));
  }
  return refused;
}
