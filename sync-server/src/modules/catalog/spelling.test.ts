import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseSearchResult, ErrorBody } from '@lyceum/contracts';
import { LyceumClient } from '@lyceum/client';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import {
  closeCatalogs,
  namesIn,
  searchOn,
  standaloneCatalog,
  type StandaloneCatalog,
} from './test-support.ts';

let t: TestServer;
let side: StandaloneCatalog;
let owner: { id: string };
const engineOpts = {
  database: { cacheTtlMs: 0 },
  'short head, cached': { cacheTtlMs: 60_000, searchHeadSize: 2 },
};
const engines: Record<string, StandaloneCatalog> = {};
let engine: StandaloneCatalog;
const name = new Map<string, string>();
const id: Record<string, string> = {};

const specs: Record<
  string,
  { title: string; subject: string; tags: string[]; level: 'beginner' | 'advanced'; description?: string }
> = {
  pyds: { title: 'Python for Data Science', subject: 'Data', tags: ['pandas'], level: 'beginner' },
  begin: { title: 'Python for Beginners', subject: 'Programming', tags: ['python'], level: 'beginner' },
  adv: { title: 'Advanced Python Patterns', subject: 'Programming', tags: ['python'], level: 'advanced' },
  stats: { title: 'Statistics Essentials', subject: 'Mathematics', tags: ['statistics'], level: 'beginner' },
  paint: { title: 'Watercolor Basics', subject: 'Art', tags: ['painting'], level: 'beginner' },
  // A typo in a description: the words as typed find this one course, and the correction finds more.
  snake: {
    title: 'Reptile Care',
    subject: 'Pets',
    tags: ['animals'],
    level: 'beginner',
    description: 'Looking after a pet pyton at home.',
  },
};

async function make(title: string, s: (typeof specs)[string]): Promise<string> {
  const c = await side.catalog.service.createCourse(owner.id, {
    title,
    subject: s.subject,
    tags: s.tags,
    level: s.level,
    type: 'self_paced',
    language: 'en',
    description: s.description ?? `All about ${title.toLowerCase()}.`,
    price: null,
    modules: [{ title: 'Only', lessons: [{ title: 'All of it', kind: 'text', durationMinutes: 10 }] }],
  });
  await side.catalog.service.publish(owner.id, c.id);
  return c.id;
}

beforeAll(async () => {
  t = await startTestServer();
  side = await standaloneCatalog(t, { cacheTtlMs: 0 });
  owner = await t.user('instructor', 'Ina Instructor');
  for (const [k, s] of Object.entries(specs)) {
    id[k] = await make(s.title, s);
    name.set(id[k]!, k);
  }
  for (const [k, o] of Object.entries(engineOpts)) engines[k] = await standaloneCatalog(t, o);
});
afterAll(() => closeCatalogs(t, [...Object.values(engines), side]));

const search = (qs: string) => searchOn(engine, qs);
const names = (r: CourseSearchResult) => namesIn(name, r);
const q = (text: string) => `q=${encodeURIComponent(text)}`;

