import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CourseDetail as CourseDetailSchema,
  MyEnrollment as MyEnrollmentSchema,
  SyncLessonProgress,
  SyncQuizAttempt,
  type CourseDetail,
  type LessonProgress,
  type MyEnrollment,
  type Preferences,
  type ProgressWriteResult,
} from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, enrollDirectly, type CreatedCourse } from '../../../test/factories.ts';
import { Replica, progressArgs } from './test-support.ts';

let t: TestServer;
let owner: Awaited<ReturnType<TestServer['user']>>;
let course: CreatedCourse;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.user('instructor', 'Olivia Owner');
  course = await createCourse(t.server.database.pool, {
    ownerId: owner.id,
    title: 'Sync course',
    modules: [
      [
        { title: 'Watch' },
        { title: 'Read', kind: 'text' },
        {
          title: 'Exam',
          quiz: { attemptsAllowed: 2, questions: [{ answer: { type: 'true_false', value: true } }] },
        },
      ],
    ],
  });
});
afterAll(() => t.close());

type LessonState = LessonProgress & { courseId: string };

describe('initial sync', () => {
  it("serves the student's state as a snapshot, keys of server-graded quizzes hidden, then continues from the log", async () => {
    const s = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, s.id);
    const other = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, other.id);
    const theirs = new Replica(t, other.token);
    theirs.queue('recordProgress', progressArgs(course.id, course.lesson('Read').id, { completed: true }));
    expect((await theirs.push())[0]).toMatchObject({ status: 'applied' });

    const r = new Replica(t, s.token);
    await r.sync(2);
    expect(r.pulls).toBeGreaterThan(2);
    const detail = CourseDetailSchema.parse(r.get('course_detail', course.id));
    expect(detail.title).toBe('Sync course');
    MyEnrollmentSchema.parse(r.get('enrollment', course.id));
    const exam = detail.modules.flatMap((m) => m.lessons).find((l) => l.title === 'Exam')!;
    expect(exam.quiz?.questions?.[0]?.prompt).toBeTruthy();
    expect(exam.quiz?.questions?.[0]).not.toHaveProperty('answer');
    expect(r.get<MyEnrollment>('enrollment', course.id)).toMatchObject({
      status: 'active',
      progressPercent: 0,
    });
    expect(r.get<Preferences>('preferences', s.id)).toMatchObject({ locale: 'system', timezone: 'system' });
    expect(r.keys('course')).toContain(course.id);
    // Another student's progress never reaches this student.
    expect(r.keys('lesson_progress')).toEqual([]);

    // Now a change: only it comes, after the snapshot's head.
    r.queue(
      'recordProgress',
      progressArgs(course.id, course.lesson('Watch').id, {
        positionSeconds: 42,
        watchedIntervals: [[0, 42]],
      }),
    );
    await r.push();
    await r.sync();
    const state = SyncLessonProgress.parse(r.get('lesson_progress', course.lesson('Watch').id));
    expect(state).toMatchObject({
      courseId: course.id,
      positionSeconds: 42,
      watchedIntervals: [[0, 42]],
      completed: false,
    });
    expect(r.keys('lesson_progress')).toEqual([course.lesson('Watch').id]);
  });
});

