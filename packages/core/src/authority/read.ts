/**
 * Paged reads of what stays with the authority: the queue (moderators) and the audience
 * (everyone), and a reader's own place in the queue. Pure, like `step`, and O(log n + page) in
 * members and pending requests.
 *
 * A cursor is a position in an ordered index, never an offset: the queue is ordered by FIFO
 * number, the audience by (join time, id), and a page starts strictly after its cursor. So a
 * walk through the pages sees every member who stays exactly once, whoever joins or leaves in
 * between (someone who joins later may be seen too; someone who left is not).
 */
import * as v from 'valibot';
import { compareJoin, type JoinKey } from '../draft.js';
import { fail, ok, type Result } from '../errors.js';
import { describe, utf8Length } from '../json.js';
import { LIMITS } from '../limits.js';
import { isModerator } from '../policy.js';
import {
  IdentitySchema,
  ReadQuerySchema,
  refusalOf,
  type AudiencePage,
  type Member,
  type Page,
  type PositionPage,
  type QueueEntry,
  type QueuePage,
  type ReadQuery,
} from '../schema.js';
import { stageMemberIds } from '../stage.js';
import type { AuthorityState, Caller } from './state.js';

export interface ReadOptions {
  /** Most encoded bytes of a page's items (default `LIMITS.maxPageBytes`; a LiveKit RPC answer needs less). */
  readonly maxBytes?: number;
}

/**
 * Answers one read from a caller the transport vouches for. Never throws: an unreadable query,
 * a cursor not made by this room's pages or a limit out of range is `invalid-command` (with
 * `details.field`); a non-member is `not-member`; the queue read by a listener is `not-allowed`.
 */
export function readRoom(
  state: AuthorityState,
  query: unknown,
  caller: Pick<Caller, 'id'>,
  options: ReadOptions = {},
): Result<Page> {
  try {
    const parsed = v.safeParse(ReadQuerySchema, query);
    if (!parsed.success) return refusalOf(parsed.issues, 'invalid-command', 'Invalid read');
    const q: ReadQuery = parsed.output;
    const me = typeof caller?.id === 'string' ? state.member(caller.id) : undefined;
    if (!me) return fail('not-member', 'Join the room first.');
    const maxBytes = Math.max(1, Math.min(options.maxBytes ?? LIMITS.maxPageBytes, LIMITS.maxPageBytes));
    switch (q.kind) {
      case 'position':
        return ok(positionPage(state, me.id));
      case 'queue':
        if (!isModerator(me.role)) return fail('not-allowed', 'Only the host or a cohost can read the queue.');
        return queuePage(state, q.cursor, q.limit ?? LIMITS.defaultPageSize, maxBytes);
      case 'audience':
        return audiencePage(state, q.cursor, q.limit ?? LIMITS.defaultPageSize, maxBytes);
    }
  } catch (e) {
    return fail('internal', `The room could not answer this read (${describe(e)}).`);
  }
}

const badCursor = (why: string): Result<never> =>
  fail('invalid-command', `Invalid read (cursor): ${why}`, { field: 'cursor' });

/** What follows a cursor's kind (`q1.`, `a1.`), or null when it is not one of that kind's cursors. */
function cursorBody(cursor: string, kind: 'q' | 'a'): string | null {
  return cursor.startsWith(`${kind}1.`) ? cursor.slice(3) : null;
}

const isCount = (x: number) => Number.isSafeInteger(x) && x >= 0;
const numberOf = (text: string | null): number => (text !== null && /^\d{1,16}$/.test(text) ? Number(text) : NaN);
/** A join time as written by `String(t)` (so any clock value round-trips), or NaN. */
function timeOf(text: string): number {
  const t = Number(text);
  return text.length > 0 && text.length <= 32 && Number.isFinite(t) && t >= 0 && String(t) === text ? t : NaN;
}
/** Cursor of the audience after `key`: join time, then the id (URI-encoded, so it has no `:`). */
const audienceCursor = (key: JoinKey) => `a1.${String(key.t)}:${encodeURIComponent(key.id)}`;

