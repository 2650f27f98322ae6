/** What PostgreSQL (and node-postgres) errors mean for the caller. */

interface PgLikeError {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

const sqlState = (err: unknown): string =>
  typeof (err as PgLikeError | null)?.code === 'string' ? ((err as PgLikeError).code as string) : '';

/**
 * A value PostgreSQL refused to store or compare (SQLSTATE class 22, data exception: NUL in text, an unsupported
 * Unicode escape in jsonb, a number out of range): the same input fails the same way every time, so it is the
 * request's fault, never worth retrying.
 */
export function isDataException(err: unknown): boolean {
  return sqlState(err).startsWith('22');
}

/** Node's socket error codes for a database that cannot be reached (stopped, restarting, crashed). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * The database is (for now) out of reach: connection refused or lost, PostgreSQL shutting down, crashed or in crash
 * recovery (SQLSTATE 57P01-57P03, class 08). The same request later should work: answer 503 with Retry-After.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = sqlState(err);
  if (UNREACHABLE.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code))
    return true;
  const e = err as PgLikeError | null;
  // AggregateError of every address tried (node-postgres connecting to localhost).
  if (Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every(isDatabaseUnavailable)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return (
    message === 'Connection terminated unexpectedly' ||
    message === 'Connection terminated' ||
    message.startsWith('timeout exceeded when trying to connect') ||
    message === 'Client has encountered a connection error and is not queryable'
  );
}
