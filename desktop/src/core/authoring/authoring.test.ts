import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDraftDoc, Mutation } from '@lyceum/contracts';
import type {
  ConflictList,
  DraftCreated,
  DraftEditAccepted,
  DraftEditBody,
  DraftList,
  DraftView,
  PublishAccepted,
} from '../../contracts/authoring.ts';
import { localCall } from '../../test-support/devices.ts';
import { startProxy, type Proxy } from '../../test-support/proxy.ts';
import { openDevice } from '../../test-support/study-course.ts';
import {
  removeDir,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../../test-support/sync-server.ts';
import type { Core } from '../core.ts';
import { rowToMutation } from '../sync/outbox.ts';

type Device = Core & { dataDir: string };
let srv: SyncServerProcess;
let teacher: Account;
const opened: { d: Device; proxy: Proxy }[] = [];

async function device(dataDir?: string, proxy?: Proxy): Promise<{ d: Device; proxy: Proxy }> {
  const p = proxy ?? (await startProxy(srv.url));
  const d = await openDevice(p.url, { dataDir });
  opened.push({ d, proxy: p });
  if (!dataDir) {
    await d.session.signIn({ email: teacher.email, password: teacher.password });
    await d.sync.syncNow();
  }
  return { d, proxy: p };
}

const call = <T>(d: Device, method: string, path: string, body?: unknown) =>
  localCall<T>(d, method, path, body);
const edit = async (d: Device, courseId: string, body: DraftEditBody) => {
  const r = await call<DraftEditAccepted>(d, 'POST', `/api/teach/drafts/${courseId}/edits`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.draft;
};
const view = async (d: Device, courseId: string) => {
  const r = await call<DraftView>(d, 'GET', `/api/teach/drafts/${courseId}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const serverDraft = async (courseId: string) => {
  const [row] = await srv.sql('SELECT doc, version FROM course_drafts WHERE course_id = $1', [courseId]);
  return row as { doc: CourseDraftDoc; version: number } | undefined;
};

/** Sync until `done` holds (the server numbers a change shortly after it commits: one pull may come before it). */
async function syncUntil(d: Device, done: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await d.sync.syncNow();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error('still not synced');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A course made on the server by `d`, synced back as a draft, both devices holding it. */
async function sharedCourse(d: Device, title: string): Promise<{ courseId: string; lessonId: string }> {
  const created = await call<DraftCreated>(d, 'POST', '/api/teach/drafts', {
    details: { title, subject: 'Tests' },
  });
  const courseId = created.body.courseId;
  const moduleId = randomUUID();
  const lessonId = randomUUID();
  await edit(d, courseId, { name: 'addModule', args: { moduleId, title: 'One' } });
  await edit(d, courseId, {
    name: 'addLesson',
    args: { moduleId, lesson: { id: lessonId, title: 'Intro', kind: 'text', body: 'Hello' } },
  });
  await syncUntil(
    d,
    async () => (await view(d, courseId)).pendingEdits === 0 && !!(await serverDraft(courseId)),
  );
  return { courseId, lessonId };
}

beforeAll(async () => {
  srv = await startSyncServer();
  teacher = await srv.user('instructor', 'Ada Author');
});

afterAll(async () => {
  for (const { d, proxy } of opened) {
    await d.close().catch(() => undefined);
    await proxy.close().catch(() => undefined);
  }
  for (const dir of new Set(opened.map((o) => o.d.dataDir))) removeDir(dir);
  await srv?.stop();
  if (srv) removeDir(srv.dataDir);
});

describe('authoring on the desktop, offline first', () => {
  it('creates and edits a course offline, survives a restart, and the server ends with the same draft', async () => {
    const { d, proxy } = await device();
    proxy.setDown(true);
    const created = await call<DraftCreated>(d, 'POST', '/api/teach/drafts', {
      details: { title: 'Offline algebra', subject: 'Maths', description: 'Made **offline**.' },
    });
    expect(created.status).toBe(201);
    const { courseId } = created.body;
    const m1 = randomUUID();
    const m2 = randomUUID();
    const text = randomUUID();
    const quiz = randomUUID();
    await edit(d, courseId, { name: 'addModule', args: { moduleId: m1, title: 'Basics' } });
    await edit(d, courseId, { name: 'addModule', args: { moduleId: m2, title: 'More' } });
    await edit(d, courseId, {
      name: 'addLesson',
      args: { moduleId: m1, lesson: { id: text, title: 'Variables', kind: 'text', body: 'x is a number' } },
    });
    await edit(d, courseId, {
      name: 'addLesson',
      args: { moduleId: m1, lesson: { id: quiz, title: 'Check', kind: 'quiz' } },
    });
    await edit(d, courseId, {
      name: 'putQuiz',
      args: {
        lessonId: quiz,
        quiz: {
          passingPercent: 50,
          questions: [
            {
              type: 'true_false',
              prompt: 'x can be 2',
              answer: { type: 'true_false', value: true },
              points: 1,
            },
          ],
        },
      },
    });
    await edit(d, courseId, {
      name: 'updateLesson',
      args: { lessonId: text, patch: { dueAt: '2027-01-15T12:00:00.000Z' } },
    });
    // Bad edits are refused with a code, and never queued.
    const bad = await call<{ error: { code: string } }>(d, 'POST', `/api/teach/drafts/${courseId}/edits`, {
      name: 'updateLesson',
      args: { lessonId: text, patch: { title: '' } },
    });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_failed']);
    const missing = await call<{ error: { code: string } }>(
      d,
      'POST',
      `/api/teach/drafts/${courseId}/edits`,
      {
        name: 'deleteLesson',
        args: { lessonId: randomUUID() },
      },
    );
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);

    // Restart, still offline: the draft is read back from SQLite, and more edits go on top.
    const dataDir = d.dataDir;
    await d.close();
    const again = (await device(dataDir, proxy)).d;
    const list = await call<DraftList>(again, 'GET', '/api/teach/drafts');
    expect(list.body.drafts.find((x) => x.courseId === courseId)).toMatchObject({
      title: 'Offline algebra',
      pendingEdits: 6,
      conflicts: 0,
    });
    await edit(again, courseId, { name: 'moveLesson', args: { lessonId: quiz, moduleId: m2, position: 0 } });
    await edit(again, courseId, { name: 'updateCourse', args: { patch: { title: 'Algebra, offline' } } });
    const local = await view(again, courseId);
    expect(local.pendingEdits).toBe(8);
    expect(local.draft.doc.modules.map((m) => [m.title, m.lessons.map((l) => l.title)])).toEqual([
      ['Basics', ['Variables']],
      ['More', ['Check']],
    ]);

    // Back online: everything is applied once, and the server's draft is the local one.
    proxy.setDown(false);
    await syncUntil(again, async () => (await view(again, courseId)).pendingEdits === 0);
    const server = await serverDraft(courseId);
    const synced = await view(again, courseId);
    expect(server?.doc).toEqual(synced.draft.doc);
    expect(synced.draft.doc).toEqual(local.draft.doc);
    expect(synced.draft.version).toBe(server?.version);
    expect(synced.conflicts).toEqual([]);

    // Replaying every authoring mutation (same ids) changes nothing: applied twice = once.
    const userId = teacher.id;
    const [state] = again.store.sqlite
      .prepare('SELECT device_id FROM sync_state WHERE user_id = ?')
      .all(userId) as {
      device_id: string;
    }[];
    const rows = again.sync.outbox
      .all(userId)
      .map((e) => again.sync.outbox.get(e.id)!)
      .map(rowToMutation)
      .filter((m): m is Mutation => m !== null);
    expect(rows.length).toBe(9);
    const replay = await srv.api<{ results: { status: string; duplicate?: boolean }[] }>(
      'POST',
      '/api/v1/sync/push',
      {
        token: teacher.token,
        body: { deviceId: state!.device_id, mutations: rows },
      },
    );
    expect(replay.status).toBe(200);
    expect(replay.body.results.every((r) => r.status === 'applied' && r.duplicate)).toBe(true);
    expect((await serverDraft(courseId))?.version).toBe(server?.version);
  });

  it('keeps both sides when two devices of one instructor edit the same lesson, and each choice resolves it', async () => {
    const a = await device();
    const b = await device();
    const { courseId, lessonId } = await sharedCourse(a.d, 'Two devices');
    await syncUntil(
      b.d,
      async () => (await call(b.d, 'GET', `/api/teach/drafts/${courseId}`)).status === 200,
    );

    const round = async (field: 'title' | 'body', mineValue: string, theirsValue: string) => {
      // Both start from the server's latest draft.
      const latest = async (d: Device) =>
        (await view(d, courseId)).draft.version === (await serverDraft(courseId))!.version;
      await syncUntil(a.d, () => latest(a.d));
      await syncUntil(b.d, () => latest(b.d));
      a.proxy.setDown(true);
      b.proxy.setDown(true);
      await edit(a.d, courseId, {
        name: 'updateLesson',
        args: { lessonId, patch: { [field]: theirsValue } },
      });
      await edit(b.d, courseId, { name: 'updateLesson', args: { lessonId, patch: { [field]: mineValue } } });
      a.proxy.setDown(false);
      await syncUntil(a.d, async () => (await view(a.d, courseId)).pendingEdits === 0);
      b.proxy.setDown(false);
      await syncUntil(b.d, async () => (await view(b.d, courseId)).pendingEdits === 0);
      const v = await view(b.d, courseId);
      expect(v.conflicts).toHaveLength(1);
      const c = v.conflicts[0]!;
      expect(c).toMatchObject({
        courseId,
        edit: 'updateLesson',
        target: { kind: 'lesson', id: lessonId, field },
        mine: mineValue,
        theirs: theirsValue,
        theirsBy: { id: teacher.id },
      });
      // Never silent: the local view shows the server's value until the instructor chooses.
      const local = v.draft.doc.modules[0]!.lessons[0]!;
      expect(local[field]).toBe(theirsValue);
      const all = await call<ConflictList>(b.d, 'GET', '/api/teach/conflicts');
      expect(all.body.conflicts.map((x) => x.id)).toEqual([c.id]);
      return c.id;
    };
    const lessonOnServer = async () => (await serverDraft(courseId))!.doc.modules[0]!.lessons[0]!;
    const resolve = async (conflictId: string, body: unknown) => {
      const r = await call<{ draft: unknown }>(
        b.d,
        'POST',
        `/api/teach/drafts/${courseId}/conflicts/${conflictId}/resolve`,
        body,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      await syncUntil(b.d, async () => (await view(b.d, courseId)).pendingEdits === 0);
      expect((await view(b.d, courseId)).conflicts).toEqual([]);
    };

    // Merge: the merged value is what the server keeps.
    const c1 = await round('body', 'Text from B', 'Text from A');
    const bad = await call<{ error: { code: string } }>(
      b.d,
      'POST',
      `/api/teach/drafts/${courseId}/conflicts/${c1}/resolve`,
      { choice: 'merge' },
    );
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_failed']);
    await resolve(c1, { choice: 'merge', value: 'Text from A and B' });
    expect((await lessonOnServer()).body).toBe('Text from A and B');

    // Mine: my value again, on the server's current version.
    const c2 = await round('title', 'Title from B', 'Title from A');
    await resolve(c2, { choice: 'mine' });
    expect((await lessonOnServer()).title).toBe('Title from B');

    // Theirs: mine is dropped, the server's stays.
    const c3 = await round('title', 'Second from B', 'Second from A');
    await resolve(c3, { choice: 'theirs' });
    expect((await lessonOnServer()).title).toBe('Second from A');
    expect((await view(b.d, courseId)).draft.doc.modules[0]!.lessons[0]!.title).toBe('Second from A');
  });

  it('keeps an edit the server applied in view until a pull brings it (an edit on what it added still fits)', async () => {
    const { d } = await device();
    const { courseId } = await sharedCourse(d, 'Applied not pulled');
    const moduleId = (await view(d, courseId)).draft.doc.modules[0]!.id!;
    const copy = d.store.sqlite
      .prepare('SELECT version, doc_json FROM course_drafts WHERE course_id = ?')
      .get(courseId) as { version: number; doc_json: string };
    const added = randomUUID();
    await edit(d, courseId, {
      name: 'addLesson',
      args: { moduleId, lesson: { id: added, title: 'Added', kind: 'text', body: 'New' } },
    });
    await syncUntil(d, async () => (await view(d, courseId)).pendingEdits === 0);
    // As if the pull had come before the server numbered the change: the local copy is still the one before it.
    d.store.sqlite
      .prepare('UPDATE course_drafts SET version = ?, doc_json = ?, pulled_at = ? WHERE course_id = ?')
      .run(copy.version, copy.doc_json, new Date().toISOString(), courseId);
    const v = await view(d, courseId);
    expect(v.pendingEdits).toBe(0);
    expect(v.draft.doc.modules[0]!.lessons.map((l) => l.id)).toContain(added);
    await edit(d, courseId, { name: 'updateLesson', args: { lessonId: added, patch: { title: 'Renamed' } } });
    await syncUntil(
      d,
      async () => (await serverDraft(courseId))?.doc.modules[0]?.lessons.at(-1)?.title === 'Renamed',
    );
  });

  it('queues publishing offline; the server rejects it with its problems, then applies it once they are fixed', async () => {
    const { d, proxy } = await device();
    const { courseId, lessonId } = await sharedCourse(d, 'Publish me');
    proxy.setDown(true);
    const videoLesson = randomUUID();
    const moduleId = (await view(d, courseId)).draft.doc.modules[0]!.id!;
    await edit(d, courseId, {
      name: 'addLesson',
      args: { moduleId, lesson: { id: videoLesson, title: 'A film', kind: 'video' } },
    });
    const queued = await call<PublishAccepted>(d, 'POST', `/api/teach/drafts/${courseId}/publish`);
    expect([queued.status, queued.body.publish.state]).toEqual([202, 'queued']);
    proxy.setDown(false);
    await syncUntil(d, async () => (await view(d, courseId)).publish.state !== 'queued');
    const rejected = (await view(d, courseId)).publish;
    expect(rejected).toMatchObject({ state: 'rejected', action: 'publish', code: 'publish_blocked' });
    expect(rejected.problems?.map((p) => [p.code, p.lessonId])).toEqual([['video_not_ready', videoLesson]]);

    await edit(d, courseId, { name: 'deleteLesson', args: { lessonId: videoLesson } });
    await call(d, 'POST', `/api/teach/drafts/${courseId}/publish`);
    await syncUntil(d, async () => (await view(d, courseId)).publish.state !== 'queued');
    const v = await view(d, courseId);
    expect(v.publish).toMatchObject({ state: 'applied', action: 'publish' });
    expect(v.draft.status).toBe('published');
    const [course] = await srv.sql('SELECT status FROM courses WHERE id = $1', [courseId]);
    expect(course?.status).toBe('published');
    const [lesson] = await srv.sql('SELECT title FROM lessons WHERE id = $1', [lessonId]);
    expect(lesson?.title).toBe('Intro');
  });
});
