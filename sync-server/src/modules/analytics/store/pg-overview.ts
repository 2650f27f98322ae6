import type { DailyPoint, InsightRange, PlatformOverview } from '@lyceum/contracts';
import { dayBounds, daysBetween } from '../insights/range.ts';
import type { Queryable } from './pg-sql.ts';

/** Live figures are taken in arrival (`stored`) time: who sent something in the last 5 minutes, and how much. */
export const ACTIVE_WINDOW_MS = 5 * 60_000;
export const RATE_WINDOW_MS = 60_000;

const OVERVIEW = `SELECT
  (SELECT count(DISTINCT actor) FROM analytics.presence
    WHERE last_stored > $1::timestamptz - make_interval(secs => $2 / 1000.0) AND last_stored <= $1::timestamptz
      AND ($6::text IS NULL OR course_id = $6)) AS active_now,
  (SELECT coalesce(sum(events), 0) FROM analytics.arrivals
    WHERE second >= $1::timestamptz - make_interval(secs => $3 / 1000.0) AND second < $1::timestamptz
      AND ($6::text IS NULL OR course_id = $6)) AS last_minute,
  (SELECT count(DISTINCT actor) FROM analytics.student_daily
    WHERE day >= $4::date AND day < $5::date AND ($6::text IS NULL OR course_id = $6)) AS learners,
  (SELECT count(*) FROM analytics.learning_sessions
    WHERE kind = 'learning' AND started_at >= $7::timestamptz AND started_at < $8::timestamptz
      AND ($6::text IS NULL OR courses @> ARRAY[$6::text])) AS sessions,
  d.*
FROM (SELECT coalesce(sum(events), 0) AS events, coalesce(sum(active_ms), 0) AS active_ms,
    coalesce(sum(enrollments), 0) AS enrollments, coalesce(sum(lesson_completions), 0) AS lesson_completions,
    coalesce(sum(course_completions), 0) AS course_completions, coalesce(sum(quiz_answers), 0) AS quiz_answers,
    coalesce(sum(ratings), 0) AS ratings
  FROM analytics.course_daily WHERE day >= $4::date AND day < $5::date AND ($6::text IS NULL OR course_id = $6)) d`;

interface OverviewRow {
  active_now: number;
  last_minute: number;
  learners: number;
  sessions: number;
  events: number;
  active_ms: number;
  enrollments: number;
  lesson_completions: number;
  course_completions: number;
  quiz_answers: number;
  ratings: number;
}

export async function overview(db: Queryable, range: InsightRange, now: Date): Promise<PlatformOverview> {
  const { fromDay, toDay } = dayBounds(range);
  const r = await db.query<OverviewRow>(OVERVIEW, [
    now,
    ACTIVE_WINDOW_MS,
    RATE_WINDOW_MS,
    fromDay,
    toDay,
    range.courseId ?? null,
    range.from,
    range.to,
  ]);
  const x = r.rows[0]!;
  return {
    asOf: now.toISOString(),
    activeLearnersNow: Number(x.active_now),
    eventsPerSecond: Number(x.last_minute) / (RATE_WINDOW_MS / 1000),
    totals: {
      events: Number(x.events),
      learners: Number(x.learners),
      activeSeconds: Number(x.active_ms) / 1000,
      sessions: Number(x.sessions),
      enrollments: Number(x.enrollments),
      lessonCompletions: Number(x.lesson_completions),
      courseCompletions: Number(x.course_completions),
      quizAnswers: Number(x.quiz_answers),
      ratings: Number(x.ratings),
    },
  };
}

const DAILY = `SELECT day::text AS day, sum(events) AS events, sum(active_ms) AS active_ms,
  sum(enrollments) AS enrollments, sum(lesson_completions) AS lesson_completions,
  sum(course_completions) AS course_completions, sum(quiz_answers) AS quiz_answers, sum(ratings) AS ratings
FROM analytics.course_daily WHERE day >= $1::date AND day < $2::date AND ($3::text IS NULL OR course_id = $3)
GROUP BY day`;
const DAILY_LEARNERS = `SELECT day::text AS day, count(DISTINCT actor) AS learners FROM analytics.student_daily
WHERE day >= $1::date AND day < $2::date AND ($3::text IS NULL OR course_id = $3) GROUP BY day`;

export async function daily(db: Queryable, range: InsightRange): Promise<DailyPoint[]> {
  const { fromDay, toDay } = dayBounds(range);
  const params = [fromDay, toDay, range.courseId ?? null];
  const [sums, learners] = await Promise.all([
    db.query<{
      day: string;
      events: number;
      active_ms: number;
      enrollments: number;
      lesson_completions: number;
      course_completions: number;
      quiz_answers: number;
      ratings: number;
    }>(DAILY, params),
    db.query<{ day: string; learners: number }>(DAILY_LEARNERS, params),
  ]);
  const byDay = new Map(sums.rows.map((r) => [r.day, r]));
  const learnersByDay = new Map(learners.rows.map((r) => [r.day, Number(r.learners)]));
  return daysBetween(fromDay, toDay).map((day) => {
    const r = byDay.get(day);
    return {
      day,
      events: Number(r?.events ?? 0),
      learners: learnersByDay.get(day) ?? 0,
      activeSeconds: Number(r?.active_ms ?? 0) / 1000,
      enrollments: Number(r?.enrollments ?? 0),
      lessonCompletions: Number(r?.lesson_completions ?? 0),
      courseCompletions: Number(r?.course_completions ?? 0),
      quizAnswers: Number(r?.quiz_answers ?? 0),
      ratings: Number(r?.ratings ?? 0),
    };
  });
}
