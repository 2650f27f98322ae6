import type { CourseFunnel, InsightRange, RatingInsight, RatingStats } from '@lyceum/contracts';
import { dayBounds } from '../insights/range.ts';
import type { Queryable } from './pg-sql.ts';

/**
 * The funnel's cohort: learners active in the course on a day of the range. Stages are read from their milestones
 * as of the end of the range; each stage takes in the later ones (LEAST ignores NULLs), so the funnel never widens.
 */
const FUNNEL = `WITH cohort AS (
  SELECT DISTINCT actor, course_id FROM analytics.student_daily
  WHERE course_id <> '' AND day >= $1::date AND day < $2::date AND ($3::text IS NULL OR course_id = $3)
)
SELECT c.course_id, count(*) AS enrolled,
  count(*) FILTER (WHERE LEAST(sc.started_at, sc.lesson_completed_at, sc.completed_at) < $4::timestamptz) AS started,
  count(*) FILTER (WHERE LEAST(sc.lesson_completed_at, sc.completed_at) < $4::timestamptz) AS completed_lesson,
  count(*) FILTER (WHERE sc.completed_at < $4::timestamptz) AS completed_course
FROM cohort c JOIN analytics.student_course sc ON sc.actor = c.actor AND sc.course_id = c.course_id
GROUP BY c.course_id ORDER BY c.course_id`;

export async function funnel(db: Queryable, range: InsightRange): Promise<CourseFunnel[]> {
  const { fromDay, toDay } = dayBounds(range);
  const r = await db.query<{
    course_id: string;
    enrolled: number;
    started: number;
    completed_lesson: number;
    completed_course: number;
  }>(FUNNEL, [fromDay, toDay, range.courseId ?? null, range.to]);
  return r.rows.map((x) => {
    const enrolled = Number(x.enrolled);
    const completedCourse = Number(x.completed_course);
    return {
      courseId: x.course_id,
      enrolled,
      started: Number(x.started),
      completedLesson: Number(x.completed_lesson),
      completedCourse,
      completionRate: enrolled ? completedCourse / enrolled : null,
    };
  });
}

/** Ratings (a learner's latest per course) given in the range; the row with a NULL course is the overall one. */
const RATINGS = `SELECT course_id, count(*) AS n, avg(rating) AS mean,
  count(*) FILTER (WHERE round(rating::numeric) = 1) AS h1, count(*) FILTER (WHERE round(rating::numeric) = 2) AS h2,
  count(*) FILTER (WHERE round(rating::numeric) = 3) AS h3, count(*) FILTER (WHERE round(rating::numeric) = 4) AS h4,
  count(*) FILTER (WHERE round(rating::numeric) = 5) AS h5
FROM analytics.ratings
WHERE rated_at >= $1::timestamptz AND rated_at < $2::timestamptz AND ($3::text IS NULL OR course_id = $3)
GROUP BY GROUPING SETS ((course_id), ())
ORDER BY course_id NULLS FIRST`;

export async function ratings(db: Queryable, range: InsightRange): Promise<RatingInsight> {
  const r = await db.query<{
    course_id: string | null;
    n: number;
    mean: number | null;
    h1: number;
    h2: number;
    h3: number;
    h4: number;
    h5: number;
  }>(RATINGS, [range.from, range.to, range.courseId ?? null]);
  const stats = (x: (typeof r.rows)[number]): RatingStats => ({
    count: Number(x.n),
    mean: x.mean === null ? null : Number(x.mean),
    histogram: [x.h1, x.h2, x.h3, x.h4, x.h5].map(Number),
  });
  const overall = r.rows.find((x) => x.course_id === null);
  return {
    overall: overall ? stats(overall) : { count: 0, mean: null, histogram: [0, 0, 0, 0, 0] },
    courses: r.rows.filter((x) => x.course_id !== null).map((x) => ({ courseId: x.course_id!, ...stats(x) })),
  };
}
