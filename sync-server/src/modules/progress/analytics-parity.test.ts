import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  learningStatements,
  type CourseFunnel,
  type CourseReport,
  type EngagementInsight,
  type LearningRef,
  type LessonInsight,
  type PlatformOverview,
  type QuestionInsight,
} from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, enrollDirectly, type CreatedCourse } from '../../../test/factories.ts';
import { PROCESSOR_GROUP } from '../analytics/index.ts';
import { TOPICS } from '../analytics/stream/port.ts';
import { Replica } from '../sync/test-support.ts';

/**
 * Issue 17: every lesson completion and quiz attempt counts exactly once in analytics, whatever path recorded it
 * (HTTP routes → outbox statements with deterministic ids; desktop sync push + its own xAPI upload), and the
 * instructor's insights agree with the course report.
 */
type Account = Awaited<ReturnType<TestServer['user']>>;
let t: TestServer;
let owner: Account;
let course: CreatedCourse;
const tf = (n: number) =>
  Array.from({ length: n }, () => ({ answer: { type: 'true_false' as const, value: true } }));

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.user('instructor');
  course = await createCourse(t.server.database.pool, {
    ownerId: owner.id,
    modules: [
      [
        { title: 'Intro' },
        { title: 'Reading', kind: 'text' },
        { title: 'Quiz', quiz: { passingPercent: 50, questions: tf(2) } },
      ],
    ],
  });
}, 60_000);
afterAll(() => t.close());

async function student(): Promise<Account> {
  const s = await t.user('student');
  await enrollDirectly(t.server.database.pool, course.id, s.id);
  return s;
}

const progressEvent = (lesson: string, extra: Record<string, unknown>) => ({
  id: randomUUID(),
  courseId: course.id,
  lessonId: course.lesson(lesson).id,
  occurredAt: new Date().toISOString(),
  ...extra,
});
const post = (who: Account, body: ReturnType<typeof progressEvent>) =>
  t.api('POST', '/api/v1/progress', { token: who.token, body });
const progress = (who: Account, lesson: string, extra: Record<string, unknown>) =>
  post(who, progressEvent(lesson, extra));

/** A quiz attempt with the first `right` questions answered correctly. */
const attemptInput = (right: number) => {
  const quiz = course.lesson('Quiz');
  return {
    id: randomUUID(),
    courseId: course.id,
    lessonId: quiz.id,
    answers: Object.fromEntries(quiz.questionIds.map((q, i) => [q, i < right])),
    submittedAt: new Date().toISOString(),
  };
};

/** The pipeline has caught up: the outbox is delivered and the processor has read the whole stream. */
async function settled(): Promise<void> {
  await expect
    .poll(
      async () => {
        const { rows } = await t.server.database.pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM event_outbox WHERE published_at IS NULL',
        );
        return (
          rows[0]!.n === 0 && (await t.server.analytics.stream.lag(TOPICS.learning, PROCESSOR_GROUP)) === 0
        );
      },
      { timeout: 20_000, interval: 100 },
    )
    .toBe(true);
}

async function figures() {
  await settled();
  const q = `courseId=${course.id}&last=30d`;
  const get = async <T>(p: string) => {
    const r = await t.api<T>('GET', p, { token: owner.token });
    expect(r.status, p).toBe(200);
    return r.body;
  };
  const report = await get<CourseReport>(`/api/v1/courses/${course.id}/report`);
  const lessons = await get<LessonInsight[]>(`/api/v1/analytics/lessons?${q}`);
  const overview = await get<PlatformOverview>(`/api/v1/analytics/overview?${q}`);
  const funnel = await get<CourseFunnel[]>(`/api/v1/analytics/funnel?${q}`);
  const engagement = await get<EngagementInsight>(`/api/v1/analytics/engagement?${q}`);
  const questions = await get<QuestionInsight[]>(`/api/v1/analytics/questions?${q}`);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    report: {
      completions: Object.fromEntries(report.lessons.map((l) => [l.lessonId, l.completedCount])),
      totalCompletions: sum(report.lessons.map((l) => l.completedCount)),
      attempts: sum(report.quizzes.map((x) => x.attempts)),
      coursesCompleted: report.counts.completed,
    },
    insights: {
      completions: Object.fromEntries(
        course.lessons.map((l) => [l.id, lessons.find((x) => x.lessonId === l.id)?.completed ?? 0]),
      ),
      totalCompletions: overview.totals.lessonCompletions,
      learnerCompletions: sum(engagement.students.map((s) => s.lessonsCompleted)),
      attempts: sum(engagement.students.map((s) => s.quizAttempts)),
      answers: sum(questions.map((x) => x.answers)),
      coursesCompleted: funnel.find((f) => f.courseId === course.id)?.completedCourse ?? 0,
    },
  };
}

/** The insights say what the report says (each student completes a lesson at most once, so counts = learners). */
function expectAgreement(f: Awaited<ReturnType<typeof figures>>) {
  expect(f.insights.completions).toEqual(f.report.completions);
  expect(f.insights.totalCompletions).toBe(f.report.totalCompletions);
  expect(f.insights.learnerCompletions).toBe(f.report.totalCompletions);
  expect(f.insights.attempts).toBe(f.report.attempts);
  expect(f.insights.answers).toBe(f.report.attempts * course.lesson('Quiz').questionIds.length);
  expect(f.insights.coursesCompleted).toBe(f.report.coursesCompleted);
}

