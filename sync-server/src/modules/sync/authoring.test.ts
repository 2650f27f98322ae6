import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, CourseDraftDoc, MutationResult, PublishProblem } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { Replica } from './test-support.ts';

let t: TestServer;
let teacher: Awaited<ReturnType<TestServer['user']>>;
let student: Awaited<ReturnType<TestServer['user']>>;

beforeAll(async () => {
  t = await startTestServer();
  teacher = await t.user('instructor', 'Ines Instructor');
  student = await t.user('student', 'Stu Student');
});
afterAll(() => t.close());

const draftOf = async (courseId: string) => t.server.catalog.authoring.draftOf(courseId);
const studentView = async (courseId: string) =>
  (await t.api<CourseDetail>('GET', `/api/v1/courses/${courseId}`, { token: student.token })).body;
const quizSettings = {
  passingPercent: 70,
  attemptsAllowed: null,
  graded: true,
  weight: 1,
  deviceGradable: false,
  shuffle: false,
};
const quiz = {
  ...quizSettings,
  questions: [
    {
      id: randomUUID(),
      type: 'true_false' as const,
      prompt: 'Water is wet?',
      options: [],
      answer: { type: 'true_false' as const, value: true },
      points: 1,
      feedback: {},
    },
  ],
};
const lesson = (title: string, kind: 'text' | 'quiz' | 'video' = 'text') => ({
  id: randomUUID(),
  title,
  kind,
  body: `${title} body`,
  durationMinutes: 0,
  isPreview: false,
  required: true,
  dueAt: null,
});

/** A course made offline on one device: created, two modules, a text lesson and a quiz, all with the device's ids. */
async function offlineCourse(device: Replica) {
  const courseId = randomUUID();
  const [m1, m2] = [randomUUID(), randomUUID()];
  const read = lesson('Read me');
  const check = lesson('Check', 'quiz');
  let v = 1;
  device.queue('createCourse', { courseId, title: 'Made offline', subject: 'Science' });
  device.queue('addModule', { courseId, baseVersion: v++, moduleId: m1, title: 'Week 1' });
  device.queue('addModule', { courseId, baseVersion: v++, moduleId: m2, title: 'Week 2' });
  device.queue('addLesson', { courseId, baseVersion: v++, moduleId: m1, lesson: read });
  device.queue('addLesson', { courseId, baseVersion: v++, moduleId: m2, lesson: check });
  device.queue('putQuiz', { courseId, baseVersion: v++, lessonId: check.id, quiz });
  device.queue('updateCourse', { courseId, baseVersion: v++, patch: { description: '**Bold** start' } });
  return { courseId, m1, m2, read, check, version: v };
}

const statuses = (rs: MutationResult[]) => rs.map((r) => (r.status === 'applied' ? 'applied' : r.code));

