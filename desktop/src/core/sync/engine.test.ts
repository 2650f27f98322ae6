import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, StudentCourseProgress, QuizAttemptList } from '@lyceum/contracts';
import { deviceFleet, stopAll, type Device } from '../../test-support/devices.ts';
import { lessonsOf, openDevice, studyCourse } from '../../test-support/study-course.ts';
import {
  serverHasSync,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../../test-support/sync-server.ts';

if (!serverHasSync)
  console.warn('[desktop sync engine tests] skipped: the sync server has no sync module yet');

let server: SyncServerProcess;
let teacher: Account;
const fleet = deviceFleet(() => server.url);

const device = (opts: { pullLimit?: number; dataDir?: string } = {}) =>
  fleet.open({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    sync: opts.pullLimit ? { pullLimit: opts.pullLimit } : {},
  });

async function signedIn(d: Device, who: Account) {
  await d.session.signIn({ email: who.email, password: who.password });
}

/** Two devices of the student, both signed in; enrolled on the first, and both synced since. */
async function twoSyncedDevices(student: Account, course: CourseDetail) {
  const a = await device();
  const b = await device();
  await signedIn(a.d, student);
  await signedIn(b.d, student);
  await a.d.learning.enroll(course.id);
  await a.d.sync.syncNow();
  await b.d.sync.syncNow();
  return { a, b };
}

async function newCourse(title: string): Promise<CourseDetail> {
  return server.publishedCourse(teacher, studyCourse(title));
}

async function serverProgress(student: Account, courseId: string) {
  const r = await server.api<StudentCourseProgress>('GET', `/api/v1/me/courses/${courseId}/progress`, {
    token: student.token,
  });
  expect(r.status).toBe(200);
  return r.body;
}
async function serverAttempts(student: Account, courseId: string) {
  const r = await server.api<QuizAttemptList>('GET', `/api/v1/me/courses/${courseId}/quiz-attempts`, {
    token: student.token,
  });
  expect(r.status).toBe(200);
  return r.body.items;
}
const completed = (d: Device, courseId: string) =>
  Object.entries(d.learning.course(courseId).lessons)
    .filter(([, s]) => s.completed)
    .map(([id]) => id)
    .sort();
const attemptIds = (d: Device, courseId: string, lessonId: string) =>
  d.learning
    .lesson(courseId, lessonId)
    .attempts.map((a) => `${a.id}:${a.state}`)
    .sort();

describe.skipIf(!serverHasSync)('sync engine against a real server', () => {
  beforeAll(async () => {
    server = await startSyncServer();
    teacher = await server.user('instructor', 'Teacher');
  });
  afterAll(async () => {
    await fleet.closeAll();
    await stopAll({ server });
  });

  it('two devices of one student, working offline in turns, converge on the server state', async () => {
    const student = await server.user('student');
    const course = await newCourse('Two devices');
    const L = lessonsOf(course);
    const { a, b } = await twoSyncedDevices(student, course);
    expect(b.d.learning.list().items.map((i) => i.courseId)).toEqual([course.id]);

    // Both go offline and study different things.
    a.proxy.setDown(true);
    b.proxy.setDown(true);
    a.d.learning.complete(course.id, L.read);
    const practice = a.d.learning.submitAttempt(course.id, L.practice, { answers: L.practiceAnswers(true) });
    expect(practice.attempts[0]?.gradedBy).toBe('device');
    expect(practice.attempts[0]?.grade?.percent).toBe(100);
    b.d.learning.complete(course.id, L.more);
    b.d.learning.complete(course.id, L.read); // the same lesson on both devices
    const prefs = b.d.learning.preferences();
    b.d.learning.putPreferences({ ...prefs, playbackSpeed: 1.5 });
    await a.d.sync.syncNow();
    expect(a.d.sync.status().pending).toBe(2);
    expect(a.d.sync.status().online).toBe(false);

    // Back online, in an interleaved order.
    b.proxy.setDown(false);
    await b.d.sync.syncNow();
    a.proxy.setDown(false);
    await a.d.sync.syncNow();
    await b.d.sync.syncNow();

    for (const d of [a.d, b.d]) {
      expect(d.sync.status().pending).toBe(0);
      expect(d.sync.status().rejected).toEqual([]);
      expect(completed(d, course.id)).toEqual([L.read, L.more, L.practice].sort());
      expect(d.learning.preferences().playbackSpeed).toBe(1.5);
    }
    expect(attemptIds(a.d, course.id, L.practice)).toEqual(attemptIds(b.d, course.id, L.practice));
    expect(attemptIds(b.d, course.id, L.practice)).toEqual([`${practice.attempts[0]!.id}:graded`]);
    const p = await serverProgress(student, course.id);
    expect(
      p.lessons
        .filter((l) => l.completed)
        .map((l) => l.lessonId)
        .sort(),
    ).toEqual([L.read, L.more, L.practice].sort());
    expect(a.d.learning.list().items[0]?.progressPercent).toBe(p.progressPercent);
    expect(b.d.learning.list().items[0]?.progressPercent).toBe(p.progressPercent);
  });

  it('a push cut off after the server applied it is sent again with the same ids and applied once', async () => {
    const student = await server.user('student');
    const course = await newCourse('Lost answers');
    const L = lessonsOf(course);
    const { d, proxy } = await device();
    await signedIn(d, student);
    await d.learning.enroll(course.id);
    await d.sync.syncNow();
    d.learning.complete(course.id, L.read);
    const exam = d.learning.submitAttempt(course.id, L.exam, { answers: L.examAnswers() });
    expect(exam.attempts[0]).toMatchObject({ state: 'pending', grade: null });
    proxy.rule({ path: '/api/v1/sync/push', action: 'drop-response', times: 1 });
    await d.sync.syncNow();
    expect(d.sync.status().pending).toBe(2);
    await d.sync.syncNow();
    expect(d.sync.status().pending).toBe(0);

    const pushes = proxy
      .requests('/api/v1/sync/push')
      .map((r) => JSON.parse(r.body) as { mutations: { id: string }[] });
    expect(pushes.length).toBe(2);
    expect(pushes[1]!.mutations.map((m) => m.id)).toEqual(pushes[0]!.mutations.map((m) => m.id));
    const attempts = await serverAttempts(student, course.id);
    expect(attempts.map((x) => x.id)).toEqual([exam.attempts[0]!.id]);
    expect(attempts[0]!.percent).toBe(66.67);
    const after = d.learning.lesson(course.id, L.exam).attempts;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ state: 'graded', gradedBy: 'server', attemptNumber: 1 });
    expect(after[0]!.grade?.percent).toBe(66.67);
    expect(d.sync.outbox.all(student.id).every((e) => e.status === 'applied')).toBe(true);
  });

  it('a pull cut off mid-page resumes from the last applied page', async () => {
    const student = await server.user('student');
    const course = await newCourse('Cut pulls');
    const L = lessonsOf(course);
    const { d, proxy } = await device({ pullLimit: 2 });
    await signedIn(d, student);
    await d.learning.enroll(course.id);
    d.learning.complete(course.id, L.read);
    d.learning.complete(course.id, L.more);
    await d.sync.syncNow();
    const pullsBefore = proxy.requests('/api/v1/sync/pull').length;
    expect(pullsBefore).toBeGreaterThan(1);

    // A fresh device of the same student: its initial sync is several pages; the second one is cut mid-body.
    const fresh = await device({ pullLimit: 2 });
    await signedIn(fresh.d, student);
    const pulls = () => fresh.proxy.requests('/api/v1/sync/pull');
    fresh.proxy.rule({ path: '/api/v1/sync/pull', action: 'cut-body', times: 1, skip: 1 });
    await fresh.d.sync.syncNow();
    expect(fresh.d.sync.status().online).toBe(false);
    const cut = pulls().find((r) => r.outcome === 'cut-body');
    expect(cut).toBeDefined();
    const cursorAfterCut = (JSON.parse(cut!.body) as { cursor: string | null }).cursor;
    expect(cursorAfterCut).not.toBeNull();
    // Resume: the next pull starts at the cursor of the last applied page, not from null.
    const before = pulls().length;
    await fresh.d.sync.syncNow();
    const resumed = JSON.parse(pulls()[before]!.body) as { cursor: string | null };
    expect(resumed.cursor).toBe(cursorAfterCut);
    expect(completed(fresh.d, course.id)).toEqual([L.read, L.more].sort());
    expect(fresh.d.learning.list().items.map((i) => i.courseId)).toEqual([course.id]);
  });

  it('resyncRequired: the synced tables are rebuilt from a pull from null; the outbox is kept', async () => {
    const student = await server.user('student');
    const course = await newCourse('Resync');
    const L = lessonsOf(course);
    const { d, proxy } = await device();
    await signedIn(d, student);
    await d.learning.enroll(course.id);
    d.learning.complete(course.id, L.read);
    await d.sync.syncNow();
    // A stale row the server would have tombstoned in changes this device can no longer get.
    d.store.sqlite
      .prepare(
        "INSERT INTO lesson_progress (lesson_id, course_id, watched_json, completed) VALUES (?, ?, '[]', 1)",
      )
      .run(L.exam, course.id);
    // Another device records progress; then the change log forgets everything up to it, so this device's cursor is
    // older than what the log keeps.
    const top = async () =>
      Number((await server.sql('SELECT coalesce(max(seq), 0) AS top FROM change_log'))[0]!.top);
    const seqBefore = await top();
    const other = await server.api('POST', '/api/v1/progress', {
      token: student.token,
      body: {
        id: crypto.randomUUID(),
        courseId: course.id,
        lessonId: L.more,
        completed: true,
        occurredAt: new Date().toISOString(),
      },
    });
    expect(other.status).toBeLessThan(300);
    for (let i = 0; i < 200 && (await top()) <= seqBefore; i++) await new Promise((r) => setTimeout(r, 25));
    await server.sql('UPDATE sync_state SET low_water = (SELECT max(seq) FROM change_log) WHERE id = 1');
    const outboxBefore = d.sync.outbox.all(student.id).length;
    const before = proxy.requests('/api/v1/sync/pull').length;
    await d.sync.syncNow();
    const pulls = proxy
      .requests('/api/v1/sync/pull')
      .slice(before)
      .map((r) => JSON.parse(r.body) as { cursor: string | null });
    expect(pulls[0]!.cursor).not.toBeNull();
    expect(pulls.some((p) => p.cursor === null)).toBe(true);
    expect(completed(d, course.id)).toEqual([L.read, L.more].sort());
    expect(d.sync.outbox.all(student.id).length).toBe(outboxBefore);
    expect(d.sync.status().lastError).toBeNull();
  });

  it('a change the server refuses is kept, shown with its reason and what to do, and undone locally', async () => {
    const student = await server.user('student');
    const course = await newCourse('Refusals');
    const L = lessonsOf(course);
    const { a, b } = await twoSyncedDevices(student, course);
    a.proxy.setDown(true);
    b.proxy.setDown(true);
    // The exam allows 3 attempts: each device, offline, sees room for 2 of its own.
    for (let i = 0; i < 2; i++) a.d.learning.submitAttempt(course.id, L.exam, { answers: L.examAnswers() });
    for (let i = 0; i < 2; i++) b.d.learning.submitAttempt(course.id, L.exam, { answers: {} });
    a.proxy.setDown(false);
    b.proxy.setDown(false);
    await a.d.sync.syncNow();
    await b.d.sync.syncNow();
    await a.d.sync.syncNow();
    const status = b.d.sync.status();
    expect(status.pending).toBe(0);
    expect(status.rejected).toHaveLength(1);
    expect(status.rejected[0]).toMatchObject({
      name: 'submitQuizAttempt',
      code: 'attempts_exhausted',
      courseId: course.id,
    });
    expect(status.rejected[0]!.action).toMatch(/attempt/i);
    const attempts = b.d.learning.lesson(course.id, L.exam).attempts;
    expect(attempts.filter((x) => x.state === 'graded')).toHaveLength(3);
    expect(attempts.filter((x) => x.state === 'rejected')).toHaveLength(1);
    expect((await serverAttempts(student, course.id)).length).toBe(3);
    // Dismissed: no longer shown, still on record.
    expect(b.d.sync.dismiss(status.rejected[0]!.id)).toBe(true);
    expect(b.d.sync.status().rejected).toEqual([]);
    expect(b.d.sync.outbox.all(student.id).filter((e) => e.status === 'rejected')).toHaveLength(1);
  });

  it('a push the server answers none of does not stop the sync: the rest is sent one by one, and it still pulls', async () => {
    const student = await server.user('student');
    const course = await newCourse('One stuck change');
    const L = lessonsOf(course);
    const { a, b } = await twoSyncedDevices(student, course);
    a.proxy.setDown(true);
    a.d.learning.complete(course.id, L.read);
    a.d.learning.complete(course.id, L.more);
    const [stuck] = a.d.sync.outbox.all(student.id).filter((e) => e.status === 'pending');
    // Meanwhile, another device of the student studies and syncs.
    b.d.learning.submitAttempt(course.id, L.practice, { answers: L.practiceAnswers(true) });
    await b.d.sync.syncNow();
    // A server that stops at an unexpected error on that change: every push starting with it is answered with nothing.
    a.proxy.rule({
      path: '/api/v1/sync/push',
      action: 'answer',
      times: 100,
      when: (body) => (JSON.parse(body) as { mutations: { id: string }[] }).mutations[0]?.id === stuck!.id,
      answer: { status: 200, body: { results: [] } },
    });
    a.proxy.setDown(false);
    await a.d.sync.syncNow();

    const status = a.d.sync.status();
    expect(status.pending).toBe(1);
    expect(a.d.sync.outbox.all(student.id).find((e) => e.status === 'pending')?.id).toBe(stuck!.id);
    // The other change reached the server, and the device pulled (it has the other device's lesson).
    const done = (await serverProgress(student, course.id)).lessons
      .filter((l) => l.completed)
      .map((l) => l.lessonId);
    expect(done.sort()).toEqual([L.more, L.practice].sort());
    expect(completed(a.d, course.id)).toContain(L.practice);
    expect(status.lastError).toMatch(/could not be sent/);
    // Nothing is given up: the next sync tries the held-back change again (first, as always).
    const pushes = a.proxy.requests('/api/v1/sync/push').length;
    await a.d.sync.syncNow();
    expect(a.proxy.requests('/api/v1/sync/push').length).toBeGreaterThan(pushes);
    expect(a.d.sync.status().pending).toBe(1);
  });

  it('a socket.io poke makes an online device pull within a second of a change elsewhere', async () => {
    const student = await server.user('student');
    const course = await newCourse('Pokes');
    const L = lessonsOf(course);
    const writer = await device();
    await signedIn(writer.d, student);
    await writer.d.learning.enroll(course.id);
    await writer.d.sync.syncNow();
    // The listener talks to the server directly (the test proxy does not carry WebSockets), with its triggers on.
    const listener = await openDevice(server.url, {
      sync: { autoStart: true, socket: true, intervalMs: 600_000 },
    });
    fleet.track(listener);
    await signedIn(listener, student);
    await listener.sync.syncNow();
    const deadline = Date.now() + 10_000;
    while (!listener.sync.status().live && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(listener.sync.status().live).toBe(true);
    writer.d.learning.complete(course.id, L.more);
    await writer.d.sync.syncNow();
    const t0 = Date.now();
    while (!completed(listener, course.id).includes(L.more) && Date.now() - t0 < 5000)
      await new Promise((r) => setTimeout(r, 20));
    expect(completed(listener, course.id)).toContain(L.more);
    expect(Date.now() - t0).toBeLessThan(1500);
  });
});
