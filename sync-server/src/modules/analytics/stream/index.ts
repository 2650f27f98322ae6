import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../../../config.ts';
import { createKafkaStream, type KafkaStreamOptions } from './kafka.ts';
import { createPostgresStream, type PostgresStreamOptions } from './postgres.ts';
import type { EventStream } from './port.ts';

export * from './port.ts';
export { createKafkaStream, type KafkaStreamOptions } from './kafka.ts';
export { createPostgresStream, type PostgresEventStream, type PostgresStreamOptions } from './postgres.ts';
export type { RetentionResult } from './pg-days.ts';

export interface EventStreamOptions {
  postgres?: PostgresStreamOptions;
  kafka?: Partial<KafkaStreamOptions>;
}

/** The event stream: Apache Kafka when KAFKA_BROKERS is set, else the durable log in PostgreSQL. */
export function createEventStream(
  config: Pick<Config, 'KAFKA_BROKERS' | 'KAFKA_CLIENT_ID'>,
  pool: pg.Pool,
  logger: Logger,
  opts: EventStreamOptions = {},
): EventStream {
  if (config.KAFKA_BROKERS?.length) {
    return createKafkaStream(
      { ...opts.kafka, brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID },
      logger,
    );
  }
  return createPostgresStream(pool, logger, opts.postgres);
}
