import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  QuizAttemptResult,
  type ErrorBody,
  type GivenAnswers,
  type StudentCourseProgress,
} from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import {
  createCourse,
  enrollDirectly,
  instructorCourse,
  type CreatedCourse,
  type CreatedLesson,
} from '../../../test/factories.ts';

type Account = Awaited<ReturnType<TestServer['user']>>;
let t: TestServer;
let course: CreatedCourse;
let allTypes: CreatedLesson;
let limited: CreatedLesson;

beforeAll(async () => {
  t = await startTestServer();
  course = await instructorCourse(t, {
    modules: [
      [
        {
          title: 'All types',
          quiz: {
            passingPercent: 60,
            questions: [
              {
                answer: { type: 'single_choice', optionId: 'b' },
                options: ['a', 'b', 'c'],
                points: 2,
                feedback: { correct: 'Yes, b.', incorrect: 'Think again about b.' },
              },
              {
                answer: { type: 'multiple_choice', optionIds: ['a', 'c'] },
                options: ['a', 'b', 'c'],
                points: 3,
              },
              { answer: { type: 'true_false', value: false } },
              {
                answer: { type: 'short_answer', accepted: ['Paris', 'Paree'], caseSensitive: false },
                points: 2,
              },
              {
                answer: { type: 'numeric', value: 3.14, tolerance: 0.01 },
                points: 2,
                feedback: { incorrect: 'About 3.14' },
              },
            ],
          },
        },
        {
          title: 'Limited',
          quiz: {
            attemptsAllowed: 2,
            passingPercent: 100,
            questions: [{ answer: { type: 'true_false', value: true } }],
          },
        },
      ],
    ],
  });
  allTypes = course.lesson('All types');
  limited = course.lesson('Limited');
});
afterAll(() => t.close());

async function enrolledStudent(): Promise<Account> {
  const s = await t.user('student');
  await enrollDirectly(t.server.database.pool, course.id, s.id);
  return s;
}

const submit = (
  token: string,
  lesson: CreatedLesson,
  answers: GivenAnswers,
  id: string = crypto.randomUUID(),
  submittedAt = new Date().toISOString(),
) =>
  t.api<QuizAttemptResult & ErrorBody>('POST', '/api/v1/quiz-attempts', {
    token,
    body: { id, courseId: course.id, lessonId: lesson.id, answers, submittedAt },
  });

describe('grading on the server', () => {
  it('grades all five question types with points and feedback', async () => {
    const s = await enrolledStudent();
    const [single, multi, tf, short, num] = allTypes.questionIds as [string, string, string, string, string];
    const right = await submit(s.token, allTypes, {
      [single]: 'b',
      [multi]: ['c', 'a'],
      [tf]: false,
      [short]: '  paris ',
      [num]: 3.145,
    });
    expect(right.status).toBe(201);
    expect(right.body).toMatchObject({
      score: 10,
      maxScore: 10,
      percent: 100,
      passed: true,
      attemptNumber: 1,
      attemptsAllowed: null,
      attemptsRemaining: null,
    });
    expect(right.body.results).toEqual([
      { questionId: single, correct: true, points: 2, maxPoints: 2, feedback: 'Yes, b.' },
      { questionId: multi, correct: true, points: 3, maxPoints: 3 },
      { questionId: tf, correct: true, points: 1, maxPoints: 1 },
      { questionId: short, correct: true, points: 2, maxPoints: 2 },
      { questionId: num, correct: true, points: 2, maxPoints: 2 },
    ]);

    const wrong = await submit(s.token, allTypes, {
      [single]: 'a',
      [multi]: ['a'],
      [tf]: true,
      [short]: 'Lyon',
      [num]: '3.2',
    });
    expect(wrong.body).toMatchObject({ score: 0, maxScore: 10, percent: 0, passed: false, attemptNumber: 2 });
    expect(wrong.body.results.map((r) => r.correct)).toEqual([false, false, false, false, false]);
    expect(wrong.body.results[0]!.feedback).toBe('Think again about b.');
    expect(wrong.body.results[4]!.feedback).toBe('About 3.14');

    // Partly right: single (2) + true/false (1) + numeric given as text (2) = 5 of 10, below the 60% pass mark.
    const partly = await submit(s.token, allTypes, {
      [single]: 'b',
      [multi]: ['a', 'b', 'c'],
      [tf]: false,
      [num]: ' 3.135 ',
    });
    expect(partly.body).toMatchObject({ score: 5, percent: 50, passed: false });
  });

  it('replays an attempt id with the original result; different answers under that id are a conflict', async () => {
    const s = await enrolledStudent();
    const id = crypto.randomUUID();
    const when = new Date().toISOString();
    const answers = { [limited.questionIds[0]!]: false };
    const first = await submit(s.token, limited, answers, id, when);
    expect(first.status).toBe(201);
    const again = await submit(s.token, limited, answers, id, when);
    expect(again.status).toBe(200);
    expect(QuizAttemptResult.parse(again.body)).toEqual({ ...first.body, duplicate: true });
    const clash = await submit(s.token, limited, { [limited.questionIds[0]!]: true }, id, when);
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('idempotency_conflict');
    const rows = await t.server.database.pool.query(
      'SELECT attempt_no FROM quiz_attempts WHERE user_id = $1',
      [s.id],
    );
    expect(rows.rows).toEqual([{ attempt_no: 1 }]);
  });
});

