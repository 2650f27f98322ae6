import type pg from 'pg';
import {
  withSpellingSuggestion,
  type CountedSearch,
  type CourseSearchResult,
  type CourseSummary,
} from '@lyceum/contracts';
import { encodeCursor } from '../../lib/cursor.ts';
import { TtlCache } from './cache.ts';
import { toSummary, type SummaryRow } from './dto.ts';
import { facetsFrom, matchingCount, type FacetGroup } from './facets.ts';
import { catalogCorrections } from './spelling.ts';
import type { CatalogVersion } from './version.ts';
import { cursorValue, pageFromHead, type Head, type HeadRow } from './heads.ts';
import {
  buildFacetQuery,
  buildHeadQuery,
  buildItemsQuery,
  normalizeSearch,
  summariesByIdsSql,
  type NormalizedSearch,
  type SearchInput,
} from './search-sql.ts';

export { buildFacetQuery, buildHeadQuery, buildItemsQuery, normalizeSearch } from './search-sql.ts';
export type { BuiltQuery, FacetFilters, NormalizedSearch } from './search-sql.ts';

export interface SearchOptions {
  /**
   * How long results and course summaries stay fresh in process (ms); 0 turns caching off. Heads and facet counts,
   * costlier to build, stay six times longer. Every cache is also dropped when the catalog version moves.
   */
  ttlMs?: number;
  /** How many first matches of a search (per words, tag, instructor, sort) are kept for in-process filtering and paging. */
  headSize?: number;
}

type Page = Pick<CourseSearchResult, 'items' | 'nextCursor'>;

/**
 * Course search with facets, built to answer most requests without touching PostgreSQL:
 * - whole results are cached for a few seconds, keyed by the normalized search;
 * - facet counts come from per-combination counts cached per text query (and non-facet filters), so every
 *   facet filter combination of one query shares a single GROUP BY;
 * - the first few hundred matches of each text query and sort order (the "head") are loaded once, before the facet
 *   and duration filters, so relevance ranking (the costly part) runs once per query rather than once per filter
 *   combination; each filter combination and page is cut from the head in process (summaries come from a per-course
 *   cache), and only pages reaching past the head go back to the database;
 * - caches serve a stale entry while one background load refreshes it, and are all dropped when the catalog version
 *   moves: at once for this node's course changes, within a second for other nodes' (see version.ts). Counters that
 *   change without a new version (ratings, enrollments) show up within the TTLs;
 * - typo tolerance: only when the words as typed find fewer than FEW_RESULTS courses, misspelled words are corrected
 *   from the catalog's words (pg_trgm, spelling.ts) and the corrected query is searched like any other: suggested
 *   ("Did you mean …?") when it finds more, and answered instead when the words as typed found nothing.
 */
