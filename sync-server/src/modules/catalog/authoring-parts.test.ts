import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MutationResult } from '@lyceum/contracts';
import { instructorCourse } from '../../../test/factories.ts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { Replica } from '../sync/test-support.ts';

/** Conflicts per part (issue 15): an edit conflicts only when what it touches was changed since by another device. */
let t: TestServer;
let teacher: Awaited<ReturnType<TestServer['user']>>;

beforeAll(async () => {
  t = await startTestServer();
  teacher = await t.user('instructor', 'Pat Parts');
});
afterAll(() => t.close());

const statuses = (rs: MutationResult[]) => rs.map((r) => (r.status === 'applied' ? 'applied' : r.code));
const draftOf = (courseId: string) => t.server.catalog.authoring.draftOf(courseId);
const lesson = (title: string) => ({
  id: randomUUID(),
  title,
  kind: 'text' as const,
  body: `${title} body`,
  durationMinutes: 0,
  isPreview: false,
  required: true,
  dueAt: null,
});

/** A course of two modules of two lessons, made on `device` and pushed; answers its ids and draft version. */
async function course(device: Replica) {
  const courseId = randomUUID();
  const mods = [randomUUID(), randomUUID()];
  const ls = [lesson('A1'), lesson('A2'), lesson('B1'), lesson('B2')];
  let v = 1;
  device.queue('createCourse', { courseId, title: 'Parts', subject: 'Science' });
  for (const [i, moduleId] of mods.entries()) {
    device.queue('addModule', { courseId, baseVersion: v++, moduleId, title: `Module ${i}` });
    for (const l of ls.slice(i * 2, i * 2 + 2))
      device.queue('addLesson', { courseId, baseVersion: v++, moduleId, lesson: l });
  }
  expect(statuses(await device.push()).every((s) => s === 'applied')).toBe(true);
  return { courseId, mods, ls, version: v };
}

