/** The closed set of errors a request can end in; each has a stable code and a translated message. */
export type ErrorCode = 'not_found' | 'bad_request' | 'forbidden' | 'rate_limited' | 'payload_too_large';

const STATUS: Record<ErrorCode, 400 | 403 | 404 | 413 | 429> = {
  not_found: 404,
  bad_request: 400,
  forbidden: 403,
  rate_limited: 429,
  payload_too_large: 413,
};

export class AppError extends Error {
  constructor(readonly code: ErrorCode) {
    super(code);
  }
  get status() {
    return STATUS[this.code];
  }
}

/** A record that does not exist and one the caller may not see get the same answer. */
export const notFound = () => new AppError('not_found');