describe('progress recorded over HTTP reaches analytics exactly once', () => {
  it('completions and attempts through the routes: the insights agree with the course report; repeats count once', async () => {
    const [ana, ben] = [await student(), await student()];
    // Ana completes everything: Intro, Reading, a failed attempt then a passed one (which completes the quiz lesson).
    expect((await progress(ana, 'Intro', { completed: true })).status).toBe(201);
    expect((await progress(ana, 'Reading', { completed: true })).status).toBe(201);
    for (const right of [0, 2]) {
      const r = await t.api('POST', '/api/v1/quiz-attempts', { token: ana.token, body: attemptInput(right) });
      expect(r.status).toBe(201);
    }
    // Ben completes Intro; the same event replayed, another completing event, and a position update emit nothing.
    const done = progressEvent('Intro', { completed: true });
    expect((await post(ben, done)).status).toBe(201);
    expect((await post(ben, done)).status).toBe(200);
    expect((await progress(ben, 'Intro', { completed: true })).status).toBe(201);
    expect((await progress(ben, 'Intro', { positionSeconds: 12 })).status).toBe(201);
    expect((await progress(ben, 'Reading', { positionSeconds: 3 })).status).toBe(201);
    const failed = attemptInput(0);
    expect((await t.api('POST', '/api/v1/quiz-attempts', { token: ben.token, body: failed })).status).toBe(
      201,
    );
    expect((await t.api('POST', '/api/v1/quiz-attempts', { token: ben.token, body: failed })).status).toBe(
      200,
    );

    const f = await figures();
    expect(f.report).toMatchObject({ totalCompletions: 4, attempts: 3, coursesCompleted: 1 });
    expectAgreement(f);

    // What the outbox got about lessons: one completion per newly completed lesson, one statement set per attempt
    // (Ana's course completion is the enrollment module's own event).
    const { rows } = await t.server.database.pool.query<{ verb: string; n: number }>(
      `SELECT statement->'verb'->'display'->>'en' AS verb, count(*)::int AS n FROM event_outbox
       WHERE statement->'actor'->'account'->>'name' = ANY($1) AND statement->'object'->>'id' LIKE '%/lesson/%'
       GROUP BY 1 ORDER BY 1`,
      [[ana.id, ben.id]],
    );
    expect(Object.fromEntries(rows.map((r) => [r.verb, r.n]))).toEqual({
      completed: 4,
      attempted: 3,
      answered: 6,
      passed: 1,
      failed: 2,
    });

    // Delivered again (a relay crash before marking them published): duplicates by their ids, nothing counts twice.
    const again = await t.server.database.pool.query<{ statement: unknown }>(
      `SELECT statement FROM event_outbox WHERE statement->'actor'->'account'->>'name' = ANY($1)`,
      [[ana.id, ben.id]],
    );
    const r = await t.server.analytics.collector.ingest(
      again.rows.map((x) => x.statement),
      { source: 'outbox', origin: 'event_outbox' },
    );
    expect(r).toMatchObject({ accepted: 0, duplicates: again.rows.length, rejected: [] });
    expect(await figures()).toEqual(f);
  }, 60_000);

  it('a desktop sync push plus its own xAPI upload counts once, and a later HTTP completion of the same lesson adds nothing', async () => {
    const before = await figures();
    const cleo = await student();
    const device = new Replica(t, cleo.token);
    const at = new Date().toISOString();
    const intro: LearningRef = { courseId: course.id, lessonId: course.lesson('Intro').id };
    const quizRef: LearningRef = { courseId: course.id, lessonId: course.lesson('Quiz').id };
    const attempt = attemptInput(2);
    device.queue('recordProgress', {
      id: randomUUID(),
      courseId: course.id,
      lessonId: intro.lessonId,
      completed: true,
      occurredAt: at,
    });
    device.queue('submitQuizAttempt', attempt);
    const results = await device.push();
    expect(results.every((r) => r.status === 'applied')).toBe(true);
    // What the desktop app uploads for the same actions (its own statement ids).
    const meta = () => ({ id: randomUUID(), timestamp: at, platform: 'Lyceum desktop' });
    const b = learningStatements;
    const statements = [
      b.lessonCompleted(cleo.id, intro, meta()),
      b.quizAttempted(cleo.id, quizRef, attempt, meta()),
      ...course
        .lesson('Quiz')
        .questionIds.map((q) =>
          b.answered(
            cleo.id,
            quizRef,
            { questionId: q, type: 'true_false', success: true, response: true },
            meta(),
          ),
        ),
      b.quizOutcome(cleo.id, quizRef, { passed: true, score: 2, maxScore: 2, percent: 100 }, meta()),
      b.lessonCompleted(cleo.id, quizRef, meta()),
    ];
    const upload = await t.api('POST', '/api/v1/analytics/events', {
      token: cleo.token,
      body: { deviceId: device.deviceId, sentAt: new Date().toISOString(), statements },
    });
    expect(upload.status).toBe(200);
    // The same lesson completed again through the HTTP route (another client): not new, so nothing is emitted.
    expect((await progress(cleo, 'Intro', { completed: true })).status).toBe(201);

    const f = await figures();
    expect(f.report.totalCompletions).toBe(before.report.totalCompletions + 2);
    expect(f.report.attempts).toBe(before.report.attempts + 1);
    expectAgreement(f);
  }, 60_000);
});
