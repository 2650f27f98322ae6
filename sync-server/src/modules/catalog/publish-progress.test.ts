import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MutationResult } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { Replica } from '../sync/test-support.ts';

/** Issue 15: a new published version that removes a lesson keeps what students did on it. */
let t: TestServer;
let teacher: Awaited<ReturnType<TestServer['user']>>;
let student: Awaited<ReturnType<TestServer['user']>>;

beforeAll(async () => {
  t = await startTestServer();
  teacher = await t.user('instructor', 'Paula Publisher');
  student = await t.user('student', 'Sam Student');
});
afterAll(() => t.close());

const statuses = (rs: MutationResult[]) => rs.map((r) => (r.status === 'applied' ? 'applied' : r.code));
const count = async (table: string, lessonId: string) =>
  Number(
    (
      await t.server.database.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${table} WHERE lesson_id = $1 AND user_id = $2`,
        [lessonId, student.id],
      )
    ).rows[0]!.n,
  );

describe('publishing a version without a lesson', () => {
  it("keeps students' progress and quiz attempts on it", async () => {
    const device = new Replica(t, teacher.token);
    const courseId = randomUUID();
    const moduleId = randomUUID();
    const base = { durationMinutes: 0, isPreview: false, required: true, dueAt: null, body: 'Text' };
    const read = { ...base, id: randomUUID(), title: 'Read', kind: 'text' as const };
    const questionId = randomUUID();
    const quiz = {
      ...base,
      id: randomUUID(),
      title: 'Check',
      kind: 'quiz' as const,
      quiz: {
        passingPercent: 70,
        attemptsAllowed: null,
        graded: true,
        weight: 1,
        deviceGradable: false,
        shuffle: false,
        questions: [
          {
            id: questionId,
            type: 'true_false' as const,
            prompt: 'Yes?',
            options: [],
            answer: { type: 'true_false' as const, value: true },
            points: 1,
            feedback: {},
          },
        ],
      },
    };
    const keep = { ...base, id: randomUUID(), title: 'Stays', kind: 'text' as const };
    let v = 1;
    device.queue('createCourse', { courseId, title: 'Progress kept', subject: 'Science' });
    device.queue('addModule', { courseId, baseVersion: v++, moduleId, title: 'Week 1' });
    for (const lesson of [read, quiz, keep])
      device.queue('addLesson', { courseId, baseVersion: v++, moduleId, lesson });
    device.queue('publishCourse', { courseId, baseVersion: v });
    expect(statuses(await device.push()).every((s) => s === 'applied')).toBe(true);

    const enrolled = await t.api('POST', `/api/v1/courses/${courseId}/enrollment`, { token: student.token });
    expect(enrolled.status).toBe(201);
    const phone = new Replica(t, student.token);
    const now = new Date().toISOString();
    phone.queue('recordProgress', {
      id: randomUUID(),
      courseId,
      lessonId: read.id,
      completed: true,
      occurredAt: now,
    });
    phone.queue('recordProgress', {
      id: randomUUID(),
      courseId,
      lessonId: keep.id,
      completed: true,
      occurredAt: now,
    });
    phone.queue('submitQuizAttempt', {
      id: randomUUID(),
      courseId,
      lessonId: quiz.id,
      answers: { [questionId]: true },
      submittedAt: now,
    });
    expect(statuses(await phone.push())).toEqual(['applied', 'applied', 'applied']);

    // The instructor removes the text lesson and the quiz, and publishes the new version.
    v = (await t.server.catalog.authoring.draftOf(courseId)).version;
    device.queue('deleteLesson', { courseId, baseVersion: v++, lessonId: read.id });
    device.queue('deleteLesson', { courseId, baseVersion: v++, lessonId: quiz.id });
    device.queue('publishCourse', { courseId, baseVersion: v });
    expect(statuses(await device.push())).toEqual(['applied', 'applied', 'applied']);
    const view = await t.api<{ modules: { lessons: { id: string }[] }[] }>(
      'GET',
      `/api/v1/courses/${courseId}`,
      {
        token: student.token,
      },
    );
    expect(view.body.modules[0]!.lessons.map((l) => l.id)).toEqual([keep.id]);

    // What the student did on the removed lessons is still there, and their progress still answers.
    expect(await count('lesson_progress', read.id)).toBe(1);
    expect(await count('progress_events', read.id)).toBe(1);
    expect(await count('quiz_attempts', quiz.id)).toBe(1);
    expect(await count('lesson_progress', keep.id)).toBe(1);
    const mine = await t.api('GET', `/api/v1/me/courses/${courseId}/progress`, { token: student.token });
    expect(mine.status).toBe(200);
  });
});
