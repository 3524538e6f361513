/**
 * Options from a page's query string or a playground's controls, so a demo can switch to
 * LiveKit without code: `?lk-url=wss://…&lk-token=…&lk-host=alice`.
 */
import type { LiveKitBackendOptions } from './backend.js';

export type ParamsResult =
  { ok: true; options: LiveKitBackendOptions } | { ok: false; missing: ('lk-url' | 'lk-token' | 'lk-host')[] };

/** Reads `lk-url`, `lk-token` and `lk-host` (absent or blank ones are reported, never guessed). */
export function liveKitOptionsFromParams(params: URLSearchParams | Record<string, string | undefined>): ParamsResult {
  const get = (k: string) => (params instanceof URLSearchParams ? params.get(k) : params[k])?.trim() ?? '';
  const url = get('lk-url');
  const token = get('lk-token');
  const hostIdentity = get('lk-host');
  const missing = (
    [
      ['lk-url', url],
      ['lk-token', token],
      ['lk-host', hostIdentity],
    ] as const
  )
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length) return { ok: false, missing };
  if (!/^wss?:\/\//.test(url)) return { ok: false, missing: ['lk-url'] };
  return { ok: true, options: { url, token, hostIdentity } };
}
