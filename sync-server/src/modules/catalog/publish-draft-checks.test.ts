import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MutationResult } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { Replica } from '../sync/test-support.ts';

/**
 * Issue 15: publishing a draft is checked on the draft BEFORE it replaces what students study (a refused publish of a
 * published course changes nothing they see), and a lesson that exists only in the draft can receive its video.
 */
let t: TestServer;
let teacher: Awaited<ReturnType<TestServer['user']>>;
let student: Awaited<ReturnType<TestServer['user']>>;

beforeAll(async () => {
  t = await startTestServer();
  teacher = await t.user('instructor', 'Dana Draft');
  student = await t.user('student', 'Stu Dent');
});
afterAll(() => t.close());

const outcomes = (rs: MutationResult[]) => rs.map((r) => (r.status === 'applied' ? 'applied' : r.code));
const base = { durationMinutes: 0, isPreview: false, required: true, dueAt: null };

async function publishedCourse(device: Replica) {
  const courseId = randomUUID();
  const moduleId = randomUUID();
  let v = 1;
  device.queue('createCourse', { courseId, title: 'Checked first', subject: 'Film' });
  device.queue('addModule', { courseId, baseVersion: v++, moduleId, title: 'Week 1' });
  device.queue('addLesson', {
    courseId,
    baseVersion: v++,
    moduleId,
    lesson: { ...base, id: randomUUID(), title: 'Read', kind: 'text', body: 'Live text' },
  });
  device.queue('publishCourse', { courseId, baseVersion: v });
  expect(outcomes(await device.push())).toEqual(['applied', 'applied', 'applied', 'applied']);
  return { courseId, moduleId };
}

describe('publishing a draft', () => {
  it('refused on the draft (a video lesson with no video): students keep the published version untouched', async () => {
    const device = new Replica(t, teacher.token);
    const { courseId, moduleId } = await publishedCourse(device);
    const before = await t.api<{ modules: { lessons: { title: string }[] }[] }>(
      'GET',
      `/api/v1/courses/${courseId}`,
      {
        token: student.token,
      },
    );
    expect(before.body.modules[0]!.lessons.map((l) => l.title)).toEqual(['Read']);

    let v = (await t.server.catalog.authoring.draftOf(courseId)).version;
    const video = { ...base, id: randomUUID(), title: 'Watch', kind: 'video' as const, body: '' };
    device.queue('addLesson', { courseId, baseVersion: v++, moduleId, lesson: video });
    device.queue('publishCourse', { courseId, baseVersion: v });
    const [added, published] = await device.push();
    expect(added!.status).toBe('applied');
    expect(published).toMatchObject({ status: 'rejected', code: 'publish_blocked' });
    expect(JSON.stringify(published)).toContain('video_not_ready');

    const after = await t.api<{ modules: { lessons: { title: string }[] }[] }>(
      'GET',
      `/api/v1/courses/${courseId}`,
      {
        token: student.token,
      },
    );
    expect(after.body.modules[0]!.lessons.map((l) => l.title)).toEqual(['Read']);

    // The draft-only lesson may receive its video: the upload is accepted for it.
    const upload = await t.api<{ id: string }>('POST', `/api/v1/courses/${courseId}/uploads`, {
      token: teacher.token,
      body: {
        lessonId: video.id,
        kind: 'video',
        name: 'watch.mp4',
        size: 1024,
        sha256: 'a'.repeat(64),
      },
    });
    expect(upload.status).toBe(201);
    // A lesson in neither the course nor its draft is still refused.
    const stray = await t.api('POST', `/api/v1/courses/${courseId}/uploads`, {
      token: teacher.token,
      body: { lessonId: randomUUID(), kind: 'video', name: 'x.mp4', size: 1024, sha256: 'a'.repeat(64) },
    });
    expect(stray.status).toBe(400);
  });
});
