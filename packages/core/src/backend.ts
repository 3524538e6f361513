/**
 * The RoomBackend contract: what every backend (memory, LiveKit) gives the machines.
 * Backends report facts and carry commands; they decide nothing (the authority does) and
 * own no lifecycle (the machines do).
 */
import type { Result, RoomError } from './errors.js';
import type { RoomEvent } from './events.js';
import type { Command, MicReport, Page, ReadQuery, RoomState } from './schema.js';

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface RoomUpdate {
  /**
   * The client's replica of the room: the stage (seats, host, moderators, mode, invitations,
   * counts, the members on it) with the viewer's own member record and requests merged in.
   */
  readonly room: RoomState;
  /** Events of the versions applied since the previous update (empty after a snapshot). */
  readonly events: readonly RoomEvent[];
}

export interface JoinOptions {
  readonly name: string;
  readonly avatar?: string;
}

export interface RoomMedia {
  /**
   * Starts or stops publishing the microphone (and the camera when `camera` is true).
   * Refusals: `mic-denied` (permission), `no-device`, `media-failed`. Never rejects.
   */
  setMic(on: boolean, options?: { camera?: boolean; deviceId?: string }): Promise<Result<MicReport>>;
  /** Audio levels (0..1) by identity, for the local user and every speaker heard. */
  onLevels(listener: (levels: ReadonlyMap<string, number>) => void): () => void;
  /** True while the browser blocks playback until the user interacts. */
  readonly audioBlocked: boolean;
  onAudioBlocked(listener: (blocked: boolean) => void): () => void;
  /** Call from a user gesture ("tap to listen"). */
  unlockAudio(): Promise<void>;
  /**
   * Optional: the transport may no longer publish (e.g. a server authority took the publish grant
   * away on a kick or a leave) and closed the mic if it was open; the room machine then reports
   * the mic off.
   */
  onMicClosed?(listener: (reason: RoomError) => void): () => void;
}

export interface RoomBackend {
  /** The identity the transport vouches for. */
  readonly identity: string;
  /** The newest replica, or null before the first snapshot. */
  readonly room: RoomState | null;
  readonly status: ConnectionStatus;
  /** Connects and joins; resolves once the first snapshot is in. Never rejects. */
  connect(options: JoinOptions): Promise<Result<RoomState>>;
  /** Leaves the transport (not the room: send `leave-room` first for that). */
  disconnect(): Promise<void>;
  onUpdate(listener: (update: RoomUpdate) => void): () => void;
  onStatus(listener: (status: ConnectionStatus, error?: RoomError) => void): () => void;
  /**
   * Sends one command to the authority and resolves with its typed result. Never rejects:
   * transport failures come back as `host-unreachable`, `timeout` or `disconnected`.
   */
  send(command: Command): Promise<Result>;
  /**
   * Reads a page of what stays with the authority: the queue (moderators), the audience, or the
   * caller's own position. Never rejects: a hostile cursor or limit is `invalid-command`, a
   * listener reading the queue `not-allowed`, transport failures as for `send`.
   */
  read(query: ReadQuery): Promise<Result<Page>>;
  readonly media: RoomMedia;
}

/** `backend.read`, typed by the query's kind. */
export function readPage<Q extends ReadQuery>(
  backend: Pick<RoomBackend, 'read'>,
  query: Q,
): Promise<Result<Extract<Page, { kind: Q['kind'] }>>> {
  return backend.read(query) as Promise<Result<Extract<Page, { kind: Q['kind'] }>>>;
}
