import type { NormalizedSearch } from './search-sql.ts';

/** One match, in the search's order, with its sort key as a number and the values the in-process filters look at. */
export interface HeadRow {
  id: string;
  /** Relevance rank, published_at in epoch ms, rating average or enrollment count. */
  sortKey: number;
  type: string;
  level: string;
  subject: string;
  language: string;
  paid: boolean;
  durationMinutes: number;
}

/** The first matches of a search in its sort order, before facet and duration filters; `complete` when that is all of them. */
export interface Head {
  rows: HeadRow[];
  complete: boolean;
}

function passes(r: HeadRow, n: NormalizedSearch): boolean {
  const f = n.facets;
  if (f.type !== undefined && r.type !== f.type) return false;
  if (f.level !== undefined && r.level !== f.level) return false;
  if (f.subject !== undefined && r.subject !== f.subject) return false;
  if (f.language !== undefined && r.language !== f.language) return false;
  if (f.price !== undefined && r.paid !== (f.price === 'paid')) return false;
  if (n.minDuration !== undefined && r.durationMinutes < n.minDuration) return false;
  if (n.maxDuration !== undefined && r.durationMinutes > n.maxDuration) return false;
  return true;
}

/** Rows come sorted by (sort key, id) descending, as PostgreSQL orders them (lower-case uuid text sorts like the uuid). */
const isAfter = (r: HeadRow, key: number, id: string) => r.sortKey < key || (r.sortKey === key && r.id < id);

/** The numeric form of a cursor's sort key (cursors of the newest order carry an ISO timestamp). */
export const cursorKey = (n: NormalizedSearch): number =>
  n.sort === 'newest' ? Date.parse(String(n.after!.key)) : Number(n.after!.key);

/** The cursor value of a row's sort key. */
export const cursorValue = (n: NormalizedSearch, r: HeadRow): number | string =>
  n.sort === 'newest' ? new Date(r.sortKey).toISOString() : r.sortKey;

/**
 * A page cut from the head: the rows after the cursor that pass the filters, plus whether more follow.
 * `total` is how many matches pass the filters in all (from the facet counts): when the head holds that many, it holds
 * them all even if it is cut short. Null when the head cannot tell (the page reaches past what the head holds of the
 * filtered matches): the caller then asks the database.
 */
export function pageFromHead(
  head: Head,
  n: NormalizedSearch,
  total: number,
): { rows: HeadRow[]; more: boolean } | null {
  const rows = head.rows;
  let i = 0;
  if (n.after) {
    const key = cursorKey(n);
    const id = n.after.id;
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (isAfter(rows[mid]!, key, id)) hi = mid;
      else lo = mid + 1;
    }
    i = lo;
  }
  const out: HeadRow[] = [];
  for (; i < rows.length && out.length <= n.limit; i++) if (passes(rows[i]!, n)) out.push(rows[i]!);
  if (out.length > n.limit) return { rows: out.slice(0, n.limit), more: true };
  if (head.complete) return { rows: out, more: false };
  let inHead = 0;
  for (const r of rows) if (passes(r, n)) inHead += 1;
  return inHead >= total ? { rows: out, more: false } : null;
}
