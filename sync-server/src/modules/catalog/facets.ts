import { CourseLevel, CourseType, type CourseFacets } from '@lyceum/contracts';
import type { FacetFilters } from './search.ts';

/** Published courses matching the query and the non-facet filters, counted per combination of facet values. */
export interface FacetGroup {
  type: string;
  level: string;
  subject: string;
  language: string;
  paid: boolean;
  n: number;
}

type Facet = keyof FacetFilters;

/** Most subject/language buckets returned (by count). */
export const MAX_BUCKETS = 50;

const valueOf = (g: FacetGroup, facet: Facet): string =>
  facet === 'price' ? (g.paid ? 'paid' : 'free') : g[facet];

/** Does the group pass every facet filter except the one being counted? (Standard faceted search.) */
function passesOthers(g: FacetGroup, f: FacetFilters, counted: Facet | null): boolean {
  for (const facet of ['type', 'level', 'subject', 'language', 'price'] as const) {
    if (facet === counted) continue;
    const want = f[facet];
    if (want !== undefined && valueOf(g, facet) !== want) return false;
  }
  return true;
}

function count(groups: FacetGroup[], f: FacetFilters, facet: Facet): Map<string, number> {
  const counts = new Map<string, number>();
  for (const g of groups) {
    if (!passesOthers(g, f, facet)) continue;
    const v = valueOf(g, facet);
    counts.set(v, (counts.get(v) ?? 0) + g.n);
  }
  return counts;
}

/** Fixed vocabularies list every value (zeros included) in their natural order. */
function fixed(counts: Map<string, number>, values: readonly string[]) {
  return values.map((value) => ({ value, count: counts.get(value) ?? 0 }));
}

/** Open vocabularies list the values present, most frequent first; a selected value is always listed. */
function open(counts: Map<string, number>, selected: string | undefined) {
  const buckets = [...counts].map(([value, c]) => ({ value, count: c }));
  buckets.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  const top = buckets.slice(0, MAX_BUCKETS);
  if (selected !== undefined && !top.some((b) => b.value === selected))
    top.push({ value: selected, count: counts.get(selected) ?? 0 });
  return top;
}

export function facetsFrom(groups: FacetGroup[], f: FacetFilters): CourseFacets {
  return {
    type: fixed(count(groups, f, 'type'), CourseType.options),
    level: fixed(count(groups, f, 'level'), CourseLevel.options),
    subject: open(count(groups, f, 'subject'), f.subject),
    language: open(count(groups, f, 'language'), f.language),
    price: fixed(count(groups, f, 'price'), ['free', 'paid']),
  };
}

/** How many matches pass every facet filter (the size of the filtered result). */
export function matchingCount(groups: FacetGroup[], f: FacetFilters): number {
  let n = 0;
  for (const g of groups) if (passesOthers(g, f, null)) n += g.n;
  return n;
}
