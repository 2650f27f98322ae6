import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressWriteResult, type ErrorBody, type StudentCourseProgress } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import {
  createCourse,
  instructorCourse,
  enrollDirectly,
  type CreatedCourse,
} from '../../../test/factories.ts';

type Account = Awaited<ReturnType<TestServer['user']>>;
let t: TestServer;
let course: CreatedCourse;
let student: Account;

beforeAll(async () => {
  t = await startTestServer();
  course = await instructorCourse(t, {
    modules: [
      [{ title: 'Video' }, { title: 'Slides', kind: 'slides' }],
      [{ title: 'Check', quiz: { questions: [{ answer: { type: 'true_false', value: true } }] } }],
    ],
  });
  student = await t.user('student');
  await enrollDirectly(t.server.database.pool, course.id, student.id);
});
afterAll(() => t.close());

const post = (body: Record<string, unknown>, token = student.token) =>
  t.api<ProgressWriteResult & ErrorBody>('POST', '/api/v1/progress', { token, body });
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const eventCount = async (id: string) =>
  (await t.server.database.pool.query('SELECT 1 FROM progress_events WHERE id = $1', [id])).rowCount;

describe('recording progress idempotently', () => {
  it('answers a replayed id with the original result and stores it once', async () => {
    const id = crypto.randomUUID();
    const body = {
      id,
      courseId: course.id,
      lessonId: course.lesson('Video').id,
      positionSeconds: 42,
      watchedIntervals: [[0, 42]],
      occurredAt: at(30),
    };
    const first = await post(body);
    expect(first.status).toBe(201);
    expect(first.body.duplicate).toBe(false);
    expect(first.body.lesson).toMatchObject({
      positionSeconds: 42,
      watchedIntervals: [[0, 42]],
      watchedSeconds: 42,
      completed: false,
    });
    const second = await post(body);
    expect(second.status).toBe(200);
    expect(ProgressWriteResult.parse(second.body)).toEqual({ ...first.body, duplicate: true });
    expect(await eventCount(id)).toBe(1);
  });

  it('refuses the same id with different content (409 idempotency_conflict) and changes nothing', async () => {
    const id = crypto.randomUUID();
    const lessonId = course.lesson('Slides').id;
    const when = at(20);
    await post({ id, courseId: course.id, lessonId, positionSeconds: 5, occurredAt: when });
    const clash = await post({ id, courseId: course.id, lessonId, positionSeconds: 6, occurredAt: when });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('idempotency_conflict');
    const replay = await post({ id, courseId: course.id, lessonId, positionSeconds: 5, occurredAt: when });
    expect(replay.body.lesson.positionSeconds).toBe(5);
    // Another student reusing the id is a conflict too, not a way to read someone's progress.
    const other = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, other.id);
    const stolen = await post(
      { id, courseId: course.id, lessonId, positionSeconds: 5, occurredAt: when },
      other.token,
    );
    expect(stolen.status).toBe(409);
    expect(await eventCount(id)).toBe(1);
  });

  it('stores one row when the same event races itself', async () => {
    const body = {
      id: crypto.randomUUID(),
      courseId: course.id,
      lessonId: course.lesson('Video').id,
      positionSeconds: 1,
      occurredAt: at(50),
    };
    const res = await Promise.all([post(body), post(body), post(body), post(body)]);
    expect(res.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    expect(res.filter((r) => !r.body.duplicate)).toHaveLength(1);
    expect(await eventCount(body.id)).toBe(1);
  });
});

