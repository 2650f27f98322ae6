import type { InsightQuery } from '@lyceum/contracts';

/** Time ranges of the insight screens (admin console and desktop Insights). */
export type Preset = NonNullable<InsightQuery['last']>;
export const PRESETS: { value: Preset; label: string }[] = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '365d', label: 'Last year' },
];

export type RangeChoice = { kind: 'preset'; last: Preset } | { kind: 'custom'; from: string; to: string };

/** A range choice as insight query fields (custom dates are whole local days, `to` included). */
export function rangeQuery(r: RangeChoice): Pick<InsightQuery, 'last' | 'from' | 'to'> {
  if (r.kind === 'preset') return { last: r.last };
  const from = new Date(`${r.from}T00:00:00`);
  const to = new Date(`${r.to}T00:00:00`);
  to.setDate(to.getDate() + 1);
  return { from: from.toISOString(), to: to.toISOString() };
}

/** The words for a range ("last 7 days", "2026-03-02 to 2026-03-09"). */
export function describeRange(r: RangeChoice): string {
  if (r.kind === 'preset') return (PRESETS.find((p) => p.value === r.last)?.label ?? r.last).toLowerCase();
  return `${r.from} to ${r.to}`;
}