describe('conflicts per part', () => {
  it('two devices editing different lessons, or different fields, both apply; the same field conflicts', async () => {
    const laptop = new Replica(t, teacher.token);
    const tablet = new Replica(t, teacher.token);
    const c = await course(laptop);
    const [a1, a2] = c.ls;
    const on = { courseId: c.courseId, baseVersion: c.version };
    laptop.queue('updateLesson', { ...on, lessonId: a1!.id, patch: { body: 'Laptop body' } });
    laptop.queue('updateCourse', { ...on, baseVersion: c.version + 1, patch: { title: 'Laptop title' } });
    tablet.queue('updateLesson', { ...on, lessonId: a2!.id, patch: { body: 'Tablet body' } });
    tablet.queue('updateLesson', {
      ...on,
      baseVersion: c.version + 1,
      lessonId: a1!.id,
      patch: { title: 'T' },
    });
    tablet.queue('updateCourse', { ...on, baseVersion: c.version + 2, patch: { description: 'Tablet' } });
    expect(statuses(await laptop.push())).toEqual(['applied', 'applied']);
    expect(statuses(await tablet.push())).toEqual(['applied', 'applied', 'applied']);

    const d = await draftOf(c.courseId);
    expect(d.version).toBe(c.version + 5);
    expect(d.doc.details).toMatchObject({ title: 'Laptop title', description: 'Tablet' });
    expect(d.doc.modules[0]!.lessons.map((l) => [l.title, l.body])).toEqual([
      ['T', 'Laptop body'],
      ['A2', 'Tablet body'],
    ]);

    // The same field, both on the version before the laptop's change: the later one is refused with the server copy.
    laptop.queue('updateLesson', { ...on, baseVersion: d.version, lessonId: a2!.id, patch: { body: 'L2' } });
    tablet.queue('updateLesson', { ...on, baseVersion: d.version, lessonId: a2!.id, patch: { body: 'T2' } });
    expect(statuses(await laptop.push())).toEqual(['applied']);
    const [lost] = await tablet.push();
    expect(lost).toMatchObject({
      status: 'rejected',
      code: 'version_conflict',
      details: {
        currentVersion: d.version + 1,
        updatedBy: teacher.id,
        updatedByClient: laptop.deviceId,
        current: { id: a2!.id, body: 'L2' },
        parts: [{ part: `l:${a2!.id}.body`, version: d.version + 1, clientId: laptop.deviceId }],
      },
    });
    expect((lost as { details: { updatedAt: string } }).details.updatedAt).toMatch(/^\d{4}-/);
    expect((await draftOf(c.courseId)).doc.modules[0]!.lessons[1]!.body).toBe('L2');
  });

  it("a device's own chained offline edits never conflict, but one on a part changed in between does", async () => {
    const laptop = new Replica(t, teacher.token);
    const tablet = new Replica(t, teacher.token);
    const c = await course(laptop);
    const [a1, a2, b1] = c.ls;
    // The tablet, offline on version v, edits A1 three times, each on the version its previous edit would produce.
    const on = { courseId: c.courseId };
    for (let i = 0; i < 3; i++)
      tablet.queue('updateLesson', {
        ...on,
        baseVersion: c.version + i,
        lessonId: a1!.id,
        patch: { body: `Tablet ${i}` },
      });
    // Meanwhile the laptop changes A2's body and B1's title.
    laptop.queue('updateLesson', { ...on, baseVersion: c.version, lessonId: a2!.id, patch: { body: 'L' } });
    laptop.queue('updateLesson', {
      ...on,
      baseVersion: c.version + 1,
      lessonId: b1!.id,
      patch: { title: 'L' },
    });
    expect(statuses(await laptop.push())).toEqual(['applied', 'applied']);
    expect(statuses(await tablet.push())).toEqual(['applied', 'applied', 'applied']);
    // Its fourth edit, chained on the third (version v+3 as it counts; the server had v+2 from the laptop there),
    // touches A2's body the laptop changed after what the tablet saw: a conflict, never an overwrite.
    tablet.queue('updateLesson', {
      ...on,
      baseVersion: c.version + 3,
      lessonId: a2!.id,
      patch: { body: 'T' },
    });
    tablet.queue('updateLesson', {
      ...on,
      baseVersion: c.version + 4,
      lessonId: a1!.id,
      patch: { title: 'T' },
    });
    expect(statuses(await tablet.push())).toEqual(['version_conflict', 'applied']);
    const d = await draftOf(c.courseId);
    expect(d.version).toBe(c.version + 6);
    expect(d.doc.modules[0]!.lessons.map((l) => [l.title, l.body])).toEqual([
      ['T', 'Tablet 2'],
      ['A2', 'L'],
    ]);
    // After a pull (the server's version as its base), the tablet's merge applies.
    tablet.queue('updateLesson', {
      ...on,
      baseVersion: d.version,
      lessonId: a2!.id,
      patch: { body: 'Merged' },
    });
    expect(statuses(await tablet.push())).toEqual(['applied']);
  });

  it('moving or deleting a lesson another device changed, or deleting its module, is a conflict', async () => {
    const laptop = new Replica(t, teacher.token);
    const tablet = new Replica(t, teacher.token);
    const c = await course(laptop);
    const [a1, a2, b1] = c.ls;
    const on = { courseId: c.courseId, baseVersion: c.version };
    laptop.queue('updateLesson', { ...on, lessonId: a1!.id, patch: { title: 'Changed' } });
    laptop.queue('updateLesson', {
      ...on,
      baseVersion: c.version + 1,
      lessonId: b1!.id,
      patch: { body: 'x' },
    });
    laptop.queue('deleteLesson', { ...on, baseVersion: c.version + 2, lessonId: a2!.id });
    expect(statuses(await laptop.push())).toEqual(['applied', 'applied', 'applied']);

    tablet.queue('moveLesson', { ...on, lessonId: a1!.id, moduleId: c.mods[1]!, position: 0 });
    tablet.queue('deleteModule', { ...on, moduleId: c.mods[1]! });
    tablet.queue('updateLesson', { ...on, lessonId: a2!.id, patch: { title: 'Gone?' } });
    tablet.queue('moveModule', { ...on, moduleId: c.mods[1]!, position: 0 });
    const rs = await tablet.push();
    expect(statuses(rs)).toEqual(['version_conflict', 'version_conflict', 'version_conflict', 'applied']);
    // The lesson deleted on the laptop: the conflict says so (no server copy) and who deleted it.
    expect(rs[2]).toMatchObject({
      details: { current: null, parts: [{ part: `l:${a2!.id}.gone`, clientId: laptop.deviceId }] },
    });
    const d = await draftOf(c.courseId);
    expect(d.doc.modules.map((m) => m.lessons.map((l) => l.title))).toEqual([['B1', 'B2'], ['Changed']]);
  });

  it('pushed twice, edits apply once; a bad edit in a push refuses only itself', async () => {
    const device = new Replica(t, teacher.token);
    const c = await course(device);
    const on = { courseId: c.courseId };
    const sent = [
      device.queue('updateLesson', {
        ...on,
        baseVersion: c.version,
        lessonId: c.ls[0]!.id,
        patch: { title: 'X' },
      }),
      device.queue('deleteLesson', { ...on, baseVersion: c.version + 1, lessonId: randomUUID() }),
      device.queue('addLesson', {
        ...on,
        baseVersion: c.version + 2,
        moduleId: c.mods[0]!,
        lesson: lesson('New'),
      }),
      // A quiz whose question takes a lesson's id: the draft check refuses it alone.
      device.queue('addLesson', {
        ...on,
        baseVersion: c.version + 3,
        moduleId: c.mods[1]!,
        lesson: {
          ...lesson('Bad quiz'),
          kind: 'quiz',
          quiz: {
            passingPercent: 70,
            attemptsAllowed: null,
            graded: true,
            weight: 1,
            deviceGradable: false,
            shuffle: false,
            questions: [
              {
                id: c.ls[1]!.id,
                type: 'true_false',
                prompt: 'Yes?',
                options: [],
                answer: { type: 'true_false', value: true },
                points: 1,
                feedback: {},
              },
            ],
          },
        },
      }),
    ];
    expect(statuses(await device.push())).toEqual(['applied', 'not_found', 'applied', 'validation_failed']);
    const after = await draftOf(c.courseId);
    expect(after.version).toBe(c.version + 2);
    const again = (await device.pushRaw(sent)).body.results;
    expect(again.map((r) => [r.status, r.status === 'applied' ? r.duplicate : r.code])).toEqual([
      ['applied', true],
      ['rejected', 'not_found'],
      ['applied', true],
      ['rejected', 'validation_failed'],
    ]);
    const d = await draftOf(c.courseId);
    expect(d.version).toBe(after.version);
    expect(d.doc.modules[0]!.lessons.map((l) => l.title)).toEqual(['X', 'A2', 'New']);
  });

  it('a push run again after a refused value elsewhere in it replays its edits, never applies them twice', async () => {
    const device = new Replica(t, teacher.token);
    const c = await course(device);
    // The teacher also studies another course: a progress record PostgreSQL refuses makes the push run again mutation
    // by mutation, after the edit (flushed before the enrolment) was applied and committed.
    const other = await instructorCourse(t, {
      modules: [
        [
          {
            title: 'Q',
            quiz: {
              attemptsAllowed: null,
              questions: [{ answer: { type: 'short_answer', accepted: ['paris'], caseSensitive: false } }],
            },
          },
        ],
      ],
    });
    const quiz = other.lesson('Q');
    device.queue('addLesson', {
      courseId: c.courseId,
      baseVersion: c.version,
      moduleId: c.mods[0]!,
      lesson: lesson('Once'),
    });
    device.queue('enroll', { courseId: other.id });
    // A date PostgreSQL has no day for (year 0): the set-based progress insert refuses it.
    device.queue('recordProgress', {
      id: randomUUID(),
      courseId: other.id,
      lessonId: quiz.id,
      occurredAt: '0000-01-01T00:00:00Z',
    });
    const rs = await device.push();
    expect(statuses(rs)).toEqual(['applied', 'applied', 'validation_failed']);
    const d = await draftOf(c.courseId);
    expect(d.version).toBe(c.version + 1);
    expect(d.doc.modules[0]!.lessons.filter((l) => l.title === 'Once')).toHaveLength(1);
  });

  it('publishing after own chained edits applies; publishing what another device changed unseen is a conflict', async () => {
    const laptop = new Replica(t, teacher.token);
    const tablet = new Replica(t, teacher.token);
    const c = await course(laptop);
    const on = { courseId: c.courseId };
    const [a1, a2] = c.ls;
    // Both devices offline on version v: the laptop edits A1, the tablet edits A2 then publishes on its own chain.
    laptop.queue('updateLesson', {
      ...on,
      baseVersion: c.version,
      lessonId: a1!.id,
      patch: { body: 'Laptop' },
    });
    tablet.queue('updateLesson', {
      ...on,
      baseVersion: c.version,
      lessonId: a2!.id,
      patch: { body: 'Tablet' },
    });
    tablet.queue('publishCourse', { ...on, baseVersion: c.version + 1 });
    expect(statuses(await laptop.push())).toEqual(['applied']);
    const [edit, pub] = await tablet.push();
    expect(edit).toMatchObject({ status: 'applied' });
    // The laptop's text would go to students without the tablet's author having seen it: refused, with who.
    expect(pub).toMatchObject({
      status: 'rejected',
      code: 'version_conflict',
      details: { updatedByClient: laptop.deviceId, updatedBy: teacher.id },
    });
    // After a pull (its base the server's version), it publishes; the laptop, with its own edit, too.
    const d = await draftOf(c.courseId);
    tablet.queue('publishCourse', { ...on, baseVersion: d.version });
    const [ok] = await tablet.push();
    expect(ok).toMatchObject({ status: 'applied', result: { status: 'published' } });
    const after = await draftOf(c.courseId);
    expect(after.version).toBeGreaterThan(d.version);
    laptop.queue('updateLesson', {
      ...on,
      baseVersion: after.version,
      lessonId: a1!.id,
      patch: { title: 'L2' },
    });
    laptop.queue('publishCourse', { ...on, baseVersion: after.version + 1 });
    expect(statuses(await laptop.push())).toEqual(['applied', 'applied']);
  });
});
