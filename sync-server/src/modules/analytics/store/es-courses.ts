import type { estypes } from '@elastic/elasticsearch';
import type { CourseFunnel, InsightRange, RatingInsight, RatingStats } from '@lyceum/contracts';
import {
  LEARNING,
  and,
  byText,
  chunks,
  compositeAll,
  countOf,
  courseOf,
  dateRange,
  dayWindow,
  exactWindow,
  exists,
  or,
  source,
  term,
  terms,
  topHit,
  type CompositeBucket,
  type EsContext,
  type Query,
} from './es-query.ts';

/**
 * Funnel and ratings on Elasticsearch, as store/pg-courses.ts defines them. Both need, for a set of (learner, course)
 * pairs found in the range, something of their whole history (milestones reached before the end of the range; a
 * later rating that replaces one given in the range): the pairs come from a composite aggregation over the range,
 * then their learners' history is read in chunks, restricted to those learners.
 */
export const ACTORS_PER_LOOKUP = 500;
export const pairKey = (...parts: unknown[]): string => parts.map(String).join('\u0000');
export const SORT_DESC: estypes.SortCombinations[] = [{ '@timestamp': 'desc' }, { event_id: 'desc' }];

const PAIR = [source('course', 'course_id'), source('actor', 'actor')];

/** Funnel stages of a pair, each counting the facts reaching it before `to`. */
const stageAggs = (to: number) => {
  const before = dateRange('@timestamp', { lt: to });
  const done = term('n.course_completions', 1);
  return {
    started: { filter: and(before, or(exists('lesson_id'), done)) },
    lesson: { filter: and(before, or(term('n.lesson_completions', 1), done)) },
    done: { filter: and(before, done) },
  };
};

interface Stages {
  course: string;
  started: boolean;
  lesson: boolean;
  done: boolean;
}

export async function funnel(ctx: EsContext, range: InsightRange): Promise<CourseFunnel[]> {
  const d = dayWindow(range);
  const to = Date.parse(range.to);
  const base = and(LEARNING, exists('course_id'), courseOf(range));
  const cohort = await compositeAll(ctx, {
    index: ctx.names.facts,
    query: and(base, dateRange('@timestamp', { gte: d.from, lt: d.to })),
    sources: PAIR,
    aggs: stageAggs(to),
  });
  const pairs = new Map<string, Stages>();
  const merge = (b: CompositeBucket) => {
    const k = pairKey(b.key.course, b.key.actor);
    const p = pairs.get(k);
    if (!p) return;
    p.started ||= countOf(b, 'started') > 0;
    p.lesson ||= countOf(b, 'lesson') > 0;
    p.done ||= countOf(b, 'done') > 0;
  };
  for (const b of cohort) {
    pairs.set(pairKey(b.key.course, b.key.actor), {
      course: String(b.key.course),
      started: false,
      lesson: false,
      done: false,
    });
    merge(b);
  }
  // Milestones reached before the range's first day.
  const open = cohort.filter((b) => countOf(b, 'done') === 0);
  const actors = [...new Set(open.map((b) => String(b.key.actor)))];
  for (const part of chunks(actors, ACTORS_PER_LOOKUP)) {
    const history = await compositeAll(ctx, {
      index: ctx.names.facts,
      query: and(base, terms('actor', part), dateRange('@timestamp', { lt: d.from })),
      sources: PAIR,
      aggs: stageAggs(to),
    });
    history.forEach(merge);
  }
  const byCourse = new Map<string, CourseFunnel>();
  for (const p of pairs.values()) {
    let f = byCourse.get(p.course);
    if (!f) {
      f = {
        courseId: p.course,
        enrolled: 0,
        started: 0,
        completedLesson: 0,
        completedCourse: 0,
        completionRate: null,
      };
      byCourse.set(p.course, f);
    }
    f.enrolled += 1;
    if (p.started || p.lesson || p.done) f.started += 1;
    if (p.lesson || p.done) f.completedLesson += 1;
    if (p.done) f.completedCourse += 1;
  }
  return [...byCourse.values()]
    .map((f) => ({ ...f, completionRate: f.enrolled ? f.completedCourse / f.enrolled : null }))
    .sort((a, b) => byText(a.courseId, b.courseId));
}

/** A learner's latest rating per course, from a top_hits sub-aggregation. */
export const latestRating = { top_hits: { size: 1, sort: SORT_DESC, _source: { includes: ['rating'] } } };
export const RATED: Query = and(LEARNING, exists('rating'), exists('course_id'));

function stats(ratings: readonly number[]): RatingStats {
  const histogram = [0, 0, 0, 0, 0];
  for (const r of ratings) histogram[Math.round(r) - 1]! += 1;
  return {
    count: ratings.length,
    mean: ratings.length ? ratings.reduce((s, r) => s + r, 0) / ratings.length : null,
    histogram,
  };
}

export async function ratings(ctx: EsContext, range: InsightRange): Promise<RatingInsight> {
  const ex = exactWindow(range);
  const given = await compositeAll(ctx, {
    index: ctx.names.facts,
    query: and(RATED, courseOf(range), dateRange('@timestamp', { gte: ex.from, lt: ex.to })),
    sources: PAIR,
    aggs: { latest: latestRating },
  });
  // A rating given at or after the end of the range replaces the one given in it.
  const replaced = new Set<string>();
  const actors = [...new Set(given.map((b) => String(b.key.actor)))];
  for (const part of chunks(actors, ACTORS_PER_LOOKUP)) {
    const later = await compositeAll(ctx, {
      index: ctx.names.facts,
      query: and(RATED, courseOf(range), terms('actor', part), dateRange('@timestamp', { gte: ex.to })),
      sources: PAIR,
    });
    for (const b of later) replaced.add(pairKey(b.key.course, b.key.actor));
  }
  const byCourse = new Map<string, number[]>();
  const all: number[] = [];
  for (const b of given) {
    if (replaced.has(pairKey(b.key.course, b.key.actor))) continue;
    const r = topHit<{ rating: number }>(b, 'latest')?.rating;
    if (r === undefined || r === null) continue;
    const course = String(b.key.course);
    const list = byCourse.get(course) ?? [];
    list.push(Number(r));
    byCourse.set(course, list);
    all.push(Number(r));
  }
  return {
    overall: stats(all),
    courses: [...byCourse.entries()]
      .sort(([a], [b]) => byText(a, b))
      .map(([courseId, rs]) => ({ courseId, ...stats(rs) })),
  };
}
