/**
 * Every refusal is a RoomError: a stable code to branch on, a readable message to show or log,
 * and details for the UI (e.g. the nearest free seat after a lost race).
 */
export const ERROR_CODES = [
  // seats
  'seat-taken',
  'seat-locked',
  'seat-reserved',
  'seat-out-of-range',
  'seat-muted',
  'already-seated',
  'not-seated',
  'no-free-seat',
  // membership and permission
  'not-member',
  'not-allowed',
  'approval-required',
  'host-exists',
  'room-ended',
  // requests and invitations
  'unknown-request',
  'request-closed',
  'request-pending',
  'id-conflict',
  'queue-full',
  'rate-limited',
  'unknown-invitation',
  'invitation-closed',
  'invitation-pending',
  // input
  'invalid-command',
  'malformed',
  'unsupported-version',
  'too-large',
  // an unexpected exception inside the authority or a home: nothing changed, the room keeps serving
  'internal',
  // transport (raised by backends, never by the authority)
  'host-unreachable',
  'timeout',
  'disconnected',
  'mic-denied',
  'no-device',
  'media-failed',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface RoomError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function roomError(code: ErrorCode, message: string, details?: Record<string, unknown>): RoomError {
  return details === undefined ? { code, message } : { code, message, details };
}

export type Result<T = unknown> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: RoomError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, details?: Record<string, unknown>): Result<never> => ({
  ok: false,
  error: roomError(code, message, details),
});
