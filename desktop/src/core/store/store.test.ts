import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detail, summary } from '../../test-support/factories.ts';
import { catalogCache } from './catalog-cache.ts';
import { searchCachedCatalog, type LocalSearchInput } from './catalog-search.ts';
import { defaultMigrationsDir } from './migrate.ts';
import { openStore, type Store } from './open.ts';
import { settingsRepo } from './settings.ts';
import { z } from 'zod';

const stores: Store[] = [];
const open = (file = ':memory:') => {
  const s = openStore(file);
  stores.push(s);
  return s;
};
afterEach(() => {
  while (stores.length) stores.pop()!.close();
});

const search = (s: Store, q: Partial<LocalSearchInput> = {}) =>
  searchCachedCatalog(s.db, { offset: 0, limit: 20, ...q });
const titles = (r: { items: { title: string }[] }) => r.items.map((i) => i.title);

describe('local store', () => {
  it('applies the committed migrations once, in WAL mode, and keeps data across reopen', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-store-'));
    const file = path.join(dir, 'lyceum.db');
    const first = open(file);
    // Every committed migration, in name order (each helper's new one included without editing this list).
    const committed = fs
      .readdirSync(defaultMigrationsDir())
      .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
      .sort();
    expect(first.applied).toEqual(committed);
    expect(committed.slice(0, 4)).toEqual([
      '0001_local_store.sql',
      '0002_sync.sql',
      '0003_downloads.sql',
      '0004_analytics.sql',
    ]);
    expect(first.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = first.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'identity',
        'course_summaries',
        'course_details',
        'settings',
        'course_search',
        'outbox',
        'sync_state',
        'enrollments',
        'lesson_progress',
        'quiz_attempts',
        'preferences',
        'offline_courses',
        'download_items',
        'lesson_texts',
        'lesson_search',
      ]),
    );
    settingsRepo(first.db).set('ui.sort', 'rating');
    first.close();

    const second = open(file);
    expect(second.applied).toEqual([]);
    expect(settingsRepo(second.db).get('ui.sort', z.string())).toBe('rating');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a damaged setting as absent instead of failing', () => {
    const s = open();
    const settings = settingsRepo(s.db);
    settings.set('n', 'not a number');
    expect(settings.get('n', z.number())).toBeNull();
    s.sqlite.prepare("UPDATE settings SET value = '{broken' WHERE key = 'n'").run();
    expect(settings.get('n', z.number())).toBeNull();
  });
});