describe('push', () => {
  it('applies a duplicated push once and answers the retry with the stored results', async () => {
    const s = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, s.id);
    const r = new Replica(t, s.token);
    const quiz = course.lesson('Exam');
    const batch = [
      r.queue('recordProgress', progressArgs(course.id, course.lesson('Watch').id, { completed: true })),
      r.queue('submitQuizAttempt', {
        id: crypto.randomUUID(),
        courseId: course.id,
        lessonId: quiz.id,
        answers: { [quiz.questionIds[0]!]: false },
        submittedAt: new Date().toISOString(),
      }),
      r.queue(
        'recordProgress',
        progressArgs('0190a0a0-0000-7000-8000-000000000000', course.lesson('Watch').id),
      ),
    ];
    // The first push is applied but its answer is "lost": the client sends the same batch again, twice at once.
    const first = await r.pushRaw(batch);
    expect(first.status).toBe(200);
    expect(first.body.results.map((x) => x.status)).toEqual(['applied', 'applied', 'rejected']);
    expect(first.body.results[2]).toMatchObject({ code: 'not_found' });
    const [again, again2] = await Promise.all([r.pushRaw(batch), r.pushRaw(batch)]);
    for (const res of [again, again2]) {
      expect(res.body.results.map((x) => (x.status === 'applied' ? x.duplicate : x.code))).toEqual([
        true,
        true,
        'not_found',
      ]);
      const graded = res.body.results[1]!;
      expect(
        graded.status === 'applied' && (graded.result as { passed: boolean; attemptNumber: number }),
      ).toMatchObject({ passed: false, attemptNumber: 1 });
    }
    const pool = t.server.database.pool;
    const counts = await pool.query<{ events: number; attempts: number; recorded: number }>(
      `SELECT (SELECT count(*) FROM progress_events WHERE user_id = $1)::int AS events,
              (SELECT count(*) FROM quiz_attempts WHERE user_id = $1)::int AS attempts,
              (SELECT count(*) FROM sync_mutations WHERE user_id = $1)::int AS recorded`,
      [s.id],
    );
    expect(counts.rows[0]).toEqual({ events: 1, attempts: 1, recorded: 3 });
    await r.sync();
    expect(r.keys('quiz_attempt')).toHaveLength(1);
    const stored = SyncQuizAttempt.parse(r.get('quiz_attempt', r.keys('quiz_attempt')[0]!));
    expect(stored).toMatchObject({ attemptNumber: 1, passed: false, courseId: course.id });
    // The answer key of a server-graded quiz stays hidden in the structure the device keeps.
    const exam = CourseDetailSchema.parse(r.get('course_detail', course.id))
      .modules.flatMap((m) => m.lessons)
      .find((l) => l.id === quiz.id)!;
    expect(exam.quiz?.questions?.[0]?.answer).toBeUndefined();
  });

  it('rolls back a rejected mutation alone and keeps going; a retry of a rejection answers the same', async () => {
    const s = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, s.id);
    const r = new Replica(t, s.token);
    const quiz = course.lesson('Exam');
    const attempt = () =>
      r.queue('submitQuizAttempt', {
        id: crypto.randomUUID(),
        courseId: course.id,
        lessonId: quiz.id,
        answers: { [quiz.questionIds[0]!]: false },
        submittedAt: new Date().toISOString(),
      });
    attempt();
    attempt();
    const third = attempt();
    r.queue('recordProgress', progressArgs(course.id, course.lesson('Read').id, { completed: true }));
    const results = await r.push();
    expect(results.map((x) => (x.status === 'applied' ? 'applied' : x.code))).toEqual([
      'applied',
      'applied',
      'attempts_exhausted',
      'applied',
    ]);
    const retry = await r.pushRaw([third]);
    expect(retry.body.results[0]).toMatchObject({ status: 'rejected', code: 'attempts_exhausted' });
  });

  it('refuses a device id that belongs to another account', async () => {
    const a = await t.user('student');
    const b = await t.user('student');
    const ra = new Replica(t, a.token);
    await ra.sync();
    const rb = new Replica(t, b.token);
    Object.defineProperty(rb, 'deviceId', { value: ra.deviceId });
    const r = await rb.pushRaw([]);
    expect(r.status).toBe(403);
  });

  it('applies enroll, preferences, rating and unenroll in order, idempotently by intent', async () => {
    const s = await t.user('student');
    const r = new Replica(t, s.token);
    const other = await createCourse(t.server.database.pool, { ownerId: owner.id, title: 'Elective' });
    r.queue('enroll', { courseId: other.id });
    r.queue('recordProgress', progressArgs(other.id, other.lessons[0]!.id, { positionSeconds: 5 }));
    r.queue('putPreferences', {
      locale: 'fr',
      timezone: 'Europe/Paris',
      playbackSpeed: 1.5,
      downloadQuality: '360p',
      notifications: {
        course_updates: { in_app: true, push: false, email: false },
        deadlines: { in_app: true, push: false, email: false },
        grades: { in_app: true, push: false, email: false },
        enrollment: { in_app: true, push: false, email: false },
        announcements: { in_app: true, push: false, email: false },
      },
    });
    r.queue('rateCourse', { courseId: other.id, stars: 4, review: 'Good' });
    r.queue('enroll', { courseId: other.id });
    const results = await r.push();
    expect(results.map((x) => x.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    await r.sync();
    expect(r.get<Preferences>('preferences', s.id)).toMatchObject({ locale: 'fr', playbackSpeed: 1.5 });
    expect(r.get<MyEnrollment>('enrollment', other.id)).toMatchObject({ status: 'active' });
    expect(r.get<CourseDetail>('course_detail', other.id)).toBeTruthy();
    r.queue('unenroll', { courseId: other.id });
    expect((await r.push())[0]).toMatchObject({ status: 'applied' });
    await r.sync();
    expect(r.get<MyEnrollment>('enrollment', other.id)).toMatchObject({ status: 'dropped' });
    expect(r.get('course_detail', other.id)).toBeUndefined();
  });
});

