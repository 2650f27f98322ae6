import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, CourseSearchResult, ErrorBody } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { sampleCourse } from './fixtures.ts';
import { standaloneCatalog, type StandaloneCatalog } from './test-support.ts';

type U = Awaited<ReturnType<TestServer['user']>>;
type Res = CourseDetail & ErrorBody;

let t: TestServer;
let side: StandaloneCatalog;
let owner: U, other: U, admin: U, student: U;

beforeAll(async () => {
  t = await startTestServer();
  side = await standaloneCatalog(t, { cacheTtlMs: 0 });
  owner = await t.user('instructor', 'Olive Owner');
  other = await t.user('instructor', 'Oscar Other');
  admin = await t.user('admin', 'Ada Admin');
  student = await t.user('student', 'Sam Student');
});
afterAll(async () => {
  await side.close();
  await t.close();
});

const create = (token: string, body: unknown = sampleCourse()) =>
  t.api<Res>('POST', '/api/v1/courses', { token, body });
const rawPatch = (token: string, id: string, body: unknown) =>
  t.api<Res>('PATCH', `/api/v1/courses/${id}`, { token, body });
/** An edit based on the course as it is now (version required): the current version unless the body names one. */
const patch = async (token: string, id: string, body: Record<string, unknown>) => {
  if ('version' in body) return rawPatch(token, id, body);
  const r = await t.server.database.pool.query<{ version: number }>(
    'SELECT version FROM courses WHERE id = $1',
    [id],
  );
  return rawPatch(token, id, { ...body, version: r.rows[0]?.version ?? 1 });
};
const get = (id: string, token?: string) => t.api<Res>('GET', `/api/v1/courses/${id}`, { token });
const publish = (token: string, id: string) => t.api<Res>('POST', `/api/v1/courses/${id}/publish`, { token });

async function published(over = {}): Promise<CourseDetail> {
  const c = await create(owner.token, sampleCourse(over));
  expect(c.status).toBe(201);
  const p = await publish(owner.token, c.body.id);
  expect(p.status).toBe(200);
  return p.body;
}

