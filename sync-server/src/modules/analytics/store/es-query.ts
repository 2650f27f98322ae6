import type { Client, estypes } from '@elastic/elasticsearch';
import type { InsightRange } from '@lyceum/contracts';
import { dayBounds } from '../insights/range.ts';
import type { IndexNames } from './es-schema.ts';

/** What the Elasticsearch adapter's query and write functions work with. */
export interface EsContext {
  client: Client;
  names: IndexNames;
  /** Resolves once the templates, policy, data stream and sessions index are in place. */
  ready(): Promise<void>;
}

export type Query = estypes.QueryDslQueryContainer;
export type Aggs = Record<string, estypes.AggregationsAggregationContainer>;
/** An aggregation result as read back: buckets and values are looked up by name. */
export type AggResult = Record<string, unknown>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const statusOf = (err: unknown): number | undefined =>
  (err as { meta?: { statusCode?: number } }).meta?.statusCode;

/**
 * Run a request, again after a pause while Elasticsearch answers 429 (too many requests: its queues are full). The
 * client's transport retries only on 502/503/504 and the bulk helper only per document, so whole-request 429s are
 * retried here.
 */
export async function retry429<T>(
  fn: () => Promise<T>,
  opts: { retries?: number; waitMs?: number } = {},
): Promise<T> {
  const retries = opts.retries ?? 5;
  const waitMs = opts.waitMs ?? 500;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fn();
    } catch (err) {
      if (statusOf(err) !== 429 || attempt >= retries) throw err;
      await sleep(waitMs * 2 ** attempt);
    }
  }
}

// --- query building ---

export interface Bounds {
  gte?: number;
  gt?: number;
  lt?: number;
  lte?: number;
}
/** A range on a date field, in epoch milliseconds. */
export const dateRange = (field: string, b: Bounds): Query => ({
  range: { [field]: { ...b, format: 'epoch_millis' } },
});
export const term = (field: string, value: string | number | boolean): Query => ({
  term: { [field]: value },
});
export const terms = (field: string, values: readonly string[]): Query => ({
  terms: { [field]: [...values] },
});
export const exists = (field: string): Query => ({ exists: { field } });
export const and = (...filter: (Query | null | undefined | false)[]): Query => ({
  bool: { filter: filter.filter((q): q is Query => Boolean(q)) },
});
export const or = (...should: Query[]): Query => ({ bool: { should, minimum_should_match: 1 } });
export const not = (q: Query): Query => ({ bool: { must_not: [q] } });
export const LEARNING: Query = term('learning', true);

/** The range's course, if it names one. */
export const courseOf = (range: InsightRange, field = 'course_id'): Query | null =>
  range.courseId === undefined ? null : term(field, range.courseId);

/** The UTC days the range overlaps, as epoch-ms bounds [from, to) (the per-day figures' span). */
export function dayWindow(range: InsightRange): { from: number; to: number } {
  const { fromDay, toDay } = dayBounds(range);
  return { from: Date.parse(`${fromDay}T00:00:00Z`), to: Date.parse(`${toDay}T00:00:00Z`) };
}
/** The exact range [from, to) in epoch ms (figures kept per event: first answers, ratings, sessions). */
export const exactWindow = (range: InsightRange) => ({
  from: Date.parse(range.from),
  to: Date.parse(range.to),
});

// --- reading results ---

/** A metric sub-aggregation's value (sum, max, min, avg, cardinality); null when it has none. */
export function valueOf(b: AggResult, name: string): number | null {
  const v = (b[name] as { value?: number | null } | undefined)?.value;
  return v === undefined || v === null ? null : Number(v);
}
export const sumOf = (b: AggResult, name: string): number => valueOf(b, name) ?? 0;
/** A single-bucket sub-aggregation's (filter) document count. */
export const countOf = (b: AggResult, name: string): number =>
  (b[name] as { doc_count?: number } | undefined)?.doc_count ?? 0;
/** The first hit's _source of a top_hits sub-aggregation. */
export function topHit<T>(b: AggResult, name: string): T | null {
  const hits = (b[name] as { hits?: { hits?: { _source?: T }[] } } | undefined)?.hits?.hits;
  return hits?.[0]?._source ?? null;
}
export function bucketsOf<B = AggResult>(aggs: AggResult | undefined, name: string): B[] {
  return ((aggs?.[name] as { buckets?: B[] } | undefined)?.buckets ?? []) as B[];
}

export interface CompositeBucket extends AggResult {
  key: Record<string, string | number | null>;
  doc_count: number;
}

/**
 * Every bucket of a composite aggregation over `sources` (paged with after_key), with `aggs` under each.
 * Composite buckets come in key order; a missing key (missing_bucket) reads as null.
 */
export async function compositeAll(
  ctx: EsContext,
  req: {
    index: string;
    query: Query;
    sources: Record<string, estypes.AggregationsCompositeAggregationSource>[];
    aggs?: Aggs;
    pageSize?: number;
  },
): Promise<CompositeBucket[]> {
  const out: CompositeBucket[] = [];
  let after: Record<string, string | number | null> | undefined;
  for (;;) {
    const composite: estypes.AggregationsCompositeAggregation = {
      size: req.pageSize ?? 1000,
      sources: req.sources,
      ...(after ? { after: after as Record<string, string | number> } : {}),
    };
    const res = await retry429(() =>
      ctx.client.search({
        index: req.index,
        size: 0,
        track_total_hits: false,
        query: req.query,
        aggs: { groups: { composite, ...(req.aggs ? { aggs: req.aggs } : {}) } },
      }),
    );
    const agg = res.aggregations?.groups as
      { buckets: CompositeBucket[]; after_key?: Record<string, string | number | null> } | undefined;
    const buckets = agg?.buckets ?? [];
    out.push(...buckets);
    if (!buckets.length || !agg?.after_key) return out;
    after = agg.after_key;
  }
}

/** `terms` composite source on a keyword field; missing values form their own bucket when `missing` is set. */
export const source = (name: string, field: string, missing = false) => ({
  [name]: { terms: { field, ...(missing ? { missing_bucket: true } : {}) } },
});

export interface Hit<T> {
  _id: string;
  _index: string;
  _source: T;
  _seq_no?: number;
  _primary_term?: number;
  sort?: estypes.SortResults;
}

/** Every hit of a query (paged with search_after on `sort`, which must end in a unique field). */
export async function searchAll<T>(
  ctx: EsContext,
  req: {
    index: string;
    query: Query;
    sort: estypes.SortCombinations[];
    source?: string[];
    pageSize?: number;
  },
): Promise<Hit<T>[]> {
  const out: Hit<T>[] = [];
  let after: estypes.SortResults | undefined;
  const size = req.pageSize ?? 5000;
  for (;;) {
    const res = await retry429(() =>
      ctx.client.search<T>({
        index: req.index,
        size,
        track_total_hits: false,
        query: req.query,
        sort: req.sort,
        seq_no_primary_term: true,
        ...(req.source ? { _source: req.source } : {}),
        ...(after ? { search_after: after } : {}),
      }),
    );
    const hits = res.hits.hits as Hit<T>[];
    out.push(...hits);
    if (hits.length < size) return out;
    after = hits[hits.length - 1]!.sort;
  }
}

/** Chunks of at most `n`. */
export const chunks = <T>(xs: readonly T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Byte-order comparison (the order PostgreSQL's text ORDER BY gives for the ids in use). */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
