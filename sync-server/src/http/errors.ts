import { errorStatus, type ErrorCode } from '@lyceum/contracts';

/** A typed API error: the code picks the HTTP status; details are machine-readable. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.status = errorStatus[code];
  }
}

export const fail = (
  code: ErrorCode,
  message: string,
  details?: unknown,
  headers?: Record<string, string>,
): never => {
  throw new ApiError(code, message, details, headers);
};

export const notFound = (what: string): never => fail('not_found', `${what} not found`);
export const forbidden = (message = 'You may not do this'): never => fail('forbidden', message);
