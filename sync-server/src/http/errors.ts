import type { Response } from 'express';
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

/** Answer with an ApiError in the one error shape (its headers, its status, `{ error: { code, message, details } }`). */
export function sendApiError(res: Response, err: ApiError): void {
  if (err.headers) res.set(err.headers);
  res.status(err.status).json({
    error: {
      code: err.code,
      message: err.message,
      ...(err.details !== undefined ? { details: err.details } : {}),
    },
  });
}
