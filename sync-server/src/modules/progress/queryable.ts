import type pg from 'pg';

/**
 * What the progress writers need of a connection: a pool, or a client inside an open transaction (the sync push
 * passes its own, so the writes join its transaction). Both answer query() the same way.
 */
export type Queryable = Pick<pg.PoolClient, 'query'>;
