/**
 * Explicit limits. Every breach is answered with a typed error (see errors.ts), never a crash.
 * Durations are always in milliseconds and their names end in `Ms`, so they cannot be misread.
 */
export const LIMITS = {
  /** Largest seat count a room may be configured with. */
  maxSeats: 64,
  /** Longest user identity, in characters. */
  maxIdentityLength: 128,
  /** Longest display name, in characters. */
  maxNameLength: 64,
  /** Longest avatar URL, in characters. */
  maxAvatarLength: 512,
  /** Longest client-made request / invitation id, in characters. */
  maxIdLength: 64,
  /** Largest encoded wire message, in bytes (UTF-8). LiveKit data packets stop at ~64 KB. */
  maxMessageBytes: 60 * 1024,
  /** Largest custom signal payload, in bytes of JSON. */
  maxSignalBytes: 4096,
  /** Longest custom signal name, in characters. */
  maxSignalNameLength: 64,
  /** Longest reject reason, in characters. */
  maxReasonLength: 200,
  /** Shortest and longest request / invitation deadline a caller may ask for. */
  minTimeoutMs: 1_000,
  maxTimeoutMs: 10 * 60_000,
  /** Most resolved requests the room shows (for verdicts and "handled by"); older ones leave it. */
  maxResolvedShown: 16,
  /** Most resolved request ids the authority remembers, so a late resend is not a new request. */
  maxResolvedRemembered: 1024,
  /** Most resolved invitation ids the authority remembers, so a late duplicate invite does not re-invite. */
  maxInvitationsRemembered: 1024,
  /** Most people muted by a moderator the authority remembers (a mute follows the person; see README). */
  maxMutedRemembered: 1024,
  /** Deepest nesting of a free-form JSON value (signal payloads, result values, error details). */
  maxJsonDepth: 32,
  /** Latest authority clock, in ms since the epoch (the end of the JavaScript Date range). */
  maxClockMs: 8.64e15,
  /** Most origins in a room's avatar allow-list. */
  maxAvatarOrigins: 32,
  /** Most items in one page of the queue or the audience (a `read`); the default is `defaultPageSize`. */
  maxPageSize: 100,
  defaultPageSize: 50,
  /** Longest opaque page cursor, in characters (room for an identity of any script, URI-encoded). */
  maxCursorLength: 1280,
  /** Most encoded bytes of one page's items: a page stops early (its `next` continues) rather than pass the message limit. */
  maxPageBytes: 48 * 1024,
  /** Fewest ms between two publications of the room's counts (audience joins and leaves are coalesced). */
  countsIntervalMs: 1_000,
} as const;

export const DEFAULT_CONFIG = {
  /** Co-guest seats besides the host (TUILiveKit's 9). */
  seatCount: 9,
  requestTimeoutMs: 60_000,
  invitationTimeoutMs: 30_000,
  /** How long a dropped occupant's seat (and a dropped member) is held before it is freed. */
  reconnectGraceMs: 30_000,
  /** How long resolved requests and invitations stay visible (for idempotent resends and "handled by"). */
  historyMs: 120_000,
  allowCamera: false,
  maxPendingRequests: 10_000,
  /** Per user: at most `requestRateCount` seat requests within `requestRateWindowMs`. */
  requestRateCount: 5,
  requestRateWindowMs: 10_000,
  /** Per user: at most `signalRateCount` custom signals within `requestRateWindowMs`. */
  signalRateCount: 20,
} as const;
