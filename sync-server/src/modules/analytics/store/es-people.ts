import type {
  CourseEngagement,
  EngagementInsight,
  InsightRange,
  StudentCourseSummary,
  StudentEngagement,
  StudentSummary,
} from '@lyceum/contracts';
import { engagementAsOf, engagementScore, sumInputs, type EngagementInputs } from '../insights/engagement.ts';
import { RATED, latestRating } from './es-courses.ts';
import {
  LEARNING,
  and,
  bucketsOf,
  byText,
  compositeAll,
  countOf,
  courseOf,
  dateRange,
  dayWindow,
  exactWindow,
  exists,
  retry429,
  source,
  sumOf,
  term,
  terms,
  topHit,
  valueOf,
  type AggResult,
  type EsContext,
  type Query,
} from './es-query.ts';

/**
 * Engagement and the student summary on Elasticsearch, as store/pg-people.ts defines them: per (learner, course)
 * sums over the learning facts of the range's days (facts outside any course form the '' course), scored in the same
 * way; a student's milestones and rating are their whole history; sessions are the learning sessions started in the
 * range.
 */
interface Row {
  actor: string;
  course: string;
  events: number;
  activeMs: number;
  lessons: number;
  attempts: number;
  answers: number;
  correct: number;
  lastAt: number | null;
}

async function perStudentCourse(ctx: EsContext, range: InsightRange, actor: string | null): Promise<Row[]> {
  const d = dayWindow(range);
  const buckets = await compositeAll(ctx, {
    index: ctx.names.facts,
    query: and(
      LEARNING,
      courseOf(range),
      actor === null ? null : term('actor', actor),
      dateRange('@timestamp', { gte: d.from, lt: d.to }),
    ),
    sources: [source('actor', 'actor'), source('course', 'course_id', true)],
    aggs: {
      active_ms: { sum: { field: 'active_ms' } },
      lessons: { sum: { field: 'n.lesson_completions' } },
      attempts: { sum: { field: 'n.quiz_attempts' } },
      answers: { sum: { field: 'n.quiz_answers' } },
      correct: { sum: { field: 'n.quiz_correct' } },
      last_at: { max: { field: '@timestamp' } },
    },
  });
  return buckets.map((b) => ({
    actor: String(b.key.actor),
    course: b.key.course === null ? '' : String(b.key.course),
    events: b.doc_count,
    activeMs: sumOf(b, 'active_ms'),
    lessons: sumOf(b, 'lessons'),
    attempts: sumOf(b, 'attempts'),
    answers: sumOf(b, 'answers'),
    correct: sumOf(b, 'correct'),
    lastAt: valueOf(b, 'last_at'),
  }));
}

const inputsOf = (r: Row): EngagementInputs => ({
  activeMs: r.activeMs,
  lessonsCompleted: r.lessons,
  quizAttempts: r.attempts,
  lastActiveAt: r.lastAt,
});

const isoOf = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const studentEngagement = (actor: string, x: EngagementInputs, asOf: number): StudentEngagement => ({
  actor,
  score: engagementScore(x, asOf),
  activeSeconds: x.activeMs / 1000,
  lessonsCompleted: x.lessonsCompleted,
  quizAttempts: x.quizAttempts,
  lastActiveAt: isoOf(x.lastActiveAt),
});

export async function engagement(
  ctx: EsContext,
  range: InsightRange,
  opts: { limit?: number; now?: Date },
): Promise<EngagementInsight> {
  const asOf = engagementAsOf(range.to, opts.now ?? new Date());
  const rows = await perStudentCourse(ctx, range, null);
  const courseScores = new Map<string, number[]>();
  const perActor = new Map<string, EngagementInputs[]>();
  for (const row of rows) {
    const x = inputsOf(row);
    if (row.course !== '') {
      const list = courseScores.get(row.course) ?? [];
      list.push(engagementScore(x, asOf));
      courseScores.set(row.course, list);
    }
    const a = perActor.get(row.actor) ?? [];
    a.push(x);
    perActor.set(row.actor, a);
  }
  const courses: CourseEngagement[] = [...courseScores]
    .map(([courseId, scores]) => ({
      courseId,
      learners: scores.length,
      avgScore: Math.round(scores.reduce((s, x) => s + Math.round(x * 10), 0) / scores.length) / 10,
    }))
    .sort((a, b) => byText(a.courseId, b.courseId));
  const students = [...perActor]
    .map(([actor, xs]) => studentEngagement(actor, sumInputs(xs), asOf))
    .sort((a, b) => b.score - a.score || byText(a.actor, b.actor))
    .slice(0, opts.limit ?? 100);
  return { courses, students };
}

