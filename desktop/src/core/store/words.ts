/**
 * An FTS5 MATCH expression over query words split by queryWords (@lyceum/contracts, the same split as the server's):
 * every word must match, as a prefix except one-letter words. Words hold no quotes.
 */
export function ftsMatch(words: string[]): string {
  return words.map((w) => (w.length > 1 ? `"${w}"*` : `"${w}"`)).join(' AND ');
}
