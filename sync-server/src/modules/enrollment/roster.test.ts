import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, Roster, RosterEntry } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, type CreatedCourse } from '../../../test/factories.ts';

type Account = Awaited<ReturnType<TestServer['user']>>;
let t: TestServer;
let owner: Account;
let coInstructor: Account;
let otherInstructor: Account;
let admin: Account;
let course: CreatedCourse;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.user('instructor', 'Olivia Owner');
  coInstructor = await t.user('instructor', 'Carl Co');
  otherInstructor = await t.user('instructor', 'Oscar Other');
  admin = await t.user('admin', 'Ada Admin');
  course = await createCourse(t.server.database.pool, {
    ownerId: owner.id,
    instructorIds: [coInstructor.id],
    priceCents: 9900,
    modules: [
      [
        { title: 'Watch' },
        { title: 'Read' },
        { title: 'Quiz', quiz: { questions: [{ answer: { type: 'true_false', value: true } }] } },
      ],
    ],
  });
});
afterAll(() => t.close());

const roster = (token: string, query = '') =>
  t.api<Roster & ErrorBody>('GET', `/api/v1/courses/${course.id}/roster${query}`, { token });
const add = (token: string, body: unknown, courseId = course.id) =>
  t.api<RosterEntry & ErrorBody>('POST', `/api/v1/courses/${courseId}/roster`, { token, body });

describe('roster permissions', () => {
  it('lets the owner, a co-instructor and admins in; other instructors and students get 403', async () => {
    expect((await roster(owner.token)).status).toBe(200);
    expect((await roster(coInstructor.token)).status).toBe(200);
    expect((await roster(admin.token)).status).toBe(200);
    const other = await roster(otherInstructor.token);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
    const student = await t.user('student');
    expect((await roster(student.token)).status).toBe(403);
    expect((await add(student.token, { email: student.email })).status).toBe(403);
    expect((await add(otherInstructor.token, { email: student.email })).status).toBe(403);
    const remove = await t.api('DELETE', `/api/v1/courses/${course.id}/roster/${student.id}`, {
      token: otherInstructor.token,
    });
    expect(remove.status).toBe(403);
    expect(
      (
        await t.api('GET', `/api/v1/courses/0190a0a0-0000-7000-8000-000000000000/roster`, {
          token: admin.token,
        })
      ).status,
    ).toBe(404);
  });
});

describe('managing the roster', () => {
  it('adds students by email or id (even to a paid course), lists their standing, removes them', async () => {
    const zoe = await t.user('student', 'Zoe Zed');
    const amy = await t.user('student', 'Amy Able');
    const byEmail = await add(owner.token, { email: zoe.email.toUpperCase() });
    expect(byEmail.status).toBe(201);
    expect(byEmail.body).toMatchObject({
      userId: zoe.id,
      name: 'Zoe Zed',
      email: zoe.email,
      status: 'active',
      source: 'instructor',
      progressPercent: 0,
      grade: 0,
    });
    const byId = await add(admin.token, { userId: amy.id });
    expect(byId.status).toBe(201);
    expect((await add(owner.token, { userId: amy.id })).body.error.code).toBe('already_enrolled');
    expect((await add(owner.token, { email: 'nobody@example.test' })).status).toBe(404);
    expect((await add(owner.token, { email: zoe.email, userId: zoe.id })).status).toBe(400);
    expect((await add(owner.token, {})).status).toBe(400);

    // Amy studies: one of three required lessons done, quiz failed once.
    const base = { courseId: course.id, occurredAt: new Date().toISOString() };
    await t.api('POST', '/api/v1/progress', {
      token: amy.token,
      body: { ...base, id: crypto.randomUUID(), lessonId: course.lesson('Watch').id, completed: true },
    });
    const quiz = course.lesson('Quiz');
    const attempt = await t.api('POST', '/api/v1/quiz-attempts', {
      token: amy.token,
      body: {
        id: crypto.randomUUID(),
        courseId: course.id,
        lessonId: quiz.id,
        answers: { [quiz.questionIds[0]!]: false },
        submittedAt: base.occurredAt,
      },
    });
    expect(attempt.status).toBe(201);

    const list = await roster(coInstructor.token);
    expect(list.body.counts).toEqual({ active: 2, completed: 0, dropped: 0, refunded: 0 });
    expect(list.body.items.map((i) => i.name)).toEqual(['Amy Able', 'Zoe Zed']);
    expect(list.body.items[0]).toMatchObject({
      userId: amy.id,
      email: amy.email,
      status: 'active',
      progressPercent: 33.3,
      grade: 0,
    });
    expect(list.body.items[0]!.lastActivityAt).not.toBeNull();
    expect(list.body.items[1]).toMatchObject({ userId: zoe.id, progressPercent: 0, lastActivityAt: null });

    const removed = await t.api('DELETE', `/api/v1/courses/${course.id}/roster/${zoe.id}`, {
      token: owner.token,
    });
    expect(removed.status).toBe(204);
    const after = await roster(owner.token);
    expect(after.body.counts).toEqual({ active: 1, completed: 0, dropped: 1, refunded: 0 });
    expect(after.body.items.find((i) => i.userId === zoe.id)?.status).toBe('dropped');
    const onlyActive = await roster(owner.token, '?status=active');
    expect(onlyActive.body.items.map((i) => i.userId)).toEqual([amy.id]);
    const notThere = await t.api('DELETE', `/api/v1/courses/${course.id}/roster/${owner.id}`, {
      token: owner.token,
    });
    expect(notThere.status).toBe(404);

    // Re-adding a removed student reactivates the enrollment.
    const back = await add(owner.token, { userId: zoe.id });
    expect(back.status).toBe(201);
    expect(back.body.status).toBe('active');
    const count = await t.server.database.pool.query('SELECT enrollment_count FROM courses WHERE id = $1', [
      course.id,
    ]);
    expect(count.rows[0]).toEqual({ enrollment_count: 2 });
  });

  it('refuses to add students to a draft course', async () => {
    const draft = await createCourse(t.server.database.pool, { ownerId: owner.id, status: 'draft' });
    const s = await t.user('student');
    const r = await add(owner.token, { userId: s.id }, draft.id);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('course_not_published');
  });
});
