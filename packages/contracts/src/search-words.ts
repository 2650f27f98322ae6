/**
 * How a free-text search query is split into words, shared by the server (PostgreSQL full-text search) and the
 * desktop app (SQLite FTS5 offline), so an offline search matches what an online one would.
 */

/** PostgreSQL's English stop words: they are not in the index, so a query word among them would match nothing. */
const STOP_WORDS = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its ' +
    'itself they them their theirs themselves what which who whom this that these those am is are was were be been being have ' +
    'has had having do does did doing a an the and but if or because as until while of at by for with about against between ' +
    'into through during before after above below to from up down in out on off over under again further then once here there ' +
    'when where why how all any both each few more most other some such no nor not only own same so than too very s t can ' +
    'will just don should now'
  ).split(' '),
);

export const MAX_QUERY_WORDS = 8;

/**
 * The words of a free-text query: letters and digits only (so user text can never break a query syntax), lower case,
 * each once, English stop words dropped unless nothing else is left, at most MAX_QUERY_WORDS.
 * "C++, Python!" → ["c", "python"].
 */
export function queryWords(q: string | undefined): string[] {
  if (!q) return [];
  const words = [...new Set(textWords(q))];
  const meaningful = words.filter((w) => !STOP_WORDS.has(w));
  return (meaningful.length ? meaningful : words).slice(0, MAX_QUERY_WORDS);
}

/** Every word of a text as queryWords splits it (letters and digits, NFKC, lower case), stop words and repeats kept. */
export function textWords(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((w) => w.length > 0 && w.length <= 64);
}