describe('cached catalog', () => {
  it('upserts summaries without duplicating them and keeps the text index in step', () => {
    const s = open();
    const cache = catalogCache(s.db);
    const a = summary({ title: 'Linear algebra' });
    cache.putSummaries([a]);
    cache.putSummaries([{ ...a, title: 'Matrix methods' }]);
    expect(cache.counts().published).toBe(1);
    expect(titles(search(s, { q: 'matrix' }))).toEqual(['Matrix methods']);
    expect(search(s, { q: 'linear' }).items).toHaveLength(0);
    cache.forget(a.id);
    expect(cache.counts().published).toBe(0);
    expect(search(s, { q: 'matrix' }).items).toHaveLength(0);
  });

  it('finds words by prefix and stem, ranks title hits above description hits, and drops stop words', () => {
    const s = open();
    const cache = catalogCache(s.db);
    cache.putSummaries([
      summary({ title: 'Cooking basics', excerpt: 'Also covers python scripting for recipes.' }),
      summary({ title: 'Python programming', excerpt: 'Start coding.' }),
      summary({ title: 'Gardening', excerpt: 'Soil.' }),
    ]);
    expect(titles(search(s, { q: 'pyth' }))).toEqual(['Python programming', 'Cooking basics']);
    expect(titles(search(s, { q: 'the programs' }))).toEqual(['Python programming']);
    expect(titles(search(s, { q: 'C++, python!' }))).toEqual([]);
  });

  it('filters like the server and counts each facet under the other filters only', () => {
    const s = open();
    const cache = catalogCache(s.db);
    const teacher = '0197a000-0000-7000-8000-000000000001';
    cache.putSummaries([
      summary({ title: 'A', level: 'beginner', subject: 'Math', price: null, tags: ['Algebra'] }),
      summary({
        title: 'B',
        level: 'advanced',
        subject: 'Math',
        price: { amountCents: 1000, currency: 'USD' },
        durationMinutes: 300,
      }),
      summary({
        title: 'C',
        level: 'beginner',
        subject: 'Art',
        language: 'fr',
        instructors: [{ id: teacher, name: 'Teach' }],
      }),
      summary({ title: 'D', level: 'beginner', subject: 'Math', status: 'archived' }),
    ]);
    const math = search(s, { subject: 'Math' });
    expect(titles(math).sort()).toEqual(['A', 'B']);
    expect(math.facets.subject).toEqual([
      { value: 'Math', count: 2 },
      { value: 'Art', count: 1 },
    ]);
    expect(math.facets.level).toEqual([
      { value: 'beginner', count: 1 },
      { value: 'intermediate', count: 0 },
      { value: 'advanced', count: 1 },
    ]);
    expect(math.facets.price).toEqual([
      { value: 'free', count: 1 },
      { value: 'paid', count: 1 },
    ]);
    expect(titles(search(s, { price: 'paid' }))).toEqual(['B']);
    expect(titles(search(s, { language: 'fr' }))).toEqual(['C']);
    expect(titles(search(s, { tag: 'algebra' }))).toEqual(['A']);
    expect(titles(search(s, { instructor: teacher }))).toEqual(['C']);
    expect(titles(search(s, { minDuration: 100 }))).toEqual(['B']);
    expect(titles(search(s, { maxDuration: 100 })).sort()).toEqual(['A', 'C']);
  });

  it('sorts by newest, rating and popularity, and pages without gaps or repeats', () => {
    const s = open();
    const cache = catalogCache(s.db);
    const items = Array.from({ length: 7 }, (_, i) =>
      summary({
        title: `T${i}`,
        publishedAt: `2025-02-0${i + 1}T00:00:00.000Z`,
        ratingAverage: (i * 3) % 5,
        enrollmentCount: 100 - i * 10,
      }),
    );
    cache.putSummaries(items);
    expect(titles(search(s, { sort: 'newest' }))).toEqual(['T6', 'T5', 'T4', 'T3', 'T2', 'T1', 'T0']);
    expect(titles(search(s, { sort: 'popularity' }))).toEqual(['T0', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6']);
    const byRating = search(s, { sort: 'rating' }).items.map((i) => i.ratingAverage);
    expect(byRating).toEqual([...byRating].sort((a, b) => b - a));
    const seen: string[] = [];
    let offset = 0;
    for (;;) {
      const page = search(s, { sort: 'newest', limit: 3, offset });
      seen.push(...titles(page));
      offset += page.items.length;
      if (!page.hasMore) break;
    }
    expect(seen).toEqual(['T6', 'T5', 'T4', 'T3', 'T2', 'T1', 'T0']);
  });

  it('keeps course details with their sync time and searches their full description', () => {
    const s = open();
    const cache = catalogCache(s.db);
    const d = detail({ title: 'Statistics', description: 'Regression and hypothesis testing.' });
    cache.putDetail(d, 'viewer-1', '2025-03-01T00:00:00.000Z');
    const hit = cache.getDetail(d.id);
    expect(hit?.course.modules[0]?.lessons.map((l) => l.title)).toEqual(['Welcome', 'Check yourself']);
    expect(hit?.syncedAt).toBe('2025-03-01T00:00:00.000Z');
    expect(titles(search(s, { q: 'hypothesis' }))).toEqual(['Statistics']);
    cache.clearDetails();
    expect(cache.getDetail(d.id)).toBeNull();
    expect(cache.counts().published).toBe(1);
  });
});