describe('two devices of one student', () => {
  it('converge after interleaved offline work', async () => {
    const s = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, s.id);
    const laptop = new Replica(t, s.token);
    const desktop = new Replica(t, s.token);
    await laptop.sync();
    await desktop.sync();
    const watch = course.lesson('Watch').id;
    // Offline on both: overlapping watched stretches, a completion on one, positions at different times.
    laptop.queue('recordProgress', {
      ...progressArgs(course.id, watch, { positionSeconds: 30, watchedIntervals: [[0, 30]] }),
      occurredAt: '2026-01-01T10:00:00.000Z',
    });
    desktop.queue('recordProgress', {
      ...progressArgs(course.id, watch, { positionSeconds: 80, watchedIntervals: [[50, 80]] }),
      occurredAt: '2026-01-01T11:00:00.000Z',
    });
    laptop.queue('recordProgress', {
      ...progressArgs(course.id, watch, {
        positionSeconds: 45,
        watchedIntervals: [[30, 45]],
        completed: true,
      }),
      occurredAt: '2026-01-01T10:30:00.000Z',
    });
    desktop.queue('recordProgress', progressArgs(course.id, course.lesson('Read').id, { completed: true }));
    await desktop.push();
    await laptop.push();
    await laptop.sync();
    await desktop.sync();
    const a = laptop.get<LessonState>('lesson_progress', watch)!;
    expect(a).toMatchObject({
      positionSeconds: 80,
      watchedIntervals: [
        [0, 45],
        [50, 80],
      ],
      completed: true,
    });
    expect(JSON.stringify([...laptop.cache.entries()].filter(([k]) => !k.startsWith('course:')).sort())).toBe(
      JSON.stringify([...desktop.cache.entries()].filter(([k]) => !k.startsWith('course:')).sort()),
    );
    expect(laptop.get<MyEnrollment>('enrollment', course.id)?.completedLessons).toBe(2);
  });
});

