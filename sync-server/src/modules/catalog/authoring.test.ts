import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, ErrorBody, PublishProblem } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { newId } from '../../lib/ids.ts';

type U = Awaited<ReturnType<TestServer['user']>>;
type Res = CourseDetail & ErrorBody;

let t: TestServer;
let owner: U, other: U;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.user('instructor', 'Vera Version');
  other = await t.user('instructor', 'Otto Other');
});
afterAll(async () => {
  await t.close();
});

const create = (body: unknown) => t.api<Res>('POST', '/api/v1/courses', { token: owner.token, body });
const patch = (token: string, id: string, body: unknown) =>
  t.api<Res>('PATCH', `/api/v1/courses/${id}`, { token, body });
const publish = (id: string) => t.api<Res>('POST', `/api/v1/courses/${id}/publish`, { token: owner.token });
const problemsOf = (r: Res) => (r.error.details as { problems: PublishProblem[] }).problems;

describe('edits need the version they are based on', () => {
  it('without version: 400; stale: 409 version_conflict with who, when and the current copy; never an overwrite', async () => {
    const c = (await create({ title: 'Versions', subject: 'Misc', instructorIds: [other.id] })).body;
    const missing = await patch(owner.token, c.id, { title: 'No base' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('validation_failed');

    const mine = await patch(other.token, c.id, { title: 'By Otto', version: c.version });
    expect(mine.status).toBe(200);
    const stale = await patch(owner.token, c.id, { description: 'Overwrite?', version: c.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'version_conflict',
      details: {
        currentVersion: c.version + 1,
        updatedBy: other.id,
        current: { id: c.id, title: 'By Otto', description: '', version: c.version + 1 },
      },
    });
    const now = await t.api<Res>('GET', `/api/v1/courses/${c.id}`, { token: owner.token });
    expect(now.body).toMatchObject({ title: 'By Otto', description: '', version: c.version + 1 });
  });
});

describe('publish checks answer a list of problems to fix', () => {
  it('a video lesson without a ready video, an empty quiz, slides without a file: 422 publish_blocked, per lesson', async () => {
    const c = (
      await create({
        title: 'Media first',
        subject: 'Film',
        modules: [
          {
            title: 'Week 1',
            lessons: [
              { title: 'Watch', kind: 'video' },
              { title: 'Read', kind: 'text', body: 'x' },
              { title: 'Deck', kind: 'slides' },
              { title: 'Check', kind: 'quiz' },
            ],
          },
        ],
      })
    ).body;
    const [watch, , deck, check] = c.modules[0]!.lessons;
    const blocked = await publish(c.id);
    expect(blocked.status).toBe(422);
    expect(blocked.body.error.code).toBe('publish_blocked');
    expect(problemsOf(blocked.body).map((p) => [p.code, p.lessonId])).toEqual([
      ['video_not_ready', watch!.id],
      ['slides_not_ready', deck!.id],
      ['quiz_without_questions', check!.id],
    ]);
    expect(problemsOf(blocked.body).every((p) => p.message.length > 0)).toBe(true);
    expect((await t.api<Res>('GET', `/api/v1/courses/${c.id}`, { token: owner.token })).body.status).toBe(
      'draft',
    );

    // A file still processing does not count; a ready one does.
    const asset = async (lessonId: string, kind: string, status: string) =>
      t.server.database.pool.query(
        `INSERT INTO content_assets (id, course_id, lesson_id, kind, original_name, size, sha256, status, created_by)
         VALUES ($1, $2, $3, $4, 'f', 1, repeat('a', 64), $5, $6)`,
        [newId(), c.id, lessonId, kind, status, owner.id],
      );
    await asset(watch!.id, 'video', 'processing');
    await asset(deck!.id, 'slides', 'ready');
    const still = await publish(c.id);
    expect(problemsOf(still.body).map((p) => p.code)).toEqual(['video_not_ready', 'quiz_without_questions']);
    await asset(watch!.id, 'video', 'ready');
    const fresh = (await t.api<Res>('GET', `/api/v1/courses/${c.id}`, { token: owner.token })).body;
    const modules = fresh.modules.map((m) => ({
      id: m.id,
      title: m.title,
      lessons: m.lessons.map((l) => ({ id: l.id, title: l.title, kind: l.kind })),
    }));
    modules[0]!.lessons = modules[0]!.lessons.filter((l) => l.kind !== 'quiz');
    expect((await patch(owner.token, c.id, { modules, version: fresh.version })).status).toBe(200);
    const ok = await publish(c.id);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('published');
  });
});
