/**
 * Free-form JSON values (signal payloads, result values, error details) are the one place a
 * sender chooses the shape, so they are copied, not trusted: `copyJson` walks the value once,
 * with a depth and a size bound, and returns plain data (or a typed refusal). What it returns
 * is exactly what it checked, so a Proxy or a getter cannot change it afterwards; it never
 * recurses deeper than the bound, so no input can exhaust the stack.
 */
import { LIMITS } from './limits.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface JsonBounds {
  /** Deepest nesting (a scalar is depth 0, `[1]` depth 1). */
  readonly depth: number;
  /** Largest size, in bytes of its JSON text (counted while walking). */
  readonly bytes: number;
}

export const JSON_BOUNDS: JsonBounds = { depth: LIMITS.maxJsonDepth, bytes: LIMITS.maxMessageBytes };

export type JsonCopy =
  | { readonly ok: true; readonly value: Json; readonly bytes: number }
  | { readonly ok: false; readonly code: 'too-large' | 'malformed'; readonly message: string };

class Refusal {
  constructor(
    readonly code: 'too-large' | 'malformed',
    readonly message: string,
  ) {}
}

/** Copies `input` as plain JSON data within `bounds`, or says why not. Never throws. */
export function copyJson(input: unknown, bounds: JsonBounds = JSON_BOUNDS): JsonCopy {
  let bytes = 0;
  const ancestors: object[] = [];
  const count = (n: number) => {
    bytes += n;
    if (bytes > bounds.bytes) throw new Refusal('too-large', `The value is larger than ${bounds.bytes} bytes of JSON.`);
  };
  const walk = (x: unknown, depth: number): Json => {
    switch (typeof x) {
      case 'string':
        count(x.length + 2);
        return x;
      case 'boolean':
        count(5);
        return x;
      case 'number':
        if (!Number.isFinite(x)) throw new Refusal('malformed', `${x} is not a JSON number.`);
        count(8);
        return x;
      case 'object':
        break;
      default:
        throw new Refusal('malformed', `A ${typeof x} is not JSON.`);
    }
    if (x === null) {
      count(4);
      return null;
    }
    if (ancestors.includes(x)) throw new Refusal('malformed', 'The value refers to itself (a cycle is not JSON).');
    if (depth >= bounds.depth)
      throw new Refusal('too-large', `The value is nested deeper than ${bounds.depth} levels.`);
    ancestors.push(x);
    let out: Json;
    if (Array.isArray(x)) {
      const n = x.length;
      count(2 + n);
      const arr: Json[] = new Array(n);
      // As on the wire: `undefined` in an array is null, in an object the key is left out.
      for (let i = 0; i < n; i++) {
        const item = x[i];
        arr[i] = item === undefined ? null : walk(item, depth + 1);
      }
      out = arr;
    } else {
      const proto = Object.getPrototypeOf(x);
      if (proto !== Object.prototype && proto !== null)
        throw new Refusal('malformed', 'Only plain objects and arrays are JSON.');
      const keys = Object.keys(x);
      count(2 + keys.length);
      const obj: { [key: string]: Json } = {};
      for (const k of keys) {
        const item = (x as Record<string, unknown>)[k];
        if (item === undefined) continue;
        count(k.length + 3);
        const value = walk(item, depth + 1);
        // `__proto__` stays an ordinary own key, as JSON.parse makes it (an assignment would set the prototype).
        if (k === '__proto__')
          Object.defineProperty(obj, k, { value, enumerable: true, writable: true, configurable: true });
        else obj[k] = value;
      }
      out = obj;
    }
    ancestors.pop();
    return out;
  };
  try {
    const value = walk(input, 0);
    return { ok: true, value, bytes };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, code: e.code, message: e.message };
    // A Proxy or getter that throws, or anything else exotic.
    return { ok: false, code: 'malformed', message: `The value could not be read: ${describe(e)}` };
  }
}

/** A short, safe description of a thrown value (which may itself be hostile). */
export function describe(e: unknown): string {
  try {
    if (e instanceof Error) return String(e.message).slice(0, 200);
    return typeof e === 'string' ? e.slice(0, 200) : typeof e;
  } catch {
    return 'unreadable error';
  }
}
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
