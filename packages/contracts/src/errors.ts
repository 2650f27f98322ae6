import { z } from 'zod';

/** Every machine-readable error code the API can answer with, and its HTTP status. */
export const errorStatus = {
  validation_failed: 400,
  malformed_json: 400,
  invalid_id: 400,
  weak_password: 400,
  reset_token_invalid: 400,
  checksum_mismatch: 400,
  chunk_size_mismatch: 400,
  invalid_path: 400,
  xapi_version_unsupported: 400,
  webhook_signature_invalid: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  invalid_token: 401,
  token_expired: 401,
  refresh_token_reused: 401,
  session_revoked: 401,
  payment_required: 402,
  forbidden: 403,
  account_disabled: 403,
  not_enrolled: 403,
  signature_invalid: 403,
  signature_expired: 403,
  client_disabled: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  email_taken: 409,
  already_enrolled: 409,
  already_rated: 409,
  prerequisites_missing: 409,
  course_not_published: 409,
  course_has_enrollments: 409,
  course_incomplete: 409,
  attempts_exhausted: 409,
  idempotency_conflict: 409,
  upload_incomplete: 409,
  upload_closed: 409,
  statement_conflict: 409,
  checkout_closed: 409,
  not_for_sale: 409,
  payload_too_large: 413,
  file_too_large: 413,
  unsupported_media_type: 415,
  unsupported_file_type: 415,
  range_not_satisfiable: 416,
  account_locked: 423,
  too_many_attempts: 429,
  headers_too_large: 431,
  rate_limited: 429,
  internal: 500,
  gateway_unavailable: 502,
  not_ready: 503,
  unavailable: 503,
  collector_busy: 503,
} as const;

export const ErrorCode = z.enum(
  Object.keys(errorStatus) as [keyof typeof errorStatus, ...(keyof typeof errorStatus)[]],
);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z
  .object({
    error: z.object({
      code: ErrorCode,
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;
