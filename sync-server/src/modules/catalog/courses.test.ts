import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, CourseSearchResult, ErrorBody } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { allKeys, modulesOf, sampleCourse } from './fixtures.ts';
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
const lessonsOf = (d: CourseDetail) => d.modules.flatMap((m) => m.lessons);

async function published(over = {}): Promise<CourseDetail> {
  const c = await create(owner.token, sampleCourse(over));
  expect(c.status).toBe(201);
  const p = await publish(owner.token, c.body.id);
  expect(p.status).toBe(200);
  return p.body;
}

describe('creating courses', () => {
  it('an instructor creates a draft with its whole structure', async () => {
    const r = await create(owner.token);
    expect(r.status).toBe(201);
    const c = r.body;
    expect(c).toMatchObject({
      status: 'draft',
      version: 1,
      ownerId: owner.id,
      publishedAt: null,
      durationMinutes: 30,
      lessonCount: 4,
    });
    expect(c.tags).toEqual(['python', 'beginners']);
    expect(c.price).toBeNull();
    expect(c.instructors).toEqual([{ id: owner.id, name: 'Olive Owner' }]);
    expect(c.modules.map((m) => m.title)).toEqual(['Start', 'Check']);
    expect(lessonsOf(c).map((l) => l.kind)).toEqual(['text', 'text', 'quiz', 'quiz']);
    const quiz = lessonsOf(c)[2]!.quiz!;
    expect(quiz).toMatchObject({ passingPercent: 60, attemptsAllowed: 3, graded: true, questionCount: 2 });
    expect(quiz.questions![0]!.answer).toEqual({ type: 'single_choice', optionId: 'b' });
    expect(c.viewer).toEqual({ canEdit: true, enrolled: false, contentUnlocked: true });
  });

  it('stores a paid price and a cover image', async () => {
    const r = await create(
      owner.token,
      sampleCourse({
        price: { amountCents: 4900, currency: 'EUR' },
        coverImageUrl: 'https://img.example/c.png',
      }),
    );
    expect(r.status).toBe(201);
    expect(r.body.price).toEqual({ amountCents: 4900, currency: 'EUR' });
    expect(r.body.coverImageUrl).toBe('https://img.example/c.png');
  });

  it('students cannot create courses, anonymous callers must sign in', async () => {
    expect((await create(student.token)).status).toBe(403);
    expect((await t.api('POST', '/api/v1/courses', { body: sampleCourse() })).status).toBe(401);
  });

  it('in-process callers (the demo seed) create and publish by user id, with the same rules', async () => {
    const svc = t.server.catalog.service;
    const c = await svc.createCourse(owner.id, sampleCourse({ title: 'Seeded' }));
    expect((await svc.publish(owner.id, c.id)).status).toBe('published');
    await expect(svc.createCourse(student.id, sampleCourse())).rejects.toMatchObject({ code: 'forbidden' });
    await expect(svc.createCourse(owner.id, { title: '' } as never)).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('refuses answer keys that do not fit their questions, and other structural mistakes', async () => {
    const bad = sampleCourse({
      modules: [
        {
          title: 'M',
          lessons: [
            {
              title: 'Q',
              kind: 'quiz',
              quiz: {
                questions: [
                  {
                    type: 'single_choice',
                    prompt: 'a',
                    options: [
                      { id: 'x', text: 'X' },
                      { id: 'y', text: 'Y' },
                    ],
                    answer: { type: 'single_choice', optionId: 'z' },
                  },
                  {
                    type: 'multiple_choice',
                    prompt: 'b',
                    options: [
                      { id: 'x', text: 'X' },
                      { id: 'y', text: 'Y' },
                    ],
                    answer: { type: 'multiple_choice', optionIds: ['x', 'q'] },
                  },
                  { type: 'true_false', prompt: 'c', answer: { type: 'numeric', value: 1 } },
                  {
                    type: 'true_false',
                    prompt: 'd',
                    options: [{ id: 't', text: 'T' }],
                    answer: { type: 'true_false', value: true },
                  },
                  {
                    type: 'single_choice',
                    prompt: 'e',
                    options: [
                      { id: 'x', text: 'X' },
                      { id: 'x', text: 'Y' },
                    ],
                    answer: { type: 'single_choice', optionId: 'x' },
                  },
                ],
              },
            },
            { title: 'V', kind: 'video', quiz: { questions: [] } },
          ],
        },
      ],
    });
    const r = await create(owner.token, bad);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    const paths = (r.body.error.details as { issues: { path: string }[] }).issues.map((i) => i.path);
    const q = 'body.modules.0.lessons.0.quiz.questions';
    expect(paths).toEqual(
      expect.arrayContaining([
        `${q}.0.answer.optionId`,
        `${q}.1.answer.optionIds.1`,
        `${q}.2.answer.type`,
        `${q}.3.options`,
        `${q}.4.options`,
        'body.modules.0.lessons.1.quiz',
      ]),
    );
  });

  it('refuses unknown fields, bad prices and malformed answer keys with 400', async () => {
    for (const body of [
      { ...sampleCourse(), color: 'red' },
      sampleCourse({ price: { amountCents: 100, currency: 'euro' } }),
      sampleCourse({ price: { amountCents: 0, currency: 'EUR' } }),
      sampleCourse({ coverImageUrl: 'javascript:alert(1)' }),
      { title: 'x', subject: 's', modules: [{ title: 'm', lessons: [{ title: 'l', kind: 'podcast' }] }] },
    ]) {
      const r = await create(owner.token, body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
  });
});

describe('who sees what', () => {
  it('a draft is visible only to its instructors and admins', async () => {
    const c = (await create(owner.token)).body;
    expect((await get(c.id)).status).toBe(404);
    expect((await get(c.id, student.token)).status).toBe(404);
    expect((await get(c.id, other.token)).status).toBe(404);
    expect((await get(c.id, owner.token)).status).toBe(200);
    const a = await get(c.id, admin.token);
    expect(a.status).toBe(200);
    expect(a.body.viewer.canEdit).toBe(true);
  });

  it('answer keys and locked content never reach the public or students who are not enrolled', async () => {
    const c = await published();
    for (const token of [undefined, student.token, other.token]) {
      const r = await get(c.id, token);
      expect(r.status).toBe(200);
      const keys = allKeys(r.body);
      expect(keys.has('answer')).toBe(false);
      expect(keys.has('feedback')).toBe(false);
      const [welcome, reading, quiz, selfCheck] = lessonsOf(r.body);
      expect(welcome).toMatchObject({ locked: false, body: 'Welcome notes' });
      expect(reading!.locked).toBe(true);
      expect(reading!.body).toBeUndefined();
      expect(quiz!.quiz).toMatchObject({ questionCount: 2 });
      expect(quiz!.quiz!.questions).toBeUndefined();
      expect(selfCheck!.quiz!.questions).toBeUndefined();
      expect(r.body.viewer).toEqual({ canEdit: false, enrolled: false, contentUnlocked: false });
    }
  });

  it('enrolled students see bodies and questions, keys only of device-gradable quizzes', async () => {
    const c = await published();
    side.enroll(c.id, student.id);
    const r = await side.api<CourseDetail>('GET', `/api/v1/courses/${c.id}`, { token: student.token });
    expect(r.status).toBe(200);
    const [, reading, quiz, selfCheck] = lessonsOf(r.body);
    expect(reading).toMatchObject({ locked: false, body: 'The secret body' });
    const graded = quiz!.quiz!.questions!;
    expect(graded.map((q) => q.prompt)).toEqual(['2 + 2?', 'Is Python a language?']);
    expect(allKeys(graded).has('answer')).toBe(false);
    expect(graded[0]!.options).toEqual([
      { id: 'a', text: '3' },
      { id: 'b', text: '4' },
    ]);
    expect(selfCheck!.quiz!.questions![0]!.answer).toEqual({
      type: 'numeric',
      value: 3.14,
      tolerance: 0.001,
    });
    expect(r.body.viewer).toEqual({ canEdit: false, enrolled: true, contentUnlocked: true });
  });

  it('a preview quiz shows its questions to everyone, still without keys', async () => {
    const c = await published({
      modules: [
        {
          title: 'M',
          lessons: [
            {
              title: 'Try me',
              kind: 'quiz',
              isPreview: true,
              quiz: {
                questions: [
                  { type: 'true_false', prompt: 'Yes?', answer: { type: 'true_false', value: true } },
                ],
              },
            },
          ],
        },
      ],
    });
    const r = await get(c.id);
    expect(lessonsOf(r.body)[0]!.quiz!.questions).toEqual([
      { id: expect.any(String), type: 'true_false', prompt: 'Yes?', options: [], points: 1 },
    ]);
  });
});

describe('editing', () => {
  it('other instructors and students cannot edit; co-instructors and admins can', async () => {
    const c = await published();
    expect((await patch(other.token, c.id, { title: 'Mine now' })).status).toBe(403);
    expect((await patch(student.token, c.id, { title: 'Mine now' })).status).toBe(403);
    const byAdmin = await patch(admin.token, c.id, { title: 'Fixed by admin' });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.title).toBe('Fixed by admin');
    // The owner adds a co-instructor, who may then edit but not change the instructor list.
    const added = await patch(owner.token, c.id, { instructorIds: [other.id] });
    expect(added.body.instructors.map((i) => i.id)).toEqual([owner.id, other.id]);
    const byCo = await patch(other.token, c.id, { description: 'Co-written' });
    expect(byCo.status).toBe(200);
    expect((await patch(other.token, c.id, { instructorIds: [] })).status).toBe(403);
    const teaching = await t.api<{ items: { id: string }[] }>('GET', '/api/v1/me/courses/teaching', {
      token: other.token,
    });
    expect(teaching.body.items.map((i) => i.id)).toContain(c.id);
  });

  it('only instructor accounts can be added as instructors', async () => {
    const c = (await create(owner.token)).body;
    const r = await patch(owner.token, c.id, {
      instructorIds: [student.id, '01890000-0000-7000-8000-000000000000'],
    });
    expect(r.status).toBe(400);
    expect((r.body.error.details as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'body.instructorIds.0',
      'body.instructorIds.1',
    ]);
  });

  it('replacing the structure keeps the ids that are sent, drops the rest, and recomputes the duration', async () => {
    const c = (await create(owner.token)).body;
    const mods = modulesOf(c);
    const [start, check] = mods;
    const [welcome, reading] = start!.lessons!;
    const quiz = check!.lessons![0]!;
    quiz.quiz!.questions![0]!.prompt = 'Two plus two?';
    quiz.quiz!.questions!.pop(); // drop the true/false question
    const r = await patch(owner.token, c.id, {
      modules: [
        // Reading moves into the second module; the self-check quiz and the "Start" module go.
        {
          id: check!.id,
          title: 'Everything',
          lessons: [
            quiz,
            reading,
            { title: 'New text', kind: 'text', durationMinutes: 7, body: 'Fresh' },
            welcome,
          ],
        },
      ],
    });
    expect(r.status).toBe(200);
    const d = r.body;
    expect(d.version).toBe(2);
    expect(d.modules.map((m) => m.id)).toEqual([check!.id]);
    const ls = lessonsOf(d);
    expect(ls.slice(0, 2).map((l) => l.id)).toEqual([quiz.id, reading!.id]);
    expect(ls[3]!.id).toBe(welcome!.id);
    expect([quiz.id, reading!.id, welcome!.id]).not.toContain(ls[2]!.id);
    expect(ls[0]!.quiz!.questions!.map((q) => [q.id, q.prompt])).toEqual([
      [quiz.quiz!.questions![0]!.id, 'Two plus two?'],
    ]);
    expect(d.durationMinutes).toBe(5 + 15 + 7 + 10);
    expect(d.lessonCount).toBe(4);
    const left = await t.server.database.pool.query(
      `SELECT (SELECT count(*) FROM course_modules WHERE course_id = $1) AS m, (SELECT count(*) FROM lessons WHERE course_id = $1) AS l,
              (SELECT count(*) FROM quizzes WHERE course_id = $1) AS q,
              (SELECT count(*) FROM quiz_questions qq JOIN quizzes z ON z.lesson_id = qq.lesson_id WHERE z.course_id = $1) AS qq`,
      [c.id],
    );
    expect(left.rows[0]).toEqual({ m: 1, l: 4, q: 1, qq: 1 });
    // The reader other modules use sees the new structure at once.
    const s = await t.server.catalog.reader.getStructure(c.id);
    expect(s!.lessons.map((l) => l.id)).toEqual(ls.map((l) => l.id));
    expect(s!.quizzes.get(quiz.id!)!.questions).toHaveLength(1);
  });

  it('refuses to take over lessons of another course', async () => {
    const a = (await create(owner.token)).body;
    const b = (await create(owner.token)).body;
    const stolen = lessonsOf(a)[0]!;
    const r = await patch(owner.token, b.id, {
      modules: [{ title: 'M', lessons: [{ id: stolen.id, title: 'Mine', kind: 'video' }] }],
    });
    expect(r.status).toBe(400);
    expect((r.body.error.details as { issues: { path: string }[] }).issues[0]!.path).toBe(
      'body.modules.0.lessons.0.id',
    );
    expect(lessonsOf((await get(a.id, owner.token)).body)[0]!.title).toBe('Welcome');
  });

  it('a stale version is a conflict; every edit bumps the version', async () => {
    const c = (await create(owner.token)).body;
    const first = await patch(owner.token, c.id, { title: 'First edit', version: 1 });
    expect(first.body.version).toBe(2);
    const stale = await patch(owner.token, c.id, { title: 'Stale edit', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'version_conflict',
      details: { currentVersion: 2, updatedBy: owner.id, current: { title: 'First edit', version: 2 } },
    });
    expect(Date.parse((stale.body.error.details as { updatedAt: string }).updatedAt)).toBeGreaterThan(0);
    expect((await get(c.id, owner.token)).body.title).toBe('First edit');
    const noVersion = await rawPatch(owner.token, c.id, { subject: 'Data' });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.error.code).toBe('validation_failed');
    const next = await patch(owner.token, c.id, { subject: 'Data', version: 2 });
    expect(next.body.version).toBe(3);
  });

  it('tags and instructor names are kept searchable after edits', async () => {
    const c = await published({ title: 'Knitting for engineers' });
    await patch(owner.token, c.id, { tags: ['Crochet'], instructorIds: [other.id] });
    const hit = async (q: string) =>
      (await t.api<CourseSearchResult>('GET', `/api/v1/courses?q=${encodeURIComponent(q)}`)).body.items.map(
        (i) => i.id,
      );
    expect(await hit('crochet')).toContain(c.id);
    expect(await hit('oscar')).toContain(c.id);
  });

  it('prerequisites must exist and cannot form a loop', async () => {
    const a = (await create(owner.token)).body;
    const b = (await create(owner.token, sampleCourse({ prerequisiteIds: [a.id] }))).body;
    expect(b.prerequisites).toEqual([{ id: a.id, title: 'Python Basics' }]);
    const loop = await patch(owner.token, a.id, { prerequisiteIds: [b.id] });
    expect(loop.status).toBe(400);
    expect((await patch(owner.token, a.id, { prerequisiteIds: [a.id] })).status).toBe(400);
    expect(
      (await patch(owner.token, a.id, { prerequisiteIds: ['01890000-0000-7000-8000-000000000000'] })).status,
    ).toBe(400);
  });
});

describe('documentation', () => {
  it('lists every catalog operation in the OpenAPI document, with the named schemas', async () => {
    const r = await t.api<{
      paths: Record<string, Record<string, { operationId: string }>>;
      components: { schemas: object };
    }>('GET', '/api/openapi.json');
    const ops = Object.values(r.body.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops).toEqual(
      expect.arrayContaining([
        'searchCourses',
        'createCourse',
        'getCourse',
        'updateCourse',
        'deleteCourse',
        'publishCourse',
      ]),
    );
    expect(ops).toEqual(
      expect.arrayContaining(['archiveCourse', 'listTeachingCourses', 'listCourseRatings', 'rateCourse']),
    );
    expect(Object.keys(r.body.components.schemas)).toEqual(
      expect.arrayContaining(['CourseDetail', 'CourseSummary', 'CourseFacets', 'CourseRating', 'Price']),
    );
  });
});