describe('attempt limits and completion', () => {
  it('refuses attempts beyond the limit with attempts_exhausted, even when sent at once', async () => {
    const s = await enrolledStudent();
    const q = limited.questionIds[0]!;
    const burst = await Promise.all([0, 1, 2, 3].map(() => submit(s.token, limited, { [q]: false })));
    expect(burst.map((r) => r.status).sort()).toEqual([201, 201, 409, 409]);
    expect(
      burst
        .filter((r) => r.status === 201)
        .map((r) => r.body.attemptNumber)
        .sort(),
    ).toEqual([1, 2]);
    expect(
      burst
        .filter((r) => r.status === 201)
        .map((r) => r.body.attemptsRemaining)
        .sort(),
    ).toEqual([0, 1]);
    const more = await submit(s.token, limited, { [q]: true });
    expect(more.status).toBe(409);
    expect(more.body.error).toMatchObject({
      code: 'attempts_exhausted',
      details: { attemptsAllowed: 2, attemptsUsed: 2 },
    });
  });

  it('a passed quiz completes its lesson; a failed one only counts as activity', async () => {
    const s = await enrolledStudent();
    const q = limited.questionIds[0]!;
    await submit(s.token, limited, { [q]: false });
    const state = async () =>
      (
        await t.api<StudentCourseProgress>('GET', `/api/v1/me/courses/${course.id}/progress`, {
          token: s.token,
        })
      ).body;
    let p = await state();
    expect(p.lessons.find((l) => l.lessonId === limited.id)).toMatchObject({ completed: false });
    expect(p.lessons.find((l) => l.lessonId === limited.id)!.lastActivityAt).not.toBeNull();
    expect(p.quizzes.find((x) => x.lessonId === limited.id)).toMatchObject({
      attempts: 1,
      bestPercent: 0,
      passed: false,
    });
    await submit(s.token, limited, { [q]: true });
    p = await state();
    expect(p.lessons.find((l) => l.lessonId === limited.id)).toMatchObject({ completed: true });
    expect(p.quizzes.find((x) => x.lessonId === limited.id)).toMatchObject({
      attempts: 2,
      bestPercent: 100,
      passed: true,
    });
  });

  it('refuses students who are not enrolled and lessons without a quiz', async () => {
    const stranger = await t.user('student');
    const r = await submit(stranger.token, limited, {});
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('not_enrolled');
    const s = await enrolledStudent();
    const video = await createCourse(t.server.database.pool, { ownerId: s.id });
    const none = await t.api<ErrorBody>('POST', '/api/v1/quiz-attempts', {
      token: s.token,
      body: {
        id: crypto.randomUUID(),
        courseId: video.id,
        lessonId: video.lessons[0]!.id,
        answers: {},
        submittedAt: new Date().toISOString(),
      },
    });
    expect(none.status).toBe(404);
    const badAnswers = await t.api<ErrorBody>('POST', '/api/v1/quiz-attempts', {
      token: s.token,
      body: {
        id: crypto.randomUUID(),
        courseId: course.id,
        lessonId: limited.id,
        answers: { 'not-a-uuid': true },
        submittedAt: new Date().toISOString(),
      },
    });
    expect(badAnswers.status).toBe(400);
  });

  it("lists the student's own attempts with their results", async () => {
    const s = await enrolledStudent();
    await submit(s.token, limited, { [limited.questionIds[0]!]: false });
    await submit(s.token, allTypes, {});
    const r = await t.api<{ items: QuizAttemptResult[] }>(
      'GET',
      `/api/v1/me/courses/${course.id}/quiz-attempts?lessonId=${limited.id}`,
      { token: s.token },
    );
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({
      lessonId: limited.id,
      attemptNumber: 1,
      attemptsRemaining: 1,
      passed: false,
    });
    const all = await t.api<{ items: QuizAttemptResult[] }>(
      'GET',
      `/api/v1/me/courses/${course.id}/quiz-attempts`,
      { token: s.token },
    );
    expect(all.body.items).toHaveLength(2);
  });
});
