import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CourseDetail,
  CourseRating,
  MyEnrollmentList,
  RatingList,
  StudentCourseProgress,
} from '@lyceum/contracts';
import { deviceFleet, localCall, stopAll, type Device } from '../../test-support/devices.ts';
import { lessonsOf, studyCourse } from '../../test-support/study-course.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../../test-support/sync-server.ts';
import type { UnenrollResult } from '../../contracts/learning.ts';
import type { MyRatingView, ReviewPage } from '../../contracts/ratings.ts';
import type { CourseView, LocalErrorBody } from '../../contracts/app.ts';

let server: SyncServerProcess;
let teacher: Account;
const fleet = deviceFleet(() => server.url);

async function device(who: Account) {
  const opened = await fleet.open();
  await opened.d.session.signIn({ email: who.email, password: who.password });
  return opened;
}

const local = <T>(d: Device, method: string, p: string, body?: unknown) => localCall<T>(d, method, p, body);

const ratingsOf = async (courseId: string) =>
  (await server.api<RatingList>('GET', `/api/v1/courses/${courseId}/ratings`)).body;
const serverMine = (who: Account, courseId: string) =>
  server.api<CourseRating>('GET', `/api/v1/courses/${courseId}/ratings/me`, { token: who.token });

const pick = (p: ReviewPage) => p.items.map((r) => [r.userName, r.stars, r.review]);

