/**
 * Query words, split the way the server splits them (sync-server catalog/tsquery.ts), so an offline search matches
 * what an online one would: letters and digits only, lower case, each once, English stop words dropped unless nothing
 * else is left, at most 8 words.
 */
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

export function queryWords(q: string | undefined): string[] {
  if (!q) return [];
  const words = [
    ...new Set(
      q
        .normalize('NFKC')
        .toLowerCase()
        .split(/[^\p{L}\p{M}\p{N}]+/u)
        .filter((w) => w.length > 0 && w.length <= 64),
    ),
  ];
  const meaningful = words.filter((w) => !STOP_WORDS.has(w));
  return (meaningful.length ? meaningful : words).slice(0, 8);
}

/** An FTS5 MATCH expression: every word must match, as a prefix except one-letter words. Words hold no quotes. */
export function ftsMatch(words: string[]): string {
  return words.map((w) => (w.length > 1 ? `"${w}"*` : `"${w}"`)).join(' AND ');
}
