import { queryWords, type CourseSearchQuery, type CourseSort } from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import { decodeCursor } from '../../lib/cursor.ts';
import { summaryColumns } from './dto.ts';
import { wordOperand } from './tsquery.ts';

/** The facet filters; the facets of one are counted under all the others. */
export interface FacetFilters {
  type?: string;
  level?: string;
  subject?: string;
  language?: string;
  price?: 'free' | 'paid';
}

/** A search reduced to what changes its answer, so equal searches share a cache entry. */
export interface NormalizedSearch {
  words: string[];
  facets: FacetFilters;
  minDuration?: number;
  maxDuration?: number;
  instructor?: string;
  tag?: string;
  sort: CourseSort;
  after: { key: number | string; id: string } | null;
  limit: number;
}

export type SearchInput = Omit<Partial<CourseSearchQuery>, 'limit'> & { limit?: number };

const badCursor = () =>
  new ApiError('validation_failed', 'The cursor does not belong to this search order', { field: 'cursor' });

export function normalizeSearch(q: SearchInput): NormalizedSearch {
  const words = queryWords(q.q);
  let sort: CourseSort = q.sort ?? (words.length ? 'relevance' : 'newest');
  if (sort === 'relevance' && !words.length) sort = 'newest';
  let after: NormalizedSearch['after'] = null;
  if (q.cursor) {
    const [s, key, id] = decodeCursor(q.cursor, 3);
    const keyOk =
      sort === 'newest'
        ? typeof key === 'string' && !Number.isNaN(Date.parse(key))
        : typeof key === 'number' && Number.isFinite(key);
    if (s !== sort || !keyOk || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw badCursor();
    after = { key: key as number | string, id };
  }
  const facets: FacetFilters = {};
  if (q.type) facets.type = q.type;
  if (q.level) facets.level = q.level;
  if (q.subject) facets.subject = q.subject.trim();
  if (q.language) facets.language = q.language.trim();
  if (q.price) facets.price = q.price;
  return {
    words,
    facets,
    minDuration: q.minDuration,
    maxDuration: q.maxDuration,
    instructor: q.instructor,
    tag: q.tag?.trim().toLowerCase(),
    sort,
    after,
    limit: q.limit ?? 20,
  };
}

/** Collects positional parameters for node-postgres. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Per word: the English stem or the plain word, as a prefix; all words must match. */
function tsqueryExpr(p: Params, words: string[]): string {
  return words
    .map((w) => {
      const op = p.add(wordOperand(w));
      return `(to_tsquery('english', ${op}) || to_tsquery('simple', ${op}))`;
    })
    .join(' && ');
}

/** Title hits weigh most, then subject/tags/instructors, then the description; longer documents are damped a little. */
const rankExpr = (tsq: string) => `ts_rank_cd('{0.05, 0.2, 0.5, 1.0}', c.search, ${tsq}, 1)`;

/** Conditions shared by the items and the facet counts (everything except the facet filters). */
function baseWhere(p: Params, n: NormalizedSearch, tsq: string | null): string[] {
  const where = [`c.status = 'published'`];
  if (tsq) where.push(`c.search @@ (${tsq})`);
  if (n.minDuration !== undefined) where.push(`c.duration_minutes >= ${p.add(n.minDuration)}`);
  if (n.maxDuration !== undefined) where.push(`c.duration_minutes <= ${p.add(n.maxDuration)}`);
  if (n.tag) where.push(`c.tags @> ARRAY[${p.add(n.tag)}]::text[]`);
  if (n.instructor)
    where.push(
      `c.id IN (SELECT ci.course_id FROM course_instructors ci WHERE ci.user_id = ${p.add(n.instructor)}::uuid)`,
    );
  return where;
}

function facetWhere(p: Params, f: FacetFilters): string[] {
  const where: string[] = [];
  if (f.type) where.push(`c.type = ${p.add(f.type)}`);
  if (f.level) where.push(`c.level = ${p.add(f.level)}`);
  if (f.subject) where.push(`c.subject = ${p.add(f.subject)}`);
  if (f.language) where.push(`c.language = ${p.add(f.language)}`);
  if (f.price === 'free') where.push('c.price_cents = 0');
  if (f.price === 'paid') where.push('c.price_cents > 0');
  return where;
}

const sortKeys: Record<CourseSort, { expr: (tsq: string | null) => string; cast: string }> = {
  relevance: { expr: (tsq) => rankExpr(tsq!), cast: 'real' },
  newest: { expr: () => 'c.published_at', cast: 'timestamptz' },
  rating: { expr: () => 'c.rating_avg', cast: 'double precision' },
  popularity: { expr: () => 'c.enrollment_count', cast: 'integer' },
};

export interface BuiltQuery {
  text: string;
  values: unknown[];
}

/** The page query: keyset pagination on (sort key, id), both descending, matching the (status, key DESC, id DESC) indexes. */
export function buildItemsQuery(n: NormalizedSearch): BuiltQuery {
  const p = new Params();
  const tsq = n.words.length ? tsqueryExpr(p, n.words) : null;
  const where = [...baseWhere(p, n, tsq), ...facetWhere(p, n.facets)];
  const { expr, cast } = sortKeys[n.sort];
  const key = expr(tsq);
  if (n.after) where.push(`(${key}, c.id) < (${p.add(n.after.key)}::${cast}, ${p.add(n.after.id)}::uuid)`);
  const text = `SELECT ${summaryColumns}, ${key} AS "sortKey" FROM courses c
    WHERE ${where.join(' AND ')}
    ORDER BY ${key} DESC, c.id DESC LIMIT ${p.add(n.limit + 1)}`;
  return { text, values: p.values };
}

/** Counts by every facet combination under the query and the non-facet filters; facets.ts folds them per facet. */
export function buildFacetQuery(n: NormalizedSearch): BuiltQuery {
  const p = new Params();
  const tsq = n.words.length ? tsqueryExpr(p, n.words) : null;
  const text = `SELECT c.type, c.level, c.subject, c.language, c.price_cents > 0 AS paid, count(*)::int AS n
    FROM courses c WHERE ${baseWhere(p, n, tsq).join(' AND ')}
    GROUP BY 1, 2, 3, 4, 5`;
  return { text, values: p.values };
}

/** A sort key as a plain number for in-process paging (published_at in epoch milliseconds). */
const headKeys: Record<CourseSort, (tsq: string | null) => string> = {
  relevance: (tsq) => rankExpr(tsq!),
  newest: () => '(extract(epoch FROM c.published_at) * 1000)::float8',
  rating: () => 'c.rating_avg',
  popularity: () => 'c.enrollment_count',
};

/**
 * The first `k` (+ 1) matches of a search in its sort order, before the facet and duration filters, with what those
 * filters need. Loaded once per query words, tag, instructor and sort; every filter combination and page is then cut
 * from it in process. For relevance this ranks the matches once instead of once per filter combination.
 */
export function buildHeadQuery(n: NormalizedSearch, k: number): BuiltQuery {
  const p = new Params();
  const tsq = n.words.length ? tsqueryExpr(p, n.words) : null;
  const where = baseWhere(p, { ...n, minDuration: undefined, maxDuration: undefined }, tsq);
  const order = sortKeys[n.sort].expr(tsq);
  const text = `SELECT c.id, ${headKeys[n.sort](tsq)} AS "sortKey", c.type, c.level, c.subject, c.language,
      c.price_cents > 0 AS paid, c.duration_minutes AS "durationMinutes"
    FROM courses c WHERE ${where.join(' AND ')}
    ORDER BY ${order} DESC, c.id DESC LIMIT ${p.add(k + 1)}`;
  return { text, values: p.values };
}

/** Summaries of the given (published) courses, in any order. */
export const summariesByIdsSql = `SELECT ${summaryColumns} FROM courses c WHERE c.id = ANY($1::uuid[]) AND c.status = 'published'`;