describe('rating and leaving a course through the local API, against a real server', () => {
  beforeAll(async () => {
    server = await startSyncServer();
    teacher = await server.user('instructor', 'Teacher');
  });
  afterAll(async () => {
    await fleet.closeAll();
    await stopAll({ server });
  });

  it('an enrolled student rates, changes and withdraws a rating; the course average follows', async () => {
    const course: CourseDetail = await server.publishedCourse(teacher, studyCourse('Rated course'));
    const student = await server.user('student', 'Ada Student');
    const other = await server.user('student', 'Other Student');
    const { d } = await device(student);
    await d.learning.enroll(course.id);
    const path = `/api/catalog/${course.id}/rating`;

    const none = await local<MyRatingView>(d, 'GET', path);
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ courseId: course.id, mine: null, average: 0, count: 0 });

    const rated = await local<MyRatingView>(d, 'PUT', path, { stars: 4, review: '  Clear and useful.  ' });
    expect(rated.status).toBe(200);
    expect(rated.body.mine).toMatchObject({ stars: 4, review: 'Clear and useful.', userId: student.id });
    expect(rated.body).toMatchObject({ average: 4, count: 1, distribution: [0, 0, 0, 1, 0] });
    const onServer = await serverMine(student, course.id);
    expect(onServer.status).toBe(200);
    expect(onServer.body).toMatchObject({ stars: 4, review: 'Clear and useful.' });

    // Another student's rating (straight to the server) moves the average the device sees.
    await server.api('POST', `/api/v1/courses/${course.id}/enrollment`, { token: other.token });
    expect(
      (
        await server.api('POST', `/api/v1/courses/${course.id}/ratings`, {
          token: other.token,
          body: { stars: 1 },
        })
      ).status,
    ).toBe(201);
    const changed = await local<MyRatingView>(d, 'PUT', path, { stars: 2 });
    expect(changed.status).toBe(200);
    expect(changed.body.mine).toMatchObject({ stars: 2, review: '' });
    expect(changed.body).toMatchObject({ average: 1.5, count: 2 });
    expect((await serverMine(student, course.id)).body.stars).toBe(2);
    expect(await ratingsOf(course.id)).toMatchObject({ average: 1.5, count: 2 });
    // The course page (catalog route) shows the new average too.
    const view = await local<CourseView>(d, 'GET', `/api/catalog/${course.id}`);
    expect(view.body.course).toMatchObject({ ratingAverage: 1.5, ratingCount: 2 });

    const removed = await local<MyRatingView>(d, 'DELETE', path);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ mine: null, average: 1, count: 1 });
    expect((await serverMine(student, course.id)).status).toBe(404);
    expect(await ratingsOf(course.id)).toMatchObject({ average: 1, count: 1 });
    const again = await local<LocalErrorBody>(d, 'DELETE', path);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('not_found');
  });

  it("every student's reviews: newest first with the distribution, by cursor, to anyone (signed out too)", async () => {
    const course = await server.publishedCourse(teacher, studyCourse('Reviewed course'));
    const ada = await server.user('student', 'Ada Reviewer');
    const bob = await server.user('student', 'Bob Reviewer');
    await server.rate(ada, course.id, { stars: 5, review: 'Great course.' });
    await server.rate(bob, course.id, { stars: 3, review: 'A bit short.' });
    const viewer = await server.user('student', 'Vera Viewer');
    const { d } = await device(viewer); // signed in, not enrolled
    const path = `/api/catalog/${course.id}/reviews`;

    const all = await local<ReviewPage>(d, 'GET', path);
    expect(all.status).toBe(200);
    expect(pick(all.body)).toEqual([
      ['Bob Reviewer', 3, 'A bit short.'],
      ['Ada Reviewer', 5, 'Great course.'],
    ]);
    expect(all.body.items.map((r) => r.userId)).toEqual([bob.id, ada.id]);
    expect(all.body).toMatchObject({ average: 4, count: 2, distribution: [0, 0, 1, 0, 1], nextCursor: null });

    // One at a time: the second comes by the cursor of the first page, then there is no more.
    const first = await local<ReviewPage>(d, 'GET', `${path}?limit=1`);
    expect(first.status).toBe(200);
    expect(pick(first.body)).toEqual([['Bob Reviewer', 3, 'A bit short.']]);
    expect(first.body).toMatchObject({ count: 2, distribution: [0, 0, 1, 0, 1] });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const cursor = encodeURIComponent(first.body.nextCursor ?? '');
    const second = await local<ReviewPage>(d, 'GET', `${path}?limit=1&cursor=${cursor}`);
    expect(second.status).toBe(200);
    expect(pick(second.body)).toEqual([['Ada Reviewer', 5, 'Great course.']]);
    expect(second.body.nextCursor).toBeNull();

    // The device's own rating (local route) is the newest review at once.
    await d.learning.enroll(course.id);
    expect(
      (await local(d, 'PUT', `/api/catalog/${course.id}/rating`, { stars: 4, review: 'Mine.' })).status,
    ).toBe(200);
    const after = await local<ReviewPage>(d, 'GET', path);
    expect(pick(after.body)[0]).toEqual(['Vera Viewer', 4, 'Mine.']);
    expect(after.body).toMatchObject({ average: 4, count: 3, distribution: [0, 0, 1, 1, 1] });

    // The server's route is public: a device nobody signed in to sees the same reviews.
    const { d: anon } = await fleet.open();
    expect(anon.session.currentUserId()).toBeNull();
    const seen = await local<ReviewPage>(anon, 'GET', path);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual(after.body);
  });

  it('reviews: bad queries are 400 validation_failed, a missing or draft course is 404 not_found', async () => {
    const course = await server.publishedCourse(teacher, studyCourse('Queried course'));
    const { d } = await fleet.open();
    const path = `/api/catalog/${course.id}/reviews`;
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'limit=2.5', 'sort=stars', 'cursor=not-a-cursor']) {
      const r = await local<LocalErrorBody>(d, 'GET', `${path}?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code, q).toBe('validation_failed');
    }
    const badId = await local<LocalErrorBody>(d, 'GET', '/api/catalog/not-a-uuid/reviews');
    expect(badId.status).toBe(400);
    expect(badId.body.error.code).toBe('validation_failed');

    const missing = await local<LocalErrorBody>(d, 'GET', `/api/catalog/${crypto.randomUUID()}/reviews`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const draft = await server.api<CourseDetail>('POST', '/api/v1/courses', {
      token: teacher.token,
      body: studyCourse('Still a draft'),
    });
    expect(draft.status).toBe(201);
    const hidden = await local<LocalErrorBody>(d, 'GET', `/api/catalog/${draft.body.id}/reviews`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('not_found');

    const empty = await local<ReviewPage>(d, 'GET', `${path}?limit=5`);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({
      items: [],
      nextCursor: null,
      average: 0,
      count: 0,
      distribution: [0, 0, 0, 0, 0],
    });
  });

  it('refuses bad ratings and students who are not enrolled, with typed errors', async () => {
    const course = await server.publishedCourse(teacher, studyCourse('Not for outsiders'));
    const outsider = await server.user('student');
    const { d } = await device(outsider);
    const path = `/api/catalog/${course.id}/rating`;
    for (const body of [{ stars: 6 }, { stars: 0 }, { stars: 3.5 }, {}, { stars: 3, extra: true }]) {
      const r = await local<LocalErrorBody>(d, 'PUT', path, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    const bad = await local<LocalErrorBody>(d, 'PUT', '/api/catalog/not-a-uuid/rating', { stars: 3 });
    expect(bad.status).toBe(400);
    const r = await local<LocalErrorBody>(d, 'PUT', path, { stars: 5 });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('not_enrolled');
    expect(await ratingsOf(course.id)).toMatchObject({ count: 0 });
  });

  it('leaving a course: the server says not enrolled, progress (pending changes included) stays', async () => {
    const course = await server.publishedCourse(teacher, studyCourse('Leave me'));
    const L = lessonsOf(course);
    const student = await server.user('student');
    const { d } = await device(student);
    await d.learning.enroll(course.id);
    d.learning.complete(course.id, L.read); // still in the outbox: sync triggers are off
    expect(d.sync.status().pending).toBe(1);

    const left = await local<UnenrollResult>(d, 'POST', `/api/learning/${course.id}/unenroll`);
    expect(left.status).toBe(200);
    expect(left.body.enrollment?.status).toBe('dropped');
    expect(d.sync.status().pending).toBe(0);

    const mine = await server.api<MyEnrollmentList>('GET', '/api/v1/me/enrollments', {
      token: student.token,
    });
    expect(mine.body.items.find((e) => e.courseId === course.id)?.status).toBe('dropped');
    const seen = await server.api<CourseDetail>('GET', `/api/v1/courses/${course.id}`, {
      token: student.token,
    });
    expect(seen.body.viewer.enrolled).toBe(false);
    const progress = await server.api<StudentCourseProgress>(
      'GET',
      `/api/v1/me/courses/${course.id}/progress`,
      {
        token: student.token,
      },
    );
    expect(progress.body.lessons.find((l) => l.lessonId === L.read)?.completed).toBe(true);

    // The device agrees: not enrolled on the course page, no studying, no rating.
    const view = await local<CourseView>(d, 'GET', `/api/catalog/${course.id}`);
    expect(view.body.course.viewer.enrolled).toBe(false);
    await d.sync.syncNow();
    expect(() => d.learning.lesson(course.id, L.read)).toThrow(/Enroll/);
    const rate = await local<LocalErrorBody>(d, 'PUT', `/api/catalog/${course.id}/rating`, { stars: 3 });
    expect(rate.body.error.code).toBe('not_enrolled');

    // Enrolling again works and the kept progress comes back.
    await d.learning.enroll(course.id);
    await d.sync.syncNow();
    expect(d.learning.course(course.id).lessons[L.read]?.completed).toBe(true);
  });

  it('offline, rating and leaving answer the typed offline error (503) and change nothing', async () => {
    const course = await server.publishedCourse(teacher, studyCourse('Offline rating'));
    const student = await server.user('student');
    const { d, proxy } = await device(student);
    await d.learning.enroll(course.id);
    proxy.setDown(true);
    const path = `/api/catalog/${course.id}/rating`;
    for (const [method, p, body] of [
      ['GET', path, undefined],
      ['PUT', path, { stars: 5 }],
      ['DELETE', path, undefined],
      ['POST', `/api/learning/${course.id}/unenroll`, undefined],
      ['GET', `/api/catalog/${course.id}/reviews`, undefined],
    ] as const) {
      const r = await local<LocalErrorBody>(d, method, p, body);
      expect(r.status, `${method} ${p}`).toBe(503);
      expect(r.body.error.code).toBe('offline');
      expect(r.body.error.message).toMatch(/back online/);
    }
    expect(d.learning.course(course.id).enrollment?.status).toBe('active');
    proxy.setDown(false);
    expect(await ratingsOf(course.id)).toMatchObject({ count: 0 });
    const mine = await server.api<MyEnrollmentList>('GET', '/api/v1/me/enrollments', {
      token: student.token,
    });
    expect(mine.body.items.find((e) => e.courseId === course.id)?.status).toBe('active');
  });
});
