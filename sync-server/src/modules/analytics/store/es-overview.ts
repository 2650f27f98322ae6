import type { DailyPoint, InsightRange, PlatformOverview } from '@lyceum/contracts';
import { dayOf, daysBetween } from '../insights/range.ts';
import { ACTIVE_WINDOW_MS, RATE_WINDOW_MS } from './pg-overview.ts';
import {
  LEARNING,
  and,
  bucketsOf,
  compositeAll,
  countOf,
  courseOf,
  dateRange,
  dayWindow,
  exactWindow,
  not,
  retry429,
  source,
  sumOf,
  term,
  type AggResult,
  type Aggs,
  type EsContext,
  type Query,
} from './es-query.ts';

/**
 * Platform figures on Elasticsearch, as store/pg-overview.ts defines them: per-day sums over the facts of the range's
 * UTC days (counters and active time on every fact, learners over learning facts), live figures in arrival time.
 *
 * Distinct learners are a `cardinality` aggregation with the highest precision threshold (40,000): exact below it in
 * practice, within about 1% above it (PostgreSQL counts exactly).
 */
export const CARDINALITY_PRECISION = 40_000;

const sum = (field: string) => ({ sum: { field } });
export const learnersAgg = (): Aggs[string] => ({
  filter: LEARNING,
  aggs: { n: { cardinality: { field: 'actor', precision_threshold: CARDINALITY_PRECISION } } },
});

/** The per-day sums, as sub-aggregations. */
export const DAY_SUMS: Aggs = {
  events: { value_count: { field: 'event_id' } },
  active_ms: sum('active_ms'),
  enrollments: sum('n.enrollments'),
  lesson_completions: sum('n.lesson_completions'),
  course_completions: sum('n.course_completions'),
  quiz_answers: sum('n.quiz_answers'),
  ratings: sum('n.ratings'),
  learners: learnersAgg(),
};

const learnersOf = (b: AggResult) => sumOf((b.learners ?? {}) as AggResult, 'n');

function totalsOf(b: AggResult) {
  return {
    events: sumOf(b, 'events'),
    learners: learnersOf(b),
    activeSeconds: sumOf(b, 'active_ms') / 1000,
    enrollments: sumOf(b, 'enrollments'),
    lessonCompletions: sumOf(b, 'lesson_completions'),
    courseCompletions: sumOf(b, 'course_completions'),
    quizAnswers: sumOf(b, 'quiz_answers'),
    ratings: sumOf(b, 'ratings'),
  };
}

/** The query of the facts of the range's days (and course). */
export const daysQuery = (range: InsightRange): Query => {
  const d = dayWindow(range);
  return and(dateRange('@timestamp', { gte: d.from, lt: d.to }), courseOf(range));
};

/**
 * Learners with an event stored in (now − 5 min, now]: as PostgreSQL's presence table keeps each learner's latest
 * arrival per course, a learner whose latest arrival is after `now` (a `now` in the past) does not count. When
 * nothing arrived after `now` a distinct count answers; otherwise the latest arrival per (learner, course) decides.
 */
async function activeNow(ctx: EsContext, range: InsightRange, now: number): Promise<number> {
  // Enrollments make no one present (processor/facts.ts makesPresent).
  const query = and(
    LEARNING,
    not(term('verb', 'enrolled')),
    courseOf(range),
    dateRange('stored', { gt: now - ACTIVE_WINDOW_MS }),
  );
  const res = await retry429(() =>
    ctx.client.search({
      index: ctx.names.facts,
      size: 0,
      track_total_hits: false,
      query,
      aggs: {
        later: { filter: dateRange('stored', { gt: now }) },
        window: { filter: dateRange('stored', { lte: now }), aggs: { n: learnersAgg().aggs!.n! } },
      },
    }),
  );
  const aggs = (res.aggregations ?? {}) as AggResult;
  if (countOf(aggs, 'later') === 0) return sumOf((aggs.window ?? {}) as AggResult, 'n');
  const pairs = await compositeAll(ctx, {
    index: ctx.names.facts,
    query,
    sources: [source('actor', 'actor'), source('course', 'course_id', true)],
    aggs: { last: { max: { field: 'stored' } } },
  });
  const actors = new Set<string>();
  for (const p of pairs) if (sumOf(p, 'last') <= now) actors.add(String(p.key.actor));
  return actors.size;
}

export async function overview(ctx: EsContext, range: InsightRange, now: Date): Promise<PlatformOverview> {
  const nowMs = now.getTime();
  const exact = exactWindow(range);
  // Arrivals are counted per whole second `second` with now − 1 min ≤ second < now (store/pg-overview.ts).
  const rateFrom = Math.ceil((nowMs - RATE_WINDOW_MS) / 1000) * 1000;
  const rateTo = Math.ceil(nowMs / 1000) * 1000;
  const { client, names } = ctx;
  const [totals, lastMinute, sessions, active] = await Promise.all([
    retry429(() =>
      client.search({
        index: names.facts,
        size: 0,
        track_total_hits: false,
        query: daysQuery(range),
        aggs: DAY_SUMS,
      }),
    ),
    retry429(() =>
      client.count({
        index: names.facts,
        query: and(courseOf(range), dateRange('stored', { gte: rateFrom, lt: rateTo })),
      }),
    ),
    retry429(() =>
      client.count({
        index: names.sessions,
        query: and(
          term('kind', 'learning'),
          dateRange('started_at', { gte: exact.from, lt: exact.to }),
          courseOf(range, 'courses'),
        ),
      }),
    ),
    activeNow(ctx, range, nowMs),
  ]);
  return {
    asOf: now.toISOString(),
    activeLearnersNow: active,
    eventsPerSecond: lastMinute.count / (RATE_WINDOW_MS / 1000),
    totals: { ...totalsOf((totals.aggregations ?? {}) as AggResult), sessions: sessions.count },
  };
}

export async function daily(ctx: EsContext, range: InsightRange): Promise<DailyPoint[]> {
  const d = dayWindow(range);
  const res = await retry429(() =>
    ctx.client.search({
      index: ctx.names.facts,
      size: 0,
      track_total_hits: false,
      query: daysQuery(range),
      aggs: {
        days: {
          date_histogram: {
            field: '@timestamp',
            calendar_interval: 'day',
            time_zone: 'UTC',
            min_doc_count: 1,
          },
          aggs: DAY_SUMS,
        },
      },
    }),
  );
  const byDay = new Map(
    bucketsOf<AggResult & { key: number }>(res.aggregations as AggResult, 'days').map((b) => [
      dayOf(Number(b.key)),
      totalsOf(b),
    ]),
  );
  const from = dayOf(d.from);
  const to = dayOf(d.to);
  return daysBetween(from, to).map((day) => {
    const t = byDay.get(day);
    return {
      day,
      events: t?.events ?? 0,
      learners: t?.learners ?? 0,
      activeSeconds: t?.activeSeconds ?? 0,
      enrollments: t?.enrollments ?? 0,
      lessonCompletions: t?.lessonCompletions ?? 0,
      courseCompletions: t?.courseCompletions ?? 0,
      quizAnswers: t?.quizAnswers ?? 0,
      ratings: t?.ratings ?? 0,
    };
  });
}
