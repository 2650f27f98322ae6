import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import {
  buildFacetQuery,
  buildHeadQuery,
  buildItemsQuery,
  normalizeSearch,
  type BuiltQuery,
} from './search.ts';
import { nearestWordsSql } from './spelling.ts';

/** Synthetic courses (every tenth a draft; each 'topicNNNN' word in 1 of 2000), enough for the planner to prefer indexes as in production. */
async function bulkCourses(t: TestServer, ownerId: string, n: number): Promise<void> {
  await t.server.database.pool.query(
    `INSERT INTO courses (id, owner_id, title, description, subject, tags, tags_text, language, type, level, price_cents, currency,
       status, duration_minutes, lesson_count, instructor_names, published_at, rating_avg, rating_count, enrollment_count)
     SELECT gen_random_uuid(), $1,
       (ARRAY['Python','Java','Rust','Golang','Painting','Cooking','Statistics','Physics','History','Music'])[1 + i % 10]
         || ' course ' || i || ' topic' || lpad((i % 2000)::text, 4, '0'),
       'Lesson plan number ' || i || ' about ' || (ARRAY['data','web','art','science','life','travel','money'])[1 + i % 7],
       (ARRAY['Programming','Data','Art','Science','Humanities'])[1 + i % 5],
       ARRAY['tag' || (i % 50)], 'tag' || (i % 50),
       (ARRAY['en','de','fr','es'])[1 + i % 4],
       (ARRAY['self_paced','instructor_led','cohort'])[1 + i % 3],
       (ARRAY['beginner','intermediate','advanced'])[1 + (i / 3) % 3],
       CASE WHEN i % 2 = 0 THEN 0 ELSE 1999 END, CASE WHEN i % 2 = 0 THEN NULL ELSE 'USD' END,
       CASE WHEN i % 10 = 7 THEN 'draft' ELSE 'published' END,
       i % 300, 1 + i % 20, 'Teacher ' || (i % 100),
       date_trunc('milliseconds', now()) - make_interval(mins => i), (i % 50) / 10.0, i % 7, i % 1000
     FROM generate_series(1, $2::int) i`,
    [ownerId, n],
  );
  await t.server.database.pool.query('ANALYZE courses');
  await t.server.database.pool.query('ANALYZE catalog_words');
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  const owner = await t.user('instructor');
  await bulkCourses(t, owner.id, 20_000);
});
afterAll(() => t.close());

async function plan(q: BuiltQuery): Promise<string> {
  const r = await t.server.database.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.text}`, q.values);
  return r.rows.map((x) => x['QUERY PLAN']).join('\n');
}

describe('the search queries use indexes', () => {
  const cases = [
    ['q=topic0017 (relevance)', { q: 'topic0017' }, 'courses_search_idx'],
    ['q=topic0123 less (prefixes, several words)', { q: 'topic0123 less' }, 'courses_search_idx'],
    ['newest', {}, 'courses_status_published_idx'],
    ['rating', { sort: 'rating' as const }, 'courses_status_rating_idx'],
    ['popularity', { sort: 'popularity' as const }, 'courses_status_popularity_idx'],
  ] as const;

  it.each(cases)('head of %s', async (_label, input, index) => {
    const p = await plan(buildHeadQuery(normalizeSearch({ ...input, limit: 20 }), 500));
    expect(p).toContain(index);
    expect(p).not.toMatch(/Seq Scan/);
  });

  it.each(cases)('page of %s (past the head)', async (_label, input, index) => {
    const p = await plan(buildItemsQuery(normalizeSearch({ ...input, limit: 20 })));
    expect(p).toContain(index);
    expect(p).not.toMatch(/Seq Scan/);
  });

  it('keyset pages stay on the index', async () => {
    const first = await t.server.catalog.service.search({ limit: 20 });
    const n = normalizeSearch({ cursor: first.nextCursor!, limit: 20 });
    const p = await plan(buildItemsQuery(n));
    expect(p).toContain('courses_status_published_idx');
    expect(p).not.toMatch(/Seq Scan/);
  });

  it('facet counts of a text query use the full-text index', async () => {
    expect(await plan(buildFacetQuery(normalizeSearch({ q: 'topic0017', limit: 20 })))).toContain(
      'courses_search_idx',
    );
  });

  it('spelling candidates come from the trigram and prefix indexes of the word list', async () => {
    const p = await plan({ text: nearestWordsSql, values: [['topci0017', 'pyhton']] });
    expect(p).toContain('catalog_words_trgm_idx');
    expect(p).toContain('catalog_words_pkey');
    expect(p).not.toMatch(/Seq Scan on catalog_words/);
  });

  it('corrects a misspelled word against the bulk data', async () => {
    const r = await t.server.catalog.service.search({ q: 'topci0123', limit: 5 });
    expect(r).toMatchObject({ suggestion: 'topic0123', suggestionApplied: true });
    expect(r.items.length).toBe(5);
    for (const i of r.items) expect(i.title).toMatch(/ topic0123$/);
  });

  it('answers the real search over the bulk data correctly', async () => {
    const r = await t.server.catalog.service.search({ q: 'python', level: 'advanced', limit: 5 });
    expect(r.items).toHaveLength(5);
    for (const i of r.items) {
      expect(i.title).toMatch(/^Python course/);
      expect(i.level).toBe('advanced');
    }
    const total = r.facets.level.reduce((s, b) => s + b.count, 0);
    const direct = await t.server.database.pool.query(
      `SELECT count(*)::int AS n FROM courses WHERE status = 'published' AND title LIKE 'Python course%'`,
    );
    expect(total).toBe(direct.rows[0].n);
  });
});
