import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Enrollment, ErrorBody, MyEnrollmentList } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, type CreatedCourse } from '../../../test/factories.ts';

let t: TestServer;
let owner: Awaited<ReturnType<TestServer['user']>>;
beforeAll(async () => {
  t = await startTestServer();
  owner = await t.user('instructor', 'Olivia Owner');
});
afterAll(() => t.close());

const enroll = (courseId: string, token: string) =>
  t.api<Enrollment & ErrorBody>('POST', `/api/v1/courses/${courseId}/enrollment`, { token });
const enrollmentCount = async (courseId: string) =>
  (
    await t.server.database.pool.query<{ n: number }>(
      'SELECT enrollment_count AS n FROM courses WHERE id = $1',
      [courseId],
    )
  ).rows[0]!.n;

describe('enrolling', () => {
  it('enrolls in a free published course and counts it on the course', async () => {
    const course = await createCourse(t.server.database.pool, { ownerId: owner.id });
    const s = await t.user('student');
    const r = await enroll(course.id, s.token);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      courseId: course.id,
      userId: s.id,
      status: 'active',
      source: 'self',
      completedAt: null,
    });
    expect(await enrollmentCount(course.id)).toBe(1);
    const mine = await t.api<Enrollment>('GET', `/api/v1/courses/${course.id}/enrollment`, {
      token: s.token,
    });
    expect(mine.body.id).toBe(r.body.id);
    expect(await t.server.enrollment.isEnrolled(course.id, s.id)).toBe(true);
  });

  it('refuses a second enrollment with already_enrolled', async () => {
    const course = await createCourse(t.server.database.pool, { ownerId: owner.id });
    const s = await t.user('student');
    expect((await enroll(course.id, s.token)).status).toBe(201);
    const again = await enroll(course.id, s.token);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_enrolled');
    expect(await enrollmentCount(course.id)).toBe(1);
  });

  it('refuses paid courses with 402 payment_required', async () => {
    const course = await createCourse(t.server.database.pool, { ownerId: owner.id, priceCents: 4900 });
    const s = await t.user('student');
    const r = await enroll(course.id, s.token);
    expect(r.status).toBe(402);
    expect(r.body.error.code).toBe('payment_required');
    expect(r.body.error.details).toMatchObject({ priceCents: 4900, currency: 'USD' });
    expect(await t.server.enrollment.isEnrolled(course.id, s.id)).toBe(false);
  });

  it('refuses draft and archived courses with course_not_published, unknown ones with 404', async () => {
    const s = await t.user('student');
    for (const status of ['draft', 'archived'] as const) {
      const course = await createCourse(t.server.database.pool, { ownerId: owner.id, status });
      const r = await enroll(course.id, s.token);
      expect(r.status, status).toBe(409);
      expect(r.body.error.code).toBe('course_not_published');
    }
    const ghost = await enroll('0190a0a0-0000-7000-8000-000000000000', s.token);
    expect(ghost.status).toBe(404);
    const bad = await enroll('not-a-uuid', s.token);
    expect(bad.status).toBe(400);
  });

  it('needs a signed-in caller', async () => {
    const course = await createCourse(t.server.database.pool, { ownerId: owner.id });
    const r = await t.api<ErrorBody>('POST', `/api/v1/courses/${course.id}/enrollment`);
    expect(r.status).toBe(401);
  });
});

describe('prerequisites', () => {
  let basics: CreatedCourse;
  let algebra: CreatedCourse;
  let advanced: CreatedCourse;
  beforeAll(async () => {
    const pool = t.server.database.pool;
    basics = await createCourse(pool, {
      ownerId: owner.id,
      title: 'Basics',
      modules: [[{ title: 'Only lesson' }]],
    });
    algebra = await createCourse(pool, { ownerId: owner.id, title: 'Algebra' });
    advanced = await createCourse(pool, {
      ownerId: owner.id,
      title: 'Advanced',
      prerequisiteIds: [basics.id, algebra.id],
    });
  });

  it('names the missing prerequisites, and admits once they are completed', async () => {
    const s = await t.user('student');
    const r = await enroll(advanced.id, s.token);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('prerequisites_missing');
    const missing = (r.body.error.details as { missing: { id: string; title: string }[] }).missing;
    expect(missing).toEqual(
      expect.arrayContaining([
        { id: basics.id, title: 'Basics' },
        { id: algebra.id, title: 'Algebra' },
      ]),
    );
    expect(missing).toHaveLength(2);

    // Being enrolled (not completed) in a prerequisite does not count.
    expect((await enroll(basics.id, s.token)).status).toBe(201);
    const stillMissing = await enroll(advanced.id, s.token);
    expect(
      (stillMissing.body.error.details as { missing: { id: string }[] }).missing.map((m) => m.id).sort(),
    ).toEqual([basics.id, algebra.id].sort());

    // Complete Basics by finishing its only lesson: now only Algebra is missing.
    const done = await t.api<{ courseCompleted: boolean }>('POST', '/api/v1/progress', {
      token: s.token,
      body: {
        id: crypto.randomUUID(),
        courseId: basics.id,
        lessonId: basics.lessons[0]!.id,
        completed: true,
        occurredAt: new Date().toISOString(),
      },
    });
    expect(done.body.courseCompleted).toBe(true);
    const onlyAlgebra = await enroll(advanced.id, s.token);
    expect((onlyAlgebra.body.error.details as { missing: { id: string }[] }).missing).toEqual([
      { id: algebra.id, title: 'Algebra' },
    ]);

    expect((await enroll(algebra.id, s.token)).status).toBe(201);
    await t.api('POST', '/api/v1/progress', {
      token: s.token,
      body: {
        id: crypto.randomUUID(),
        courseId: algebra.id,
        lessonId: algebra.lessons[0]!.id,
        completed: true,
        occurredAt: new Date().toISOString(),
      },
    });
    expect((await enroll(advanced.id, s.token)).status).toBe(201);
  });
});

