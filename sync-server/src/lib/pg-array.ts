/**
 * PostgreSQL array literals built directly, for the multi-row statements that send a column as one array parameter
 * (`$1::text[]`, `$2::float8[]`, …). node-postgres turns a JS array into a literal element by element, with two regex
 * replaces per element; at tens of thousands of rows per second that was a measurable share of the collector's and the
 * processor's CPU (bench:ingest). Elements are quoted (escaping only when a quote or backslash is present), numbers and
 * booleans are written bare, null and undefined become NULL.
 */
export type ArrayElement = string | number | boolean | null | undefined;

const quote = (s: string): string =>
  s.includes('"') || s.includes('\\') ? `"${s.replace(/["\\]/g, (m) => `\\${m}`)}"` : `"${s}"`;

function element(v: ArrayElement): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** The literal of `values` mapped by `pick` (no intermediate array). */
export function arrayLiteralOf<T>(values: readonly T[], pick: (v: T) => ArrayElement): string {
  let out = '{';
  for (let i = 0; i < values.length; i += 1) {
    if (i) out += ',';
    out += element(pick(values[i]!));
  }
  return `${out}}`;
}

/** `{"a","b\"c",NULL,1.5,t}`: the literal of a one-dimensional array, for a `$n::<type>[]` parameter. */
export const arrayLiteral = (values: readonly ArrayElement[]): string => arrayLiteralOf(values, (v) => v);

/**
 * Between the texts of a column sent as ONE text parameter and split in SQL by `string_to_table($n::text, E'\\x1e')`:
 * U+001E, which JSON.stringify never leaves raw in its output. No array escaping in Node, and for JSON texts no
 * parsing in PostgreSQL.
 */
export const TEXT_SEPARATOR = '\u001e';
export const joinTexts = (texts: readonly string[]): string => texts.join(TEXT_SEPARATOR);
