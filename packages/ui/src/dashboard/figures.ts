import type { CourseFunnel, DailyPoint, LessonInsight, QuestionInsight } from '@lyceum/contracts';
import type { Datum } from '../charts/Frame.tsx';
import type { SeriesPoint } from '../charts/TimeSeries.tsx';

/** Chart data from insight figures, shared by the admin console and the desktop Insights screen. */

/** Events per UTC day, as time-series points. */
export const dailyEvents = (daily: readonly DailyPoint[]): SeriesPoint[] =>
  daily.map((d) => ({ t: `${d.day}T00:00:00Z`, value: d.events }));

type FunnelCounts = Pick<CourseFunnel, 'enrolled' | 'started' | 'completedLesson' | 'completedCourse'>;

/** The funnel's steps (summed over the given courses); none when nobody was enrolled. */
export function funnelSteps(funnels: readonly FunnelCounts[]): Datum[] {
  const t = funnels.reduce(
    (s, f) => ({
      enrolled: s.enrolled + f.enrolled,
      started: s.started + f.started,
      completedLesson: s.completedLesson + f.completedLesson,
      completedCourse: s.completedCourse + f.completedCourse,
    }),
    { enrolled: 0, started: 0, completedLesson: 0, completedCourse: 0 },
  );
  if (!t.enrolled) return [];
  return [
    { label: 'Enrolled', value: t.enrolled },
    { label: 'Started', value: t.started },
    { label: 'Lesson done', value: t.completedLesson },
    { label: 'Course done', value: t.completedCourse },
  ];
}

/** Questions with a difficulty, as bars of the share right on the first answer (in the given order). */
export function questionBars(questions: readonly QuestionInsight[], name: (id: string) => string): Datum[] {
  return questions
    .filter((q) => q.difficulty !== null)
    .map((q) => ({
      label: name(q.questionId),
      value: q.difficulty ?? 0,
      detail: `${q.correctFirst} of ${q.respondents} right${
        q.discrimination === null ? '' : `, discrimination ${q.discrimination.toFixed(2)}`
      }`,
    }));
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