describe('authoring through sync', () => {
  it('a course made offline is applied in one push; pushed again, nothing applies twice', async () => {
    const device = new Replica(t, teacher.token);
    const c = await offlineCourse(device);
    const batch = [...device.outbox];
    const first = await device.push();
    expect(statuses(first)).toEqual(Array(7).fill('applied'));
    const d = await draftOf(c.courseId);
    expect(d.version).toBe(c.version);
    expect(d.doc.details.description).toBe('**Bold** start');
    expect(d.doc.modules.map((m) => [m.id, m.lessons.map((l) => l.id)])).toEqual([
      [c.m1, [c.read.id]],
      [c.m2, [c.check.id]],
    ]);
    expect(d.doc.modules[1]!.lessons[0]!.quiz!.questions).toHaveLength(1);

    // The same mutations again (a lost answer): answered as duplicates, the draft unchanged.
    const again = await device.pushRaw(batch);
    expect(again.body.results.every((r) => r.status === 'applied' && r.duplicate)).toBe(true);
    expect((await draftOf(c.courseId)).version).toBe(c.version);
    // The same creation under a new mutation id: the course exists and is this instructor's — applied, once.
    device.queue('createCourse', { courseId: c.courseId, title: 'Made offline', subject: 'Science' });
    expect(statuses(await device.push())).toEqual(['applied']);
    expect((await draftOf(c.courseId)).version).toBe(c.version);
  });

  it("the draft is pulled back to the instructor's other devices, and not to students", async () => {
    const laptop = new Replica(t, teacher.token);
    const c = await offlineCourse(laptop);
    await laptop.push();
    const desktop = new Replica(t, teacher.token);
    await desktop.sync();
    expect(desktop.get<{ version: number }>('course_draft', c.courseId)).toMatchObject({
      version: c.version,
    });
    laptop.queue('updateCourse', {
      courseId: c.courseId,
      baseVersion: c.version,
      patch: { title: 'Renamed' },
    });
    await laptop.push();
    await desktop.sync();
    const d = desktop.get<{ version: number; doc: CourseDraftDoc }>('course_draft', c.courseId)!;
    expect(d.version).toBe(c.version + 1);
    expect(d.doc.details.title).toBe('Renamed');
    const learner = new Replica(t, student.token);
    await learner.sync();
    expect(learner.keys('course_draft')).toEqual([]);
  });

  it('a stale base is a conflict with the server copy, never an overwrite', async () => {
    const laptop = new Replica(t, teacher.token);
    const tablet = new Replica(t, teacher.token);
    const c = await offlineCourse(laptop);
    await laptop.push();
    laptop.queue('updateLesson', {
      courseId: c.courseId,
      baseVersion: c.version,
      lessonId: c.read.id,
      patch: { body: 'Laptop text' },
    });
    tablet.queue('updateLesson', {
      courseId: c.courseId,
      baseVersion: c.version,
      lessonId: c.read.id,
      patch: { body: 'Tablet text' },
    });
    expect(statuses(await laptop.push())).toEqual(['applied']);
    const [lost] = await tablet.push();
    expect(lost).toMatchObject({
      status: 'rejected',
      code: 'version_conflict',
      details: {
        currentVersion: c.version + 1,
        updatedBy: teacher.id,
        current: { id: c.read.id, body: 'Laptop text' },
      },
    });
    const d = await draftOf(c.courseId);
    expect(d.doc.modules[0]!.lessons[0]!.body).toBe('Laptop text');
    expect(d.version).toBe(c.version + 1);
    // The tablet takes the server copy as its base and sends its merge: applied.
    tablet.queue('updateLesson', {
      courseId: c.courseId,
      baseVersion: d.version,
      lessonId: c.read.id,
      patch: { body: 'Merged text' },
    });
    expect(statuses(await tablet.push())).toEqual(['applied']);
  });

  it('students keep the published version while the instructor edits; edits reach them on publish', async () => {
    const device = new Replica(t, teacher.token);
    const c = await offlineCourse(device);
    await device.push();
    let v = c.version;
    device.queue('publishCourse', { courseId: c.courseId, baseVersion: v });
    const [pub] = await device.push();
    expect(pub).toMatchObject({ status: 'applied', result: { status: 'published' } });
    v = (await draftOf(c.courseId)).version;
    expect(
      (await t.api('POST', `/api/v1/courses/${c.courseId}/enrollment`, { token: student.token })).status,
    ).toBe(201);
    expect((await studentView(c.courseId)).modules[0]!.lessons[0]!.title).toBe('Read me');

    device.queue('updateLesson', {
      courseId: c.courseId,
      baseVersion: v++,
      lessonId: c.read.id,
      patch: { title: 'Read me (v2)' },
    });
    device.queue('addLesson', {
      courseId: c.courseId,
      baseVersion: v++,
      moduleId: c.m1,
      lesson: lesson('Extra'),
    });
    expect(statuses(await device.push())).toEqual(['applied', 'applied']);
    const before = await studentView(c.courseId);
    expect(before.modules[0]!.lessons.map((l) => l.title)).toEqual(['Read me']);

    device.queue('publishCourse', { courseId: c.courseId, baseVersion: v });
    expect(statuses(await device.push())).toEqual(['applied']);
    const after = await studentView(c.courseId);
    expect(after.modules[0]!.lessons.map((l) => l.title)).toEqual(['Read me (v2)', 'Extra']);
  });

  it('publishing a draft with a video lesson without its video is refused with the problems to fix', async () => {
    const device = new Replica(t, teacher.token);
    const c = await offlineCourse(device);
    await device.push();
    const video = lesson('Watch', 'video');
    device.queue('addLesson', {
      courseId: c.courseId,
      baseVersion: c.version,
      moduleId: c.m1,
      lesson: video,
    });
    device.queue('putQuiz', {
      courseId: c.courseId,
      baseVersion: c.version + 1,
      lessonId: c.check.id,
      quiz: { ...quizSettings, questions: [] },
    });
    device.queue('publishCourse', { courseId: c.courseId, baseVersion: c.version + 2 });
    const rs = await device.push();
    expect(statuses(rs)).toEqual(['applied', 'applied', 'publish_blocked']);
    const problems = (rs[2] as { details: { problems: PublishProblem[] } }).details.problems;
    expect(problems.map((p) => [p.code, p.lessonId])).toEqual([
      ['video_not_ready', video.id],
      ['quiz_without_questions', c.check.id],
    ]);
    expect(
      (await t.api<CourseDetail>('GET', `/api/v1/courses/${c.courseId}`, { token: teacher.token })).body
        .status,
    ).toBe('draft');
  });

  it('another instructor cannot edit the draft; an unknown lesson is not found', async () => {
    const owner = new Replica(t, teacher.token);
    const c = await offlineCourse(owner);
    await owner.push();
    const stranger = await t.user('instructor', 'Sly Stranger');
    const other = new Replica(t, stranger.token);
    other.queue('updateCourse', { courseId: c.courseId, baseVersion: c.version, patch: { title: 'Mine' } });
    owner.queue('deleteLesson', { courseId: c.courseId, baseVersion: c.version, lessonId: randomUUID() });
    expect(statuses(await other.push())).toEqual(['not_found']);
    expect(statuses(await owner.push())).toEqual(['not_found']);
    const doc: CourseDraftDoc = (await draftOf(c.courseId)).doc;
    expect(doc.details.title).toBe('Made offline');
  });
});
