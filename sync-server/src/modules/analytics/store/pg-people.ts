import type {
  CourseEngagement,
  EngagementInsight,
  InsightRange,
  StudentCourseSummary,
  StudentEngagement,
  StudentSummary,
} from '@lyceum/contracts';
import { engagementAsOf, engagementScore, sumInputs, type EngagementInputs } from '../insights/engagement.ts';
import { dayBounds, iso } from '../insights/range.ts';
import type { Queryable } from './pg-sql.ts';

const PER_STUDENT_COURSE = `SELECT actor, course_id, sum(events) AS events, sum(active_ms) AS active_ms,
  sum(lesson_completions) AS lessons, sum(quiz_attempts) AS attempts, sum(quiz_answers) AS answers,
  sum(quiz_correct) AS correct, max(last_at) AS last_at
FROM analytics.student_daily
WHERE day >= $1::date AND day < $2::date AND ($3::text IS NULL OR course_id = $3) AND ($4::text IS NULL OR actor = $4)
GROUP BY actor, course_id`;

interface Row {
  actor: string;
  course_id: string;
  events: number;
  active_ms: number;
  lessons: number;
  attempts: number;
  answers: number;
  correct: number;
  last_at: Date | null;
}

const inputsOf = (r: Row): EngagementInputs => ({
  activeMs: Number(r.active_ms),
  lessonsCompleted: Number(r.lessons),
  quizAttempts: Number(r.attempts),
  lastActiveAt: r.last_at ? r.last_at.getTime() : null,
});

const studentEngagement = (actor: string, x: EngagementInputs, asOf: number): StudentEngagement => ({
  actor,
  score: engagementScore(x, asOf),
  activeSeconds: x.activeMs / 1000,
  lessonsCompleted: x.lessonsCompleted,
  quizAttempts: x.quizAttempts,
  lastActiveAt: x.lastActiveAt === null ? null : new Date(x.lastActiveAt).toISOString(),
});

/** Courses' mean engagement, and the most engaged learners (their activity across the range's courses). */
export async function engagement(
  db: Queryable,
  range: InsightRange,
  opts: { limit?: number; now?: Date },
): Promise<EngagementInsight> {
  const { fromDay, toDay } = dayBounds(range);
  const asOf = engagementAsOf(range.to, opts.now ?? new Date());
  const r = await db.query<Row>(PER_STUDENT_COURSE, [fromDay, toDay, range.courseId ?? null, null]);
  const courseScores = new Map<string, number[]>();
  const perActor = new Map<string, EngagementInputs[]>();
  for (const row of r.rows) {
    const x = inputsOf(row);
    if (row.course_id !== '') {
      const list = courseScores.get(row.course_id) ?? [];
      list.push(engagementScore(x, asOf));
      courseScores.set(row.course_id, list);
    }
    const a = perActor.get(row.actor) ?? [];
    a.push(x);
    perActor.set(row.actor, a);
  }
  const courses: CourseEngagement[] = [...courseScores]
    .map(([courseId, scores]) => ({
      courseId,
      learners: scores.length,
      // Scores are multiples of 0.1: sum them as integers, so the mean does not depend on the order of rows.
      avgScore: Math.round(scores.reduce((s, x) => s + Math.round(x * 10), 0) / scores.length) / 10,
    }))
    .sort((a, b) => (a.courseId < b.courseId ? -1 : 1));
  const students = [...perActor]
    .map(([actor, xs]) => studentEngagement(actor, sumInputs(xs), asOf))
    .sort((a, b) => b.score - a.score || (a.actor < b.actor ? -1 : 1))
    .slice(0, opts.limit ?? 100);
  return { courses, students };
}

const MILESTONES = `SELECT course_id, enrolled_at, started_at, lesson_completed_at, completed_at
FROM analytics.student_course WHERE actor = $1 AND course_id = ANY($2::text[])`;
const RATINGS = `SELECT course_id, rating FROM analytics.ratings WHERE actor = $1 AND course_id = ANY($2::text[])`;
const SESSIONS = `SELECT count(*) AS n, avg(extract(epoch FROM ended_at - started_at))::float8 AS avg_s
FROM analytics.learning_sessions
WHERE actor = $1 AND kind = 'learning' AND started_at >= $2::timestamptz AND started_at < $3::timestamptz
  AND ($4::text IS NULL OR courses @> ARRAY[$4::text])`;

/** One learner over the range: totals, sessions, engagement, and per course (with lifetime milestones). */
export async function student(
  db: Queryable,
  actor: string,
  range: InsightRange,
  opts: { now?: Date },
): Promise<StudentSummary> {
  const { fromDay, toDay } = dayBounds(range);
  const asOf = engagementAsOf(range.to, opts.now ?? new Date());
  const course = range.courseId ?? null;
  const rows = (await db.query<Row>(PER_STUDENT_COURSE, [fromDay, toDay, course, actor])).rows;
  const courseIds = rows.map((r) => r.course_id).filter((c) => c !== '');
  const [milestones, ratings, sessions] = await Promise.all([
    db.query<{
      course_id: string;
      enrolled_at: Date | null;
      started_at: Date | null;
      lesson_completed_at: Date | null;
      completed_at: Date | null;
    }>(MILESTONES, [actor, courseIds]),
    db.query<{ course_id: string; rating: number }>(RATINGS, [actor, courseIds]),
    db.query<{ n: number; avg_s: number | null }>(SESSIONS, [actor, range.from, range.to, course]),
  ]);
  const ms = new Map(milestones.rows.map((m) => [m.course_id, m]));
  const rated = new Map(ratings.rows.map((x) => [x.course_id, Number(x.rating)]));
  const courses: StudentCourseSummary[] = rows
    .filter((r) => r.course_id !== '')
    .map((r) => {
      const m = ms.get(r.course_id);
      return {
        courseId: r.course_id,
        enrolledAt: iso(m?.enrolled_at),
        startedAt: iso(m?.started_at),
        firstLessonCompletedAt: iso(m?.lesson_completed_at),
        completedAt: iso(m?.completed_at),
        lastActiveAt: iso(r.last_at),
        events: Number(r.events),
        activeSeconds: Number(r.active_ms) / 1000,
        lessonsCompleted: Number(r.lessons),
        quizAttempts: Number(r.attempts),
        quizAnswers: Number(r.answers),
        quizCorrect: Number(r.correct),
        engagement: engagementScore(inputsOf(r), asOf),
        rating: rated.get(r.course_id) ?? null,
      };
    })
    .sort((a, b) => (a.courseId < b.courseId ? -1 : 1));
  const total = sumInputs(rows.map(inputsOf));
  const s = sessions.rows[0]!;
  return {
    actor,
    events: rows.reduce((n, r) => n + Number(r.events), 0),
    activeSeconds: total.activeMs / 1000,
    sessions: Number(s.n),
    avgSessionSeconds: s.avg_s === null ? null : Number(s.avg_s),
    lastActiveAt: total.lastActiveAt === null ? null : new Date(total.lastActiveAt).toISOString(),
    engagement: engagementScore(total, asOf),
    courses,
  };
}
