/**
 * The LiveKit wiring shared by host and clients: RPC method names, the data topic, the typed
 * mapping of LiveKit RPC failures, and snapshot pages (a snapshot can be larger than one RPC
 * payload, so it travels in pages of at most PAGE_BYTES).
 */
import { fail, type Result } from '@micseat/core';

/** RPC: a command (payload: a `cmd` wire message; answer: `{ at, res }`, `res` a `res` wire message). */
export const METHOD_COMMAND = 'micseat.cmd';
/** RPC: "send me the room" (payload: a `sync` wire message; answer: page 0 of the snapshot). */
export const METHOD_SYNC = 'micseat.sync';
/** RPC: one further page of a snapshot (payload: `{ version, page }`). */
export const METHOD_PAGE = 'micseat.page';
/** Reliable data topic for deltas and the host's version beacon. */
export const DATA_TOPIC = 'micseat';
/** Participant attribute (set by the token minter) carrying the role: 'cohost' or absent. */
export const ROLE_ATTRIBUTE = 'micseat.role';

/** LiveKit caps an RPC payload at 15 KiB; a page stays well below it (in UTF-8 bytes). */
export const PAGE_BYTES = 12_000;
/** Most pages a client fetches for one snapshot: 60 KiB (core's maxMessageBytes) / 4,000 chars is 16. */
export const MAX_PAGES = 64;

/** Codes the host throws for a message it cannot read (LiveKit reserves < 2000). */
export const RPC_MALFORMED = 2000;
export const RPC_STALE_SNAPSHOT = 2001;

/** What a `micseat.sync` / `micseat.page` call answers. `pages: 0` means "you are up to date". */
export interface SnapshotPage {
  version: number;
  page: number;
  pages: number;
  data: string;
}

export function parsePage(text: string): SnapshotPage | null {
  try {
    const p = JSON.parse(text) as Partial<SnapshotPage>;
    if (
      p &&
      typeof p === 'object' &&
      Number.isInteger(p.version) &&
      p.version! >= 0 &&
      Number.isInteger(p.pages) &&
      p.pages! >= 0 &&
      p.pages! <= MAX_PAGES &&
      Number.isInteger(p.page) &&
      p.page! >= 0 &&
      (p.pages === 0 || p.page! < p.pages!) &&
      typeof p.data === 'string' &&
      p.data.length <= PAGE_BYTES
    ) {
      return p as SnapshotPage;
    }
  } catch {
    /* fall through */
  }
  return null;
}

export function parsePageRequest(text: string): { version: number; page: number } | null {
  try {
    const p = JSON.parse(text) as { version?: unknown; page?: unknown };
    if (
      p &&
      Number.isInteger(p.version) &&
      Number.isInteger(p.page) &&
      (p.page as number) > 0 &&
      (p.page as number) < MAX_PAGES
    ) {
      return { version: p.version as number, page: p.page as number };
    }
  } catch {
    /* fall through */
  }
  return null;
}

/** Splits text into pages of at most PAGE_BYTES UTF-8 bytes, never inside a surrogate pair. */
export function paginate(text: string, pageBytes = PAGE_BYTES): string[] {
  const pages: string[] = [];
  // A UTF-16 code unit is at most 3 UTF-8 bytes (a surrogate pair is 4 bytes for 2 units).
  const step = Math.max(2, Math.floor(Math.min(pageBytes, PAGE_BYTES) / 3));
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + step);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    pages.push(text.slice(i, end));
    i = end;
  }
  return pages.length ? pages : [''];
}

interface RpcLikeError {
  code?: unknown;
  message?: unknown;
}

/**
 * A failed LiveKit RPC as a typed result. The authority (`peer`: the host, or the room's
 * service in server-authority mode) being absent, gone or unreachable is `host-unreachable`; no
 * answer in time is `timeout`; never a refusal by the authority.
 */
export function rpcFailure(e: unknown, peer = 'The host'): Result<never> {
  const code = typeof (e as RpcLikeError)?.code === 'number' ? ((e as RpcLikeError).code as number) : -1;
  const message = String((e as RpcLikeError)?.message ?? e);
  switch (code) {
    case 1501:
      return fail('host-unreachable', `${peer} did not acknowledge in time (not connected?).`, { rpc: code });
    case 1503:
      return fail('host-unreachable', `${peer} disconnected, or this client reconnected, before answering.`, {
        rpc: code,
      });
    case 1401:
      return fail('host-unreachable', `${peer} is not in the room.`, { rpc: code });
    case 1400:
      return fail('host-unreachable', `${peer} does not serve this room (no micseat handler).`, { rpc: code });
    case 1505:
      return fail('host-unreachable', `The command could not be sent to ${lower(peer)}.`, { rpc: code });
    case 1502:
      return fail('timeout', `${peer} acknowledged but did not answer in time.`, { rpc: code });
    case 1402:
    case 1504:
      return fail('too-large', 'The message is larger than a LiveKit RPC payload allows.', { rpc: code });
    case RPC_MALFORMED:
      return fail('malformed', `${peer} could not read the message: ${message}`, { rpc: code });
    default:
      return fail('host-unreachable', `${peer} could not be reached: ${message}`, { rpc: code });
  }
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Reads the host's answer to a command: `{ at: version, res: <res wire message> }`. */
export function parseAnswer(text: string): { at: number; res: unknown } | null {
  try {
    const a = JSON.parse(text) as { at?: unknown; res?: unknown };
    if (a && typeof a === 'object' && Number.isInteger(a.at) && (a.at as number) >= 0 && a.res !== undefined) {
      return { at: a.at as number, res: a.res };
    }
  } catch {
    /* fall through */
  }
  return null;
}