describe.each(Object.keys(engineOpts))('typo-tolerant search (%s)', (engineName) => {
  beforeAll(() => {
    engine = engines[engineName]!;
  });

  it('"pyhton" finds the Python courses and suggests "python"', async () => {
    const typed = await search(q('pyhton'));
    const right = await search(q('python'));
    expect(names(right).sort()).toEqual(['adv', 'begin', 'pyds']);
    expect(typed.suggestion).toBe('python');
    expect(typed.suggestionApplied).toBe(true);
    expect(names(typed)).toEqual(names(right));
    expect(typed.facets).toEqual(right.facets);
  });

  it('"statistcs" finds the statistics course', async () => {
    const r = await search(q('statistcs'));
    expect(names(r)).toEqual(['stats']);
    expect(r).toMatchObject({ suggestion: 'statistics', suggestionApplied: true });
  });

  it('corrects each misspelled word of the query as typed, keeping the rest', async () => {
    const r = await search(q('Pyhton for beginers'));
    expect(r.suggestion).toBe('Python for beginners');
    expect(names(r)).toEqual(['begin']);
  });

  it('a correctly spelled query has no suggestion', async () => {
    for (const text of ['python', 'statistics', 'pyth', 'Watercolor basics']) {
      const r = await search(q(text));
      expect(r.items.length, text).toBeGreaterThan(0);
      expect(r, text).not.toHaveProperty('suggestion');
      expect(r, text).not.toHaveProperty('suggestionApplied');
    }
  });

  it('nothing close enough: no results and no suggestion', async () => {
    for (const text of ['zqxvw', 'qwertyuiop', 'python watercolor']) {
      const r = await search(q(text));
      expect(r.items, text).toEqual([]);
      expect(r, text).not.toHaveProperty('suggestion');
    }
  });

  it('few results as typed: they stay, with the suggestion offered', async () => {
    const r = await search(q('pyton'));
    expect(names(r)).toEqual(['snake']);
    expect(r.suggestion).toBe('python');
    expect(r.suggestionApplied).toBe(false);
    // A correction that finds no more than the words as typed is not offered.
    expect(await search(q('pyton pet'))).not.toHaveProperty('suggestion');
  });

  it('filters apply to the corrected search', async () => {
    const r = await search(`${q('pyhton')}&level=advanced`);
    expect(names(r)).toEqual(['adv']);
    expect(r.suggestion).toBe('python');
  });

  it('pages of a corrected search follow its cursor', async () => {
    const all = names(await search(`${q('python')}&limit=10`));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: CourseSearchResult = await search(
        `${q('pyhton')}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.suggestion).toBe('python');
      seen.push(...names(page));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(all);
  });

  it('bad input is still refused with 400', async () => {
    for (const qs of [q('p'.repeat(201)), `${q('pyhton')}&sort=random`, `${q('pyhton')}&cursor=%%%`]) {
      const r = await engine.api<ErrorBody>('GET', `/api/v1/courses?${qs}`);
      expect(r.status, qs).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
  });
});

describe('the word list follows the catalog', () => {
  it('learns the words of newly published courses and forgets those of archived ones', async () => {
    engine = engines.database!;
    expect(await search(q('kotiln'))).not.toHaveProperty('suggestion');
    const kotlin = await make('Kotlin Basics', specs.pyds!);
    const found = await search(q('kotiln'));
    expect(found.suggestion).toBe('kotlin');
    expect(found.items.map((i) => i.id)).toEqual([kotlin]);
    await side.catalog.service.archive(owner.id, kotlin);
    const gone = await search(q('kotiln'));
    expect(gone.items).toEqual([]);
    expect(gone).not.toHaveProperty('suggestion');
    const words = await t.server.database.pool.query('SELECT word FROM catalog_words WHERE word = $1', [
      'kotlin',
    ]);
    expect(words.rows).toEqual([]);
  });

  it('counts each word once per published course, drafts left out', async () => {
    const { rows } = await t.server.database.pool.query<{ word: string; courses: number }>(
      `SELECT word, courses FROM catalog_words WHERE word = ANY($1::text[]) ORDER BY word`,
      [['python', 'statistics', 'secret']],
    );
    await side.catalog.service.createCourse(owner.id, {
      title: 'Secret Python',
      subject: 'Programming',
      tags: [],
      level: 'beginner',
      type: 'self_paced',
      language: 'en',
      description: '',
      price: null,
    });
    const after = await t.server.database.pool.query<{ word: string; courses: number }>(
      `SELECT word, courses FROM catalog_words WHERE word = ANY($1::text[]) ORDER BY word`,
      [['python', 'statistics', 'secret']],
    );
    expect(rows).toEqual([
      { word: 'python', courses: 3 },
      { word: 'statistics', courses: 1 },
    ]);
    expect(after.rows).toEqual(rows);
  });
});

describe('contract', () => {
  it('the OpenAPI document and the typed client carry the suggestion', async () => {
    type Schema = { $ref?: string; properties?: Record<string, unknown> };
    const doc = (
      await t.api<{
        paths: Record<
          string,
          Record<string, { responses: Record<string, { content: Record<string, { schema: Schema }> }> }>
        >;
        components: { schemas: Record<string, Schema> };
      }>('GET', '/api/openapi.json')
    ).body;
    let schema = doc.paths['/api/v1/courses']!.get!.responses['200']!.content['application/json']!.schema;
    if (schema.$ref) schema = doc.components.schemas[schema.$ref.split('/').pop()!]!;
    expect(Object.keys(schema.properties ?? {})).toEqual(
      expect.arrayContaining(['items', 'facets', 'suggestion', 'suggestionApplied']),
    );
    const client = new LyceumClient({ baseUrl: t.url });
    const r = await client.call('searchCourses', { query: { q: 'statistcs' } });
    expect(r).toMatchObject({ suggestion: 'statistics', suggestionApplied: true });
    expect(r.items.map((i) => i.title)).toEqual(['Statistics Essentials']);
  });
});
