import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail } from '@lyceum/contracts';
import { deviceFleet, stopAll, type Device } from '../../test-support/devices.ts';
import { tinyPdf, uploadFile, waitAssetReady } from '../../test-support/content.ts';
import { lessonsOf, openDevice, studyCourse } from '../../test-support/study-course.ts';
import {
  serverHasSync,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../../test-support/sync-server.ts';

/**
 * The device's synced data and its pull cursor belong together: signing out and in again (as the same student or
 * after another one) must leave the device holding everything the student's scope includes.
 */

let server: SyncServerProcess;
let teacher: Account;
const fleet = deviceFleet(() => server.url);

const signIn = (d: Device, who: Account) => d.session.signIn({ email: who.email, password: who.password });
const cursorOf = (d: Device, userId: string) =>
  (
    d.store.sqlite.prepare('SELECT cursor FROM sync_state WHERE user_id = ?').get(userId) as
      { cursor: string | null } | undefined
  )?.cursor ?? null;

/** A device where the student enrolled, finished the first reading, kept the course offline and synced. */
async function studiedOn(d: Device, student: Account): Promise<CourseDetail> {
  const course = await server.publishedCourse(teacher, studyCourse(`Kept ${student.email}`));
  await signIn(d, student);
  await d.learning.enroll(course.id);
  d.learning.complete(course.id, lessonsOf(course).read);
  await d.learning.setOffline(course.id, true);
  await d.sync.syncNow();
  expect(d.sync.status()).toMatchObject({ pending: 0, lastError: null });
  return course;
}

/** What My Learning, the course and its offline copy say about a course studied as in studiedOn. */
function expectFullyThere(d: Device, course: CourseDetail): void {
  const item = d.learning.list().items.find((i) => i.courseId === course.id);
  expect(item).toMatchObject({
    structureStored: true,
    completedLessons: 1,
    requiredLessons: 4,
    progressPercent: 25,
  });
  expect(item?.offline).toMatchObject({ enabled: true, state: 'ready', storedItems: 4, totalItems: 4 });
  const study = d.learning.course(course.id);
  expect(study.lessons[lessonsOf(course).read]?.completed).toBe(true);
  expect(d.learning.lesson(course.id, lessonsOf(course).more).lesson.body).toContain('one');
}

describe.skipIf(!serverHasSync)('the local data of an account and its sync cursor', () => {
  beforeAll(async () => {
    server = await startSyncServer();
    teacher = await server.user('instructor', 'Teacher');
  });
  afterAll(async () => {
    await fleet.closeAll();
    await stopAll({ server });
  });

  it('signing out and in again keeps every course, its progress and its offline copy', async () => {
    const student = await server.user('student');
    const { d } = await fleet.open();
    const course = await studiedOn(d, student);
    expectFullyThere(d, course);

    expect(d.sync.status().phase).toBe('synced');

    await d.session.signOut();
    expect(d.learning.list().items).toEqual([]);
    await signIn(d, student);
    // Before any sync (offline right after signing in, say), the device already holds the course; whether it is
    // up to date is not known until a sync since the sign-in finished.
    expectFullyThere(d, course);
    expect(d.sync.status()).toMatchObject({ phase: 'checking', confirmed: false });
    await d.sync.syncNow();
    expectFullyThere(d, course);
    expect(d.sync.status()).toMatchObject({ phase: 'synced', confirmed: true });
  });

  it('another account in between: the first one gets everything back, not the changes after its old cursor', async () => {
    const first = await server.user('student');
    const second = await server.user('student');
    const { d, proxy } = await fleet.open();
    const course = await studiedOn(d, first);
    await d.session.signOut();

    await signIn(d, second);
    await d.sync.syncNow();
    expect(d.learning.list().items).toEqual([]);
    await d.session.signOut();

    const before = proxy.requests('/api/v1/sync/pull').length;
    await signIn(d, first);
    await d.sync.syncNow();
    const pulls = proxy.requests('/api/v1/sync/pull').slice(before);
    expect((JSON.parse(pulls[0]!.body) as { cursor: string | null }).cursor).toBeNull();
    const item = d.learning.list().items.find((i) => i.courseId === course.id);
    expect(item).toMatchObject({ structureStored: true, completedLessons: 1, requiredLessons: 4 });
    // The other account's switch removed the offline copy (nothing of one account shows to another).
    expect(item?.offline).toBeNull();
  });

  it("another account signing in: the previous one's offline files leave the device", async () => {
    const first = await server.user('student');
    const second = await server.user('student');
    const course = await server.publishedCourse(teacher, {
      title: 'Slides kept offline',
      description: 'One deck.',
      subject: 'Testing',
      modules: [{ title: 'Read', lessons: [{ title: 'Deck', kind: 'slides' }] }],
    });
    const lessonId = course.modules[0]!.lessons[0]!.id;
    const asset = await uploadFile(server, teacher.token, course.id, {
      lessonId,
      kind: 'slides',
      name: 'deck.pdf',
      bytes: tinyPdf('Mine'),
    });
    await waitAssetReady(server, teacher.token, asset.id);
    const { d } = await fleet.open();
    await signIn(d, first);
    await d.learning.enroll(course.id);
    await d.learning.setOffline(course.id, true);
    await d.downloads.idle();
    expect(d.downloads.courses().map((c) => c.courseId)).toEqual([course.id]);
    expect(d.downloads.diskUsage(course.id)).toBeGreaterThan(0);

    // The same student again: the files stay.
    await d.session.signOut();
    await signIn(d, first);
    expect(d.downloads.diskUsage(course.id)).toBeGreaterThan(0);
    await d.session.signOut();

    await signIn(d, second);
    await expect.poll(() => d.downloads.courses().length).toBe(0);
    expect(d.downloads.diskUsage(course.id)).toBe(0);
    expect(d.learning.offline.list().courses).toEqual([]);
  });

  it('local data that does not match the cursor (course structures lost) is pulled again in full at sign-in', async () => {
    const student = await server.user('student');
    const { d, proxy } = await fleet.open();
    const course = await studiedOn(d, student);
    await d.session.signOut();
    // What earlier versions did at sign-out: the structures went, the cursor stayed.
    d.store.sqlite.prepare('DELETE FROM course_details').run();
    expect(cursorOf(d, student.id)).not.toBeNull();

    const before = proxy.requests('/api/v1/sync/pull').length;
    await signIn(d, student);
    expect(cursorOf(d, student.id)).toBeNull();
    await d.sync.syncNow();
    const first = proxy.requests('/api/v1/sync/pull')[before]!;
    expect((JSON.parse(first.body) as { cursor: string | null }).cursor).toBeNull();
    expectFullyThere(d, course);
    expect(cursorOf(d, student.id)).not.toBeNull();
  });

  it('at start, signed in, data left by an earlier version (structures gone, cursor kept) is pulled in full', async () => {
    const student = await server.user('student');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-device-'));
    const before = await openDevice(server.url, { dataDir });
    const course = await studiedOn(before, student);
    before.store.sqlite.prepare('DELETE FROM course_details').run();
    await before.close();

    const { d } = await fleet.open({ dataDir });
    expect(d.session.currentUserId()).toBe(student.id);
    expect(cursorOf(d, student.id)).not.toBeNull();
    d.sync.start();
    await expect.poll(() => d.sync.status().phase, { timeout: 15_000 }).toBe('synced');
    expectFullyThere(d, course);
  });

  it('a full pull replaces what the device held: a row the server no longer has does not survive it', async () => {
    const student = await server.user('student');
    const { d } = await fleet.open();
    const course = await studiedOn(d, student);
    const L = lessonsOf(course);
    d.store.sqlite
      .prepare(
        "INSERT INTO lesson_progress (lesson_id, course_id, watched_json, completed) VALUES (?, ?, '[]', 1)",
      )
      .run(L.exam, course.id);
    await d.session.signOut();
    d.store.sqlite.prepare('DELETE FROM course_details').run();
    await signIn(d, student);
    const examRow = () =>
      d.store.sqlite.prepare('SELECT 1 FROM lesson_progress WHERE lesson_id = ?').get(L.exam);
    // Until the server answers, the device keeps what it has (it may be offline).
    expect(examRow()).toBeDefined();
    expect(d.learning.list().items.map((i) => i.courseId)).toEqual([course.id]);
    await d.sync.syncNow();
    expect(examRow()).toBeUndefined();
    expectFullyThere(d, course);
  });

  it('changes made offline before signing out are kept and sent after signing in again', async () => {
    const student = await server.user('student');
    const { d, proxy } = await fleet.open();
    const course = await studiedOn(d, student);
    const L = lessonsOf(course);
    proxy.setDown(true);
    d.learning.complete(course.id, L.more);
    await d.session.signOut();
    proxy.setDown(false);
    await signIn(d, student);
    expect(d.sync.status().pending).toBe(1);
    await d.sync.syncNow();
    expect(d.sync.status().pending).toBe(0);
    const item = d.learning.list().items.find((i) => i.courseId === course.id);
    expect(item).toMatchObject({ completedLessons: 2, requiredLessons: 4, structureStored: true });
    const r = await server.api<{ lessons: { lessonId: string; completed: boolean }[] }>(
      'GET',
      `/api/v1/me/courses/${course.id}/progress`,
      { token: student.token },
    );
    expect(
      r.body.lessons
        .filter((l) => l.completed)
        .map((l) => l.lessonId)
        .sort(),
    ).toEqual([L.read, L.more].sort());
  });

  it('signed out and offline, the catalog does not show a course as the previous student saw it', async () => {
    const student = await server.user('student');
    const { d, proxy } = await fleet.open();
    const course = await studiedOn(d, student);
    await d.session.signOut();
    proxy.setDown(true);
    await d.connectivity.check(0);
    await expect(d.catalog.course(course.id)).rejects.toMatchObject({ code: 'not_cached' });
    proxy.setDown(false);
  });
});
