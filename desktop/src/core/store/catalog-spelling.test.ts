import { afterEach, describe, expect, it } from 'vitest';
import { closestWord, correctedQuery, editDistance, maxEdits } from '@lyceum/contracts';
import { summary } from '../../test-support/factories.ts';
import { catalogCache } from './catalog-cache.ts';
import { searchCachedCatalogTolerant, type LocalSearchInput } from './catalog-search.ts';
import { cachedCatalogWords } from './catalog-words.ts';
import { openStore, type Store } from './open.ts';

const stores: Store[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
});

/** A store holding a small cached catalog, as an earlier online visit left it. */
function cached(): Store {
  const s = openStore(':memory:');
  stores.push(s);
  catalogCache(s.db).putSummaries([
    summary({ title: 'Python for Data Science', subject: 'Data', tags: ['pandas'] }),
    summary({ title: 'Python for Beginners', subject: 'Programming', tags: ['python'], level: 'beginner' }),
    summary({ title: 'Advanced Python Patterns', subject: 'Programming', level: 'advanced' }),
    summary({ title: 'Statistics Essentials', subject: 'Mathematics', tags: ['statistics'] }),
    summary({ title: 'Watercolor Basics', subject: 'Art', tags: ['painting'] }),
    summary({ title: 'Reptile Care', subject: 'Pets', excerpt: 'Looking after a pet pyton.' }),
    summary({ title: 'Kotlin Secrets', subject: 'Programming', status: 'archived' }),
  ]);
  return s;
}

const search = (s: Store, q: string, more: Partial<LocalSearchInput> = {}) =>
  searchCachedCatalogTolerant(s.db, { q, offset: 0, limit: 20, ...more });
const titles = (r: { items: { title: string }[] }) => r.items.map((i) => i.title).sort();

describe('offline catalog search with typos', () => {
  it('"pyhton" finds the Python courses and suggests "python"', async () => {
    const s = cached();
    const r = await search(s, 'pyhton');
    expect(r.suggestion).toBe('python');
    expect(r.suggestionApplied).toBe(true);
    expect(titles(r)).toEqual(titles(await search(s, 'python')));
    expect(titles(r)).toEqual([
      'Advanced Python Patterns',
      'Python for Beginners',
      'Python for Data Science',
    ]);
  });

  it('"statistcs" finds the statistics course', async () => {
    const r = await search(cached(), 'statistcs');
    expect(titles(r)).toEqual(['Statistics Essentials']);
    expect(r).toMatchObject({ suggestion: 'statistics', suggestionApplied: true });
  });

  it('corrects each misspelled word, keeping the query as typed', async () => {
    const r = await search(cached(), 'Pyhton for beginers');
    expect(r.suggestion).toBe('Python for beginners');
    expect(titles(r)).toEqual(['Python for Beginners']);
  });

  it('keeps a few results as typed and offers the correction', async () => {
    const r = await search(cached(), 'pyton');
    expect(titles(r)).toEqual(['Reptile Care']);
    expect(r).toMatchObject({ suggestion: 'python', suggestionApplied: false });
  });

  it('offers nothing for a correct query, a prefix, or words too far from any', async () => {
    const s = cached();
    for (const q of ['python', 'pyth', 'watercolor basics']) {
      const r = await search(s, q);
      expect(r.items.length, q).toBeGreaterThan(0);
      expect(r, q).not.toHaveProperty('suggestion');
    }
    for (const q of ['zqxvw', 'python watercolor', 'kotiln']) {
      const r = await search(s, q);
      expect(r.items, q).toEqual([]);
      expect(r, q).not.toHaveProperty('suggestion');
    }
  });

  it('applies the filters to the corrected search', async () => {
    const r = await search(cached(), 'pyhton', { level: 'advanced' });
    expect(titles(r)).toEqual(['Advanced Python Patterns']);
    expect(r.suggestion).toBe('python');
  });

  it('builds its word list from published titles, subjects and tags', () => {
    const words = new Map(cachedCatalogWords(cached().db).map((w) => [w.word, w.courses]));
    expect(words.get('python')).toBe(3);
    expect(words.get('statistics')).toBe(1);
    expect(words.get('programming')).toBe(2);
    expect(words.has('kotlin')).toBe(false);
    expect(words.has('pyton')).toBe(false);
  });
});

describe('the shared spelling rules (@lyceum/contracts)', () => {
  it('counts insertions, deletions, substitutions and swaps of neighbours as one edit each', () => {
    expect(editDistance('pyhton', 'python')).toBe(1);
    expect(editDistance('statistcs', 'statistics')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('café', 'cafe')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    // Stops early past the limit.
    expect(editDistance('abcdefgh', 'zyxwvuts', 2)).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });

  it('allows no edit under 3 letters or for numbers, 1 up to 5 letters, 2 beyond', () => {
    expect([
      maxEdits('py'),
      maxEdits('2024'),
      maxEdits('jva'),
      maxEdits('pyton'),
      maxEdits('pyhton'),
    ]).toEqual([0, 0, 1, 1, 2]);
  });

  it('picks the fewest edits, then the most used word', () => {
    const known = [
      { word: 'python', courses: 3 },
      { word: 'pylon', courses: 9 },
      { word: 'pythons', courses: 1 },
    ];
    expect(closestWord('pyhton', known)).toBe('python');
    // One edit from both python and pylon: the word more courses use wins.
    expect(closestWord('pyton', known)).toBe('pylon');
    expect(closestWord('xyz', known)).toBeNull();
  });

  it('rewrites the query as typed', () => {
    const fixes = new Map([
      ['pyhton', 'python'],
      ['beginers', 'beginners'],
    ]);
    expect(correctedQuery('Pyhton for beginers!', fixes)).toBe('Python for beginners!');
    expect(correctedQuery('  pyhton, PYHTON  ', fixes)).toBe('python, Python');
  });
});
