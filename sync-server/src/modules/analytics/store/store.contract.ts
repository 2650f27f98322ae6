import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InsightRange, LearningEvent } from '@lyceum/contracts';
import { engagementAsOf, engagementScore } from '../insights/engagement.ts';
import { createProcessor } from '../processor/index.ts';
import { learningEvent } from '../processor/test-events.ts';
import {
  A,
  A1,
  A2,
  ALL,
  B,
  B1,
  DAY1,
  DAY2,
  DAY3,
  range,
  s2Late,
  scenario,
} from '../processor/test-scenario.ts';
import type { AnalyticsStore } from './port.ts';

/** A store adapter as the contract suite sees it. */
export interface StoreBackend {
  /** A store holding nothing (the same one emptied, or a new one). */
  fresh(): Promise<AnalyticsStore>;
  close(): Promise<void>;
}

const NOW = new Date('2026-03-05T00:00:00.000Z');
const chunks = <T>(xs: readonly T[], n: number) =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
const bucket = (...at: number[]) => Array.from({ length: 20 }, (_, k) => at.filter((i) => i === k).length);

/**
 * The analytics store contract: the processor drives the store (createProcessor({ store }).handleBatch) through the
 * hand-built history of processor/test-scenario.ts — 3 students, 2 courses, a video lesson, a quiz, ratings, a
 * session recorded offline and uploaded two days late — and every insight must give the figures worked out by hand
 * there. Both adapters run it, so they give the same answers.
 */