function positionPage(state: AuthorityState, userId: string): PositionPage {
  const queue = state.core.queue;
  const id = state.core.requestOf.get(userId);
  const request = id === undefined ? null : (state.core.requests.get(id) ?? null);
  return {
    kind: 'position',
    at: state.version,
    request,
    position: request ? queue.rank(request.seq) + 1 : null,
    total: queue.size,
  };
}

function queuePage(
  state: AuthorityState,
  cursor: string | undefined,
  limit: number,
  maxBytes: number,
): Result<QueuePage> {
  const core = state.core;
  let after = -1;
  if (cursor !== undefined) {
    const seq = numberOf(cursorBody(cursor, 'q'));
    if (!isCount(seq)) return badCursor('not a cursor of the queue.');
    after = seq;
  }
  // Requests with a FIFO number ≤ `after` come before this page.
  const offset = after < 0 ? 0 : core.queue.rank(after + 1);
  const items: QueueEntry[] = [];
  let bytes = 0;
  let last = after;
  let more = false;
  for (const [seq, id] of after < 0 ? core.queue.entries() : core.queue.after(after)) {
    if (items.length >= limit) {
      more = true;
      break;
    }
    const request = core.requests.get(id)!;
    const entry: QueueEntry = {
      request,
      member: core.members.get(request.userId) ?? null,
      position: offset + items.length + 1,
    };
    const size = utf8Length(JSON.stringify(entry));
    if (items.length > 0 && bytes + size > maxBytes) {
      more = true;
      break;
    }
    bytes += size;
    items.push(entry);
    last = seq;
  }
  const head = core.queue.first();
  return ok({
    kind: 'queue',
    at: state.version,
    items,
    total: core.queue.size,
    offset,
    next: more ? `q1.${last}` : null,
    head: head ? core.requests.get(head[1])! : null,
  });
}

function audiencePage(
  state: AuthorityState,
  cursor: string | undefined,
  limit: number,
  maxBytes: number,
): Result<AudiencePage> {
  const core = state.core;
  let after: JoinKey | null = null;
  if (cursor !== undefined) {
    const body = cursorBody(cursor, 'a');
    const colon = body?.indexOf(':') ?? -1;
    const t = body && colon > 0 ? timeOf(body.slice(0, colon)) : NaN;
    let id: string | null;
    try {
      id = body && colon > 0 ? decodeURIComponent(body.slice(colon + 1)) : null;
    } catch {
      id = null; // a broken %-escape
    }
    if (Number.isNaN(t) || id === null || !v.is(IdentitySchema, id)) return badCursor('not a cursor of the audience.');
    after = { t, id };
  }
  const stage = stageMemberIds(core);
  // Audience members at or before the cursor: all members there, less those on the stage.
  let offset = 0;
  if (after) {
    offset = core.byJoin.rank(after) + (core.byJoin.has(after) ? 1 : 0);
    for (const id of stage) {
      const m = core.members.get(id)!;
      if (compareJoin({ t: m.joinedAt, id }, after) <= 0) offset--;
    }
  }
  const items: Member[] = [];
  let bytes = 0;
  let last: JoinKey | null = after;
  let more = false;
  for (const [key] of after ? core.byJoin.after(after) : core.byJoin.entries()) {
    if (stage.has(key.id)) continue;
    if (items.length >= limit) {
      more = true;
      break;
    }
    const member = core.members.get(key.id)!;
    const size = utf8Length(JSON.stringify(member));
    if (items.length > 0 && bytes + size > maxBytes) {
      more = true;
      break;
    }
    bytes += size;
    items.push(member);
    last = key;
  }
  return ok({
    kind: 'audience',
    at: state.version,
    items,
    total: core.members.size - stage.size,
    offset,
    next: more && last ? audienceCursor(last) : null,
  });
}
