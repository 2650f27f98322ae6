import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, CourseRating, ErrorBody, RatingList } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { sampleCourse } from './fixtures.ts';
import { standaloneCatalog, type StandaloneCatalog } from './test-support.ts';

type U = Awaited<ReturnType<TestServer['user']>>;

let t: TestServer;
let side: StandaloneCatalog;
let owner: U;

beforeAll(async () => {
  t = await startTestServer();
  side = await standaloneCatalog(t, { cacheTtlMs: 0 });
  owner = await t.user('instructor', 'Olive Owner');
});
afterAll(async () => {
  await side.close();
  await t.close();
});

async function publishedCourse(): Promise<string> {
  const c = await side.catalog.service.createCourse(owner.id, sampleCourse());
  await side.catalog.service.publish(owner.id, c.id);
  return c.id;
}

async function enrolledStudent(courseId: string, name?: string): Promise<U> {
  const s = await t.user('student', name);
  side.enroll(courseId, s.id);
  return s;
}

const rate = (courseId: string, token: string | undefined, body: unknown, method = 'POST') =>
  side.api<CourseRating & ErrorBody>(
    method,
    `/api/v1/courses/${courseId}/ratings${method === 'POST' ? '' : '/me'}`,
    { token, body },
  );
const stats = async (courseId: string) => {
  const d = (await side.api<CourseDetail>('GET', `/api/v1/courses/${courseId}`)).body;
  return [d.ratingAverage, d.ratingCount];
};

describe('rating a course', () => {
  it('only enrolled students may rate, once; the average and count follow', async () => {
    const c = await publishedCourse();
    const outsider = await t.user('student');
    const r403 = await rate(c, outsider.token, { stars: 5 });
    expect(r403.status).toBe(403);
    expect(r403.body.error.code).toBe('not_enrolled');
    expect((await rate(c, undefined, { stars: 5 })).status).toBe(401);

    const a = await enrolledStudent(c, 'Amy Able');
    const first = await rate(c, a.token, { stars: 5, review: '  Loved it  ' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      courseId: c,
      userId: a.id,
      userName: 'Amy Able',
      stars: 5,
      review: 'Loved it',
    });
    const again = await rate(c, a.token, { stars: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_rated');

    const b = await enrolledStudent(c);
    const d = await enrolledStudent(c);
    await rate(c, b.token, { stars: 4 });
    await rate(c, d.token, { stars: 2 });
    expect(await stats(c)).toEqual([3.67, 3]);
  });

  it('PUT changes a rating (or creates one) and DELETE withdraws it', async () => {
    const c = await publishedCourse();
    const a = await enrolledStudent(c);
    const b = await enrolledStudent(c);
    await rate(c, a.token, { stars: 2, review: 'Meh' });
    const changed = await rate(c, a.token, { stars: 4, review: 'Better after the update' }, 'PUT');
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ stars: 4, review: 'Better after the update' });
    expect(Date.parse(changed.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(changed.body.createdAt));
    const created = await rate(c, b.token, { stars: 5 }, 'PUT');
    expect(created.status).toBe(200);
    expect(await stats(c)).toEqual([4.5, 2]);
    const mine = await side.api<CourseRating>('GET', `/api/v1/courses/${c}/ratings/me`, { token: a.token });
    expect(mine.body.stars).toBe(4);
    expect((await side.api('DELETE', `/api/v1/courses/${c}/ratings/me`, { token: a.token })).status).toBe(
      204,
    );
    expect(await stats(c)).toEqual([5, 1]);
    expect((await side.api('GET', `/api/v1/courses/${c}/ratings/me`, { token: a.token })).status).toBe(404);
    expect((await side.api('DELETE', `/api/v1/courses/${c}/ratings/me`, { token: a.token })).status).toBe(
      404,
    );
    // A student who left the course cannot change their rating any more.
    side.unenroll(c, b.id);
    expect((await rate(c, b.token, { stars: 1 }, 'PUT')).status).toBe(403);
  });

  it('refuses bad ratings and drafts', async () => {
    const c = await publishedCourse();
    const a = await enrolledStudent(c);
    for (const body of [
      { stars: 0 },
      { stars: 6 },
      { stars: 2.5 },
      { stars: 3, extra: 1 },
      { review: 'no stars' },
    ]) {
      const r = await rate(c, a.token, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    const draft = await side.catalog.service.createCourse(owner.id, sampleCourse());
    side.enroll(draft.id, a.id);
    expect((await rate(draft.id, a.token, { stars: 5 })).status).toBe(404);
    expect((await side.api('GET', `/api/v1/courses/${draft.id}/ratings`)).status).toBe(404);
  });

  it('concurrent ratings all count', async () => {
    const c = await publishedCourse();
    const students = await Promise.all(Array.from({ length: 10 }, () => enrolledStudent(c)));
    const results = await Promise.all(students.map((s, i) => rate(c, s.token, { stars: (i % 5) + 1 })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(await stats(c)).toEqual([3, 10]);
  });
});

describe('listing ratings', () => {
  it('is public, newest first, paginated, with the star distribution', async () => {
    const c = await publishedCourse();
    const stars = [5, 4, 4, 1, 5];
    const ids: string[] = [];
    for (const s of stars) {
      const u = await enrolledStudent(c, `Rater ${s}-${ids.length}`);
      await rate(c, u.token, { stars: s, review: `Review ${ids.length}` });
      ids.push(u.id);
    }
    const full = await side.api<RatingList>('GET', `/api/v1/courses/${c}/ratings?limit=100`);
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({
      average: 3.8,
      count: 5,
      distribution: [1, 0, 0, 2, 2],
      nextCursor: null,
    });
    expect(full.body.items.map((r) => r.userId)).toEqual([...ids].reverse());
    expect(full.body.items[0]!.userName).toBe('Rater 5-4');
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: RatingList } = await side.api<RatingList>(
        'GET',
        `/api/v1/courses/${c}/ratings?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      walked.push(...page.body.items.map((r) => r.userId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual([...ids].reverse());
  });

  it('through the composed server too', async () => {
    const c = await publishedCourse();
    const r = await t.api<RatingList>('GET', `/api/v1/courses/${c}/ratings`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ items: [], count: 0, average: 0, distribution: [0, 0, 0, 0, 0] });
  });
});
