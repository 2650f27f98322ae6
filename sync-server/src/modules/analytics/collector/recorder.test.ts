import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../lib/ids.ts';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { createPostgresStream, type PostgresEventStream } from '../stream/postgres.ts';
import { deadLetterStore } from './dead-letters.ts';
import { createIngest } from './ingest.ts';
import { recordWithAppend } from './recorder.ts';
import { videoStatement } from './test-support.ts';

let t: TestServer;
let stream: PostgresEventStream;
beforeAll(async () => {
  t = await startTestServer();
  stream = createPostgresStream(t.server.database.pool, pino({ level: 'silent' }), {
    maintenanceIntervalMs: 0,
  });
});
afterAll(async () => {
  await stream.close();
  await t.close();
});

const pool = () => t.server.database.pool;
const count = async (sql: string, id: string) =>
  (await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, [id])).rows[0]!.n;
const recorded = (id: string) => count('analytics.statements WHERE id = $1', id);
const appended = (id: string) => count(`analytics.stream_events WHERE payload::json->>'id' = $1`, id);
const ingestWith = (s: PostgresEventStream) =>
  createIngest({
    pool: pool(),
    stream: s,
    deadLetters: deadLetterStore(pool()),
    recorder: recordWithAppend(pool(), s),
  });

describe('recording a statement with its event in one transaction (embedded log)', () => {
  it('keeps both or neither: a failed append leaves no statement recorded, and the retry keeps both once', async () => {
    const failing: PostgresEventStream = {
      ...stream,
      appendWithin: async (client, topic, events) => {
        await stream.appendWithin(client, topic, events);
        throw new Error('the log went away');
      },
    };
    const s = videoStatement(newId());
    const id = String(s.id);
    await expect(ingestWith(failing)([s], { source: 'xapi', origin: 'test' })).rejects.toThrow(/went away/);
    expect([await recorded(id), await appended(id)]).toEqual([0, 0]);

    const r = await ingestWith(stream)([s], { source: 'xapi', origin: 'test' });
    expect([r.accepted, r.duplicates]).toEqual([1, 0]);
    expect([await recorded(id), await appended(id)]).toEqual([1, 1]);
  });

  it('concurrent uploads of one id keep it once: the others are duplicates, or conflicts when the content differs', async () => {
    const ingest = ingestWith(stream);
    const learner = newId();
    const s = videoStatement(learner);
    const other = { ...videoStatement(learner, {}, 5), id: s.id };
    const id = String(s.id);
    const meta = { source: 'xapi' as const, origin: 'concurrent' };
    // Several calls in flight at once share group-committed transactions: the id is in two of them, or in one
    // transaction twice.
    const results = await Promise.all([
      ingest([videoStatement(learner, {}, 1)], meta),
      ingest([s], meta),
      ingest([s, videoStatement(learner, {}, 2)], meta),
      ingest([other], meta),
      ingest([s], meta),
    ]);
    const [, a, b, c, d] = results;
    expect(a!.accepted + b!.accepted + d!.accepted).toBe(2); // s once, and the other statement of b
    expect(a!.duplicates + b!.duplicates + d!.duplicates).toBe(2);
    expect(c!.accepted).toBe(0);
    expect(c!.rejected.map((x) => x.kind)).toEqual(['conflict']);
    expect([await recorded(id), await appended(id)]).toEqual([1, 1]);
    const stored = await pool().query<{ statement: { result: unknown } }>(
      'SELECT statement::json AS statement FROM analytics.statements WHERE id = $1',
      [id],
    );
    expect(stored.rows[0]!.statement.result).toEqual(s.result);
  });
});