const firstAt = (filter: Query) => ({ filter, aggs: { at: { min: { field: '@timestamp' } } } });
const milestoneAt = (b: AggResult, name: string) => valueOf((b[name] ?? {}) as AggResult, 'at');

interface Milestones {
  enrolledAt: number | null;
  startedAt: number | null;
  lessonAt: number | null;
  completedAt: number | null;
  rating: number | null;
}

/** A learner's lifetime milestones and latest rating in each of `courses`. */
async function milestones(
  ctx: EsContext,
  actor: string,
  courses: string[],
): Promise<Map<string, Milestones>> {
  const out = new Map<string, Milestones>();
  if (!courses.length) return out;
  const res = await retry429(() =>
    ctx.client.search({
      index: ctx.names.facts,
      size: 0,
      track_total_hits: false,
      query: and(LEARNING, term('actor', actor), terms('course_id', courses)),
      aggs: {
        courses: {
          terms: { field: 'course_id', size: courses.length },
          aggs: {
            enrolled: firstAt(term('verb', 'enrolled')),
            started: firstAt(exists('lesson_id')),
            lesson: firstAt(term('n.lesson_completions', 1)),
            completed: firstAt(term('n.course_completions', 1)),
            rated: { filter: RATED, aggs: { latest: latestRating } },
          },
        },
      },
    }),
  );
  for (const b of bucketsOf<AggResult & { key: string }>(res.aggregations as AggResult, 'courses')) {
    const rated = (b.rated ?? {}) as AggResult;
    const rating = countOf(b, 'rated') ? topHit<{ rating: number }>(rated, 'latest')?.rating : null;
    out.set(String(b.key), {
      enrolledAt: milestoneAt(b, 'enrolled'),
      startedAt: milestoneAt(b, 'started'),
      lessonAt: milestoneAt(b, 'lesson'),
      completedAt: milestoneAt(b, 'completed'),
      rating: rating === undefined || rating === null ? null : Number(rating),
    });
  }
  return out;
}

export async function student(
  ctx: EsContext,
  actor: string,
  range: InsightRange,
  opts: { now?: Date },
): Promise<StudentSummary> {
  const asOf = engagementAsOf(range.to, opts.now ?? new Date());
  const ex = exactWindow(range);
  const rows = await perStudentCourse(ctx, range, actor);
  const courseIds = rows.map((r) => r.course).filter((c) => c !== '');
  const [ms, sessions] = await Promise.all([
    milestones(ctx, actor, courseIds),
    retry429(() =>
      ctx.client.search({
        index: ctx.names.sessions,
        size: 0,
        track_total_hits: true,
        query: and(
          term('actor', actor),
          term('kind', 'learning'),
          dateRange('started_at', { gte: ex.from, lt: ex.to }),
          courseOf(range, 'courses'),
        ),
        aggs: { duration_ms: { sum: { field: 'duration_ms' } } },
      }),
    ),
  ]);
  const courses: StudentCourseSummary[] = rows
    .filter((r) => r.course !== '')
    .map((r) => {
      const m = ms.get(r.course);
      return {
        courseId: r.course,
        enrolledAt: isoOf(m?.enrolledAt ?? null),
        startedAt: isoOf(m?.startedAt ?? null),
        firstLessonCompletedAt: isoOf(m?.lessonAt ?? null),
        completedAt: isoOf(m?.completedAt ?? null),
        lastActiveAt: isoOf(r.lastAt),
        events: r.events,
        activeSeconds: r.activeMs / 1000,
        lessonsCompleted: r.lessons,
        quizAttempts: r.attempts,
        quizAnswers: r.answers,
        quizCorrect: r.correct,
        engagement: engagementScore(inputsOf(r), asOf),
        rating: m?.rating ?? null,
      };
    })
    .sort((a, b) => byText(a.courseId, b.courseId));
  const total = sumInputs(rows.map(inputsOf));
  const total_ = sessions.hits.total;
  const n = typeof total_ === 'number' ? total_ : (total_?.value ?? 0);
  const durationMs = sumOf((sessions.aggregations ?? {}) as AggResult, 'duration_ms');
  return {
    actor,
    events: rows.reduce((s, r) => s + r.events, 0),
    activeSeconds: total.activeMs / 1000,
    sessions: n,
    avgSessionSeconds: n ? durationMs / (1000 * n) : null,
    lastActiveAt: isoOf(total.lastActiveAt),
    engagement: engagementScore(total, asOf),
    courses,
  };
}
