import { describe, expect, it } from 'vitest';
import { aggregations, mockedElasticsearch, type Recorded } from './es-test-mock.ts';

/**
 * Aggregation queries of the Elasticsearch adapter, against @elastic/elasticsearch-mock: what is asked, and how the
 * answers are read into figures. (Canned answers, so this checks the adapter's half; the contract suite checks both
 * halves against a real cluster when ELASTICSEARCH_URL is set.)
 */
const RANGE = { from: '2026-03-02T06:00:00.000Z', to: '2026-03-04T12:00:00.000Z', courseId: 'course-a' };
const DAY_FROM = Date.parse('2026-03-02T00:00:00Z');
const DAY_TO = Date.parse('2026-03-05T00:00:00Z');

interface SearchBody {
  query: { bool: { filter: object[] } };
  aggs: Record<
    string,
    { composite?: { sources: Record<string, object>[]; after?: object; size: number }; aggs?: object }
  >;
  size: number;
}
const body = (r: Recorded) => r.body as SearchBody;
const sourcesOf = (r: Recorded) =>
  body(r).aggs.groups?.composite?.sources.map((s) => Object.keys(s)[0]) ?? [];

describe('Elasticsearch store: overview', () => {
  it('sums the range days, counts arrivals and sessions, and reads the answers into the totals', async () => {
    const m = mockedElasticsearch();
    const now = new Date('2026-03-04T18:00:30.500Z');
    m.on('POST', '/lyceum-analytics-facts/_search', (req) =>
      'later' in body(req).aggs
        ? aggregations({ later: { doc_count: 0 }, window: { doc_count: 9, n: { value: 2 } } })
        : aggregations({
            events: { value: 40 },
            active_ms: { value: 3_360_000 },
            enrollments: { value: 4 },
            lesson_completions: { value: 2 },
            course_completions: { value: 1 },
            quiz_answers: { value: 10 },
            ratings: { value: 4 },
            learners: { doc_count: 40, n: { value: 3 } },
          }),
    );
    m.on('POST', '/lyceum-analytics-facts/_count', () => ({ count: 9 }));
    m.on('POST', '/lyceum-analytics-sessions/_count', () => ({ count: 7 }));

    expect(await m.store.overview(RANGE, now)).toEqual({
      asOf: now.toISOString(),
      activeLearnersNow: 2,
      eventsPerSecond: 9 / 60,
      totals: {
        events: 40,
        learners: 3,
        activeSeconds: 3360,
        sessions: 7,
        enrollments: 4,
        lessonCompletions: 2,
        courseCompletions: 1,
        quizAnswers: 10,
        ratings: 4,
      },
    });

    const searches = m.of('POST', '/lyceum-analytics-facts/_search');
    const totals = body(searches.find((s) => !('later' in body(s).aggs))!);
    // Whole UTC days the range overlaps, the range's course.
    expect(totals.query).toEqual({
      bool: {
        filter: [
          { range: { '@timestamp': { gte: DAY_FROM, lt: DAY_TO, format: 'epoch_millis' } } },
          { term: { course_id: 'course-a' } },
        ],
      },
    });
    expect(totals.size).toBe(0);
    expect(totals.aggs).toMatchObject({
      events: { value_count: { field: 'event_id' } },
      active_ms: { sum: { field: 'active_ms' } },
      quiz_answers: { sum: { field: 'n.quiz_answers' } },
      learners: { filter: { term: { learning: true } }, aggs: { n: { cardinality: { field: 'actor' } } } },
    });

    // Live figures in arrival time: learners stored in (now − 5 min, now], arrivals in whole seconds of the last minute.
    const live = body(searches.find((s) => 'later' in body(s).aggs)!);
    expect(live.query.bool.filter).toContainEqual({
      range: { stored: { gt: now.getTime() - 300_000, format: 'epoch_millis' } },
    });
    const arrivals = m.of('POST', '/lyceum-analytics-facts/_count')[0]!.body as SearchBody;
    expect(arrivals.query.bool.filter).toContainEqual({
      range: {
        stored: {
          gte: Date.parse('2026-03-04T17:59:31Z'),
          lt: Date.parse('2026-03-04T18:00:31Z'),
          format: 'epoch_millis',
        },
      },
    });
    const sessions = m.of('POST', '/lyceum-analytics-sessions/_count')[0]!.body as SearchBody;
    expect(sessions.query.bool.filter).toEqual([
      { term: { kind: 'learning' } },
      {
        range: {
          started_at: { gte: Date.parse(RANGE.from), lt: Date.parse(RANGE.to), format: 'epoch_millis' },
        },
      },
      { term: { courses: 'course-a' } },
    ]);
  });

  it('with arrivals after `now`, counts learners by their latest arrival per course', async () => {
    const m = mockedElasticsearch();
    const now = new Date('2026-03-04T10:02:00.000Z');
    m.on('POST', '/lyceum-analytics-facts/_search', (req) => {
      const b = body(req);
      if (b.aggs.groups) {
        const page = [
          {
            key: { actor: 's1', course: 'course-a' },
            doc_count: 1,
            last: { value: Date.parse('2026-03-04T10:00:02Z') },
          },
          {
            key: { actor: 's2', course: 'course-a' },
            doc_count: 9,
            last: { value: Date.parse('2026-03-04T18:00:00Z') },
          },
        ];
        return aggregations({
          groups: b.aggs.groups.composite!.after
            ? { buckets: [] }
            : { buckets: page, after_key: page[1]!.key },
        });
      }
      if ('later' in b.aggs)
        return aggregations({ later: { doc_count: 9 }, window: { doc_count: 1, n: { value: 1 } } });
      return aggregations({});
    });
    m.on('POST', '/lyceum-analytics-facts/_count', () => ({ count: 0 }));
    m.on('POST', '/lyceum-analytics-sessions/_count', () => ({ count: 0 }));
    expect((await m.store.overview(RANGE, now)).activeLearnersNow).toBe(1);
    const composite = m.of('POST', '/lyceum-analytics-facts/_search').filter((s) => body(s).aggs.groups);
    expect(composite.map(sourcesOf)).toEqual([
      ['actor', 'course'],
      ['actor', 'course'],
    ]);
    expect(body(composite[1]!).aggs.groups!.composite!.after).toEqual({ actor: 's2', course: 'course-a' });
  });
});

