import type { Logger } from 'pino';
import type pg from 'pg';
import type { Config } from '../../../config.ts';
import { createElasticsearchStore } from './elasticsearch.ts';
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
    logger.info({ node: new URL(config.ELASTICSEARCH_URL).origin }, 'analytics store: Elasticsearch');
    return createElasticsearchStore({ node: config.ELASTICSEARCH_URL, apiKey: config.ELASTICSEARCH_API_KEY });
  }
  return createPostgresStore({ pool });
}