describe('merging', () => {
  it('keeps the union of intervals, the latest position by occurredAt and monotonic completion, in any arrival order', async () => {
    const s = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, s.id);
    const lessonId = course.lesson('Video').id;
    const send = (minutesAgo: number, extra: Record<string, unknown>) =>
      post(
        { id: crypto.randomUUID(), courseId: course.id, lessonId, occurredAt: at(minutesAgo), ...extra },
        s.token,
      );

    // Newest first: the device uploaded out of order.
    const r1 = await send(10, { positionSeconds: 300, watchedIntervals: [[200, 300]], completed: true });
    expect(r1.body.lesson).toMatchObject({ completed: true, positionSeconds: 300 });
    const r2 = await send(30, {
      positionSeconds: 100,
      watchedIntervals: [
        [0, 100],
        [90, 120],
      ],
      completed: false,
    });
    expect(r2.body.lesson).toMatchObject({
      positionSeconds: 300,
      completed: true,
      watchedIntervals: [
        [0, 120],
        [200, 300],
      ],
    });
    const r3 = await send(20, { positionSeconds: 150, watchedIntervals: [[120, 200]] });
    expect(r3.body.lesson).toMatchObject({
      positionSeconds: 300,
      watchedIntervals: [[0, 300]],
      watchedSeconds: 300,
      completed: true,
    });
    const latest = at(5);
    const r4 = await post(
      { id: crypto.randomUUID(), courseId: course.id, lessonId, occurredAt: latest, positionSeconds: 12 },
      s.token,
    );
    expect(r4.body.lesson).toMatchObject({ positionSeconds: 12, completed: true, lastActivityAt: latest });
    expect(r4.body.lesson.completedAt).toBe(r1.body.lesson.completedAt);
    // A device clock in the future cannot push activity past the time the server received it.
    const future = await send(-600, { positionSeconds: 1 });
    expect(Date.parse(future.body.lesson.lastActivityAt!)).toBeLessThanOrEqual(
      Date.parse(future.body.recordedAt),
    );
    const stored = await t.server.database.pool.query(
      'SELECT count(*)::int AS n FROM progress_events WHERE user_id = $1',
      [s.id],
    );
    expect(stored.rows[0]).toEqual({ n: 5 });
  });

  it('completes a quiz lesson only by passing the quiz', async () => {
    const lessonId = course.lesson('Check').id;
    const r = await post({
      id: crypto.randomUUID(),
      courseId: course.id,
      lessonId,
      completed: true,
      occurredAt: at(1),
    });
    expect(r.status).toBe(201);
    expect(r.body.lesson.completed).toBe(false);
  });
});

describe('who and what may be recorded', () => {
  it('refuses students who are not enrolled (403) and lessons of other courses (404)', async () => {
    const stranger = await t.user('student');
    const lessonId = course.lesson('Video').id;
    const r = await post(
      { id: crypto.randomUUID(), courseId: course.id, lessonId, occurredAt: at(1) },
      stranger.token,
    );
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('not_enrolled');
    const other = await createCourse(t.server.database.pool, { ownerId: student.id });
    const wrong = await post({
      id: crypto.randomUUID(),
      courseId: course.id,
      lessonId: other.lessons[0]!.id,
      occurredAt: at(1),
    });
    expect(wrong.status).toBe(404);
    const missing = await post({
      id: crypto.randomUUID(),
      courseId: '0190a0a0-0000-7000-8000-000000000000',
      lessonId,
      occurredAt: at(1),
    });
    expect(missing.status).toBe(404);
  });

  it('validates the body', async () => {
    const lessonId = course.lesson('Video').id;
    const base = { id: crypto.randomUUID(), courseId: course.id, lessonId, occurredAt: at(1) };
    for (const bad of [
      { ...base, watchedIntervals: [[10, 5]] },
      { ...base, positionSeconds: -1 },
      { ...base, occurredAt: 'yesterday' },
      { ...base, id: 'not-a-uuid' },
      { ...base, extra: true },
    ]) {
      const r = await post(bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
  });

  it('shows the student their own per-lesson state', async () => {
    const r = await t.api<StudentCourseProgress>('GET', `/api/v1/me/courses/${course.id}/progress`, {
      token: student.token,
    });
    expect(r.status).toBe(200);
    expect(r.body.lessons.map((l) => l.title)).toEqual(['Video', 'Slides', 'Check']);
    // The position of the latest event by occurredAt (30 minutes ago), not of the last one received.
    expect(r.body.lessons[0]).toMatchObject({ positionSeconds: 42, watchedIntervals: [[0, 42]] });
    const stranger = await t.user('student');
    const refused = await t.api<ErrorBody>('GET', `/api/v1/me/courses/${course.id}/progress`, {
      token: stranger.token,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('not_enrolled');
  });
});