export function courseSearch(
  pool: pg.Pool,
  version: Pick<CatalogVersion, 'current' | 'poll' | 'onChange'>,
  opts: SearchOptions = {},
) {
  const ttl = opts.ttlMs ?? 5000;
  const headSize = opts.headSize ?? 500;
  const results = new TtlCache<CountedSearch<CourseSearchResult>>(ttl, { maxEntries: 10_000 });
  const corrections = new TtlCache<Map<string, string>>(ttl * 6, { maxEntries: 10_000 });
  const groups = new TtlCache<FacetGroup[]>(ttl * 6, {
    maxEntries: 10_000,
    weigh: (g) => g.length + 1,
    maxWeight: 500_000,
  });
  // Heads hold up to headSize + 1 rows each: bound the rows held in all (about 250 bytes each).
  const heads = new TtlCache<Head>(ttl * 6, {
    maxEntries: 10_000,
    weigh: (h) => h.rows.length + 1,
    maxWeight: 400_000,
  });
  const summaries = new Map<string, { at: number; summary: CourseSummary }>();
  version.onChange(() => {
    results.clear();
    corrections.clear();
    groups.clear();
    heads.clear();
    summaries.clear();
  });

  /** Summaries of published courses by id, from the cache where fresh, else in one query. */
  async function summariesOf(ids: string[]): Promise<Map<string, CourseSummary>> {
    const now = Date.now();
    const out = new Map<string, CourseSummary>();
    const missing: string[] = [];
    for (const id of ids) {
      const hit = summaries.get(id);
      if (hit && now - hit.at < ttl) out.set(id, hit.summary);
      else missing.push(id);
    }
    if (missing.length) {
      if (summaries.size > 20_000) summaries.clear();
      for (const r of (await pool.query<SummaryRow>(summariesByIdsSql, [missing])).rows) {
        const summary = toSummary(r);
        out.set(r.id, summary);
        summaries.set(r.id, { at: now, summary });
      }
    }
    return out;
  }

  async function loadGroups(n: NormalizedSearch): Promise<FacetGroup[]> {
    const q = buildFacetQuery(n);
    return (await pool.query<FacetGroup>(q.text, q.values)).rows;
  }

  async function loadHead(n: NormalizedSearch): Promise<Head> {
    const q = buildHeadQuery(n, headSize);
    const rows = (await pool.query<HeadRow>(q.text, q.values)).rows;
    return { rows: rows.slice(0, headSize), complete: rows.length <= headSize };
  }

  async function pageFromDatabase(n: NormalizedSearch): Promise<Page> {
    const q = buildItemsQuery(n);
    const rows = (await pool.query<SummaryRow & { sortKey: number | Date }>(q.text, q.values)).rows;
    const page = rows.slice(0, n.limit);
    const last = page[page.length - 1];
    const key = (r: SummaryRow & { sortKey: number | Date }) =>
      r.sortKey instanceof Date ? r.sortKey.toISOString() : r.sortKey;
    return {
      items: page.map(toSummary),
      nextCursor: rows.length > n.limit && last ? encodeCursor([n.sort, key(last), last.id]) : null,
    };
  }

  async function loadPage(n: NormalizedSearch, v: number, facetGroups: Promise<FacetGroup[]>): Promise<Page> {
    if (ttl <= 0) return pageFromDatabase(n);
    const headKey = JSON.stringify([v, n.words, n.tag, n.instructor, n.sort]);
    const [head, g] = await Promise.all([heads.get(headKey, () => loadHead(n)), facetGroups]);
    const cut = pageFromHead(head, n, matchingCount(g, n.facets));
    if (!cut) return pageFromDatabase(n);
    const ids = cut.rows.map((r) => r.id);
    const byId = await summariesOf(ids);
    const last = cut.rows[cut.rows.length - 1];
    return {
      items: ids.flatMap((id) => {
        const s = byId.get(id);
        return s ? [s] : [];
      }),
      nextCursor: cut.more && last ? encodeCursor([n.sort, cursorValue(n, last), last.id]) : null,
    };
  }

  /** One search as typed, with how many courses its words found before the facet filters. */
  function run(n: NormalizedSearch, v: number): Promise<CountedSearch<CourseSearchResult>> {
    const groupsKey = JSON.stringify([v, n.words, n.minDuration, n.maxDuration, n.tag, n.instructor]);
    return results.get(JSON.stringify([v, n]), async () => {
      const g = groups.get(groupsKey, () => loadGroups(n));
      const [page, counts] = await Promise.all([loadPage(n, v, g), g]);
      return { result: { ...page, facets: facetsFrom(counts, n.facets) }, total: matchingCount(counts, {}) };
    });
  }

  return {
    async search(input: SearchInput): Promise<CourseSearchResult> {
      const n = normalizeSearch(input);
      version.poll();
      const v = version.current();
      const out = await withSpellingSuggestion(
        input.q,
        await run(n, v),
        (words) => corrections.get(JSON.stringify([v, words]), () => catalogCorrections(pool, words)),
        (q) => run(normalizeSearch({ ...input, q }), v),
      );
      return out.suggestion === undefined
        ? out.result
        : { ...out.result, suggestion: out.suggestion, suggestionApplied: out.suggestionApplied ?? false };
    },
  };
}
export type CourseSearch = ReturnType<typeof courseSearch>;
