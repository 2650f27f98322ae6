import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEventInput } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { instructorCourse, enrollDirectly, type CreatedCourse } from '../../../test/factories.ts';
import { Replica } from './test-support.ts';

let t: TestServer;
let course: CreatedCourse;

beforeAll(async () => {
  t = await startTestServer();
  course = await instructorCourse(t, {
    modules: [
      [
        { title: 'A' },
        { title: 'B' },
        { title: 'C', kind: 'text' },
        {
          title: 'Q',
          quiz: {
            attemptsAllowed: 3,
            questions: [
              { answer: { type: 'true_false', value: true } },
              { answer: { type: 'true_false', value: false } },
            ],
          },
        },
      ],
    ],
  });
});
afterAll(() => t.close());

const states = async (userId: string) =>
  (
    await t.server.database.pool.query(
      `SELECT lesson_id, position_seconds, watched::text, completed, completed_at, last_activity_at
       FROM lesson_progress WHERE user_id = $1 ORDER BY lesson_id`,
      [userId],
    )
  ).rows;

describe('a push applies progress and attempts in one statement each', () => {
  it('ends in the same lesson states and grades as the same events recorded one by one', async () => {
    const pool = t.server.database.pool;
    const one = await t.user('student');
    const many = await t.user('student');
    await enrollDirectly(pool, course.id, one.id);
    await enrollDirectly(pool, course.id, many.id);
    const lessons = ['A', 'B', 'C', 'Q'].map((x) => course.lesson(x).id);
    const base = Date.parse('2026-03-01T10:00:00Z');
    const events: Omit<ProgressEventInput, 'id'>[] = Array.from({ length: 60 }, (_, i) => {
      const start = Math.floor(Math.random() * 100);
      return {
        courseId: course.id,
        lessonId: lessons[Math.floor(Math.random() * lessons.length)]!,
        ...(Math.random() < 0.7 ? { positionSeconds: start + 5 } : {}),
        ...(Math.random() < 0.8
          ? { watchedIntervals: [[start, start + Math.floor(Math.random() * 20)]] as [number, number][] }
          : {}),
        ...(Math.random() < 0.15 ? { completed: true } : {}),
        // Distinct device times, sent out of order.
        occurredAt: new Date(base + ((i * 7919) % 60) * 60_000).toISOString(),
      };
    });
    const quiz = course.lesson('Q');
    const answers = [
      { [quiz.questionIds[0]!]: false, [quiz.questionIds[1]!]: true },
      { [quiz.questionIds[0]!]: true, [quiz.questionIds[1]!]: true },
      { [quiz.questionIds[0]!]: true, [quiz.questionIds[1]!]: false },
      { [quiz.questionIds[0]!]: true, [quiz.questionIds[1]!]: false },
    ];
    for (const e of events) {
      const r = await t.api('POST', '/api/v1/progress', {
        token: one.token,
        body: { ...e, id: randomUUID() },
      });
      expect(r.status).toBe(201);
    }
    const graded: unknown[] = [];
    for (const [i, a] of answers.entries()) {
      const r = await t.api<{ percent: number; attemptNumber: number; passed: boolean }>(
        'POST',
        '/api/v1/quiz-attempts',
        {
          token: one.token,
          body: {
            id: randomUUID(),
            courseId: course.id,
            lessonId: quiz.id,
            answers: a,
            submittedAt: new Date(base + i * 1000).toISOString(),
          },
        },
      );
      graded.push(
        r.status === 201
          ? { percent: r.body.percent, n: r.body.attemptNumber, passed: r.body.passed }
          : 'refused',
      );
    }

    const device = new Replica(t, many.token);
    for (const e of events) device.queue('recordProgress', { ...e, id: randomUUID() });
    for (const [i, a] of answers.entries())
      device.queue('submitQuizAttempt', {
        id: randomUUID(),
        courseId: course.id,
        lessonId: quiz.id,
        answers: a,
        submittedAt: new Date(base + i * 1000).toISOString(),
      });
    const results = await device.push();
    expect(results.slice(0, events.length).every((r) => r.status === 'applied')).toBe(true);
    const pushed = results.slice(events.length).map((r) =>
      r.status === 'applied'
        ? {
            percent: (r.result as { percent: number }).percent,
            n: (r.result as { attemptNumber: number }).attemptNumber,
            passed: (r.result as { passed: boolean }).passed,
          }
        : 'refused',
    );
    expect(pushed).toEqual(graded);
    expect(pushed[3]).toBe('refused');
    expect(results[events.length + 3]).toMatchObject({ status: 'rejected', code: 'attempts_exhausted' });

    const a = await states(one.id);
    const b = await states(many.id);
    expect(b.map((r: Record<string, unknown>) => ({ ...r, lesson_id: 0 }))).toEqual(
      a.map((r: Record<string, unknown>) => ({ ...r, lesson_id: 0 })),
    );
    expect(b.map((r: Record<string, unknown>) => r.lesson_id)).toEqual(
      a.map((r: Record<string, unknown>) => r.lesson_id),
    );
  });
});
