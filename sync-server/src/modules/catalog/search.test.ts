import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseSearchResult, ErrorBody } from '@lyceum/contracts';
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
/** The same searches through three set-ups: straight to the database, and cut in process from heads that are complete or short. */
const engines: Record<string, StandaloneCatalog> = {};
const engineOpts = {
  database: { cacheTtlMs: 0 },
  'complete head': { cacheTtlMs: 60_000 },
  'short head': { cacheTtlMs: 60_000, searchHeadSize: 3 },
};
let engine: StandaloneCatalog;
let ina: { id: string }, ben: { id: string };
/** Published courses of the data set by short name. */
const id: Record<string, string> = {};
const name = new Map<string, string>();

interface Spec {
  title: string;
  subject: string;
  tags: string[];
  level: 'beginner' | 'intermediate' | 'advanced';
  type: 'self_paced' | 'instructor_led' | 'cohort';
  language: string;
  paid: boolean;
  minutes: number;
  by: () => { id: string };
  description?: string;
}

//        key      title                        subject        tags                     level           type              lang paid  min  by
const specs: Record<string, Spec> = {
  pyds: {
    title: 'Python for Data Science',
    subject: 'Data',
    tags: ['python', 'pandas'],
    level: 'intermediate',
    type: 'self_paced',
    language: 'en',
    paid: false,
    minutes: 60,
    by: () => ina,
  },
  intro: {
    title: 'Introduction to Python',
    subject: 'Programming',
    tags: ['python'],
    level: 'beginner',
    type: 'self_paced',
    language: 'en',
    paid: true,
    minutes: 30,
    by: () => ina,
  },
  adv: {
    title: 'Advanced Python Patterns',
    subject: 'Programming',
    tags: ['python', 'design'],
    level: 'advanced',
    type: 'instructor_led',
    language: 'en',
    paid: true,
    minutes: 120,
    by: () => ben,
  },
  cpp: {
    title: 'C++ from Scratch',
    subject: 'Programming',
    tags: ['cpp'],
    level: 'beginner',
    type: 'cohort',
    language: 'de',
    paid: false,
    minutes: 90,
    by: () => ben,
  },
  stats: {
    title: 'Statistics Essentials',
    subject: 'Data',
    tags: ['statistics'],
    level: 'beginner',
    type: 'self_paced',
    language: 'fr',
    paid: false,
    minutes: 45,
    by: () => ben,
    description: 'Means, medians and a little Python at the end.',
  },
  paint: {
    title: 'Watercolor Basics',
    subject: 'Art',
    tags: ['painting'],
    level: 'beginner',
    type: 'cohort',
    language: 'en',
    paid: true,
    minutes: 20,
    by: () => ina,
  },
};
const keys = Object.keys(specs);

async function make(s: Spec): Promise<string> {
  const c = await side.catalog.service.createCourse(s.by().id, {
    title: s.title,
    subject: s.subject,
    tags: s.tags,
    level: s.level,
    type: s.type,
    language: s.language,
    description: s.description ?? `All about ${s.title.toLowerCase()}.`,
    price: s.paid ? { amountCents: 1999, currency: 'USD' } : null,
    modules: [{ title: 'Only', lessons: [{ title: 'All of it', kind: 'text', durationMinutes: s.minutes }] }],
  });
  return c.id;
}

beforeAll(async () => {
  t = await startTestServer();
  side = await standaloneCatalog(t, { cacheTtlMs: 0 });
  ina = await t.user('instructor', 'Ina Instructor');
  ben = await t.user('instructor', 'Benedikt Brown');
  for (const k of keys) {
    id[k] = await make(specs[k]!);
    name.set(id[k]!, k);
    await side.catalog.service.publish(specs[k]!.by().id, id[k]!);
  }
  // Not in the catalog: a draft and an archived course that would match everything below.
  await make({ ...specs.pyds!, title: 'Python Secrets' });
  const old = await make({ ...specs.pyds!, title: 'Old Python' });
  await side.catalog.service.publish(ina.id, old);
  await side.catalog.service.archive(ina.id, old);
  // Ratings: adv 5, intro 4.5, pyds 4. Popularity: cpp 10, paint 5, pyds 1.
  const raters = await Promise.all([1, 2, 3].map(() => t.user('student')));
  const rate = (k: string, u: number, stars: number) =>
    side.catalog.ratings.rate(raters[u]!.id, id[k]!, { stars }, { requireEnrollment: false });
  await rate('adv', 0, 5);
  await rate('intro', 0, 4);
  await rate('intro', 1, 5);
  await rate('pyds', 2, 4);
  await side.catalog.reader.adjustEnrollmentCount(id.cpp!, 10);
  await side.catalog.reader.adjustEnrollmentCount(id.paint!, 5);
  await side.catalog.reader.adjustEnrollmentCount(id.pyds!, 1);
  for (const [k, o] of Object.entries(engineOpts)) engines[k] = await standaloneCatalog(t, o);
});
afterAll(() => closeCatalogs(t, [...Object.values(engines), side]));

