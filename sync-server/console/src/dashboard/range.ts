import type { InsightQuery } from '@lyceum/contracts';

export type Preset = NonNullable<InsightQuery['last']>;
export const PRESETS: { value: Preset; label: string }[] = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '365d', label: 'Last year' },
];

export type RangeChoice = { kind: 'preset'; last: Preset } | { kind: 'custom'; from: string; to: string };

/** A range choice as the insight query (custom dates are whole local days, `to` inclusive). */
export function toQuery(r: RangeChoice, courseId: string | null): InsightQuery {
  const course = courseId ? { courseId } : {};
  if (r.kind === 'preset') return { last: r.last, ...course };
  const from = new Date(`${r.from}T00:00:00`);
  const to = new Date(`${r.to}T00:00:00`);
  to.setDate(to.getDate() + 1);
  return { from: from.toISOString(), to: to.toISOString(), ...course };
}

/** Share of viewers stopping in each 5% bucket → the worst stopping points (the last bucket is "watched to the end"). */
export function worstDropOffs(
  lessons: { lessonId: string; courseId: string; dropOff: number[]; viewingSessions: number }[],
  lessonName: (id: string) => string,
  limit = 8,
): { label: string; value: number; detail: string }[] {
  const points: { label: string; value: number; detail: string }[] = [];
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