describe('Elasticsearch store: lessons', () => {
  it('asks per (course, lesson, learner), unites watched segments, looks completions up, and counts drop-off', async () => {
    const m = mockedElasticsearch();
    const page = (b: SearchBody, buckets: object[]) =>
      aggregations({
        groups:
          b.aggs.groups!.composite!.after || !buckets.length ? { buckets: [] } : { buckets, after_key: {} },
      });
    m.on('POST', '/lyceum-analytics-facts/_search', (req) => {
      const b = body(req);
      const sources = sourcesOf(req);
      const k = (actor: string) => ({ course: 'course-a', lesson: 'l1', actor });
      if (sources.includes('seg'))
        return page(b, [
          { key: { ...k('s1'), seg: '0|300' }, doc_count: 1 },
          { key: { ...k('s1'), seg: '300|600' }, doc_count: 1 },
          { key: { ...k('s2'), seg: '0|120' }, doc_count: 1 },
          { key: { ...k('s2'), seg: '60|240' }, doc_count: 1 },
        ]);
      if (b.aggs.groups!.aggs)
        return page(b, [
          { key: k('s1'), doc_count: 5, active_ms: { value: 600_000 }, video_length: { value: 600 } },
          { key: k('s2'), doc_count: 3, active_ms: { value: 300_000 }, video_length: { value: 600 } },
        ]);
      return page(b, [{ key: k('s1'), doc_count: 1 }]); // completions
    });
    m.on('POST', '/lyceum-analytics-sessions/_search', (req) =>
      page(body(req), [
        { key: { course: 'course-a', lesson: 'l1', bucket: 19 }, doc_count: 1 },
        { key: { course: 'course-a', lesson: 'l1', bucket: 8 }, doc_count: 2 },
        { key: { course: 'course-a', lesson: 'l1', bucket: null }, doc_count: 1 },
      ]),
    );

    const dropOff = Array.from({ length: 20 }, (_, i) => (i === 19 ? 1 : i === 8 ? 2 : 0));
    expect(await m.store.lessons(RANGE)).toEqual([
      {
        courseId: 'course-a',
        lessonId: 'l1',
        started: 2,
        completed: 1,
        completionRate: 0.5,
        timeSpentSeconds: 900,
        avgTimeSeconds: 450,
        viewers: 2,
        avgWatchedShare: expect.closeTo((1 + 0.4) / 2, 10),
        viewingSessions: 4,
        dropOff,
      },
    ]);

    const facts = m.of('POST', '/lyceum-analytics-facts/_search');
    const activity = body(facts.find((r) => body(r).aggs.groups?.aggs)!);
    expect(sourcesOf(facts.find((r) => body(r).aggs.groups?.aggs)!)).toEqual(['course', 'lesson', 'actor']);
    expect(activity.aggs.groups!.aggs).toEqual({
      active_ms: { sum: { field: 'active_ms' } },
      video_length: { max: { field: 'video_length' } },
    });
    expect(activity.query.bool.filter).toEqual([
      { term: { learning: true } },
      { exists: { field: 'course_id' } },
      { exists: { field: 'lesson_id' } },
      { term: { course_id: 'course-a' } },
      { range: { '@timestamp': { gte: DAY_FROM, lt: DAY_TO, format: 'epoch_millis' } } },
    ]);
    // Completions: the range's learners, at any time before the end of its last day.
    const lookup = body(facts.find((r) => !body(r).aggs.groups?.aggs && !sourcesOf(r).includes('seg'))!);
    expect(lookup.query.bool.filter).toContainEqual({ terms: { actor: ['s1', 's2'] } });
    expect(lookup.query.bool.filter).toContainEqual({ term: { 'n.lesson_completions': 1 } });
    expect(lookup.query.bool.filter).toContainEqual({
      range: { '@timestamp': { lt: DAY_TO, format: 'epoch_millis' } },
    });
    // Viewing sessions started in the exact range, by drop-off bucket (unknown ones in a missing bucket).
    const drops = m.of('POST', '/lyceum-analytics-sessions/_search')[0]!;
    expect(body(drops).aggs.groups!.composite!.sources).toEqual([
      { course: { terms: { field: 'course_id' } } },
      { lesson: { terms: { field: 'lesson_id' } } },
      { bucket: { terms: { field: 'drop_bucket', missing_bucket: true } } },
    ]);
    expect(body(drops).query.bool.filter).toEqual([
      { term: { kind: 'video' } },
      { term: { course_id: 'course-a' } },
      {
        range: {
          started_at: { gte: Date.parse(RANGE.from), lt: Date.parse(RANGE.to), format: 'epoch_millis' },
        },
      },
    ]);
  });
});
