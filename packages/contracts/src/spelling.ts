/**
 * Typo tolerance, shared by the server's catalog search (candidates from PostgreSQL's pg_trgm) and the desktop's
 * offline one (candidates from the cached catalog): which query words may be misspelled, the closest known word to
 * each, the corrected query as the student typed it, and when it is offered ("Did you mean …?") or used instead.
 */
import { queryWords, textWords } from './search-words.ts';

/** A search whose words find fewer courses than this looks for a spelling correction. */
export const FEW_RESULTS = 3;

/** A word of the catalog's titles, subjects and tags, and how many courses use it. */
export interface KnownWord {
  word: string;
  courses: number;
}

/** Edits allowed to correct a word: none under 3 letters or without a letter, 1 up to 5 letters, 2 beyond. */
export function maxEdits(word: string): number {
  const n = [...word].length;
  if (n < 3 || !/\p{L}/u.test(word)) return 0;
  return n <= 5 ? 1 : 2;
}

/**
 * Damerau–Levenshtein distance in its optimal-string-alignment form (insert, delete, substitute, swap two neighbours),
 * by code point. Answers `max + 1` as soon as the distance is known to exceed `max`.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  const s = [...a];
  const t = [...b];
  if (Math.abs(s.length - t.length) > max) return max + 1;
  let before = new Array<number>(t.length + 1).fill(0);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  let cur = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= s.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d = Math.min(d, before[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [before, prev, cur] = [prev, cur, before];
  }
  return Math.min(prev[t.length]!, max + 1);
}

/**
 * The known word closest to a misspelled one: fewest edits (within maxEdits), then the most courses, then the one
 * sharing the first letter, then alphabetical. Null when none is close enough.
 */
export function closestWord(word: string, candidates: Iterable<KnownWord>): string | null {
  const max = maxEdits(word);
  if (max === 0) return null;
  let best: { word: string; edits: number; courses: number; first: boolean } | null = null;
  for (const c of candidates) {
    if (c.word === word || c.word.length < 2) continue;
    const edits = editDistance(word, c.word, max);
    if (edits > max) continue;
    const first = c.word[0] === word[0];
    if (
      !best ||
      edits < best.edits ||
      (edits === best.edits &&
        (c.courses > best.courses ||
          (c.courses === best.courses &&
            (first > best.first || (first === best.first && c.word < best.word)))))
    )
      best = { word: c.word, edits, courses: c.courses, first };
  }
  return best?.word ?? null;
}

/**
 * The query as typed with each corrected word replaced (spacing, punctuation and stop words kept; a capitalised word
 * stays capitalised): "Pyhton for beginers" with {pyhton → python, beginers → beginners} → "Python for beginners".
 */
export function correctedQuery(q: string, corrections: ReadonlyMap<string, string>): string {
  return q
    .split(/([^\p{L}\p{M}\p{N}]+)/u)
    .map((part) => {
      const key = textWords(part)[0];
      const fix = key === undefined ? undefined : corrections.get(key);
      if (fix === undefined) return part;
      return /^\p{Lu}/u.test(part) ? fix.charAt(0).toUpperCase() + fix.slice(1) : fix;
    })
    .join('')
    .trim();
}

/** A search's answer and how many courses its words found (before facet filters). */
export interface CountedSearch<R> {
  result: R;
  total: number;
}

export interface SpellingOutcome<R> {
  result: R;
  /** The corrected query, when it finds more courses than the query as typed. */
  suggestion?: string;
  /** True when the query as typed found nothing, so `result` is the suggestion's. */
  suggestionApplied?: boolean;
}

/**
 * Typo tolerance around a search that already ran: when its words found fewer than FEW_RESULTS courses, the words
 * that may be misspelled are corrected (`corrections` maps each correctable word it knows a better word for; it
 * answers nothing for words the catalog knows) and the corrected query is searched. It is suggested when it finds
 * more, and its results replace an empty answer. A search that found enough costs nothing more.
 */
export async function withSpellingSuggestion<R>(
  q: string | undefined,
  primary: CountedSearch<R>,
  corrections: (words: string[]) => Promise<ReadonlyMap<string, string>> | ReadonlyMap<string, string>,
  search: (q: string) => Promise<CountedSearch<R>> | CountedSearch<R>,
): Promise<SpellingOutcome<R>> {
  if (!q || primary.total >= FEW_RESULTS) return { result: primary.result };
  const words = queryWords(q).filter((w) => maxEdits(w) > 0);
  if (!words.length) return { result: primary.result };
  const fixes = await corrections(words);
  if (!fixes.size) return { result: primary.result };
  const suggestion = correctedQuery(q, fixes);
  const alt = await search(suggestion);
  if (alt.total <= primary.total) return { result: primary.result };
  return primary.total === 0
    ? { result: alt.result, suggestion, suggestionApplied: true }
    : { result: primary.result, suggestion };
}
