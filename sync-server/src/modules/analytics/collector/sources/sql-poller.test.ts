import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '@lyceum/contracts';
import { createTestDatabase } from '../../../../../test/harness.ts';
import { newId } from '../../../../lib/ids.ts';
import { TOPICS } from '../../stream/port.ts';
import { SqlSourceConfig, loadSqlSources } from './config.ts';
import { emailResolver } from './flat-event.ts';
import { startCollectorSources } from './index.ts';
import { createSqlPoller, SourceConfigError } from './sql-poller.ts';
import { silent, spyIngest, startSourcesTest, until, type SourcesTest } from './test-support.ts';

let s: SourcesTest;
let external: { url: string; drop: () => Promise<void> };
let ext: pg.Pool;
const COURSE = newId();
const LESSON = newId();

beforeAll(async () => {
  s = await startSourcesTest();
  external = await createTestDatabase();
  ext = new pg.Pool({ connectionString: external.url, max: 2 });
  await ext.query(`
    CREATE SCHEMA lms;
    CREATE TABLE lms.events (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text, action text, course uuid, lesson uuid, happened_at timestamptz, passed boolean,
      points numeric, kind text NOT NULL DEFAULT 'real', updated_at timestamptz NOT NULL DEFAULT now())`);
});
afterAll(async () => {
  await ext.end();
  await external.drop();
  await s.close();
});

const pool = () => s.t.server.database.pool;
let nameN = 0;
const source = (over: Record<string, unknown> = {}) =>
  SqlSourceConfig.parse({
    name: `lms-${++nameN}`,
    url: external.url,
    table: 'lms.events',
    cursor: 'seq',
    where: `kind = 'real'`,
    map: {
      actor_email: 'email',
      verb: 'action',
      course_id: 'course',
      lesson_id: 'lesson',
      timestamp: 'happened_at',
      success: 'passed',
      score: 'points',
    },
    verbs: { finish: 'completed', watch: 'played' },
    ...over,
  });
type Row = { email: string; action: string; passed?: boolean | null; points?: number | null; at?: string };
async function addRows(rows: Row[], opts: { updatedAt?: string; kind?: string } = {}): Promise<number[]> {
  const r = await ext.query<{ seq: string }>(
    `INSERT INTO lms.events (email, action, course, lesson, happened_at, passed, points, kind, updated_at)
     SELECT e, a, $3, $4, h, p, pt, $8, COALESCE($9::timestamptz, now())
     FROM unnest($1::text[], $2::text[], $5::timestamptz[], $6::boolean[], $7::numeric[]) AS t(e, a, h, p, pt)
     RETURNING seq`,
    [
      rows.map((x) => x.email),
      rows.map((x) => x.action),
      COURSE,
      LESSON,
      rows.map((x) => x.at ?? '2026-03-01T10:00:00Z'),
      rows.map((x) => x.passed ?? null),
      rows.map((x) => x.points ?? null),
      opts.kind ?? 'real',
      opts.updatedAt ?? null,
    ],
  );
  return r.rows.map((x) => Number(x.seq));
}
const deps = (ingest = s.collector.ingest) => ({
  pool: pool(),
  ingest,
  logger: silent,
  resolveEmails: emailResolver(s.t.server.identity.accounts),
});
const eventsOfSource = () => s.stream.events(TOPICS.learning).filter((e) => e.source === 'sql');
const checkpoint = async (name: string) =>
  (
    await pool().query<{ cursor_value: string | null; key_value: string | null; rows_read: number }>(
      'SELECT cursor_value, key_value, rows_read FROM analytics.source_checkpoints WHERE source = $1',
      [name],
    )
  ).rows[0];

