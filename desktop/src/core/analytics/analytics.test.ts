import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verbName, type CourseDetail, type DeadLetterList, type XapiStatement } from '@lyceum/contracts';
import { startCore, type Core } from '../core.ts';
import { startProxy, type Proxy } from '../../test-support/proxy.ts';
import { lessonsOf, studyCourse } from '../../test-support/study-course.ts';
import {
  removeDir,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../../test-support/sync-server.ts';
import type { CourseInsights } from '../../contracts/analytics.ts';
import { statementsFor } from './statements.ts';

/** The device clock runs this far behind the server's: the skew the server must estimate. */
const BEHIND_MS = 90_000;

let srv: SyncServerProcess;
let proxy: Proxy;
let core: Core;
let dataDir: string;
let teacher: Account;
let student: Account;
let course: CourseDetail;
let L: ReturnType<typeof lessonsOf>;
let clip: string;
const errors: string[] = [];

async function local<T = unknown>(method: string, p: string, body?: unknown) {
  const res = await fetch(core.url + p, {
    method,
    headers: {
      authorization: `Bearer ${core.secret}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
const lessonPath = (lessonId: string) => `/api/learning/${course.id}/lessons/${lessonId}`;
const queued = () =>
  (
    core.store.sqlite
      .prepare('SELECT id, timestamp, statement_json FROM analytics_queue ORDER BY seq')
      .all() as {
      id: string;
      timestamp: string;
      statement_json: string;
    }[]
  ).map((r) => ({ ...r, statement: JSON.parse(r.statement_json) as XapiStatement }));
const verbs = (rows: { statement: XapiStatement }[]) => rows.map((r) => verbName(r.statement.verb.id));
const onServer = (ids: string[]) =>
  srv.sql(
    `SELECT id::text AS id, "timestamp", stored, skew_ms, device_id FROM analytics.statements
     WHERE id = ANY($1::uuid[]) ORDER BY id`,
    [ids],
  );
const video = (verb: string, time: number, more: Record<string, unknown> = {}) =>
  local('POST', `${lessonPath(clip)}/video-events`, {
    verb,
    sessionId: '0190b8a0-0000-7000-8000-00000000c11f',
    time,
    segments: [],
    length: 40,
    ...more,
  });

beforeAll(async () => {
  srv = await startSyncServer();
  proxy = await startProxy(srv.url);
  teacher = await srv.user('instructor', 'Ada Teacher');
  student = await srv.user('student', 'Sam Student');
  const base = studyCourse('Analytics on the desktop');
  course = await srv.publishedCourse(teacher, {
    ...base,
    modules: [...(base.modules ?? []), { title: 'Watch', lessons: [{ title: 'Clip', kind: 'video' }] }],
  });
  L = lessonsOf(course);
  clip = course.modules[1]!.lessons[0]!.id;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-analytics-'));
  core = await startCore({
    config: { serverUrl: proxy.url, dataDir, port: 0, requestTimeoutMs: 3000 },
    rendererDir: null,
    sync: { autoStart: false, socket: false },
    analytics: { autoStart: false },
    clock: () => new Date(Date.now() - BEHIND_MS),
    onError: (e) => errors.push(e instanceof Error ? e.message : String(e)),
  });
  await core.session.signIn({ email: student.email, password: student.password });
  await core.learning.enroll(course.id);
  await core.sync.syncNow();
}, 180_000);

afterAll(async () => {
  await core?.close().catch(() => undefined);
  await proxy?.close();
  await srv?.stop();
  if (srv) removeDir(srv.dataDir);
  if (dataDir) removeDir(dataDir);
});

describe('learning analytics on the desktop', () => {
  it('records study offline, then uploads it once when back: device times kept, clock skew estimated', async () => {
    proxy.setDown(true);
    expect((await core.connectivity.check(0)).online).toBe(false);

    expect((await local('GET', lessonPath(L.read))).status).toBe(200);
    await local('GET', lessonPath(L.read)); // a reload of the page: the same opening
    expect((await local('POST', `${lessonPath(L.read)}/complete`)).status).toBe(200);
    await local('POST', `${lessonPath(L.read)}/complete`); // already complete: nothing new
    expect(
      (await local('POST', `${lessonPath(L.practice)}/attempts`, { answers: L.practiceAnswers(true) }))
        .status,
    ).toBe(201);
    await local('GET', lessonPath(clip));
    expect((await video('played', 0)).status).toBe(204);
    await video('seeked', 20, { from: 5, to: 20, segments: [[0, 5]] });
    await video('paused', 30, {
      segments: [
        [0, 5],
        [20, 30],
      ],
    });
    // The watch report that reaches 90% completes the lesson: the Video Profile's completed, once.
    await local('POST', `${lessonPath(clip)}/watch`, {
      positionSeconds: 38,
      watchedIntervals: [[0, 38]],
      durationSeconds: 40,
    });
    // Playback reaching the end afterwards completes nothing new: the viewing ends there (paused at 40).
    await video('completed', 40, {
      segments: [
        [0, 5],
        [20, 40],
      ],
    });

    const bad = await local<{ error: { code: string } }>('POST', `${lessonPath(clip)}/video-events`, {
      verb: 'seeked',
      sessionId: '0190b8a0-0000-7000-8000-00000000c11f',
      time: 3,
      segments: [],
      length: 40,
    });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_failed']);
    expect((await video('played', 1, { length: 0 })).status).toBe(400);
    expect(
      (
        await local('POST', `${lessonPath(L.read)}/video-events`, {
          verb: 'played',
          sessionId: crypto.randomUUID(),
          time: 0,
          segments: [],
          length: 5,
        })
      ).status,
    ).toBe(404);

    const rows = queued();
    expect(verbs(rows)).toEqual([
      'opened',
      'completed',
      'attempted',
      'answered',
      'answered',
      'passed',
      'completed',
      'opened',
      'played',
      'seeked',
      'paused',
      'completed',
      'paused',
    ]);
    const answers = rows.filter((r) => verbName(r.statement.verb.id) === 'answered');
    expect(answers.map((r) => r.statement.result?.success)).toEqual([true, true]);
    const ended = rows.at(-1)!.statement;
    expect(ended.result?.extensions).toMatchObject({
      'https://w3id.org/xapi/video/extensions/time': 40,
      'https://w3id.org/xapi/video/extensions/progress': 1,
    });
    // Device times: the device clock, 90 s behind (quiz statements take the attempt's submission time instead).
    const clocked = rows.filter((r) =>
      ['opened', 'played', 'seeked', 'paused'].includes(verbName(r.statement.verb.id) ?? ''),
    );
    expect(clocked).toHaveLength(6);
    for (const r of clocked)
      expect(Date.now() - Date.parse(r.timestamp)).toBeGreaterThanOrEqual(BEHIND_MS - 1);

    await expect(core.analytics.uploader.uploadNow()).rejects.toThrow();
    expect(queued()).toHaveLength(rows.length);

    proxy.setDown(false);
    const run = await core.analytics.uploader.uploadNow();
    expect(run).toEqual({ batches: 1, accepted: rows.length, duplicates: 0, rejected: 0 });
    expect(queued()).toHaveLength(0);

    const stored = await onServer(rows.map((r) => r.id));
    expect(stored).toHaveLength(rows.length);
    const deviceId = (
      core.store.sqlite.prepare('SELECT device_id FROM sync_state WHERE user_id = ?').get(student.id) as {
        device_id: string;
      }
    ).device_id;
    const byId = new Map(rows.map((r) => [r.id, r.timestamp]));
    for (const s of stored) {
      expect((s.timestamp as Date).getTime()).toBe(Date.parse(byId.get(s.id as string)!));
      expect(s.device_id).toBe(deviceId);
    }
    const late = stored.filter((s) => clocked.some((r) => r.id === s.id));
    for (const s of late)
      expect((s.stored as Date).getTime() - (s.timestamp as Date).getTime()).toBeGreaterThanOrEqual(
        BEHIND_MS,
      );
    const skew = core.analytics.uploader.lastSkew();
    expect(skew?.skewMs).toBeGreaterThanOrEqual(BEHIND_MS - 1000);
    expect(skew?.skewMs).toBeLessThan(BEHIND_MS + 5000);
    expect(Number(stored[0]!.skew_ms)).toBe(skew?.skewMs);
    console.log(
      `[analytics] ${rows.length} offline statements uploaded late; server skew estimate ${skew?.skewMs} ms`,
    );
  });

  it('an upload whose answer was lost is sent again with the same ids and counted once', async () => {
    core.analytics.recorder.lessonOpened(course.id, L.more);
    await video('played', 0);
    await video('paused', 12, { segments: [[0, 12]] });
    const ids = queued().map((r) => r.id);
    expect(ids).toHaveLength(3);

    proxy.rule({ path: '/api/v1/analytics/events', action: 'drop-response', times: 1 });
    await expect(core.analytics.uploader.uploadNow()).rejects.toThrow();
    expect(queued().map((r) => r.id)).toEqual(ids);
    expect(core.analytics.uploader.status()).toMatchObject({ failures: 1, queued: 3 });
    expect(core.analytics.uploader.status().nextRetryAt).not.toBeNull();

    const again = await core.analytics.uploader.uploadNow();
    expect(again).toEqual({ batches: 1, accepted: 0, duplicates: 3, rejected: 0 });
    expect(queued()).toHaveLength(0);
    expect(await onServer(ids)).toHaveLength(3);
    const bodies = proxy.requests('/api/v1/analytics/events').slice(-2);
    const sent = bodies.map((b) =>
      (JSON.parse(b.body) as { statements: { id: string }[] }).statements.map((s) => s.id),
    );
    expect(sent).toEqual([ids, ids]);
    expect(core.analytics.uploader.status()).toMatchObject({
      failures: 0,
      nextRetryAt: null,
      lastError: null,
    });
  });

  it('a server-graded quiz: attempted at once, every answer and the outcome when the grade arrives by sync', async () => {
    const submitted = await local<{ attempts: { submittedAt: string }[] }>(
      'POST',
      `${lessonPath(L.exam)}/attempts`,
      { answers: L.examAnswers() },
    );
    expect(submitted.status).toBe(201);
    expect(verbs(queued())).toEqual(['attempted']);

    await core.sync.syncNow();
    const rows = queued();
    expect(verbs(rows)).toEqual(['attempted', 'answered', 'answered', 'answered', 'passed', 'completed']);
    expect(rows.slice(1, 4).map((r) => r.statement.result?.success)).toEqual([true, true, false]);
    expect(rows[4]!.statement.result?.score).toMatchObject({ raw: 2, max: 3 });
    // Recorded at submission time, not when the grade came.
    const at = submitted.body.attempts[0]!.submittedAt;
    expect(new Set(rows.map((r) => r.timestamp))).toEqual(new Set([new Date(at).toISOString()]));
    await core.sync.syncNow(); // nothing recorded twice
    expect(queued()).toHaveLength(6);
    expect(await core.analytics.uploader.uploadNow()).toMatchObject({ accepted: 6 });
  });

  it('statements the server refuses leave the queue, are logged, and wait in its dead-letter store', async () => {
    const forged = statementsFor(teacher.id).lessonOpened({ courseId: course.id, lessonId: L.more });
    core.analytics.queue.add(student.id, forged);
    core.analytics.recorder.lessonOpened(course.id, L.practice);
    errors.length = 0;
    expect(await core.analytics.uploader.uploadNow()).toMatchObject({ accepted: 1, rejected: 1 });
    expect(queued()).toHaveLength(0);
    expect(errors.some((e) => e.includes(forged.id))).toBe(true);
    const admin = await srv.user('admin');
    const dead = await srv.api<DeadLetterList>('GET', '/api/v1/analytics/dead-letters?source=desktop', {
      token: admin.token,
    });
    expect(dead.body.items.some((d) => JSON.stringify(d.payload).includes(forged.id))).toBe(true);
  });

  it('a big queue goes up in batches of at most 500', async () => {
    const b = statementsFor(student.id);
    core.store.db.transaction(() => {
      for (let i = 0; i < 1100; i++)
        core.analytics.queue.add(student.id, b.lessonOpened({ courseId: course.id, lessonId: L.more }));
    });
    const before = proxy.requests('/api/v1/analytics/events').length;
    expect(await core.analytics.uploader.uploadNow()).toEqual({
      batches: 3,
      accepted: 1100,
      duplicates: 0,
      rejected: 0,
    });
    const sizes = proxy
      .requests('/api/v1/analytics/events')
      .slice(before)
      .map((r) => (JSON.parse(r.body) as { statements: unknown[] }).statements.length);
    expect(sizes).toEqual([500, 500, 100]);
  });

  it('recording never fails the action it observes', async () => {
    core.store.sqlite.exec('ALTER TABLE analytics_queue RENAME TO analytics_queue_away');
    errors.length = 0;
    try {
      const done = await local<{ status: { completed: boolean } }>('POST', `${lessonPath(L.more)}/complete`);
      expect(done.status).toBe(200);
      expect(done.body.status.completed).toBe(true);
    } finally {
      core.store.sqlite.exec('ALTER TABLE analytics_queue_away RENAME TO analytics_queue');
    }
    expect(errors.some((e) => e.startsWith('analytics: could not record'))).toBe(true);
  });

  it("shows an instructor their course's insights, and the last copy with its age when offline", async () => {
    const insights = (q = 'last=7d') =>
      local<CourseInsights & { error?: { code: string } }>(
        'GET',
        `/api/teach/courses/${course.id}/insights?${q}`,
      );
    expect((await insights()).status).toBe(403);

    await core.session.signOut();
    await core.session.signIn({ email: teacher.email, password: teacher.password });
    const started = Date.now();
    let first = await insights();
    // The processor folds the uploaded statements into the figures: wait until the completions show.
    while (first.body.dashboard?.overview.totals.lessonCompletions < 4 && Date.now() - started < 30_000) {
      await new Promise((r) => setTimeout(r, 500));
      first = await insights();
    }
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ source: 'server', offline: false, ageSeconds: 0 });
    const lessons = new Map(first.body.dashboard.lessons.map((l) => [l.lessonId, l]));
    expect(lessons.get(L.read)?.completed).toBe(1);
    expect(lessons.get(clip)?.completed).toBe(1);
    expect(first.body.dashboard.questions.find((q) => q.lessonId === L.exam)).toBeTruthy();
    console.log(
      `[analytics] figures visible to the instructor ${Date.now() - started} ms after the first ask`,
    );

    expect((await insights('last=2w')).status).toBe(400);
    proxy.setDown(true);
    const copy = await insights();
    expect(copy.status).toBe(200);
    expect(copy.body).toMatchObject({ source: 'cache', offline: true, fetchedAt: first.body.fetchedAt });
    expect(copy.body.dashboard).toEqual(first.body.dashboard);
    const none = await insights('last=30d');
    expect([none.status, none.body.error?.code]).toEqual([503, 'offline']);
    proxy.setDown(false);
  });
});
