import type { estypes } from '@elastic/elasticsearch';
import {
  DROP_OFF_BUCKETS,
  type InsightRange,
  type LessonInsight,
  type QuestionInsight,
} from '@lyceum/contracts';
import { parseSegment } from './es-docs.ts';
import { ACTORS_PER_LOOKUP, pairKey } from './es-courses.ts';
import {
  LEARNING,
  and,
  byText,
  chunks,
  compositeAll,
  courseOf,
  dateRange,
  dayWindow,
  exactWindow,
  exists,
  source,
  sumOf,
  term,
  terms,
  topHit,
  valueOf,
  type EsContext,
} from './es-query.ts';
import { unionIntervals } from './pg-fold.ts';
import { pointBiserial } from './pg-lessons.ts';

/**
 * Lessons and quiz questions on Elasticsearch, as store/pg-lessons.ts defines them. Per (course, lesson, learner) a
 * composite aggregation gives active time and video length; the watched segments come back as the keys of a second
 * one (each fact keeps the union of its segments as "start|end" keywords) and are united here; completion is looked
 * up in the learners' history up to the end of the range's last day; drop-off counts viewing sessions by the bucket
 * stored on each.
 */
const TRIPLE = [source('course', 'course_id'), source('lesson', 'lesson_id'), source('actor', 'actor')];
const SORT_ASC: estypes.SortCombinations[] = [{ '@timestamp': 'asc' }, { event_id: 'asc' }];

interface Learner {
  course: string;
  lesson: string;
  activeMs: number;
  videoLength: number | null;
  segments: [number, number][];
  completed: boolean;
}

export async function lessons(ctx: EsContext, range: InsightRange): Promise<LessonInsight[]> {
  const d = dayWindow(range);
  const ex = exactWindow(range);
  const index = ctx.names.facts;
  const inDays = and(
    LEARNING,
    exists('course_id'),
    exists('lesson_id'),
    courseOf(range),
    dateRange('@timestamp', { gte: d.from, lt: d.to }),
  );
  const [activity, watched, drops] = await Promise.all([
    compositeAll(ctx, {
      index,
      query: inDays,
      sources: TRIPLE,
      aggs: { active_ms: { sum: { field: 'active_ms' } }, video_length: { max: { field: 'video_length' } } },
    }),
    compositeAll(ctx, {
      index,
      query: and(inDays, exists('watched')),
      sources: [...TRIPLE, source('seg', 'watched')],
    }),
    compositeAll(ctx, {
      index: ctx.names.sessions,
      query: and(
        term('kind', 'video'),
        courseOf(range),
        dateRange('started_at', { gte: ex.from, lt: ex.to }),
      ),
      sources: [
        source('course', 'course_id'),
        source('lesson', 'lesson_id'),
        source('bucket', 'drop_bucket', true),
      ],
    }),
  ]);

  const learners = new Map<string, Learner>();
  for (const b of activity) {
    const length = valueOf(b, 'video_length');
    learners.set(pairKey(b.key.course, b.key.lesson, b.key.actor), {
      course: String(b.key.course),
      lesson: String(b.key.lesson),
      activeMs: sumOf(b, 'active_ms'),
      videoLength: length !== null && length > 0 ? length : null,
      segments: [],
      completed: false,
    });
  }
  for (const b of watched) {
    const seg = parseSegment(String(b.key.seg));
    const l = learners.get(pairKey(b.key.course, b.key.lesson, b.key.actor));
    if (seg && l) l.segments.push(seg);
  }
  // Completed as of the end of the range's last day (at any time before it).
  const actors = [...new Set(activity.map((b) => String(b.key.actor)))];
  for (const part of chunks(actors, ACTORS_PER_LOOKUP)) {
    const done = await compositeAll(ctx, {
      index,
      query: and(
        LEARNING,
        exists('course_id'),
        term('n.lesson_completions', 1),
        courseOf(range),
        terms('actor', part),
        dateRange('@timestamp', { lt: d.to }),
      ),
      sources: TRIPLE,
    });
    for (const b of done) {
      const l = learners.get(pairKey(b.key.course, b.key.lesson, b.key.actor));
      if (l) l.completed = true;
    }
  }

  const out = new Map<string, LessonInsight & { activeMs: number; watchedShares: number[] }>();
  const get = (courseId: string, lessonId: string) => {
    const k = pairKey(courseId, lessonId);
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
        activeMs: 0,
        watchedShares: [],
      };
      out.set(k, l);
    }
    return l;
  };
  for (const x of learners.values()) {
    const l = get(x.course, x.lesson);
    l.started += 1;
    if (x.completed) l.completed += 1;
    l.activeMs += x.activeMs;
    const seconds = unionIntervals(x.segments).reduce((s, [a, b]) => s + (b - a), 0);
    if (x.videoLength !== null && seconds > 0) l.watchedShares.push(Math.min(1, seconds / x.videoLength));
  }
  for (const b of drops) {
    const l = get(String(b.key.course), String(b.key.lesson));
    l.viewingSessions += b.doc_count;
    if (b.key.bucket !== null) l.dropOff[Number(b.key.bucket)] = b.doc_count;
  }
  return [...out.values()]
    .map(({ activeMs, watchedShares, ...l }) => ({
      ...l,
      completionRate: l.started ? l.completed / l.started : null,
      timeSpentSeconds: activeMs / 1000,
      avgTimeSeconds: l.started ? activeMs / 1000 / l.started : null,
      viewers: watchedShares.length,
      avgWatchedShare: watchedShares.length
        ? Math.min(1, watchedShares.reduce((s, x) => s + x, 0) / watchedShares.length)
        : null,
    }))
    .sort((a, b) => byText(a.courseId, b.courseId) || byText(a.lessonId, b.lessonId));
}