describe('the SQL table poller', () => {
  it('imports new rows, maps them to statements, and after a restart imports nothing again', async () => {
    const student = await s.t.user('student');
    await ext.query('TRUNCATE lms.events');
    await addRows([
      { email: student.email.toUpperCase(), action: 'finish', at: '2026-03-01 09:30:00+00' },
      { email: 'outsider@example.test', action: 'answered', passed: true, points: 7.5 },
    ]);
    await addRows([{ email: student.email, action: 'finish' }], { kind: 'debug' }); // filtered out by `where`
    const cfg = source();
    const spy = spyIngest(s.collector.ingest);
    const before = eventsOfSource().length;
    const first = createSqlPoller(deps(spy.ingest), cfg);
    expect(await first.pollOnce()).toMatchObject({ rows: 2, accepted: 2, rejected: 0, polled: true });
    const got = eventsOfSource().slice(before);
    expect(got.map((e) => [e.actor, e.verb, e.courseId, e.lessonId, e.success, e.scoreRaw])).toEqual([
      [student.id, 'completed', COURSE, LESSON, null, null],
      ['mbox:outsider@example.test', 'answered', COURSE, LESSON, true, 7.5],
    ]);
    expect(got[0]!.timestamp).toBe('2026-03-01T09:30:00.000Z');
    expect(got[0]!.verbId).toBe(VERBS.completed);
    expect(await checkpoint(cfg.name)).toMatchObject({ rows_read: 2 });

    expect(await first.pollOnce()).toMatchObject({ rows: 0 });
    const [third] = await addRows([{ email: student.email, action: 'watch' }]);
    expect(await first.pollOnce()).toMatchObject({ rows: 1, accepted: 1 });
    expect(
      eventsOfSource()
        .slice(before)
        .map((e) => e.verb),
    ).toEqual(['completed', 'answered', 'played']);
    expect((await checkpoint(cfg.name))?.cursor_value).toBe(String(third));
    await first.stop();

    // A restarted poller resumes from the checkpoint: nothing is read twice.
    const calls = spy.calls.length;
    const again = createSqlPoller(deps(spy.ingest), cfg);
    expect(await again.pollOnce()).toMatchObject({ rows: 0, polled: true });
    await again.stop();
    expect(spy.calls.length).toBe(calls);
    expect(eventsOfSource().length - before).toBe(3);
  });

  it('reads rows sharing a cursor value once each, in (cursor, key) order, across small batches', async () => {
    await ext.query('TRUNCATE lms.events');
    const student = await s.t.user('student');
    const rows = (n: number) => Array.from({ length: n }, () => ({ email: student.email, action: 'opened' }));
    const t1 = '2026-03-02T10:00:00.123456Z';
    const seqs = [
      ...(await addRows(rows(3), { updatedAt: t1 })),
      ...(await addRows(rows(2), { updatedAt: t1 })),
    ];
    const cfg = source({ cursor: 'updated_at', key: 'seq', batchSize: 2 });
    const spy = spyIngest(s.collector.ingest);
    const poller = createSqlPoller(deps(spy.ingest), cfg);
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) counts.push((await poller.pollOnce()).rows);
    expect(counts).toEqual([2, 2, 1, 0]);
    seqs.push(...(await addRows(rows(2), { updatedAt: t1 }))); // late rows with the same timestamp, higher keys
    seqs.push(...(await addRows(rows(1), { updatedAt: '2026-03-02T10:00:00.123457Z' })));
    while ((await poller.pollOnce()).rows > 0);
    await poller.stop();
    expect(spy.calls.map((c) => c.items.length).reduce((a, b) => a + b, 0)).toBe(8);
    expect(new Set(spy.ids()).size).toBe(8);
    expect((await checkpoint(cfg.name))?.key_value).toBe(String(seqs[seqs.length - 1]));
  });

  it('dead-letters rows that do not map, with the row as origin, and moves on', async () => {
    await ext.query('TRUNCATE lms.events');
    const [bad1, bad2, good] = await addRows([
      { email: 'a@example.test', action: 'teleported' },
      { email: 'b@example.test', action: 'answered', at: '2026-03-01T10:00:00Z', points: null },
      { email: 'c@example.test', action: 'answered' },
    ]);
    await ext.query(`UPDATE lms.events SET email = NULL WHERE seq = $1`, [bad2]);
    const cfg = source();
    const poller = createSqlPoller(deps(), cfg);
    expect(await poller.pollOnce()).toMatchObject({ rows: 3, accepted: 1, rejected: 2 });
    await poller.stop();
    const dead = (await s.deadLetters('sql')).filter((d) => d.origin.startsWith(`${cfg.name}:`));
    expect(dead.map((d) => d.origin).sort()).toEqual([
      `${cfg.name}:lms.events:${bad1}`,
      `${cfg.name}:lms.events:${bad2}`,
    ]);
    expect(dead.find((d) => d.origin.endsWith(`:${bad1}`))?.reason).toMatch(/^verb\.id/);
    expect(dead.find((d) => d.origin.endsWith(`:${bad2}`))?.reason).toMatch(/^actor/);
    expect((await checkpoint(cfg.name))?.cursor_value).toBe(String(good));
  });

  it('advances the checkpoint only after the collector took the rows; concurrent pollers split the work', async () => {
    await ext.query('TRUNCATE lms.events');
    await addRows([{ email: 'x@example.test', action: 'opened' }]);
    const cfg = source();
    const spy = spyIngest(s.collector.ingest, { delayMs: 200 });
    spy.failNext();
    const a = createSqlPoller(deps(spy.ingest), cfg);
    await expect(a.pollOnce()).rejects.toThrow('collector unavailable');
    expect((await checkpoint(cfg.name))?.cursor_value).toBeNull();
    const b = createSqlPoller(deps(spy.ingest), cfg);
    const [ra, rb] = await Promise.all([a.pollOnce(), b.pollOnce()]);
    expect([ra.polled, rb.polled].sort()).toEqual([false, true]);
    expect(ra.rows + rb.rows).toBe(1);
    expect(spy.calls).toHaveLength(1);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('stops on a configuration that does not fit: a missing column, a checkpoint of another table', async () => {
    const missing = createSqlPoller(
      deps(),
      source({ map: { actor_email: 'mail', verb: 'action', course_id: 'course' } }),
    );
    await expect(missing.pollOnce()).rejects.toThrow(SourceConfigError);
    await missing.stop();
    const cfg = source();
    const p1 = createSqlPoller(deps(), cfg);
    await p1.pollOnce();
    await p1.stop();
    const moved = createSqlPoller(deps(), { ...cfg, cursor: 'updated_at', key: 'seq' });
    await expect(moved.pollOnce()).rejects.toThrow(/checkpoint .* is for lms\.events\(seq\)/);
    await moved.stop();
  });

  it('runs the sources configured by ANALYTICS_SQL_SOURCES', async () => {
    await ext.query('TRUNCATE lms.events');
    const cfg = { ...source(), intervalMs: 100 };
    const sources = startCollectorSources({
      pool: pool(),
      ingest: s.collector.ingest,
      dataDir: os.tmpdir(),
      config: { ANALYTICS_SQL_SOURCES: JSON.stringify([cfg]), ANALYTICS_DROP_DIR: 'off' },
      logger: silent,
      outbox: false,
    });
    try {
      expect([...sources.pollers.keys()]).toEqual([cfg.name]);
      expect(sources.dropFolder).toBeNull();
      const before = eventsOfSource().length;
      await addRows([{ email: 'live@example.test', action: 'opened' }]);
      await until(() => eventsOfSource().length > before);
      expect(eventsOfSource().at(-1)?.actor).toBe('mbox:live@example.test');
    } finally {
      await sources.stop();
    }
  });
});

describe('SQL source configuration', () => {
  const valid = { name: 'a', table: 't', cursor: 'id', map: { actor_id: 'u', verb: 'v', course_id: 'c' } };
  it('accepts a JSON array from the env var or a file, and explains what is wrong otherwise', async () => {
    expect(loadSqlSources({ ANALYTICS_SQL_SOURCES: JSON.stringify([valid]) })[0]).toMatchObject({
      name: 'a',
      batchSize: 1000,
      intervalMs: 5000,
    });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sql-sources-'));
    const file = path.join(dir, 'sources.json');
    await fs.writeFile(file, JSON.stringify([{ ...valid, name: 'b' }]));
    expect(
      loadSqlSources({
        ANALYTICS_SQL_SOURCES: JSON.stringify([valid]),
        ANALYTICS_SQL_SOURCES_FILE: file,
      }).map((x) => x.name),
    ).toEqual(['a', 'b']);
    await fs.rm(dir, { recursive: true });
    expect(() => loadSqlSources({ ANALYTICS_SQL_SOURCES: '[{' })).toThrow(/not JSON/);
    expect(() => loadSqlSources({ ANALYTICS_SQL_SOURCES: JSON.stringify([valid, valid]) })).toThrow(/unique/);
    expect(() =>
      loadSqlSources({
        ANALYTICS_SQL_SOURCES: JSON.stringify([{ ...valid, map: { actor_id: 'u', course_id: 'c' } }]),
      }),
    ).toThrow(/map needs verb/);
    expect(() =>
      loadSqlSources({ ANALYTICS_SQL_SOURCES: JSON.stringify([{ ...valid, table: 't; DROP TABLE x' }]) }),
    ).toThrow(/table/);
    expect(() =>
      loadSqlSources({
        ANALYTICS_SQL_SOURCES: JSON.stringify([{ ...valid, map: { ...valid.map, colour: 'x' } }]),
      }),
    ).toThrow(/colour/);
    expect(() => loadSqlSources({ ANALYTICS_SQL_SOURCES_FILE: '/nonexistent/sources.json' })).toThrow(
      /cannot read/,
    );
  });
});
