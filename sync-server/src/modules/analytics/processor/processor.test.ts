import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InsightRange, LearningEvent } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { engagementAsOf, engagementScore } from '../insights/engagement.ts';
import { createPostgresStore } from '../store/postgres.ts';
import type { AnalyticsStore } from '../store/port.ts';
import { createProcessor } from './index.ts';
import { learningEvent } from './test-events.ts';
import { A, A1, A2, ALL, B, B1, DAY1, DAY2, DAY3, range, s2Late, scenario } from './test-scenario.ts';

let t: TestServer;
let store: AnalyticsStore;
beforeAll(async () => {
  t = await startTestServer();
  store = createPostgresStore({ pool: t.server.database.pool });
});
afterAll(() => t.close());

const TABLES = [
  'facts',
  'course_daily',
  'student_daily',
  'student_course',
  'student_lesson_daily',
  'question_answers',
  'ratings',
  'learning_sessions',
  'presence',
  'arrivals',
];
beforeEach(async () => {
  await t.server.database.pool.query(`TRUNCATE ${TABLES.map((x) => `analytics.${x}`).join(', ')}`);
});

const NOW = new Date('2026-03-05T00:00:00.000Z');
const chunks = <T>(xs: readonly T[], n: number) =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

async function process(events: readonly LearningEvent[], batchSize = 7) {
  const p = createProcessor({ store });
  for (const batch of chunks(events, batchSize)) await p.handleBatch(batch);
  return p;
}

/** Every insight over a range, for comparing whole states. */
async function snapshot(r: InsightRange = ALL) {
  return {
    overview: await store.overview(r, NOW),
    funnel: await store.funnel(r),
    lessons: await store.lessons(r),
    questions: await store.questions(r),
    engagement: await store.engagement(r, { now: NOW }),
    ratings: await store.ratings(r),
    students: await Promise.all(['s1', 's2', 's3'].map((s) => store.student(s, r, { now: NOW }))),
    daily: await store.daily(r),
  };
}

