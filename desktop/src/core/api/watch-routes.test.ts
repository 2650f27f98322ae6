import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, StudentCourseProgress } from '@lyceum/contracts';
import { startCore, type Core } from '../core.ts';
import type { WatchState } from '../../contracts/content.ts';
import {
  removeDir,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../../test-support/sync-server.ts';

let srv: SyncServerProcess;
let student: Account;
let course: CourseDetail;
let videoLesson: string;
let slidesLesson: string;
let secondVideo: string;
let core: Core;
let dataDir: string;

async function local(method: string, p: string, body?: unknown) {
  const res = await fetch(core.url + p, {
    method,
    headers: {
      authorization: `Bearer ${core.secret}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: <T>() => JSON.parse(text) as T };
}

beforeAll(async () => {
  srv = await startSyncServer();
  const instructor = await srv.user('instructor');
  student = await srv.user('student');
  course = await srv.publishedCourse(instructor, {
    title: 'Watching',
    description: 'Video progress through the local API.',
    subject: 'Testing',
    modules: [
      {
        title: 'Watch',
        lessons: [
          { title: 'Clip', kind: 'video' },
          { title: 'Slides', kind: 'slides' },
          { title: 'Clip two', kind: 'video' },
        ],
      },
    ],
  });
  [videoLesson, slidesLesson, secondVideo] = course.modules[0]!.lessons.map((l) => l.id) as [
    string,
    string,
    string,
  ];
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-watch-'));
  core = await startCore({
    config: { serverUrl: srv.url, dataDir, port: 0, requestTimeoutMs: 5000 },
    rendererDir: null,
    sync: { autoStart: false, socket: false },
  });
  await core.session.signIn({ email: student.email, password: student.password });
  await core.learning.enroll(course.id);
  await core.sync.syncNow();
}, 120_000);

afterAll(async () => {
  await core?.close().catch(() => undefined);
  await srv?.stop();
  if (srv) removeDir(srv.dataDir);
  if (dataDir) removeDir(dataDir);
});

describe('watching a video', () => {
  const watchPath = () => `/api/learning/${course.id}/lessons/${videoLesson}/watch`;
  const pendingProgress = () =>
    (
      core.store.sqlite
        .prepare(`SELECT args_json FROM outbox WHERE name = 'recordProgress' ORDER BY seq`)
        .all() as { args_json: string }[]
    ).map((r) => JSON.parse(r.args_json) as { id: string; lessonId: string; completed?: boolean });

  it('records position and watched intervals through the outbox; 90% watched completes the lesson', async () => {
    const first = await local('POST', watchPath(), {
      positionSeconds: 1.5,
      watchedIntervals: [[0, 1.5]],
      durationSeconds: 3,
    });
    expect(first.status).toBe(200);
    expect(first.json<WatchState>()).toMatchObject({
      positionSeconds: 1.5,
      watchedSeconds: 1.5,
      completed: false,
    });
    // Nothing new (same place, nothing more watched): nothing recorded.
    await local('POST', watchPath(), { positionSeconds: 1.5, watchedIntervals: [], durationSeconds: 3 });
    expect(pendingProgress()).toHaveLength(1);

    const second = await local('POST', watchPath(), {
      positionSeconds: 2.8,
      watchedIntervals: [[1.5, 2.8]],
      durationSeconds: 3,
    });
    expect(second.json<WatchState>()).toMatchObject({ watchedIntervals: [[0, 2.8]], completed: true });
    expect(pendingProgress().map((e) => e.completed ?? false)).toEqual([false, true]);
    expect((await local('GET', watchPath())).json<WatchState>().positionSeconds).toBe(2.8);

    await core.sync.syncNow();
    const progress = await srv.api<StudentCourseProgress>('GET', `/api/v1/me/courses/${course.id}/progress`, {
      token: student.token,
    });
    expect(progress.body.lessons.find((l) => l.lessonId === videoLesson)).toMatchObject({
      positionSeconds: 2.8,
      watchedIntervals: [[0, 2.8]],
      completed: true,
    });
    const events = await srv.sql(
      'SELECT id::text AS id FROM progress_events WHERE user_id = $1 AND lesson_id = $2 ORDER BY id',
      [student.id, videoLesson],
    );
    expect(events.map((e) => e.id)).toEqual(pendingProgress().map((e) => e.id));
  });

  it('completes only once the stretches watched, in any order, cover 90%; reports are clamped to the video', async () => {
    const path2 = `/api/learning/${course.id}/lessons/${secondVideo}/watch`;
    const report = async (positionSeconds: number, watchedIntervals: [number, number][]) =>
      (
        await local('POST', path2, { positionSeconds, watchedIntervals, durationSeconds: 10 })
      ).json<WatchState>();
    expect(await report(5, [[0, 5]])).toMatchObject({ watchedSeconds: 5, completed: false });
    expect(await report(8.9, [[6, 8.9]])).toMatchObject({ watchedSeconds: 7.9, completed: false });
    // The gap filled (plus a stretch seen before, counted once): 89%, still not complete.
    expect(
      await report(6, [
        [2, 3],
        [5, 6],
      ]),
    ).toMatchObject({ watchedSeconds: 8.9, completed: false });
    expect(await report(60, [[8.9, 60]])).toMatchObject({
      positionSeconds: 10,
      watchedIntervals: [[0, 10]],
      completed: true,
    });
  });

  it('refuses bad reports and lessons without a video', async () => {
    for (const body of [
      { positionSeconds: -1, watchedIntervals: [], durationSeconds: 3 },
      { positionSeconds: 1, watchedIntervals: [[2, 1]], durationSeconds: 3 },
      { positionSeconds: 1, durationSeconds: 0 },
      { positionSeconds: 1, durationSeconds: 3, completed: true },
    ]) {
      const r = await local('POST', watchPath(), body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
    }
    const slides = await local('POST', `/api/learning/${course.id}/lessons/${slidesLesson}/watch`, {
      positionSeconds: 1,
      durationSeconds: 3,
    });
    expect(slides.status).toBe(404);
  });
});
