import type {
  CourseFunnel,
  DailyPoint,
  LessonInsight,
  QuestionInsight,
  RatingStats,
} from '@lyceum/contracts';
import type { Datum } from '../charts/Frame.tsx';
import type { SeriesPoint } from '../charts/TimeSeries.tsx';
import { englishIntl, uiText, type UiText } from '../i18n/use-ui-intl.ts';

const english: UiText = (id, values) => uiText(englishIntl())(id, values);

/** Chart data from insight figures, shared by the admin console and the desktop Insights screen. */

/** Events per UTC day, as time-series points. */
export const dailyEvents = (daily: readonly DailyPoint[]): SeriesPoint[] =>
  daily.map((d) => ({ t: `${d.day}T00:00:00Z`, value: d.events }));

type FunnelCounts = Pick<CourseFunnel, 'enrolled' | 'started' | 'completedLesson' | 'completedCourse'>;

/** The funnel's steps (summed over the given courses); none when nobody was enrolled. `t`: the app's language. */
export function funnelSteps(funnels: readonly FunnelCounts[], t: UiText = english): Datum[] {
  const sum = funnels.reduce(
    (s, f) => ({
      enrolled: s.enrolled + f.enrolled,
      started: s.started + f.started,
      completedLesson: s.completedLesson + f.completedLesson,
      completedCourse: s.completedCourse + f.completedCourse,
    }),
    { enrolled: 0, started: 0, completedLesson: 0, completedCourse: 0 },
  );
  if (!sum.enrolled) return [];
  return [
    { label: t('ui.funnel.enrolled'), value: sum.enrolled },
    { label: t('ui.funnel.started'), value: sum.started },
    { label: t('ui.funnel.lessonDone'), value: sum.completedLesson },
    { label: t('ui.funnel.courseDone'), value: sum.completedCourse },
  ];
}

/** Questions with a difficulty, as bars of the share right on the first answer (in the given order). */
export function questionBars(
  questions: readonly QuestionInsight[],
  name: (id: string) => string,
  t: UiText = english,
  locale = 'en',
): Datum[] {
  return questions
    .filter((q) => q.difficulty !== null)
    .map((q) => ({
      label: name(q.questionId),
      value: q.difficulty ?? 0,
      detail:
        q.discrimination === null
          ? t('ui.question.right', { right: q.correctFirst, of: q.respondents })
          : t('ui.question.rightDiscrimination', {
              right: q.correctFirst,
              of: q.respondents,
              discrimination: new Intl.NumberFormat(locale, {
                minimumFractionDigits: 2,
                maximumFractionDigits: 2,
              }).format(q.discrimination),
            }),
    }));
}

/** Share of viewing sessions stopping in each 5% of a video → the worst stopping points (the end is not one). */
export function worstDropOffs(
  lessons: readonly Pick<LessonInsight, 'lessonId' | 'dropOff' | 'viewingSessions'>[],
  lessonName: (id: string) => string,
  limit = 8,
  t: UiText = english,
): Datum[] {
  const points: Datum[] = [];
  for (const l of lessons) {
    if (!l.viewingSessions) continue;
    l.dropOff.slice(0, -1).forEach((n, i) => {
      if (n > 0)
        points.push({
          label: t('ui.dropOff.label', { lesson: lessonName(l.lessonId), from: i * 5, to: i * 5 + 5 }),
          value: n / l.viewingSessions,
          detail: t('ui.dropOff.detail', { stopped: n, of: l.viewingSessions }),
        });
    });
  }
  return points.sort((a, b) => b.value - a.value).slice(0, limit);
}

/** Ratings as one column per star ("1 ★" … "5 ★"); none when nobody rated. */
export const ratingColumns = (r: Pick<RatingStats, 'count' | 'histogram'>): Datum[] =>
  r.count ? r.histogram.map((n, i) => ({ label: `${i + 1} ★`, value: n })) : [];

/** A mean rating with two decimals in the given language ("4.25", "4,25"). */
export const ratingMean = (mean: number, locale: string): string =>
  new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(mean);
