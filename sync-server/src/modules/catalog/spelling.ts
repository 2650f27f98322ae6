import type pg from 'pg';
import { closestWord, type KnownWord } from '@lyceum/contracts';

/** How many nearest catalog words (by trigram distance) each misspelled word's edit distance is measured against. */
const CANDIDATES = 40;

/**
 * For each query word that no catalog word starts with (query words match as prefixes, so those are the words that
 * may be misspelled): its nearest catalog words by trigram distance, through the GiST index of catalog_words
 * (migration 0015, kept by triggers on courses).
 */
export const nearestWordsSql = `SELECT w.typed, v.word, v.courses
  FROM unnest($1::text[]) AS w(typed)
  CROSS JOIN LATERAL (
    SELECT cw.word, cw.courses FROM catalog_words cw ORDER BY cw.word <-> w.typed LIMIT ${CANDIDATES}
  ) v
  WHERE NOT EXISTS (
    SELECT 1 FROM catalog_words k
    WHERE k.word >= (w.typed COLLATE "C") AND k.word < ((w.typed || chr(1114111)) COLLATE "C")
  )`;

/** Spelling corrections of query words from the words of published courses' titles, subjects and tags. */
export async function catalogCorrections(pool: pg.Pool, words: string[]): Promise<Map<string, string>> {
  const rows = (await pool.query<KnownWord & { typed: string }>(nearestWordsSql, [words])).rows;
  const byWord = new Map<string, KnownWord[]>();
  for (const r of rows) {
    const list = byWord.get(r.typed) ?? [];
    list.push({ word: r.word, courses: r.courses });
    byWord.set(r.typed, list);
  }
  const out = new Map<string, string>();
  for (const [typed, candidates] of byWord) {
    const fix = closestWord(typed, candidates);
    if (fix) out.set(typed, fix);
  }
  return out;
}
