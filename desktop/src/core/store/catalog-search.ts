import { sql, type SQL } from 'drizzle-orm';
import {
  CourseLevel,
  CourseSummary,
  CourseType,
  queryWords,
  withSpellingSuggestion,
  type CourseFacets,
  type CourseSort,
} from '@lyceum/contracts';
import type { CatalogQuery } from '../../contracts/app.ts';
import { cachedCorrections } from './catalog-words.ts';
import type { LocalDb } from './open.ts';
import { ftsMatch } from './words.ts';

type Facet = 'type' | 'level' | 'subject' | 'language' | 'price';
type FacetFilters = Partial<Record<Facet, string>>;

interface Group {
  type: string;
  level: string;
  subject: string;
  language: string;
  paid: number;
  n: number;
}

export interface LocalSearchInput extends Omit<CatalogQuery, 'cursor' | 'limit'> {
  offset: number;
  limit: number;
}

export interface LocalSearchResult {
  items: CourseSummary[];
  hasMore: boolean;
  facets: CourseFacets;
  /** Courses the words found before the facet filters. */
  total: number;
  /** "Did you mean …?", as the server's (see searchCachedCatalogTolerant). */
  suggestion?: string;
  suggestionApplied?: boolean;
}

const FACETS: Facet[] = ['type', 'level', 'subject', 'language', 'price'];
const MAX_BUCKETS = 50;

const valueOf = (g: Group, f: Facet): string => (f === 'price' ? (g.paid ? 'paid' : 'free') : g[f]);

/** Same folding as the server: a facet is counted under every filter except its own. */
export function foldFacets(groups: Group[], filters: FacetFilters): CourseFacets {
  const count = (facet: Facet) => {
    const counts = new Map<string, number>();
    for (const g of groups) {
      if (FACETS.some((f) => f !== facet && filters[f] !== undefined && valueOf(g, f) !== filters[f]))
        continue;
      counts.set(valueOf(g, facet), (counts.get(valueOf(g, facet)) ?? 0) + g.n);
    }
    return counts;
  };
  const fixed = (facet: Facet, values: readonly string[]) => {
    const c = count(facet);
    return values.map((value) => ({ value, count: c.get(value) ?? 0 }));
  };
  const open = (facet: Facet) => {
    const buckets = [...count(facet)].map(([value, n]) => ({ value, count: n }));
    buckets.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    const top = buckets.slice(0, MAX_BUCKETS);
    const selected = filters[facet];
    if (selected !== undefined && !top.some((b) => b.value === selected))
      top.push({ value: selected, count: 0 });
    return top;
  };
  return {
    type: fixed('type', CourseType.options),
    level: fixed('level', CourseLevel.options),
    subject: open('subject'),
    language: open('language'),
    price: fixed('price', ['free', 'paid']),
  };
}

function facetConditions(f: FacetFilters): SQL[] {
  const out: SQL[] = [];
  if (f.type) out.push(sql`s.type = ${f.type}`);
  if (f.level) out.push(sql`s.level = ${f.level}`);
  if (f.subject) out.push(sql`s.subject = ${f.subject}`);
  if (f.language) out.push(sql`s.language = ${f.language}`);
  if (f.price === 'free') out.push(sql`s.price_cents = 0`);
  if (f.price === 'paid') out.push(sql`s.price_cents > 0`);
  return out;
}

const orderBy: Record<CourseSort, SQL> = {
  relevance: sql`f.rank ASC, s.id DESC`,
  newest: sql`s.published_at DESC, s.id DESC`,
  rating: sql`s.rating_avg DESC, s.id DESC`,
  popularity: sql`s.enrollment_count DESC, s.id DESC`,
};

/**
 * Search the cached catalog with the server's filters and sorts: full-text words (FTS5, BM25 weighted like the server's
 * title > subject/tags/instructors > description ranks), facets counted the same way, offset pagination.
 */
export function searchCachedCatalog(db: LocalDb, input: LocalSearchInput): LocalSearchResult {
  const words = queryWords(input.q);
  let sort: CourseSort = input.sort ?? (words.length ? 'relevance' : 'newest');
  if (sort === 'relevance' && !words.length) sort = 'newest';

  const from = words.length
    ? sql`course_summaries s JOIN (SELECT rowid AS rid, bm25(course_search, 1.0, 0.5, 0.5, 0.2) AS rank
        FROM course_search WHERE course_search MATCH ${ftsMatch(words)}) f ON f.rid = s.rowid`
    : sql`course_summaries s`;
  const base: SQL[] = [sql`s.status = 'published'`];
  if (input.minDuration !== undefined) base.push(sql`s.duration_minutes >= ${input.minDuration}`);
  if (input.maxDuration !== undefined) base.push(sql`s.duration_minutes <= ${input.maxDuration}`);
  if (input.tag)
    base.push(sql`EXISTS (SELECT 1 FROM json_each(s.tags) WHERE value = ${input.tag.trim().toLowerCase()})`);
  if (input.instructor)
    base.push(sql`EXISTS (SELECT 1 FROM json_each(s.instructor_ids) WHERE value = ${input.instructor})`);

  const filters: FacetFilters = {
    type: input.type,
    level: input.level,
    subject: input.subject?.trim(),
    language: input.language?.trim(),
    price: input.price,
  };
  const where = sql.join([...base, ...facetConditions(filters)], sql` AND `);
  const rows = db.all<{ summary_json: string }>(sql`SELECT s.summary_json FROM ${from} WHERE ${where}
    ORDER BY ${orderBy[sort]} LIMIT ${input.limit + 1} OFFSET ${input.offset}`);
  const groups =
    db.all<Group>(sql`SELECT s.type, s.level, s.subject, s.language, s.price_cents > 0 AS paid, count(*) AS n
    FROM ${from} WHERE ${sql.join(base, sql` AND `)} GROUP BY 1, 2, 3, 4, 5`);

  return {
    items: rows.slice(0, input.limit).map((r) => CourseSummary.parse(JSON.parse(r.summary_json))),
    hasMore: rows.length > input.limit,
    facets: foldFacets(groups, filters),
    total: groups.reduce((n, g) => n + g.n, 0),
  };
}

/**
 * searchCachedCatalog with the server's typo tolerance (@lyceum/contracts spelling.ts): when the words find fewer
 * than FEW_RESULTS cached courses, misspelled words are corrected from the cached courses' words; the correction is
 * suggested when it finds more, and searched instead when the words as typed found nothing.
 */
export async function searchCachedCatalogTolerant(
  db: LocalDb,
  input: LocalSearchInput,
): Promise<LocalSearchResult> {
  const counted = (r: LocalSearchResult) => ({ result: r, total: r.total });
  const out = await withSpellingSuggestion(
    input.q,
    counted(searchCachedCatalog(db, input)),
    (words) => cachedCorrections(db, words),
    (q) => counted(searchCachedCatalog(db, { ...input, q })),
  );
  return out.suggestion === undefined
    ? out.result
    : { ...out.result, suggestion: out.suggestion, suggestionApplied: out.suggestionApplied ?? false };
}
