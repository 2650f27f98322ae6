// npm run bench:ingest:parts [-- --events 100000 --batch 600]  (prints the SQL statements by wall time too)
// Where the pipeline's CPU goes, part by part, in one process against embedded PostgreSQL: the collector's ingest
// (validation, de-duplication, stream append, statement record) and then the processor draining the stream into the
// store. Each part prints Node CPU and PostgreSQL CPU per event, beside a plain batched INSERT of the raw rows.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres } from '../../../sync-server/src/db/embedded.ts';
import { migrate } from '../../../sync-server/src/db/migrate.ts';
import { deadLetterStore } from '../../../sync-server/src/modules/analytics/collector/dead-letters.ts';
import { createIngest } from '../../../sync-server/src/modules/analytics/collector/ingest.ts';
import { PROCESSOR_MAX_BATCH } from '../../../sync-server/src/modules/analytics/processor/group.ts';
import { createProcessor } from '../../../sync-server/src/modules/analytics/processor/index.ts';
import { createPostgresStore } from '../../../sync-server/src/modules/analytics/store/postgres.ts';
import { createPostgresStream } from '../../../sync-server/src/modules/analytics/stream/postgres.ts';
import { TOPICS } from '../../../sync-server/src/modules/analytics/stream/port.ts';
import { postgresCpu } from '../lib/cpu.ts';
import { timeEverySql } from '../lib/sql-timing.ts';
import { seedStructuredCourses, seedStudents } from '../lib/sync-seed.ts';
import { Learner, prng, type Statement } from './events.ts';
import { memorySteps, plainRowInsert, printFloor, type Cost } from './floor.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '600' },
    learners: { type: 'string', default: '2000' },
  },
});
const N = Number(args.events);
const BATCH = Number(args.batch);

const sql = new Map<string, { n: number; ms: number }>();
timeEverySql((key, ms) => {
  const t = sql.get(key) ?? { n: 0, ms: 0 };
  t.n += 1;
  t.ms += ms;
  sql.set(key, t);
}, 60);
const dumpSql = (label: string) => {
  console.log(`  SQL during ${label}:`);
  for (const [k, t] of [...sql].sort((x, y) => y[1].ms - x[1].ms).slice(0, 14))
    console.log(`  ${t.ms.toFixed(0).padStart(7)} ms ${String(t.n).padStart(5)}× ${k}`);
  sql.clear();
};
async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-bench-parts-'));
  await fs.chmod(dir, 0o755);
  const db = await startEmbeddedPostgres(path.join(dir, 'postgres'));
  const pool = new pg.Pool({ connectionString: db.url, max: 8 });
  pool.on('error', () => {});
  const logger = pino({ level: 'warn' });
  const pgCpu = postgresCpu(dir);
  const nodeCpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const measure = async (name: string, n: number, fn: () => Promise<void>) => {
    const n0 = nodeCpu();
    const p0 = pgCpu();
    const t0 = performance.now();
    await fn();
    const wall = (performance.now() - t0) / 1000;
    const node = nodeCpu() - n0;
    const pgc = pgCpu() - p0;
    console.log(
      `${name.padEnd(34)} ${String(n).padStart(7)} events  wall ${wall.toFixed(2).padStart(6)} s  ` +
        `${Math.round(n / wall)
          .toLocaleString('en')
          .padStart(7)}/s  Node ${((node / n) * 1e6).toFixed(1).padStart(5)} µs  ` +
        `PG ${((pgc / n) * 1e6).toFixed(1).padStart(5)} µs  total ${(((node + pgc) / n) * 1e6).toFixed(1).padStart(5)} µs/event`,
    );
  };
  try {
    await migrate(pool);
    const [admin] = (
      await pool.query<{ id: string }>(
        `INSERT INTO users (id, email, name, password_hash, role)
         VALUES (gen_random_uuid(), 'admin@bench.test', 'Bench Admin', 'x', 'admin') RETURNING id`,
      )
    ).rows;
    const courses = (await seedStructuredCourses(pool, admin!.id, 8, 2, 10)).map((c, i) => ({
      id: c.id,
      title: `Bench course ${i + 1}`,
      lessons: c.lessons,
    }));
    const ids = await seedStudents(pool, Number(args.learners), 'learner');
    const rand = prng(7);
    const start = Date.now() - 6 * 3_600_000;
    const learners = ids.map(
      (id) =>
        new Learner({ userId: id }, courses, prng(id.length * 7919 + rand() * 1e9), start, 'Lyceum desktop'),
    );
    const batches: { actor: string; statements: Statement[] }[] = [];
    for (let made = 0; made < N;) {
      const l = learners[Math.floor(rand() * learners.length)]!;
      const size = Math.min(BATCH, N - made);
      const statements: Statement[] = [];
      // A desktop upload: one learner's events… spread as the bench does: many learners per upload.
      for (let i = 0; i < size; i++)
        statements.push(learners[Math.floor(rand() * learners.length)]!.next(Date.now()));
      batches.push({ actor: l.actor.userId!, statements });
      made += size;
    }
    const stream = createPostgresStream(pool, logger);
    const ingest = createIngest({ pool, stream, deadLetters: deadLetterStore(pool) });
    await measure('collector ingest (sequential)', N, async () => {
      for (const b of batches) await ingest(b.statements, { source: 'xapi', origin: 'bench' });
    });
    dumpSql('collector');
    const store = createPostgresStore({ pool });
    const processor = createProcessor({ store });
    await measure('processor drain', N, async () => {
      let done = 0;
      await new Promise<void>((resolve, reject) => {
        void stream
          .subscribe(
            TOPICS.learning,
            'bench-parts',
            async (batch) => {
              await processor.handleBatch(batch);
              done += batch.length;
              if (done >= N) resolve();
            },
            { onError: reject, maxBatch: PROCESSOR_MAX_BATCH },
          )
          .then((sub) => subs.push(sub));
      });
    });
    dumpSql('processor');
    for (const s of subs) await s.stop();
    await stream.close();

    const texts = batches.flatMap((b) => b.statements.map((x) => JSON.stringify(x)));
    const costs: Cost[] = memorySteps(texts, new Date().toISOString(), nodeCpu);
    for (const [step, table] of [
      ['statement record: a row with its indexes', 'analytics.statements'],
      ['event log: a row with its index', 'analytics.stream_events'],
      ['fact: a row with its indexes', 'analytics.facts'],
    ] as const)
      costs.push({ step, ...(await plainRowInsert(pool, table, N, nodeCpu, pgCpu)) });
    printFloor(costs, 20_000, 2);
  } finally {
    await pool.end();
    await db.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
const subs: { stop(): Promise<void> }[] = [];
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
