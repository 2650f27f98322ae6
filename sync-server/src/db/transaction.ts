import type pg from 'pg';

/**
 * Run `fn` in one transaction on a client of `pool`: COMMIT when it resolves, ROLLBACK when it throws (the error is
 * rethrown). For code on raw pg (drizzle code has `db.transaction`). The client is released either way.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let open = false;
  try {
    await client.query('BEGIN');
    open = true;
    const out = await fn(client);
    await client.query('COMMIT');
    open = false;
    return out;
  } finally {
    // A client whose ROLLBACK failed is broken: released with the error, the pool drops it.
    let broken: Error | undefined;
    if (open)
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
    client.release(broken);
  }
}