const search = (qs: string) => searchOn(engine, qs);
const names = (r: CourseSearchResult) => namesIn(name, r);
const sorted = (xs: string[]) => [...xs].sort();

describe.each(Object.keys(engineOpts))('search (%s)', (engineName) => {
  beforeAll(() => {
    engine = engines[engineName]!;
  });

  describe('full-text search', () => {
    it('finds title, tag, subject, description and instructor-name matches, titles first', async () => {
      const r = await search('q=python');
      expect(sorted(names(r))).toEqual(sorted(['pyds', 'intro', 'adv', 'stats']));
      expect(names(r).at(-1)).toBe('stats'); // only its description mentions Python
      expect(names(await search('q=pandas'))).toEqual(['pyds']);
      expect(sorted(names(await search('q=ina')))).toEqual(sorted(['pyds', 'intro', 'paint']));
      expect(names(await search('q=Benedikt%20statistics'))).toEqual(['stats']);
    });

    it('matches words as prefixes and stems', async () => {
      expect(sorted(names(await search('q=pyth')))).toEqual(sorted(['pyds', 'intro', 'adv', 'stats']));
      expect(names(await search('q=water'))).toEqual(['paint']);
      expect(names(await search('q=intro%20pyth'))).toEqual(['intro']);
      expect(names(await search('q=patterns'))).toEqual(['adv']);
      expect(names(await search('q=pattern'))).toEqual(['adv']);
    });

    it('survives punctuation and hostile input', async () => {
      expect(names(await search(`q=${encodeURIComponent('C++')}`))).toEqual(['cpp']);
      expect((await search(`q=${encodeURIComponent("'; drop table courses; --")}`)).items).toEqual([]);
      expect(sorted(names(await search(`q=${encodeURIComponent('python & | ! ( ) :* <-> \\ "')}`)))).toEqual(
        sorted(['pyds', 'intro', 'adv', 'stats']),
      );
      // Only punctuation: no words, so the whole catalog, newest first.
      expect(names(await search(`q=${encodeURIComponent('?!*')}`))).toEqual([...keys].reverse());
      expect(names(await search('q=the'))).toEqual([]);
      const count = await t.server.database.pool.query('SELECT count(*)::int AS n FROM courses');
      expect(count.rows[0].n).toBe(8);
    });
  });

  describe('filters', () => {
    it.each([
      ['type=cohort', ['cpp', 'paint']],
      ['level=beginner', ['intro', 'cpp', 'stats', 'paint']],
      ['subject=Data', ['pyds', 'stats']],
      ['language=de', ['cpp']],
      ['price=free', ['pyds', 'cpp', 'stats']],
      ['price=paid', ['intro', 'adv', 'paint']],
      ['minDuration=60', ['pyds', 'adv', 'cpp']],
      ['maxDuration=45', ['intro', 'stats', 'paint']],
      ['minDuration=30&maxDuration=60', ['pyds', 'intro', 'stats']],
      ['tag=python', ['pyds', 'intro', 'adv']],
      ['q=python&level=advanced', ['adv']],
      ['q=python&price=free&subject=Data', ['pyds', 'stats']],
    ])('%s', async (qs, expected) => {
      expect(sorted(names(await search(qs)))).toEqual(sorted(expected));
    });

    it('instructor', async () => {
      expect(sorted(names(await search(`instructor=${ben.id}`)))).toEqual(sorted(['adv', 'cpp', 'stats']));
    });

    it('refuses bad filter values with 400', async () => {
      for (const qs of [
        'type=webinar',
        'price=cheap',
        'minDuration=-1',
        'instructor=abc',
        'sort=random',
        'limit=0',
        'color=red',
        'cursor=%%%',
      ]) {
        const r = await engine.api<ErrorBody>('GET', `/api/v1/courses?${qs}`);
        expect(r.status, qs).toBe(400);
        expect(r.body.error.code).toBe('validation_failed');
      }
    });
  });

  describe('sorting and pagination', () => {
    it('sorts by newest (default), rating, popularity and relevance', async () => {
      expect(names(await search(''))).toEqual([...keys].reverse());
      expect(names(await search('sort=newest'))).toEqual([...keys].reverse());
      expect(names(await search('sort=rating')).slice(0, 3)).toEqual(['adv', 'intro', 'pyds']);
      expect(names(await search('sort=popularity')).slice(0, 3)).toEqual(['cpp', 'paint', 'pyds']);
      expect(names(await search('q=python&sort=newest'))).toEqual(['stats', 'adv', 'intro', 'pyds']);
      const r = await search('sort=rating&limit=3');
      expect(r.items.map((i) => [i.ratingAverage, i.ratingCount])).toEqual([
        [5, 1],
        [4.5, 2],
        [4, 1],
      ]);
    });

    it.each(['', 'sort=rating', 'sort=popularity', 'q=python', 'q=p', 'level=beginner&sort=newest'])(
      'walks every page of "%s" without duplicates or gaps',
      async (qs) => {
        const all = names(await search(`${qs}&limit=100`));
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: CourseSearchResult = await search(`${qs}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...names(page));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor && pages < 10);
        expect(seen).toEqual(all);
        expect(new Set(seen).size).toBe(seen.length);
        expect(pages).toBe(Math.max(1, Math.ceil(all.length / 2)));
      },
    );

    it('refuses a cursor from another sort order', async () => {
      const first = await search('sort=rating&limit=2');
      const r = await engine.api<ErrorBody>('GET', `/api/v1/courses?sort=newest&cursor=${first.nextCursor}`);
      expect(r.status).toBe(400);
    });
  });

  describe('facets', () => {
    const counts = (r: CourseSearchResult, facet: keyof CourseSearchResult['facets']) =>
      Object.fromEntries(r.facets[facet].map((b) => [b.value, b.count]));

    it('count the whole catalog without filters', async () => {
      const r = await search('');
      expect(counts(r, 'type')).toEqual({ self_paced: 3, instructor_led: 1, cohort: 2 });
      expect(counts(r, 'level')).toEqual({ beginner: 4, intermediate: 1, advanced: 1 });
      expect(r.facets.subject).toEqual([
        { value: 'Programming', count: 3 },
        { value: 'Data', count: 2 },
        { value: 'Art', count: 1 },
      ]);
      expect(counts(r, 'language')).toEqual({ en: 4, de: 1, fr: 1 });
      expect(counts(r, 'price')).toEqual({ free: 3, paid: 3 });
    });

    it('count each facet under the query and the other filters, not its own', async () => {
      const r = await search('level=beginner&price=free');
      expect(sorted(names(r))).toEqual(['cpp', 'stats']);
      expect(counts(r, 'type')).toEqual({ self_paced: 1, instructor_led: 0, cohort: 1 });
      expect(counts(r, 'level')).toEqual({ beginner: 2, intermediate: 1, advanced: 0 });
      expect(counts(r, 'price')).toEqual({ free: 2, paid: 2 });
      expect(counts(r, 'subject')).toEqual({ Programming: 1, Data: 1 });
      expect(counts(r, 'language')).toEqual({ de: 1, fr: 1 });
    });

    it('follow the text query and the non-facet filters', async () => {
      const r = await search('q=python&maxDuration=60');
      expect(sorted(names(r))).toEqual(sorted(['pyds', 'intro', 'stats']));
      expect(counts(r, 'type')).toEqual({ self_paced: 3, instructor_led: 0, cohort: 0 });
      expect(counts(r, 'subject')).toEqual({ Data: 2, Programming: 1 });
      const none = await search('subject=Cooking');
      expect(none.items).toEqual([]);
      expect(none.facets.subject).toContainEqual({ value: 'Cooking', count: 0 });
    });
  });
});

describe('summaries and caching', () => {
  it('items carry what a catalog card needs', async () => {
    engine = side;
    const r = await search('q=watercolor');
    expect(r.items[0]).toMatchObject({
      title: 'Watercolor Basics',
      excerpt: 'All about watercolor basics.',
      subject: 'Art',
      tags: ['painting'],
      status: 'published',
      price: { amountCents: 1999, currency: 'USD' },
      instructors: [{ id: ina.id, name: 'Ina Instructor' }],
      durationMinutes: 20,
      lessonCount: 1,
      enrollmentCount: 5,
      ratingCount: 0,
    });
  });

  it('serves repeated searches from a short-lived cache that any course change clears', async () => {
    const cached = await standaloneCatalog(t, { cacheTtlMs: 60_000 });
    try {
      const q = '/api/v1/courses?q=watercolor';
      expect((await cached.api<CourseSearchResult>('GET', q)).body.items).toHaveLength(1);
      await t.server.database.pool.query(`UPDATE courses SET status = 'archived' WHERE id = $1`, [id.paint]);
      expect((await cached.api<CourseSearchResult>('GET', q)).body.items).toHaveLength(1);
      const { rows } = await t.server.database.pool.query<{ version: number }>(
        'SELECT version FROM courses WHERE id = $1',
        [id.cpp],
      );
      await cached.catalog.service.updateCourse(ben.id, id.cpp!, {
        description: 'Pointers and templates.',
        version: rows[0]!.version,
      });
      expect((await cached.api<CourseSearchResult>('GET', q)).body.items).toHaveLength(0);
    } finally {
      await t.server.database.pool.query(`UPDATE courses SET status = 'published' WHERE id = $1`, [id.paint]);
      await cached.close();
    }
  });
});
