import { CourseLevel, CourseSort, CourseType } from '@lyceum/contracts';
import type { CatalogQuery } from '../../../contracts/app.ts';

/** What the catalog screen keeps in its URL (so Back, reload and deep links restore a search). */
export type CatalogFilters = Pick<
  CatalogQuery,
  'q' | 'type' | 'level' | 'subject' | 'language' | 'price' | 'sort'
>;

const pick = <T extends string>(values: readonly T[], v: string | null): T | undefined =>
  v !== null && (values as readonly string[]).includes(v) ? (v as T) : undefined;

export function filtersFromSearch(search: string): CatalogFilters {
  const p = new URLSearchParams(search);
  const text = (k: string) => p.get(k)?.trim().slice(0, 100) || undefined;
  return {
    q: p.get('q')?.slice(0, 200) || undefined,
    type: pick(CourseType.options, p.get('type')),
    level: pick(CourseLevel.options, p.get('level')),
    subject: text('subject'),
    language: text('language'),
    price: pick(['free', 'paid'] as const, p.get('price')),
    sort: pick(CourseSort.options, p.get('sort')),
  };
}

export function searchFromFilters(f: CatalogFilters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** How many of the filters (not the search or the sort) are set. */
export const activeFilterCount = (f: CatalogFilters) =>
  [f.type, f.level, f.subject, f.language, f.price].filter(Boolean).length;

export const hasFilters = (f: CatalogFilters) => activeFilterCount(f) > 0;
