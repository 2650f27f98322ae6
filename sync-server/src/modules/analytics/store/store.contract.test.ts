import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { describe, it } from 'vitest';
import { connectDatabase } from '../../../db/client.ts';
import { createTestDatabase } from '../../../../test/harness.ts';
import { createElasticsearchStore } from './elasticsearch.ts';
import { createPostgresStore } from './postgres.ts';
import { storeContract } from './store.contract.ts';

storeContract('postgres', async () => {
  const database = await createTestDatabase();
  const db = connectDatabase(database.url, 4);
  const store = createPostgresStore({ pool: db.pool });
  // Every table of the analytics schema but the event stream's (partitioned) log.
  const tables = (
    await db.pool.query<{ t: string }>(
      `SELECT format('analytics.%I', tablename) AS t FROM pg_tables
       WHERE schemaname = 'analytics' AND tablename NOT LIKE 'stream\\_%'`,
    )
  ).rows.map((r) => r.t);
  return {
    async fresh() {
      await db.pool.query(`TRUNCATE ${tables.join(', ')}`);
      return store;
    },
    async close() {
      await db.close();
      await database.drop();
    },
  };
});

const node = process.env.ELASTICSEARCH_URL;
if (node) {
  storeContract('elasticsearch', async () => {
    // Indices of their own per run (and per test), removed at the end.
    const run = `lyceum-test-${randomBytes(4).toString('hex')}`;
    const apiKey = process.env.ELASTICSEARCH_API_KEY;
    const client = new Client({ node, ...(apiKey ? { auth: { apiKey } } : {}) });
    let n = 0;
    return {
      async fresh() {
        n += 1;
        return createElasticsearchStore({ client, prefix: `${run}-${n}` });
      },
      async close() {
        await client.indices.deleteDataStream({ name: `${run}-*` }).catch(() => {});
        await client.indices.delete({ index: `${run}-*`, ignore_unavailable: true }).catch(() => {});
        await client.indices.deleteIndexTemplate({ name: `${run}-*` }).catch(() => {});
        for (let i = 1; i <= n; i += 1)
          await client.ilm.deleteLifecycle({ name: `${run}-${i}-facts-policy` }).catch(() => {});
        await client.close();
      },
    };
  });
} else {
  console.warn(
    'analytics store contract: the Elasticsearch run is skipped: ELASTICSEARCH_URL is not set (e.g. ELASTICSEARCH_URL=http://localhost:9200)',
  );
  describe.skip('analytics store contract: elasticsearch (skipped: ELASTICSEARCH_URL is not set)', () => {
    it('runs the contract against an Elasticsearch cluster', () => {});
  });
}