export function storeContract(label: string, makeBackend: () => Promise<StoreBackend>): void {
  describe(`analytics store contract: ${label}`, { timeout: 180_000 }, () => {
    let backend: StoreBackend;
    beforeAll(async () => {
      backend = await makeBackend();
    });
    afterAll(async () => {
      await backend?.close();
    });

    async function feed(store: AnalyticsStore, events: readonly LearningEvent[], batchSize = 7) {
      const p = createProcessor({ store });
      for (const batch of chunks(events, batchSize)) await p.handleBatch(batch);
      return p;
    }
    async function snapshot(store: AnalyticsStore, r: InsightRange = ALL) {
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

    it('counts events, learners, active time, sessions, completions, answers and ratings', async () => {
      const store = await backend.fresh();
      const events = scenario();
      const p = await feed(store, events);
      expect(p.stats()).toMatchObject({ received: events.length, inserted: events.length, duplicates: 0 });
      expect((await store.overview(ALL, NOW)).totals).toEqual({
        events: events.length,
        learners: 3,
        activeSeconds: 1620 + 1140 + 300 + 300,
        sessions: 7,
        enrollments: 4,
        lessonCompletions: 2,
        courseCompletions: 1,
        quizAnswers: 10,
        ratings: 4,
      });
      // Course B alone: s3's day-1 session (its learning session started in B).
      expect((await store.overview({ ...ALL, courseId: B }, NOW)).totals).toMatchObject({
        events: 5,
        learners: 1,
        activeSeconds: 300,
        sessions: 1,
        ratings: 1,
      });
    });

    it('gives the completion funnel over the range cohort, with milestones up to its end', async () => {
      const store = await backend.fresh();
      await feed(store, scenario());
      expect(await store.funnel(ALL)).toEqual([
        {
          courseId: A,
          enrolled: 3,
          started: 3,
          completedLesson: 1,
          completedCourse: 1,
          completionRate: 1 / 3,
        },
        { courseId: B, enrolled: 1, started: 1, completedLesson: 0, completedCourse: 0, completionRate: 0 },
      ]);
      expect(await store.funnel(range(DAY1, DAY2, A))).toEqual([
        { courseId: A, enrolled: 2, started: 2, completedLesson: 1, completedCourse: 1, completionRate: 0.5 },
      ]);
      // Day 3 alone: s1 only re-rated A; the course was completed on day 1, before the range, and still counts.
      expect(await store.funnel(range(DAY3, '2026-03-05'))).toEqual([
        { courseId: A, enrolled: 1, started: 1, completedLesson: 1, completedCourse: 1, completionRate: 1 },
      ]);
    });

    it('gives lesson completion, time spent, watch share and drop-off', async () => {
      const store = await backend.fresh();
      await feed(store, scenario());
      const lessons = await store.lessons(ALL);
      expect(lessons.map((l) => [l.courseId, l.lessonId])).toEqual([
        [A, A1],
        [A, A2],
        [B, B1],
      ]);
      expect(lessons[0]).toEqual({
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
        dropOff: bucket(8, 14, 19),
      });
      expect(lessons[1]).toMatchObject({ started: 3, completed: 1, timeSpentSeconds: 900, viewers: 0 });
      expect(lessons[1]!.avgWatchedShare).toBeNull();
      expect(lessons[2]).toMatchObject({
        started: 1,
        completed: 0,
        timeSpentSeconds: 240,
        viewingSessions: 1,
      });
      expect(lessons[2]!.avgWatchedShare).toBeCloseTo(0.3, 10);
      expect(lessons[2]!.dropOff).toEqual(bucket(6));
      // Day 2 alone: only s3 worked on a2 (and a1's viewing sessions all started on day 1).
      expect(await store.lessons(range(DAY2, DAY3, A))).toEqual([
        expect.objectContaining({
          lessonId: A2,
          started: 1,
          completed: 0,
          timeSpentSeconds: 240,
          viewingSessions: 0,
        }),
      ]);
    });

    it('gives question difficulty and discrimination from first answers', async () => {
      const store = await backend.fresh();
      await feed(store, scenario());
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
      // Day 2 alone: s3's first answers only (s2's retried q1 was answered first on day 1).
      const day2 = await store.questions(range(DAY2, DAY3));
      expect(
        day2.map((x) => [x.questionId, x.respondents, x.correctFirst, x.answers, x.discrimination]),
      ).toEqual([
        ['q1', 1, 1, 1, null],
        ['q2', 1, 0, 1, null],
        ['q3', 1, 1, 1, null],
      ]);
      // From 11:06 on day 1: s2 answered q1 first at 11:05 (wrong), so the 11:06 retry makes no respondent of s2.
      const afterRetry = await store.questions({
        from: `${DAY1}T11:06:00.000Z`,
        to: `${DAY2}T00:00:00.000Z`,
      });
      expect(afterRetry.map((x) => [x.questionId, x.respondents, x.correctFirst, x.answers])).toEqual([
        ['q2', 1, 1, 1],
        ['q3', 1, 0, 1],
      ]);
    });

    it("counts a learner's latest rating, in the range it was given", async () => {
      const store = await backend.fresh();
      await feed(store, scenario());
      expect(await store.ratings(ALL)).toEqual({
        overall: { count: 3, mean: 3, histogram: [0, 1, 1, 1, 0] },
        courses: [
          { courseId: A, count: 2, mean: 3.5, histogram: [0, 0, 1, 1, 0] },
          { courseId: B, count: 1, mean: 2, histogram: [0, 1, 0, 0, 0] },
        ],
      });
      // s1's day-1 rating (5) was replaced on day 3: day 1 keeps only s3's rating of B.
      expect(await store.ratings(range(DAY1, DAY2))).toEqual({
        overall: { count: 1, mean: 2, histogram: [0, 1, 0, 0, 0] },
        courses: [{ courseId: B, count: 1, mean: 2, histogram: [0, 1, 0, 0, 0] }],
      });
    });

    it('scores engagement and sums up a student', async () => {
      const store = await backend.fresh();
      await feed(store, scenario());
      const asOf = engagementAsOf(ALL.to, NOW);
      const e = await store.engagement(ALL, { now: NOW });
      expect(e.students.map((s) => s.actor).sort()).toEqual(['s1', 's2', 's3']);
      const s1 = e.students.find((s) => s.actor === 's1')!;
      expect(s1).toEqual({
        actor: 's1',
        score: engagementScore(
          {
            activeMs: 1_620_000,
            lessonsCompleted: 2,
            quizAttempts: 1,
            lastActiveAt: Date.parse(`${DAY3}T10:00:00Z`),
          },
          asOf,
        ),
        activeSeconds: 1620,
        lessonsCompleted: 2,
        quizAttempts: 1,
        lastActiveAt: `${DAY3}T10:00:00.000Z`,
      });
      const s2InA = engagementScore(
        {
          activeMs: 1_140_000,
          lessonsCompleted: 0,
          quizAttempts: 1,
          lastActiveAt: Date.parse(`${DAY2}T14:00:00Z`),
        },
        asOf,
      );
      const s3InA = engagementScore(
        {
          activeMs: 300_000,
          lessonsCompleted: 0,
          quizAttempts: 1,
          lastActiveAt: Date.parse(`${DAY2}T09:05:00Z`),
        },
        asOf,
      );
      expect(e.courses.map((c) => [c.courseId, c.learners])).toEqual([
        [A, 3],
        [B, 1],
      ]);
      expect(e.courses[0]!.avgScore).toBeCloseTo((s1.score + s2InA + s3InA) / 3, 1);

      const s2 = await store.student('s2', ALL, { now: NOW });
      expect(s2).toEqual({
        actor: 's2',
        events: 13,
        activeSeconds: 1140,
        sessions: 3,
        avgSessionSeconds: expect.closeTo(380, 9),
        lastActiveAt: `${DAY2}T14:00:00.000Z`,
        engagement: s2InA,
        courses: [
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
        ],
      });
      // Milestones and the rating are lifetime: s1 on day 3 alone still shows day 1's completion, and rating 4.
      const s1Day3 = await store.student('s1', range(DAY3, '2026-03-05'), { now: NOW });
      expect(s1Day3).toMatchObject({ events: 1, sessions: 1, activeSeconds: 0 });
      expect(s1Day3.courses[0]).toMatchObject({ completedAt: `${DAY1}T09:26:00.000Z`, rating: 4, events: 1 });
    });

    it('lands events uploaded days late in their own day; live figures are in arrival time', async () => {
      const store = await backend.fresh();
      const onTime = scenario().filter((e) => !s2Late.includes(e));
      await feed(store, onTime);
      const before = await store.daily(ALL);
      expect(before.map((d) => d.day)).toEqual([DAY1, DAY2, DAY3]);
      await feed(store, s2Late);
      const after = await store.daily(ALL);
      expect(after[0]).toEqual({
        ...before[0],
        events: before[0]!.events + 8,
        activeSeconds: before[0]!.activeSeconds + 540,
        quizAnswers: before[0]!.quizAnswers + 4,
      });
      expect(after[0]).toMatchObject({ events: 30, learners: 3, activeSeconds: 1620 + 1140 + 300 });
      expect(after[1]).toEqual({ ...before[1], events: before[1]!.events + 1, learners: 2, ratings: 1 });
      expect(after[2]).toEqual(before[2]);

      const live = await store.overview(ALL, new Date(`${DAY3}T18:00:30.000Z`));
      expect(live.activeLearnersNow).toBe(1);
      expect(live.eventsPerSecond).toBeCloseTo(9 / 60, 10);
      // Earlier that day only s1 (re-rating at 10:00) had arrived; later on, nobody.
      expect((await store.overview(ALL, new Date(`${DAY3}T10:02:00.000Z`))).activeLearnersNow).toBe(1);
      expect((await store.overview(ALL, new Date(`${DAY3}T18:06:00.000Z`))).activeLearnersNow).toBe(0);
    });

    it('a student only enrolled (added to the roster) is counted as an enrollment, not as active now', async () => {
      const store = await backend.fresh();
      const at = `${DAY3}T12:00:00.000Z`;
      await feed(store, [
        learningEvent({ actor: 'r1', verb: 'enrolled', at, course: B }),
        learningEvent({ actor: 'r2', verb: 'enrolled', at, course: B }),
        learningEvent({ actor: 'r2', verb: 'opened', at: `${DAY3}T12:01:00.000Z`, course: B, lesson: B1 }),
      ]);
      const o = await store.overview(ALL, new Date(`${DAY3}T12:02:00.000Z`));
      expect(o.activeLearnersNow).toBe(1);
      expect(o.totals.enrollments).toBe(2);
    });

    it('changes no figure on replay, in any order or batching, or with two processors at once', async () => {
      let store = await backend.fresh();
      const events = scenario();
      await feed(store, events);
      const first = await snapshot(store);
      const firstDay1 = await snapshot(store, range(DAY1, DAY2));
      const again = await feed(store, [...events].reverse(), 11);
      expect(again.stats()).toMatchObject({ inserted: 0, duplicates: events.length });
      expect(await snapshot(store)).toEqual(first);
      expect(await snapshot(store, range(DAY1, DAY2))).toEqual(firstDay1);

      // Newest first in small batches: every event is late relative to the ones before it.
      store = await backend.fresh();
      await feed(
        store,
        [...events].sort((x, y) => Date.parse(y.timestamp) - Date.parse(x.timestamp)),
        3,
      );
      expect(await snapshot(store)).toEqual(first);

      // Two processors at once on interleaved batches, each batch delivered to both.
      store = await backend.fresh();
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
      expect(await snapshot(store)).toEqual(first);
    });

    it('clear empties every figure; the same events fed again give the same figures (the voiding correction)', async () => {
      const store = await backend.fresh();
      const events = scenario();
      await feed(store, events);
      const first = await snapshot(store);
      await store.clear();
      const empty = await store.overview(ALL, NOW);
      expect(empty).toMatchObject({ totals: { events: 0 } });
      expect(await store.lessons(ALL)).toEqual([]);
      const again = await feed(store, events, 5);
      expect(again.stats()).toMatchObject({ inserted: events.length, duplicates: 0 });
      expect(await snapshot(store)).toEqual(first);
    });

    it('a late event bridging two sessions merges them; an id reused by another learner is a duplicate', async () => {
      const store = await backend.fresh();
      const ev = (actor: string, hhmm: string, lesson: string) =>
        learningEvent({ actor, verb: 'opened', at: `${DAY1}T${hhmm}:00.000Z`, course: B, lesson });
      await feed(store, [ev('s9', '12:00', 'x'), ev('s9', '12:50', 'y')]);
      expect(await store.student('s9', ALL, { now: NOW })).toMatchObject({ sessions: 2, activeSeconds: 0 });
      const late = ev('s9', '12:25', 'z');
      const report = await createProcessor({ store }).handleBatch([late, late]);
      expect(report).toMatchObject({ received: 2, inserted: 1, duplicates: 1, activeChanges: 1 });
      expect(await store.student('s9', ALL, { now: NOW })).toMatchObject({
        sessions: 1,
        activeSeconds: 50 * 60,
        avgSessionSeconds: 50 * 60,
      });
      expect(
        (await store.lessons({ ...ALL, courseId: B })).map((l) => [l.lessonId, l.timeSpentSeconds]),
      ).toEqual([
        ['x', 25 * 60],
        ['y', 0],
        ['z', 25 * 60],
      ]);

      const reused = { ...ev('s8', '13:00', 'x'), id: late.id };
      const r = await createProcessor({ store }).handleBatch([reused, ev('s8', '13:10', 'y')]);
      expect(r).toMatchObject({ inserted: 1, duplicates: 1 });
      expect((await store.overview(ALL, NOW)).totals).toMatchObject({ events: 4, learners: 2 });
    });
  });
}
