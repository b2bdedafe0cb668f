/** The closed set of errors a request can end in; each has a stable code and a translated message. */
export type ErrorCode = 'not_found' | 'bad_request' | 'unauthorized' | 'forbidden' | 'conflict' | 'rate_limited' | 'payload_too_large' | 'busy';

const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503> = {
  not_found: 404,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  rate_limited: 429,
  payload_too_large: 413,
  // The server is saturated (the key-derivation queue is full): come back in Retry-After seconds.
  busy: 503,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** Sent as Retry-After: when trying again may succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(code);
  }
  get status() {
    return STATUS[this.code];
  }
}

/** A record that does not exist and one the caller may not see get the same answer. */
export const notFound = () => new AppError('not_found');

/**
 * Whether a database error is a unique violation (SQLSTATE 23505), optionally of one named
 * constraint. pg and PGlite both raise errors carrying `code` and `constraint`.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint: name } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && (constraint === undefined || name === constraint);
}
