import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { pino } from 'pino';
import { createEventStream } from './index.ts';

describe('createEventStream', () => {
  const logger = pino({ level: 'silent' });
  // Never connected: both adapters connect lazily, on first use.
  const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });

  it('chooses Kafka when KAFKA_BROKERS is set, else the log in PostgreSQL', async () => {
    const kafka = createEventStream(
      { KAFKA_BROKERS: ['127.0.0.1:1'], KAFKA_CLIENT_ID: 'test' },
      pool,
      logger,
    );
    const postgres = createEventStream({ KAFKA_BROKERS: undefined, KAFKA_CLIENT_ID: 'test' }, pool, logger);
    expect(kafka.kind).toBe('kafka');
    expect(postgres.kind).toBe('postgres');
    await Promise.all([kafka.close(), postgres.close()]);
    await pool.end();
  });
});
