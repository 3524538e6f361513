/**
 * The authority's side of micseat's LiveKit RPC methods, over core's AuthorityServer: payload text
 * in, answer text out. Shared by the host's browser (livekit-client) and the Node service
 * (@livekit/rtc-node), which differ only in their RpcError class: a refusal is thrown as an
 * `RpcRefusal` and each wrapper re-throws it as its SDK's RpcError. Imports nothing from a LiveKit SDK.
 */
import {
  decode,
  PROTOCOL_VERSION,
  encodeResult,
  encodeSnapshot,
  serialize,
  type AuthorityServer,
  type MemberRole,
  type Result,
  type RoomState,
} from '@micseat/core';
import { paginate, parsePageRequest, RPC_MALFORMED, RPC_STALE_SNAPSHOT, type SnapshotPage } from './rpc.js';

// The wire names, for authority homes that import only this entry (no livekit-client inside).
export {
  DATA_TOPIC,
  METHOD_COMMAND,
  METHOD_PAGE,
  METHOD_SYNC,
  ROLE_ATTRIBUTE,
  RPC_MALFORMED,
  RPC_STALE_SNAPSHOT,
} from './rpc.js';

/** An RPC answer must stay under LiveKit's 15 KiB payload limit. */
const MAX_RESULT_BYTES = 14_000;
/** Serialised snapshots kept for paging (by version). */
const SNAPSHOT_CACHE = 4;

/** A refusal to answer an RPC (code ≥ 2000, see rpc.ts); re-thrown as the SDK's RpcError. */
export class RpcRefusal extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RpcAnswererOptions {
  /** Snapshot page size in UTF-8 bytes (default and maximum PAGE_BYTES; smaller in tests). */
  pageBytes?: number;
}

export class RpcAnswerer {
  private readonly snapshots = new Map<number, string[]>();

  constructor(
    private readonly server: AuthorityServer,
    private readonly options: RpcAnswererOptions = {},
    /** Runs a command (default: the server's `execute`; a wrapper may add its own checks). */
    private readonly run: (caller: { id: string; role: MemberRole }, id: string, command: unknown) => Result = (
      c,
      id,
      cmd,
    ) => server.execute(c, id, cmd),
  ) {}

  /** `micseat.cmd`: answers `{ at, res }`; `at` is the room version after the command. */
  command(callerIdentity: string, role: MemberRole, payload: string): string {
    let id: string;
    let command: unknown;
    const decoded = decode(payload);
    if (decoded.ok && decoded.value.t === 'cmd') {
      id = decoded.value.id;
      command = decoded.value.cmd;
    } else {
      // A well-formed envelope around an invalid command is answered by the authority itself
      // (`invalid-command`, which validates the command again); anything else is refused.
      const raw = safeParse(payload) as { v?: unknown; t?: unknown; id?: unknown; cmd?: unknown } | null;
      if (!(
        raw &&
        raw.v === PROTOCOL_VERSION &&
        raw.t === 'cmd' &&
        typeof raw.id === 'string' &&
        raw.id.length > 0 &&
        raw.id.length <= 64
      )) {
        throw new RpcRefusal(RPC_MALFORMED, decoded.ok ? 'not a command' : decoded.error.message.slice(0, 200));
      }
      id = raw.id;
      command = raw.cmd;
    }
    const result = this.run({ id: callerIdentity, role }, id, command);
    let text = serialize(encodeResult(id, result));
    if (!text.ok || text.value.length * 3 > MAX_RESULT_BYTES) {
      const small: Result = result.ok ? { ok: true, value: null } : result;
      text = serialize(encodeResult(id, small));
    }
    if (!text.ok) throw new RpcRefusal(RPC_MALFORMED, 'result too large');
    // `at`: the room version after the command, so the caller can make sure its replica shows
    // the change before it hands the answer on (read-your-writes, as in the memory backend).
    return `{"at":${this.server.clientVersion},"res":${text.value}}`;
  }

  /** `micseat.sync`: page 0 of the snapshot, or `pages: 0` when the caller is up to date. */
  sync(payload: string): string {
    const decoded = decode(payload);
    if (!decoded.ok || decoded.value.t !== 'sync') throw new RpcRefusal(RPC_MALFORMED, 'expected a sync message');
    const room = this.server.snapshotFor(decoded.value.have);
    if (!room) {
      const version = this.server.clientVersion;
      return JSON.stringify({ version, page: 0, pages: 0, data: '' } satisfies SnapshotPage);
    }
    const pages = this.pagesOf(room);
    return JSON.stringify({
      version: room.version,
      page: 0,
      pages: pages.length,
      data: pages[0]!,
    } satisfies SnapshotPage);
  }

  /** `micseat.page`: a further page of a snapshot still remembered. */
  page(payload: string): string {
    const req = parsePageRequest(payload);
    if (!req) throw new RpcRefusal(RPC_MALFORMED, 'expected { version, page }');
    const pages = this.snapshots.get(req.version);
    if (!pages || req.page >= pages.length)
      throw new RpcRefusal(RPC_STALE_SNAPSHOT, 'that snapshot is gone; sync again');
    return JSON.stringify({
      version: req.version,
      page: req.page,
      pages: pages.length,
      data: pages[req.page]!,
    } satisfies SnapshotPage);
  }

  private pagesOf(room: RoomState): string[] {
    let pages = this.snapshots.get(room.version);
    if (!pages) {
      const text = serialize(encodeSnapshot(room));
      if (!text.ok) throw new RpcRefusal(RPC_MALFORMED, 'snapshot too large');
      pages = paginate(text.value, this.options.pageBytes);
      this.snapshots.set(room.version, pages);
      if (this.snapshots.size > SNAPSHOT_CACHE) this.snapshots.delete(this.snapshots.keys().next().value!);
    }
    return pages;
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
