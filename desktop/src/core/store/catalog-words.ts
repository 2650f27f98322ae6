import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { closestWord, textWords, type KnownWord } from '@lyceum/contracts';
import type { LocalDb } from './open.ts';

const Tags = z.array(z.string());
const tagsOf = (json: string): string[] => {
  try {
    return Tags.parse(JSON.parse(json));
  } catch {
    return [];
  }
};

/**
 * The words of the cached published courses' titles, subjects and tags, each with how many courses use it: the
 * device's copy of the server's catalog_words, read when an offline search needs a spelling correction.
 */
export function cachedCatalogWords(db: LocalDb): KnownWord[] {
  const rows = db.all<{ title: string; subject: string; tags: string }>(
    sql`SELECT title, subject, tags FROM course_summaries WHERE status = 'published'`,
  );
  const counts = new Map<string, number>();
  for (const r of rows) {
    const words = textWords([r.title, r.subject, ...tagsOf(r.tags)].join(' '));
    for (const w of new Set(words))
      if (w.length >= 2 && !/^\p{N}+$/u.test(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts].map(([word, courses]) => ({ word, courses }));
}

/**
 * Spelling corrections of query words from the cached catalog, as the server makes them: a word that some cached word
 * starts with is known (words match as prefixes); any other gets the closest cached word, if one is close enough.
 */
export function cachedCorrections(db: LocalDb, words: string[]): Map<string, string> {
  const known = cachedCatalogWords(db);
  const out = new Map<string, string>();
  for (const w of words) {
    if (known.some((k) => k.word.startsWith(w))) continue;
    const fix = closestWord(w, known);
    if (fix) out.set(w, fix);
  }
  return out;
}