describe('dropping and re-enrolling', () => {
  it('drops (progress kept), then reactivates the same enrollment', async () => {
    const pool = t.server.database.pool;
    const course = await createCourse(pool, {
      ownerId: owner.id,
      modules: [[{ title: 'A' }, { title: 'B' }]],
    });
    const s = await t.user('student');
    const first = await enroll(course.id, s.token);
    const progress = await t.api('POST', '/api/v1/progress', {
      token: s.token,
      body: {
        id: crypto.randomUUID(),
        courseId: course.id,
        lessonId: course.lessons[0]!.id,
        completed: true,
        occurredAt: new Date().toISOString(),
      },
    });
    expect(progress.status).toBe(201);

    const drop = await t.api('DELETE', `/api/v1/courses/${course.id}/enrollment`, { token: s.token });
    expect(drop.status).toBe(204);
    expect(await enrollmentCount(course.id)).toBe(0);
    expect(await t.server.enrollment.isEnrolled(course.id, s.id)).toBe(false);
    const dropped = await t.api<Enrollment>('GET', `/api/v1/courses/${course.id}/enrollment`, {
      token: s.token,
    });
    expect(dropped.body).toMatchObject({ status: 'dropped' });
    expect(dropped.body.droppedAt).not.toBeNull();
    // Dropping twice is harmless; the count does not go below.
    expect(
      (await t.api('DELETE', `/api/v1/courses/${course.id}/enrollment`, { token: s.token })).status,
    ).toBe(204);
    expect(await enrollmentCount(course.id)).toBe(0);

    // A dropped student cannot record progress.
    const refused = await t.api<ErrorBody>('POST', '/api/v1/progress', {
      token: s.token,
      body: {
        id: crypto.randomUUID(),
        courseId: course.id,
        lessonId: course.lessons[1]!.id,
        completed: true,
        occurredAt: new Date().toISOString(),
      },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('not_enrolled');

    const again = await enroll(course.id, s.token);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: first.body.id, status: 'active', droppedAt: null });
    expect(await enrollmentCount(course.id)).toBe(1);
    const kept = await pool.query(
      'SELECT completed FROM lesson_progress WHERE user_id = $1 AND course_id = $2',
      [s.id, course.id],
    );
    expect(kept.rows).toEqual([{ completed: true }]);
    expect(await t.server.enrollment.countEnrollments(course.id)).toBe(1);
  });

  it('answers 404 when leaving a course one never joined', async () => {
    const course = await createCourse(t.server.database.pool, { ownerId: owner.id });
    const s = await t.user('student');
    const r = await t.api<ErrorBody>('DELETE', `/api/v1/courses/${course.id}/enrollment`, { token: s.token });
    expect(r.status).toBe(404);
  });
});

describe('my enrollments', () => {
  it('lists status, progress, next lesson and due dates, filtered by status', async () => {
    const pool = t.server.database.pool;
    const soon = new Date(Date.now() + 3 * 86_400_000);
    const past = new Date(Date.now() - 86_400_000);
    const course = await createCourse(pool, {
      ownerId: owner.id,
      title: 'Due dates',
      modules: [
        [
          { title: 'Intro' },
          { title: 'Homework', dueAt: soon },
          { title: 'Late one', dueAt: past },
          { title: 'Extra', required: false },
        ],
      ],
    });
    const other = await createCourse(pool, { ownerId: owner.id, title: 'Dropped one' });
    const s = await t.user('student');
    await enroll(course.id, s.token);
    await enroll(other.id, s.token);
    await t.api('DELETE', `/api/v1/courses/${other.id}/enrollment`, { token: s.token });
    await t.api('POST', '/api/v1/progress', {
      token: s.token,
      body: {
        id: crypto.randomUUID(),
        courseId: course.id,
        lessonId: course.lesson('Intro').id,
        completed: true,
        occurredAt: new Date().toISOString(),
      },
    });

    const all = await t.api<MyEnrollmentList>('GET', '/api/v1/me/enrollments', { token: s.token });
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.items.map((i) => i.course.title).sort()).toEqual(['Dropped one', 'Due dates']);
    const active = await t.api<MyEnrollmentList>('GET', '/api/v1/me/enrollments?status=active', {
      token: s.token,
    });
    expect(active.body.items).toHaveLength(1);
    const item = active.body.items[0]!;
    expect(item).toMatchObject({
      status: 'active',
      course: { id: course.id, title: 'Due dates', status: 'published' },
      completedLessons: 1,
      requiredLessons: 3,
      progressPercent: 33.3,
      nextLesson: { lessonId: course.lesson('Homework').id, title: 'Homework' },
    });
    expect(item.lastActivityAt).not.toBeNull();
    expect(item.upcomingDue).toEqual([
      { lessonId: course.lesson('Late one').id, title: 'Late one', dueAt: past.toISOString(), overdue: true },
      {
        lessonId: course.lesson('Homework').id,
        title: 'Homework',
        dueAt: soon.toISOString(),
        overdue: false,
      },
    ]);
    const dropped = await t.api<MyEnrollmentList>('GET', '/api/v1/me/enrollments?status=dropped', {
      token: s.token,
    });
    expect(dropped.body.items.map((i) => i.courseId)).toEqual([other.id]);
    const bad = await t.api<ErrorBody>('GET', '/api/v1/me/enrollments?status=paused', { token: s.token });
    expect(bad.status).toBe(400);
  });
});