describe('publishing, archiving, deleting', () => {
  it('publishing needs a lesson and quizzes with questions', async () => {
    const empty = (await create(owner.token, { title: 'Empty', subject: 'Misc' })).body;
    const r = await publish(owner.token, empty.id);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('publish_blocked');
    expect(r.body.error.details).toEqual({
      problems: [{ code: 'no_lessons', path: 'modules', message: expect.any(String) }],
    });
    await patch(owner.token, empty.id, {
      modules: [{ title: 'M', lessons: [{ title: 'Quiz', kind: 'quiz' }] }],
    });
    const noQuestions = await publish(owner.token, empty.id);
    expect(
      (noQuestions.body.error.details as { problems: { path: string }[] }).problems.map((p) => p.path),
    ).toEqual(['modules.0.lessons.0.quiz.questions']);
    expect((await publish(other.token, empty.id)).status).toBe(404);
    await patch(owner.token, empty.id, {
      modules: [{ title: 'M', lessons: [{ title: 'Read', kind: 'text', body: 'x' }] }],
    });
    const ok = await publish(owner.token, empty.id);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('published');
    expect(Date.parse(ok.body.publishedAt!)).toBeGreaterThan(Date.now() - 60_000);
    // A published course must stay publishable.
    const emptied = await patch(owner.token, empty.id, { modules: [] });
    expect(emptied.status).toBe(409);
    expect(emptied.body.error.code).toBe('course_incomplete');
  });

  it('a draft prerequisite blocks publishing; co-instructors cannot publish', async () => {
    const pre = (await create(owner.token)).body;
    const c = (
      await create(owner.token, sampleCourse({ prerequisiteIds: [pre.id], instructorIds: [other.id] }))
    ).body;
    const r = await publish(owner.token, c.id);
    expect(r.status).toBe(422);
    expect(
      (r.body.error.details as { problems: { path: string; code: string }[] }).problems[0],
    ).toMatchObject({
      path: 'prerequisiteIds',
      code: 'prerequisite_not_published',
    });
    await publish(owner.token, pre.id);
    expect((await publish(other.token, c.id)).status).toBe(403);
    // Once published, a course cannot take a draft as a prerequisite either.
    const draft = (await create(owner.token)).body;
    expect((await patch(owner.token, pre.id, { prerequisiteIds: [draft.id] })).status).toBe(400);
    expect((await publish(admin.token, c.id)).status).toBe(200);
  });

  it('archived courses leave the catalog but stay with enrolled students', async () => {
    const c = await published({ title: 'Zymurgy archive test' });
    const inCatalog = async () =>
      (await t.api<CourseSearchResult>('GET', '/api/v1/courses?q=zymurgy')).body.items.some(
        (i) => i.id === c.id,
      );
    expect(await inCatalog()).toBe(true);
    side.enroll(c.id, student.id);
    const a = await t.api<Res>('POST', `/api/v1/courses/${c.id}/archive`, { token: owner.token });
    expect(a.body.status).toBe('archived');
    expect(await inCatalog()).toBe(false);
    expect((await get(c.id)).status).toBe(404);
    expect((await side.api('GET', `/api/v1/courses/${c.id}`, { token: student.token })).status).toBe(200);
    expect((await get(c.id, owner.token)).status).toBe(200);
    // Re-publishing re-opens it and keeps the first publication date.
    const again = await publish(owner.token, c.id);
    expect(again.body.publishedAt).toBe(c.publishedAt);
  });

  it('a course with enrollments cannot be deleted; one without can, by its owner or an admin only', async () => {
    const c = await published();
    side.enroll(c.id, student.id);
    const refused = await side.api<ErrorBody>('DELETE', `/api/v1/courses/${c.id}`, { token: owner.token });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('course_has_enrollments');
    side.unenroll(c.id, student.id);
    const co = (await create(owner.token, sampleCourse({ instructorIds: [other.id] }))).body;
    expect((await t.api('DELETE', `/api/v1/courses/${co.id}`, { token: other.token })).status).toBe(403);
    expect((await t.api('DELETE', `/api/v1/courses/${co.id}`, { token: student.token })).status).toBe(403);
    expect((await t.api('DELETE', `/api/v1/courses/${co.id}`, { token: owner.token })).status).toBe(204);
    expect((await get(co.id, owner.token)).status).toBe(404);
    const lessonsLeft = await t.server.database.pool.query(
      'SELECT count(*)::int AS n FROM lessons WHERE course_id = $1',
      [co.id],
    );
    expect(lessonsLeft.rows[0].n).toBe(0);
    const d = (await create(owner.token)).body;
    expect((await t.api('DELETE', `/api/v1/courses/${d.id}`, { token: admin.token })).status).toBe(204);
  });

  it('the teaching list shows my courses in every status, and only mine', async () => {
    const me = await t.user('instructor');
    const draft = (
      await t.api<Res>('POST', '/api/v1/courses', {
        token: me.token,
        body: sampleCourse({ title: 'Mine draft' }),
      })
    ).body;
    const pub = (
      await t.api<Res>('POST', '/api/v1/courses', {
        token: me.token,
        body: sampleCourse({ title: 'Mine published' }),
      })
    ).body;
    await t.api('POST', `/api/v1/courses/${pub.id}/publish`, { token: me.token });
    const list = await t.api<{ items: { id: string; status: string }[]; nextCursor: string | null }>(
      'GET',
      '/api/v1/me/courses/teaching?limit=1',
      { token: me.token },
    );
    expect(list.body.items).toEqual([expect.objectContaining({ id: pub.id, status: 'published' })]);
    const next = await t.api<{ items: { id: string }[]; nextCursor: string | null }>(
      'GET',
      `/api/v1/me/courses/teaching?limit=1&cursor=${list.body.nextCursor}`,
      { token: me.token },
    );
    expect(next.body.items.map((i) => i.id)).toEqual([draft.id]);
    expect(next.body.nextCursor).toBeNull();
    const drafts = await t.api<{ items: { id: string }[] }>(
      'GET',
      '/api/v1/me/courses/teaching?status=draft',
      { token: me.token },
    );
    expect(drafts.body.items.map((i) => i.id)).toEqual([draft.id]);
    expect((await t.api('GET', '/api/v1/me/courses/teaching', { token: student.token })).status).toBe(403);
  });

  it('works with the enrollment module of the composed server', async () => {
    const c = await published();
    const s = await t.user('student');
    const e = await t.api('POST', `/api/v1/courses/${c.id}/enrollment`, { token: s.token });
    expect(e.status).toBeLessThan(300);
    const d = await get(c.id, s.token);
    expect(d.body.viewer).toEqual({ canEdit: false, enrolled: true, contentUnlocked: true });
    const rated = await t.api('POST', `/api/v1/courses/${c.id}/ratings`, {
      token: s.token,
      body: { stars: 4 },
    });
    expect(rated.status).toBe(201);
    const del = await t.api<ErrorBody>('DELETE', `/api/v1/courses/${c.id}`, { token: owner.token });
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('course_has_enrollments');
    // Even a student who left keeps the course from being deleted: the enrollment row holds their history.
    await t.api('DELETE', `/api/v1/courses/${c.id}/enrollment`, { token: s.token });
    expect((await t.api('DELETE', `/api/v1/courses/${c.id}`, { token: admin.token })).status).toBe(409);
  });
});
