import {
  DROP_OFF_BUCKETS,
  type InsightRange,
  type LessonInsight,
  type QuestionInsight,
} from '@lyceum/contracts';
import { dayBounds } from '../insights/range.ts';
import type { Queryable } from './pg-sql.ts';

/**
 * Per lesson over its cohort (learners with activity on it on a day of the range): completion as of the end of the
 * range, active time and the union of watched segments over the range's days.
 */
const LESSONS = `WITH act AS (
  SELECT course_id, lesson_id, actor, sum(active_ms) AS active_ms, range_agg(watched) AS watched,
    max(video_length) AS video_length
  FROM analytics.student_lesson_daily
  WHERE day >= $1::date AND day < $2::date AND ($3::text IS NULL OR course_id = $3)
  GROUP BY course_id, lesson_id, actor
), per AS (
  SELECT a.course_id, a.lesson_id, a.active_ms, a.video_length,
    EXISTS (SELECT 1 FROM analytics.student_lesson_daily d
      WHERE d.actor = a.actor AND d.course_id = a.course_id AND d.lesson_id = a.lesson_id
        AND d.completions > 0 AND d.day < $2::date) AS completed,
    coalesce((SELECT sum(upper(x) - lower(x)) FROM unnest(a.watched) x), 0)::float8 AS watched_s
  FROM act a
)
SELECT course_id, lesson_id, count(*) AS started, count(*) FILTER (WHERE completed) AS completed,
  sum(active_ms) AS active_ms,
  count(*) FILTER (WHERE video_length > 0 AND watched_s > 0) AS viewers,
  avg(LEAST(1, watched_s / video_length)::numeric) FILTER (WHERE video_length > 0 AND watched_s > 0) AS avg_watched
FROM per GROUP BY course_id, lesson_id`;

/** Viewing sessions started in the range, by the 5% bucket of the video where they last were (NULL: unknown). */
const DROP_OFF = `SELECT course_id, lesson_id,
  CASE WHEN position IS NOT NULL AND video_length > 0
    THEN LEAST(${DROP_OFF_BUCKETS - 1}, GREATEST(0, floor(position / video_length * ${DROP_OFF_BUCKETS})))::int END AS bucket,
  count(*) AS n
FROM analytics.learning_sessions
WHERE kind = 'video' AND started_at >= $1::timestamptz AND started_at < $2::timestamptz
  AND ($3::text IS NULL OR course_id = $3)
GROUP BY 1, 2, 3`;

export async function lessons(db: Queryable, range: InsightRange): Promise<LessonInsight[]> {
  const { fromDay, toDay } = dayBounds(range);
  const course = range.courseId ?? null;
  const [agg, drops] = await Promise.all([
    db.query<{
      course_id: string;
      lesson_id: string;
      started: number;
      completed: number;
      active_ms: number;
      viewers: number;
      avg_watched: number | null;
    }>(LESSONS, [fromDay, toDay, course]),
    db.query<{ course_id: string; lesson_id: string; bucket: number | null; n: number }>(DROP_OFF, [
      range.from,
      range.to,
      course,
    ]),
  ]);
  const out = new Map<string, LessonInsight>();
  const get = (courseId: string, lessonId: string) => {
    const k = `${courseId}\u0000${lessonId}`;
    let l = out.get(k);
    if (!l) {
      l = {
        courseId,
        lessonId,
        started: 0,
        completed: 0,
        completionRate: null,
        timeSpentSeconds: 0,
        avgTimeSeconds: null,
        viewers: 0,
        avgWatchedShare: null,
        viewingSessions: 0,
        dropOff: new Array<number>(DROP_OFF_BUCKETS).fill(0),
      };
      out.set(k, l);
    }
    return l;
  };
  for (const r of agg.rows) {
    const l = get(r.course_id, r.lesson_id);
    l.started = Number(r.started);
    l.completed = Number(r.completed);
    l.completionRate = l.started ? l.completed / l.started : null;
    l.timeSpentSeconds = Number(r.active_ms) / 1000;
    l.avgTimeSeconds = l.started ? l.timeSpentSeconds / l.started : null;
    l.viewers = Number(r.viewers);
    l.avgWatchedShare = r.avg_watched === null ? null : Math.min(1, Number(r.avg_watched));
  }
  for (const r of drops.rows) {
    const l = get(r.course_id, r.lesson_id);
    l.viewingSessions += Number(r.n);
    if (r.bucket !== null) l.dropOff[r.bucket] = Number(r.n);
  }
  return [...out.values()].sort((a, b) =>
    a.courseId === b.courseId ? (a.lessonId < b.lessonId ? -1 : 1) : a.courseId < b.courseId ? -1 : 1,
  );
}

/**
 * First answers in the range. A learner's quiz score is the number of their first answers correct on the lesson's
 * questions (in the range); discrimination is the point-biserial (Pearson) correlation of an item's 0/1 with it,
 * computed from integer sums so that it does not depend on the order rows are read in.
 */
const QUESTIONS = `WITH fa AS (
  SELECT course_id, lesson_id, question_id, actor, first_correct::int AS x, answers
  FROM analytics.question_answers
  WHERE first_at >= $1::timestamptz AND first_at < $2::timestamptz AND ($3::text IS NULL OR course_id = $3)
), total AS (
  SELECT course_id, lesson_id, actor, sum(x) AS score FROM fa GROUP BY course_id, lesson_id, actor
)
SELECT fa.course_id, fa.lesson_id, fa.question_id, count(*) AS respondents, sum(fa.x) AS correct_first,
  sum(total.score) AS sy, sum(fa.x * total.score) AS sxy, sum(total.score * total.score) AS syy,
  sum(fa.answers) AS answers
FROM fa JOIN total ON total.course_id = fa.course_id AND total.lesson_id = fa.lesson_id AND total.actor = fa.actor
GROUP BY fa.course_id, fa.lesson_id, fa.question_id
ORDER BY fa.course_id, fa.lesson_id, fa.question_id`;

/**
 * Pearson correlation of a 0/1 item x with scores y from n, Σx, Σy, Σxy, Σy² (Σx² = Σx for 0/1); null with fewer than
 * two respondents or when either has no variance.
 */
export function pointBiserial(n: number, sx: number, sy: number, sxy: number, syy: number): number | null {
  const vx = n * sx - sx * sx;
  const vy = n * syy - sy * sy;
  if (n < 2 || vx <= 0 || vy <= 0) return null;
  return Math.max(-1, Math.min(1, (n * sxy - sx * sy) / Math.sqrt(vx * vy)));
}

export async function questions(db: Queryable, range: InsightRange): Promise<QuestionInsight[]> {
  const r = await db.query<{
    course_id: string;
    lesson_id: string;
    question_id: string;
    respondents: number;
    correct_first: number;
    sy: number;
    sxy: number;
    syy: number;
    answers: number;
  }>(QUESTIONS, [range.from, range.to, range.courseId ?? null]);
  return r.rows.map((x) => {
    const respondents = Number(x.respondents);
    const correctFirst = Number(x.correct_first);
    const discrimination = pointBiserial(
      respondents,
      correctFirst,
      Number(x.sy),
      Number(x.sxy),
      Number(x.syy),
    );
    return {
      courseId: x.course_id,
      lessonId: x.lesson_id,
      questionId: x.question_id,
      respondents,
      correctFirst,
      difficulty: respondents ? correctFirst / respondents : null,
      discrimination,
      answers: Number(x.answers),
    };
  });
}