describe('the processor on a hand-built history (3 students, 2 courses)', () => {
  it('gives the hand-computed totals, funnel, lesson, question and rating figures', async () => {
    const events = scenario();
    const report = await process(events);
    expect(report.stats()).toMatchObject({ received: events.length, inserted: events.length, duplicates: 0 });

    const o = await store.overview(ALL, NOW);
    expect(o.totals).toEqual({
      events: events.length,
      learners: 3,
      activeSeconds: 1620 + 1140 + 300 + 300,
      sessions: 2 + 3 + 2,
      enrollments: 4,
      lessonCompletions: 2,
      courseCompletions: 1,
      quizAnswers: 10,
      ratings: 4,
    });

    expect(await store.funnel(ALL)).toEqual([
      { courseId: A, enrolled: 3, started: 3, completedLesson: 1, completedCourse: 1, completionRate: 1 / 3 },
      { courseId: B, enrolled: 1, started: 1, completedLesson: 0, completedCourse: 0, completionRate: 0 },
    ]);
    // Day 1 alone: s3 was not in course A yet.
    expect((await store.funnel(range(DAY1, DAY2, A)))[0]).toMatchObject({
      enrolled: 2,
      completedCourse: 1,
      completionRate: 0.5,
    });

    const bucket = (i: number) => Array.from({ length: 20 }, (_, k) => (k === i ? 1 : 0));
    const lessons = await store.lessons(ALL);
    expect(lessons).toEqual([
      {
        courseId: A,
        lessonId: A1,
        started: 2,
        completed: 1,
        completionRate: 0.5,
        timeSpentSeconds: 1140 + 540,
        avgTimeSeconds: 840,
        viewers: 2,
        avgWatchedShare: expect.closeTo((1 + 0.7) / 2, 10),
        viewingSessions: 3,
        dropOff: bucket(8).map((v, i) => v + bucket(14)[i]! + bucket(19)[i]!),
      },
      {
        courseId: A,
        lessonId: A2,
        started: 3,
        completed: 1,
        completionRate: 1 / 3,
        timeSpentSeconds: 360 + 300 + 240,
        avgTimeSeconds: 300,
        viewers: 0,
        avgWatchedShare: null,
        viewingSessions: 0,
        dropOff: bucket(-1),
      },
      {
        courseId: B,
        lessonId: B1,
        started: 1,
        completed: 0,
        completionRate: 0,
        timeSpentSeconds: 240,
        avgTimeSeconds: 240,
        viewers: 1,
        avgWatchedShare: expect.closeTo(0.3, 10),
        viewingSessions: 1,
        dropOff: bucket(6),
      },
    ]);
    expect((await store.lessons({ ...ALL, courseId: B })).map((l) => l.lessonId)).toEqual([B1]);

    // First answers (s1, s2, s3): q1 ✓✗✓, q2 ✓✓✗, q3 ✗✗✓; quiz scores 2, 1, 2.
    // Point-biserial by hand: q1 = 1 (x = score − 1), q2 = (−1/3)/(2/3) = −0.5, q3 = (1/3)/(2/3) = 0.5.
    const qs = await store.questions({ ...ALL, courseId: A });
    expect(qs.map((x) => [x.questionId, x.respondents, x.correctFirst, x.answers])).toEqual([
      ['q1', 3, 2, 4],
      ['q2', 3, 2, 3],
      ['q3', 3, 1, 3],
    ]);
    expect(qs.map((x) => x.difficulty)).toEqual([2 / 3, 2 / 3, 1 / 3]);
    expect(qs[0]!.discrimination).toBeCloseTo(1, 10);
    expect(qs[1]!.discrimination).toBeCloseTo(-0.5, 10);
    expect(qs[2]!.discrimination).toBeCloseTo(0.5, 10);

    // s1 re-rated A 4 on day 3: the latest rating counts; s2 gave A 3, s3 gave B 2.
    expect(await store.ratings(ALL)).toEqual({
      overall: { count: 3, mean: 3, histogram: [0, 1, 1, 1, 0] },
      courses: [
        { courseId: A, count: 2, mean: 3.5, histogram: [0, 0, 1, 1, 0] },
        { courseId: B, count: 1, mean: 2, histogram: [0, 1, 0, 0, 0] },
      ],
    });
  });

  it('scores engagement from the right inputs, and sums up a student', async () => {
    await process(scenario());
    const e = await store.engagement(ALL, { now: NOW });
    const asOf = engagementAsOf(ALL.to, NOW);
    const s1 = e.students.find((s) => s.actor === 's1')!;
    expect(s1).toMatchObject({
      activeSeconds: 1620,
      lessonsCompleted: 2,
      quizAttempts: 1,
      lastActiveAt: `${DAY3}T10:00:00.000Z`,
    });
    expect(s1.score).toBe(
      engagementScore(
        {
          activeMs: 1_620_000,
          lessonsCompleted: 2,
          quizAttempts: 1,
          lastActiveAt: Date.parse(s1.lastActiveAt!),
        },
        asOf,
      ),
    );
    expect(e.students.map((s) => s.actor)).toEqual(
      [...e.students].sort((a, b) => b.score - a.score).map((s) => s.actor),
    );
    const courseA = e.courses.find((c) => c.courseId === A)!;
    expect(courseA.learners).toBe(3);
    // s3's score in course A alone (day 2: 300 s, 0 lessons, 1 attempt) is part of A's mean.
    const s3InA = engagementScore(
      {
        activeMs: 300_000,
        lessonsCompleted: 0,
        quizAttempts: 1,
        lastActiveAt: Date.parse(`${DAY2}T09:05:00Z`),
      },
      asOf,
    );
    const s2InA = engagementScore(
      {
        activeMs: 1_140_000,
        lessonsCompleted: 0,
        quizAttempts: 1,
        lastActiveAt: Date.parse(`${DAY2}T14:00:00Z`),
      },
      asOf,
    );
    expect(courseA.avgScore).toBeCloseTo((s1.score + s2InA + s3InA) / 3, 1);

    const s2 = await store.student('s2', ALL, { now: NOW });
    expect(s2).toMatchObject({
      events: 13,
      activeSeconds: 1140,
      sessions: 3,
      avgSessionSeconds: (600 + 540 + 0) / 3,
      lastActiveAt: `${DAY2}T14:00:00.000Z`,
      engagement: s2InA,
    });
    expect(s2.courses).toEqual([
      {
        courseId: A,
        enrolledAt: `${DAY1}T10:00:00.000Z`,
        startedAt: `${DAY1}T10:05:00.000Z`,
        firstLessonCompletedAt: null,
        completedAt: null,
        lastActiveAt: `${DAY2}T14:00:00.000Z`,
        events: 13,
        activeSeconds: 1140,
        lessonsCompleted: 0,
        quizAttempts: 1,
        quizAnswers: 4,
        quizCorrect: 2,
        engagement: s2InA,
        rating: 3,
      },
    ]);
  });

  it('lands events uploaded days late in their own day, and live figures in arrival time', async () => {
    const onTime = scenario().filter((e) => !s2Late.includes(e));
    await process(onTime);
    const before = await store.daily(ALL);
    expect(before.map((d) => d.day)).toEqual([DAY1, DAY2, DAY3]);
    await process(s2Late);
    const after = await store.daily(ALL);
    // s2's late session (8 events, 540 s, 4 answers) joins day 1; the late rating joins day 2; day 3 is untouched.
    expect(after[0]).toEqual({
      ...before[0],
      events: before[0]!.events + 8,
      activeSeconds: before[0]!.activeSeconds + 540,
      quizAnswers: before[0]!.quizAnswers + 4,
    });
    expect(after[0]).toMatchObject({ events: 30, learners: 3, activeSeconds: 1620 + 1140 + 300 });
    expect(after[1]).toEqual({ ...before[1], events: before[1]!.events + 1, learners: 2, ratings: 1 });
    expect(after[2]).toEqual(before[2]);

    // They arrived at 18:00 on day 3: s2 is "active now" half a minute later, and 9 events came in that minute.
    const live = await store.overview(ALL, new Date(`${DAY3}T18:00:30.000Z`));
    expect(live.activeLearnersNow).toBe(1);
    expect(live.eventsPerSecond).toBeCloseTo(9 / 60, 10);
    expect((await store.overview(ALL, new Date(`${DAY3}T18:06:00.000Z`))).activeLearnersNow).toBe(0);
  });

  it('changes no figure on replay, in any order or batching, or with two processors at once', async () => {
    const events = scenario();
    await process(events);
    const first = await snapshot();
    const firstDay1 = await snapshot(range(DAY1, DAY2));

    const p = await process(events, 5);
    await process([...events].reverse(), 11);
    expect(p.stats()).toMatchObject({ inserted: 0, duplicates: events.length });
    expect(await snapshot()).toEqual(first);
    expect(await snapshot(range(DAY1, DAY2))).toEqual(firstDay1);

    // From scratch, newest first in small batches: every event is late relative to the ones before it.
    await t.server.database.pool.query(`TRUNCATE ${TABLES.map((x) => `analytics.${x}`).join(', ')}`);
    const byTimeDesc = [...events].sort((x, y) => Date.parse(y.timestamp) - Date.parse(x.timestamp));
    await process(byTimeDesc, 3);
    expect(await snapshot()).toEqual(first);

    // From scratch, two processors at once on interleaved batches, each delivered twice.
    await t.server.database.pool.query(`TRUNCATE ${TABLES.map((x) => `analytics.${x}`).join(', ')}`);
    const batches = chunks(events, 4);
    const one = createProcessor({ store });
    const two = createProcessor({ store });
    await Promise.all([
      (async () => {
        for (const b of batches) await one.handleBatch(b);
      })(),
      (async () => {
        for (const b of [...batches].reverse()) await two.handleBatch(b);
      })(),
    ]);
    expect(one.stats().inserted + two.stats().inserted).toBe(events.length);
    expect(await snapshot()).toEqual(first);
  });

  it('a late event bridging two sessions merges them, and its time lands on both sides', async () => {
    const at = (hhmm: string) => `${DAY1}T${hhmm}:00.000Z`;
    const ev = (hhmm: string, lesson: string) =>
      learningEvent({ actor: 's9', verb: 'opened', at: at(hhmm), course: B, lesson });
    await process([ev('12:00', 'x'), ev('12:50', 'y')]);
    expect(await store.student('s9', ALL, { now: NOW })).toMatchObject({ sessions: 2, activeSeconds: 0 });
    const late = ev('12:25', 'z');
    const report = await createProcessor({ store }).handleBatch([late, late]);
    expect(report).toMatchObject({ received: 2, inserted: 1, duplicates: 1, activeChanges: 1 });
    expect(await store.student('s9', ALL, { now: NOW })).toMatchObject({
      sessions: 1,
      activeSeconds: 50 * 60,
      avgSessionSeconds: 50 * 60,
    });
    const lessons = await store.lessons({ ...ALL, courseId: B });
    expect(lessons.map((l) => [l.lessonId, l.timeSpentSeconds])).toEqual([
      ['x', 25 * 60],
      ['y', 0],
      ['z', 25 * 60],
    ]);
  });

  it('counts platform events and events outside any course without making learners or funnels of them', async () => {
    const at = (hhmm: string) => `${DAY1}T${hhmm}:00.000Z`;
    await process([
      learningEvent({ actor: 'instructor-1', verb: 'published', at: at('07:00'), course: A }),
      learningEvent({ actor: 's5', verb: 'opened', at: at('07:10') }), // an outside tool's activity: no course
      learningEvent({ actor: 's5', verb: 'opened', at: at('07:15') }),
      // A device clock 3 hours behind: corrected by the upload's skew, this lands at 10:20, five minutes after.
      learningEvent({
        actor: 's5',
        verb: 'opened',
        at: at('07:20'),
        stored: at('10:30'),
        skewMs: 3 * 3_600_000,
      }),
    ]);
    const o = await store.overview(range(DAY1, DAY2), NOW);
    expect(o.totals).toMatchObject({ events: 4, learners: 1, activeSeconds: 5 * 60, sessions: 2 });
    expect(await store.funnel(range(DAY1, DAY2))).toEqual([]);
    expect((await store.daily(range(DAY1, DAY2)))[0]).toMatchObject({ events: 4, learners: 1 });
    expect(await store.student('instructor-1', ALL, { now: NOW })).toMatchObject({ events: 0, sessions: 0 });
  });

  it('an id already stored for another learner is a duplicate, not a second event', async () => {
    const original = learningEvent({ actor: 's7', verb: 'opened', at: `${DAY1}T08:00:00.000Z`, course: B });
    await process([original]);
    const impostor = learningEvent({
      ...{ actor: 's8', verb: 'opened', course: B },
      at: `${DAY1}T09:00:00.000Z`,
    });
    const reused = { ...impostor, id: original.id };
    const other = learningEvent({ actor: 's8', verb: 'opened', at: `${DAY1}T09:10:00.000Z`, course: B });
    const r = await createProcessor({ store }).handleBatch([reused, other]);
    expect(r).toMatchObject({ inserted: 1, duplicates: 1 });
    expect((await store.overview(ALL, NOW)).totals).toMatchObject({ events: 2, learners: 2 });
  });
});