describe('pull', () => {
  it('gives the same changes again when a page is cut off and its cursor not stored', async () => {
    const s = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, s.id);
    const r = new Replica(t, s.token);
    await r.sync();
    for (const l of course.lessons.filter((x) => x.title !== 'Exam'))
      r.queue('recordProgress', progressArgs(course.id, l.id, { positionSeconds: 3 }));
    await r.push();
    await t.server.sync.sequencer.run();
    const first = await r.pullPage(2);
    // The answer is lost: nothing applied, the cursor not stored. Pulling again gives the same page.
    const again = await r.pullPage(2);
    expect(again.changes.map((c) => [c.entity, c.id, c.seq])).toEqual(
      first.changes.map((c) => [c.entity, c.id, c.seq]),
    );
    expect(again.cursor).toBe(first.cursor);
    expect(first.hasMore).toBe(true);
    await r.sync(2);
    expect(r.keys('lesson_progress').sort()).toEqual(
      course.lessons
        .filter((x) => x.title !== 'Exam')
        .map((l) => l.id)
        .sort(),
    );
  });

  it('answers resyncRequired for a cursor older than the log keeps, or from another log', async () => {
    const s = await t.user('student');
    const r = new Replica(t, s.token);
    await r.sync();
    const old = r.cursor!;
    r.queue('putPreferences', {
      locale: 'de',
      timezone: 'UTC',
      playbackSpeed: 1,
      downloadQuality: '720p',
      notifications: {
        course_updates: { in_app: true, push: true, email: false },
        deadlines: { in_app: true, push: true, email: true },
        grades: { in_app: true, push: true, email: false },
        enrollment: { in_app: true, push: false, email: true },
        announcements: { in_app: true, push: true, email: false },
      },
    });
    await r.push();
    await t.server.sync.sequencer.run();
    expect((await r.pullPage(100, old)).resyncRequired).toBe(false);
    await t.server.sync.prune(new Date(Date.now() + 60_000));
    const stale = await r.pullPage(100, old);
    expect(stale).toMatchObject({ resyncRequired: true, changes: [] });
    const foreign = await r.pullPage(
      100,
      Buffer.from(JSON.stringify({ e: 'elsewhere', s: 1 })).toString('base64url'),
    );
    expect(foreign.resyncRequired).toBe(true);
    expect((await r.pullPage(100, 'not a cursor')).resyncRequired).toBe(true);
    await r.sync();
    expect(r.get<Preferences>('preferences', s.id)?.locale).toBe('de');
  });

  it('sends tombstones when a course is unpublished and when the student is removed', async () => {
    const pool = t.server.database.pool;
    const s = await t.user('student');
    const extra = await createCourse(pool, { ownerId: owner.id, title: 'Short-lived' });
    await enrollDirectly(pool, extra.id, s.id);
    const r = new Replica(t, s.token);
    await r.sync();
    expect(r.keys('course')).toContain(extra.id);
    expect(r.get('course_detail', extra.id)).toBeTruthy();
    await pool.query(`UPDATE courses SET status = 'draft' WHERE id = $1`, [extra.id]);
    await r.sync();
    expect(r.keys('course')).not.toContain(extra.id);
    // A draft is no longer visible to its student: the structure goes too.
    expect(r.get('course_detail', extra.id)).toBeUndefined();
    await pool.query(`UPDATE courses SET status = 'published' WHERE id = $1`, [extra.id]);
    await r.sync();
    expect(r.keys('course')).toContain(extra.id);
    expect(r.get('course_detail', extra.id)).toBeTruthy();
    const removed = await t.api('DELETE', `/api/v1/courses/${extra.id}/roster/${s.id}`, {
      token: owner.token,
    });
    expect(removed.status).toBe(204);
    await r.sync();
    expect(r.get('course_detail', extra.id)).toBeUndefined();
    expect(r.get<MyEnrollment>('enrollment', extra.id)?.status).toBe('dropped');
  });

  it('gives a newly enrolled student the whole structure although its changes are older than their cursor', async () => {
    const s = await t.user('student');
    const r = new Replica(t, s.token);
    await r.sync();
    expect(r.get('course_detail', course.id)).toBeUndefined();
    const res = await t.api('POST', `/api/v1/courses/${course.id}/enrollment`, { token: s.token });
    expect(res.status).toBe(201);
    await r.sync();
    const detail = r.get<CourseDetail>('course_detail', course.id)!;
    expect(detail.modules[0]!.lessons.map((l) => l.title)).toEqual(['Watch', 'Read', 'Exam']);
    // A later change of the structure reaches them through the course's scope.
    await t.server.database.pool.query(`UPDATE lessons SET title = 'Watch this' WHERE id = $1`, [
      course.lesson('Watch').id,
    ]);
    await r.sync();
    expect(r.get<CourseDetail>('course_detail', course.id)!.modules[0]!.lessons[0]!.title).toBe('Watch this');
    const write = await t.api<ProgressWriteResult>('POST', '/api/v1/progress', {
      token: s.token,
      body: progressArgs(course.id, course.lesson('Read').id, { completed: true }),
    });
    expect(write.status).toBe(201);
    await r.sync();
    expect(r.get<LessonState>('lesson_progress', course.lesson('Read').id)?.completed).toBe(true);
  });
});