const QUESTION = [
  source('course', 'course_id'),
  source('lesson', 'lesson_id'),
  source('question', 'question_id'),
  source('actor', 'actor'),
];

interface Respondent {
  course: string;
  lesson: string;
  question: string;
  actor: string;
  x: number;
  answers: number;
}

export async function questions(ctx: EsContext, range: InsightRange): Promise<QuestionInsight[]> {
  const ex = exactWindow(range);
  const index = ctx.names.facts;
  const answers = and(
    LEARNING,
    term('n.quiz_answers', 1),
    exists('course_id'),
    exists('lesson_id'),
    courseOf(range),
  );
  // Learners who answered in the range, with their first answer in it...
  const inRange = await compositeAll(ctx, {
    index,
    query: and(answers, dateRange('@timestamp', { gte: ex.from, lt: ex.to })),
    sources: QUESTION,
    aggs: { first: { top_hits: { size: 1, sort: SORT_ASC, _source: { includes: ['success'] } } } },
  });
  const candidates = new Map<string, Respondent>();
  for (const b of inRange) {
    const k = pairKey(b.key.course, b.key.lesson, b.key.question, b.key.actor);
    candidates.set(k, {
      course: String(b.key.course),
      lesson: String(b.key.lesson),
      question: String(b.key.question),
      actor: String(b.key.actor),
      x: topHit<{ success: boolean | null }>(b, 'first')?.success === true ? 1 : 0,
      answers: 0,
    });
  }
  // ...unless they answered it before the range; every answer they ever gave counts in `answers`.
  const actors = [...new Set(inRange.map((b) => String(b.key.actor)))];
  for (const part of chunks(actors, ACTORS_PER_LOOKUP)) {
    const history = await compositeAll(ctx, {
      index,
      query: and(answers, terms('actor', part)),
      sources: QUESTION,
      aggs: { first_at: { min: { field: '@timestamp' } } },
    });
    for (const b of history) {
      const k = pairKey(b.key.course, b.key.lesson, b.key.question, b.key.actor);
      const r = candidates.get(k);
      if (!r) continue;
      if ((valueOf(b, 'first_at') ?? ex.from) < ex.from) candidates.delete(k);
      else r.answers = b.doc_count;
    }
  }
  const score = new Map<string, number>();
  for (const r of candidates.values()) {
    const k = pairKey(r.course, r.lesson, r.actor);
    score.set(k, (score.get(k) ?? 0) + r.x);
  }
  const items = new Map<
    string,
    { r: Respondent; n: number; sx: number; sy: number; sxy: number; syy: number; a: number }
  >();
  for (const r of candidates.values()) {
    const k = pairKey(r.course, r.lesson, r.question);
    const y = score.get(pairKey(r.course, r.lesson, r.actor)) ?? 0;
    const it = items.get(k) ?? { r, n: 0, sx: 0, sy: 0, sxy: 0, syy: 0, a: 0 };
    it.n += 1;
    it.sx += r.x;
    it.sy += y;
    it.sxy += r.x * y;
    it.syy += y * y;
    it.a += r.answers;
    items.set(k, it);
  }
  return [...items.values()]
    .map(({ r, n, sx, sy, sxy, syy, a }) => ({
      courseId: r.course,
      lessonId: r.lesson,
      questionId: r.question,
      respondents: n,
      correctFirst: sx,
      difficulty: n ? sx / n : null,
      discrimination: pointBiserial(n, sx, sy, sxy, syy),
      answers: a,
    }))
    .sort(
      (p, q) =>
        byText(p.courseId, q.courseId) ||
        byText(p.lessonId, q.lessonId) ||
        byText(p.questionId, q.questionId),
    );
}
