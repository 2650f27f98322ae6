/** What PostgreSQL (and node-postgres) errors mean for the caller. */

interface PgLikeError {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

/** The error and its causes (drizzle wraps the driver's error in a DrizzleQueryError). */
function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) out.push(e);
  return out;
}

const sqlState = (err: unknown): string =>
  typeof (err as PgLikeError | null)?.code === 'string' ? ((err as PgLikeError).code as string) : '';

/**
 * A value PostgreSQL refused to store or compare (SQLSTATE class 22, data exception: NUL in text, an unsupported
 * Unicode escape in jsonb, a number out of range): the same input fails the same way every time, so it is the
 * request's fault, never worth retrying.
 */
export function isDataException(err: unknown): boolean {
  // Class 22 (a value it cannot store), and 54001: a JSON value nested deeper than PostgreSQL's stack allows.
  return chain(err).some((e) => sqlState(e).startsWith('22') || sqlState(e) === '54001');
}

/** Node's socket error codes for a database that cannot be reached (stopped, restarting, crashed). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * The database is (for now) out of reach: connection refused or lost, PostgreSQL shutting down, crashed or in crash
 * recovery (SQLSTATE 57P01-57P03, class 08). The same request later should work: answer 503 with Retry-After.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return chain(err).some(unreachable);
}

function unreachable(err: unknown): boolean {
  const code = sqlState(err);
  if (UNREACHABLE.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code))
    return true;
  const e = err as PgLikeError | null;
  // AggregateError of every address tried (node-postgres connecting to localhost).
  if (Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every(unreachable)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return (
    message === 'Connection terminated unexpectedly' ||
    message === 'Connection terminated' ||
    message.startsWith('timeout exceeded when trying to connect') ||
    message === 'Client has encountered a connection error and is not queryable'
  );
}

/**
 * Keep this process (or worker thread) alive through a database outage: a background task (a poll, a consumer, a
 * publish) whose rejection says the database is unreachable is logged, and its owner tries again later. Any other
 * unhandled rejection still ends the process, as Node's default does.
 */
export function surviveDatabaseOutages(log: { warn: (o: object, msg: string) => void }): void {
  process.on('unhandledRejection', (err) => {
    if (isDatabaseUnavailable(err)) {
      log.warn({ err }, 'a background task failed while the database was unavailable');
      return;
    }
    throw err;
  });
}

/** Run `task` until it does not fail for an unreachable database (a start-up step racing an outage), pausing between. */
export async function retryWhileUnavailable<T>(
  task: () => Promise<T>,
  log: { warn: (o: object, msg: string) => void },
  what: string,
  pauseMs = 1000,
): Promise<T> {
  for (;;) {
    try {
      return await task();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      log.warn({ err }, `${what}: the database is unavailable; trying again`);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}
