import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, enrollDirectly, type CreatedCourse } from '../../../test/factories.ts';

type Account = Awaited<ReturnType<TestServer['user']>>;
let t: TestServer;
let course: CreatedCourse;
let other: CreatedCourse;
let student: Account;

beforeAll(async () => {
  t = await startTestServer();
  const owner = await t.user('instructor');
  const pool = t.server.database.pool;
  course = await createCourse(pool, {
    ownerId: owner.id,
    modules: [
      [
        { title: 'Video' },
        { title: 'Text', kind: 'text' },
        {
          title: 'Quiz',
          quiz: { attemptsAllowed: 1, questions: [{ answer: { type: 'true_false', value: true } }] },
        },
      ],
    ],
  });
  other = await createCourse(pool, { ownerId: owner.id, modules: [[{ title: 'Elsewhere' }]] });
  student = await t.user('student');
  await enrollDirectly(pool, course.id, student.id);
});
afterAll(() => t.close());

const occurredAt = () => new Date(Date.now() - 60_000).toISOString();
const progressRows = async (userId: string) =>
  (
    await t.server.database.pool.query<{ lesson_id: string; completed: boolean }>(
      'SELECT lesson_id, completed FROM lesson_progress WHERE user_id = $1 ORDER BY lesson_id',
      [userId],
    )
  ).rows;

describe('the progress writers on a given connection', () => {
  it('write inside the caller’s transaction: seen there, gone after its rollback', async () => {
    const client = await t.server.database.pool.connect();
    try {
      await client.query('BEGIN');
      const writers = t.server.progress.writers(client);
      const recorded = await writers.recordBatch(student.id, [
        {
          id: crypto.randomUUID(),
          courseId: course.id,
          lessonId: course.lesson('Video').id,
          positionSeconds: 12,
          watchedIntervals: [[0, 12]],
          occurredAt: occurredAt(),
        },
      ]);
      expect(recorded).toMatchObject([
        { ok: true, result: { duplicate: false, lesson: { watchedSeconds: 12 } } },
      ]);
      const quiz = course.lesson('Quiz');
      const graded = await writers.submitBatch(student.id, [
        {
          id: crypto.randomUUID(),
          courseId: course.id,
          lessonId: quiz.id,
          answers: { [quiz.questionIds[0]!]: true },
          submittedAt: occurredAt(),
        },
      ]);
      expect(graded).toMatchObject([{ ok: true, result: { passed: true, attemptNumber: 1 } }]);
      const inside = await client.query('SELECT 1 FROM lesson_progress WHERE user_id = $1', [student.id]);
      expect(inside.rowCount).toBe(2);
      // Not committed: another connection sees nothing yet.
      expect(await progressRows(student.id)).toEqual([]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await progressRows(student.id)).toEqual([]);
  });

  it('answer one outcome per input, in order, refusing what cannot be recorded', async () => {
    const { recordBatch } = t.server.progress.writers(t.server.database.pool);
    const ok = {
      id: crypto.randomUUID(),
      courseId: course.id,
      lessonId: course.lesson('Text').id,
      completed: true,
      occurredAt: occurredAt(),
    };
    const out = await recordBatch(student.id, [
      {
        id: crypto.randomUUID(),
        courseId: course.id,
        lessonId: other.lesson('Elsewhere').id,
        occurredAt: occurredAt(),
      },
      ok,
      {
        id: crypto.randomUUID(),
        courseId: other.id,
        lessonId: other.lesson('Elsewhere').id,
        occurredAt: occurredAt(),
      },
    ]);
    expect(out.map((o) => (o.ok === false ? o.error.code : o.ok))).toEqual([
      'not_found',
      true,
      'not_enrolled',
    ]);
    expect(out[1]).toMatchObject({ ok: true, result: { duplicate: false, lesson: { completed: true } } });
    expect(await progressRows(student.id)).toEqual([{ lesson_id: ok.lessonId, completed: true }]);
    // The same event again is a duplicate, and changes nothing.
    expect(await recordBatch(student.id, [ok])).toMatchObject([{ ok: true, result: { duplicate: true } }]);
    expect(await progressRows(student.id)).toEqual([{ lesson_id: ok.lessonId, completed: true }]);
  });
});
