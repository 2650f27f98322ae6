import type { InsightQuery, LessonInsight } from '@lyceum/contracts';
import type { Datum } from '../charts/Frame.tsx';

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

/** Share of viewing sessions stopping in each 5% of a video → the worst stopping points (the end is not one). */
export function worstDropOffs(
  lessons: readonly Pick<LessonInsight, 'lessonId' | 'dropOff' | 'viewingSessions'>[],
  lessonName: (id: string) => string,
  limit = 8,
): Datum[] {
  const points: Datum[] = [];
  for (const l of lessons) {
    if (!l.viewingSessions) continue;
    l.dropOff.slice(0, -1).forEach((n, i) => {
      if (n > 0)
        points.push({
          label: `${lessonName(l.lessonId)} · ${i * 5}–${i * 5 + 5}%`,
          value: n / l.viewingSessions,
          detail: `${n} of ${l.viewingSessions} viewing sessions stopped here`,
        });
    });
  }
  return points.sort((a, b) => b.value - a.value).slice(0, limit);
}
