import { sql } from 'drizzle-orm';

/** Millisecond precision, so timestamps round-trip exactly through JavaScript dates (pagination cursors). */
export const nowMs = sql`date_trunc('milliseconds', now())`;

/** The PostgreSQL error code of a failed query (drizzle may wrap the driver's error in `cause`). */
export function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}
