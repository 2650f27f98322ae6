import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CourseDetail,
  CourseRating,
  MyEnrollmentList,
  RatingList,
  StudentCourseProgress,
} from '@lyceum/contracts';
import { deviceFleet, localCall, type Device } from '../../test-support/devices.ts';
import { lessonsOf, studyCourse } from '../../test-support/study-course.ts';
import {
  removeDir,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../../test-support/sync-server.ts';
import type { UnenrollResult } from '../learning-schemas.ts';
import type { MyRatingView } from '../rating-schemas.ts';
import type { CourseView, LocalErrorBody } from '../schemas.ts';

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

describe('rating and leaving a course through the local API, against a real server', () => {
  beforeAll(async () => {
    server = await startSyncServer();
    teacher = await server.user('instructor', 'Teacher');
  });
  afterAll(async () => {
    await fleet.closeAll();
    await server?.stop();
    if (server) removeDir(server.dataDir);
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
