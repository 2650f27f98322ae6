import type { Logger } from 'pino';
import type pg from 'pg';
import type { Config } from '../../../config.ts';
import type { AnalyticsStore } from './port.ts';
import { createPostgresStore } from './postgres.ts';

export * from './port.ts';

/** The analytics store: Elasticsearch when ELASTICSEARCH_URL is set, else the analytics schema in PostgreSQL. */
export function createAnalyticsStore(
  config: Pick<Config, 'ELASTICSEARCH_URL' | 'ELASTICSEARCH_API_KEY'>,
  pool: pg.Pool,
  logger: Logger,
): AnalyticsStore {
  if (config.ELASTICSEARCH_URL) {
    logger.warn('ELASTICSEARCH_URL is set but the Elasticsearch store is not wired yet: using PostgreSQL');
  }
  return createPostgresStore({ pool });
}
