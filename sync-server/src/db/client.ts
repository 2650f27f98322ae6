import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';

export type Db = NodePgDatabase<Record<string, never>>;

export interface Database {
  pool: pg.Pool;
  db: Db;
  close(): Promise<void>;
}

// Return BIGINT/NUMERIC counts as JS numbers; our counts stay well below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export function connectDatabase(url: string, max = 20): Database {
  // A connection that cannot be made in 5 s fails (503 unavailable) instead of waiting for ever: during a database
  // outage requests answer, and a graceful stop is not held up by requests waiting for a connection.
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  pool.on('error', () => {
    /* idle client errors (server restart) are surfaced on the next query */
  });
  // A client checked out but between queries (a transaction waiting on Node) has no pool listener: a server that
  // goes away then (PostgreSQL stopping on Ctrl-C before the server does) would crash the process. Its next query
  // fails instead.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = drizzle(pool);
  return {
    pool,
    db,
    close: () => pool.end(),
  };
}
