import { afterEach, describe, expect, it } from 'vitest';
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
