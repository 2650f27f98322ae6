import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { pino } from 'pino';
import { connectDatabase, type Database } from '../../../db/client.ts';
import { createTestDatabase } from '../../../../test/harness.ts';
import { createKafkaStream } from './kafka.ts';
import { createPostgresStream } from './postgres.ts';
import { streamContract } from './stream.contract.ts';

const logger = pino({ level: 'silent' });

streamContract('postgres', async () => {
  const database = await createTestDatabase();
  const pools: Database[] = [];
  return {
    open() {
      // Each instance has its own pool and LISTEN connection, like another process.
      const db = connectDatabase(database.url, 4);
      pools.push(db);
      return createPostgresStream(db.pool, logger, {
        heartbeatMs: 200,
        leaseMs: 3000,
        pollMs: 500,
        retryDelayMs: 50,
      });
    },
    settleMs: 1000,
    timeoutMs: 20_000,
    async close() {
      await Promise.all(pools.map((p) => p.close()));
      await database.drop();
    },
  };
});

const brokers =
  process.env.KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean) ?? [];
if (brokers.length) {
  streamContract('kafka', async () => {
    // Topics of their own per run, so earlier runs' events do not slow this one.
    const topicPrefix = `lyceum-test-${randomUUID().slice(0, 8)}.`;
    return {
      open: () =>
        createKafkaStream(
          {
            brokers,
            clientId: 'lyceum-contract',
            topicPrefix,
            retryDelayMs: 50,
            sessionTimeout: 10_000,
            heartbeatInterval: 1000,
          },
          logger,
        ),
      settleMs: 8000,
      timeoutMs: 60_000,
      async close() {},
    };
  });
} else {
  console.warn(
    'event stream contract: the Kafka run is skipped: KAFKA_BROKERS is not set (e.g. KAFKA_BROKERS=localhost:9092)',
  );
  describe.skip('event stream contract: kafka (skipped: KAFKA_BROKERS is not set)', () => {
    it('runs the contract against a Kafka cluster', () => {});
  });
}
