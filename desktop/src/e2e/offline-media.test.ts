import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail, StudentCourseProgress } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import {
  chromiumFor,
  enrollThroughUi,
  networkSettled,
  shot,
  signInThroughUi,
  startWebCore,
} from '../test-support/e2e.ts';
import { startCore } from '../core/core.ts';
import { type Device, stopAll } from '../test-support/devices.ts';
import { makeVideo, pagesPdf } from '../test-support/content.ts';
import { uploadThroughTeachUi } from '../test-support/teach-ui.ts';
import {
  removeDir,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop offline-media e2e');

const VIDEO_SECONDS = 10;

/**
 * The instructor's part, on the instructor's own desktop device: sign in, open Teach, upload a 10-second video made
 * by ffmpeg and a two-page PDF through the lesson file inputs, and watch the packaging progress until both are ready.
 */
export async function instructorUploadsThroughTheApp(
  server: SyncServerProcess,
  browser: Browser,
  instructor: Account,
  course: CourseDetail,
): Promise<{ packagingPercents: number[]; durationText: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-desktop-teacher-'));
  const teacherCore = await startCore({
    config: { serverUrl: server.url, dataDir: dir, port: 0, requestTimeoutMs: 5000 },
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(teacherCore.launchUrl);
    await signInThroughUi(page, instructor);
    const [video, slides] = course.modules[0]!.lessons;
    const clip = await uploadThroughTeachUi(page, {
      courseTitle: course.title,
      lessonTitle: video!.title,
      file: { name: 'ten-seconds.mp4', mimeType: 'video/mp4', buffer: await makeVideo(VIDEO_SECONDS) },
      timeoutMs: 120_000,
      whilePackaging: () => shot(page, 'offline-media-0-packaging'),
    });
    await page.goto(`${teacherCore.url}/`);
    await uploadThroughTeachUi(page, {
      courseTitle: course.title,
      lessonTitle: slides!.title,
      kind: 'slides',
      file: {
        name: 'offline-deck.pdf',
        mimeType: 'application/pdf',
        buffer: pagesPdf(['Offline slide one', 'Offline slide two']),
      },
    });
    return { packagingPercents: clip.packagingPercents, durationText: clip.durationText };
  } finally {
    await page.close();
    await teacherCore.close();
    removeDir(dir);
  }
}

describe.skipIf(!chromium)('offline media end to end (web mode in Chromium)', () => {
  let server: SyncServerProcess;
  let core: Device;
  let browser: Browser;
  let page: Page;
  let student: Account;
  let course: CourseDetail;
  let uploaded: { packagingPercents: number[]; durationText: string };
  const media: { url: string; status: number; source: string | null; bytes: number }[] = [];

  const cspErrors: string[] = [];
  const summary = () => page.getByTestId('sync-summary').innerText();
  const videoLessonId = () => course.modules[0]!.lessons[0]!.id;

  beforeAll(async () => {
    server = await startSyncServer();
    const teacher = await server.user('instructor', 'Ada Teacher');
    course = await server.publishedCourse(teacher, {
      title: 'Watch offline 101',
      description: 'A video and slides to take along.',
      subject: 'Testing',
      modules: [
        {
          title: 'Media',
          lessons: [
            { title: 'Ten seconds', kind: 'video' },
            { title: 'The deck', kind: 'slides' },
          ],
        },
      ],
    });
    browser = await launchChromium();
    uploaded = await instructorUploadsThroughTheApp(server, browser, teacher, course);
    student = await server.user('student', 'Val Viewer');
    core = await startWebCore(server.url, 'lyceum-desktop-media-', {
      sync: { offlinePingMs: 1000, debounceMs: 200 },
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/media/'))
        media.push({
          url: r.url(),
          status: r.status(),
          source: r.headers()['x-lyceum-source'] ?? null,
          bytes: Number(r.headers()['content-length'] ?? 0),
        });
    });
  }, 180_000);

  afterAll(() => stopAll({ browser, core, server }));

  it('the instructor saw the packaging progress of the 10-second video, then its length', () => {
    expect(uploaded.packagingPercents.some((v) => v > 0 && v < 100)).toBe(true);
    expect(uploaded.durationText).toMatch(/^Length 0:1[01]$/);
  });

  it('makes the course available offline and shows the download reaching 100%', async () => {
    await page.goto(core.launchUrl);
    await signInThroughUi(page, student);
    await enrollThroughUi(page, core.url, course.id);
    await page.getByRole('switch', { name: 'Keep this course on this device' }).check();
    await expect
      .poll(() => page.getByTestId('download-overall').innerText(), { timeout: 30_000 })
      .toMatch(/^100%/);
    await expect.poll(() => page.getByTestId('offline-state').innerText()).toContain('Ready');
    await page.getByText('2 of 2 lessons stored').waitFor();
    expect(await page.getByTestId('download-lesson').count()).toBe(2);
    expect(await page.getByTestId('download-disk').innerText()).toMatch(/Uses [\d.]+ (KB|MB)/);
    const dl = core.downloads.progress(course.id);
    expect(dl).toMatchObject({ state: 'done', filesFailed: 0 });
    expect(dl.bytesDone).toBe(dl.bytesTotal);
    await expect.poll(summary, { timeout: 15_000 }).toBe('All changes synced');
    await expectNoSeriousA11yViolations(page, 'study course with media, downloaded');
    await shot(page, '20-offline-media-downloaded');
  });

  it('plays the video from the local copy with hls.js while the server is stopped', async () => {
    await server.stop();
    await expect.poll(summary, { timeout: 15_000 }).toContain('Offline');
    await page.getByRole('link', { name: 'Ten seconds', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Ten seconds' }).waitFor();
    await expect.poll(() => page.getByTestId('media-source').innerText()).toContain('On this device');
    await page.locator('figure.video-player[data-engine="hls.js"]').waitFor();
    const video = page.getByTestId('lesson-video');
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 })
      .toBeGreaterThan(2);
    // Media Source Extensions (hls.js), not a file URL the browser plays by itself.
    expect(await video.evaluate((v: HTMLVideoElement) => v.currentSrc)).toMatch(/^blob:/);
    console.log(
      `[offline-media] currentTime ${await video.evaluate((v: HTMLVideoElement) => v.currentTime)} s from the local copy`,
    );
    await expectNoSeriousA11yViolations(page, 'video lesson, offline');
    await shot(page, '21-video-offline');
    // Watch to the end, twice as fast; the lesson completes (more than 90% watched).
    await video.evaluate((v: HTMLVideoElement) => {
      v.playbackRate = 2;
    });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.ended), { timeout: 30_000 }).toBe(true);
    await page.getByTestId('lesson-completed').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('watched-percent').innerText()).toMatch(/Watched (9\d|100)%/);

    const segments = media.filter((m) => m.url.endsWith('.m4s'));
    expect(segments.length).toBeGreaterThan(1);
    expect(media.every((m) => m.source === 'device' && (m.status === 200 || m.status === 206))).toBe(true);
    expect(media.some((m) => m.url.endsWith('/720p/index.m3u8'))).toBe(true);
    expect(media.some((m) => m.url.includes('/360p/'))).toBe(false);
  });

  it('renders the slides with pdf.js from the local copy, page by page from the keyboard', async () => {
    await page.getByRole('link', { name: 'Next lesson' }).click();
    await page.getByRole('heading', { level: 1, name: 'The deck' }).waitFor();
    const canvas = page.getByTestId('slides-canvas');
    await expect.poll(() => canvas.getAttribute('data-rendered-page'), { timeout: 20_000 }).toBe('1');
    const inked = () =>
      canvas.evaluate((c: HTMLCanvasElement) => {
        const ctx = c.getContext('2d')!;
        const { data } = ctx.getImageData(0, 0, c.width, c.height);
        let dark = 0;
        for (let i = 0; i < data.length; i += 4)
          if (data[i + 3]! > 0 && data[i]! + data[i + 1]! + data[i + 2]! < 600) dark += 1;
        return { dark, total: data.length / 4 };
      });
    const first = await inked();
    expect(first.dark).toBeGreaterThan(100);
    expect(first.dark).toBeLessThan(first.total);
    await page.getByRole('group', { name: 'Slide 1 of 2' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('group', { name: 'Slide 2 of 2' }).waitFor();
    await expect.poll(() => canvas.getAttribute('data-rendered-page')).toBe('2');
    expect((await inked()).dark).toBeGreaterThan(100);
    expect(await page.getByRole('button', { name: 'Next slide' }).isDisabled()).toBe(true);
    await page.keyboard.press('Home');
    await page.getByRole('group', { name: 'Slide 1 of 2' }).waitFor();
    expect(media.filter((m) => m.url.endsWith('.pdf')).every((m) => m.source === 'device')).toBe(true);
    await expectNoSeriousA11yViolations(page, 'slides lesson, offline');
    await shot(page, '22-slides-offline');
  });

  it('sends the watching to the server after it restarts, exactly once', async () => {
    const pending = core.sync.status().pending;
    expect(pending).toBeGreaterThan(0);
    await server.restart();
    await expect.poll(summary, { timeout: 30_000 }).toBe('All changes synced');

    const outbox = (
      core.store.sqlite
        .prepare(`SELECT args_json, status FROM outbox WHERE name = 'recordProgress' ORDER BY seq`)
        .all() as { args_json: string; status: string }[]
    ).map((r) => ({ status: r.status, ...(JSON.parse(r.args_json) as { id: string; lessonId: string }) }));
    expect(outbox.length).toBeGreaterThan(0);
    expect(outbox.every((o) => o.status === 'applied' && o.lessonId === videoLessonId())).toBe(true);
    const events = await server.sql(
      'SELECT id::text AS id FROM progress_events WHERE user_id = $1 ORDER BY id',
      [student.id],
    );
    expect(events.map((e) => e.id)).toEqual(outbox.map((o) => o.id).sort());

    const progress = await server.api<StudentCourseProgress>(
      'GET',
      `/api/v1/me/courses/${course.id}/progress`,
      { token: student.token },
    );
    const lesson = progress.body.lessons.find((l) => l.lessonId === videoLessonId())!;
    expect(lesson.completed).toBe(true);
    expect(lesson.watchedSeconds).toBeGreaterThanOrEqual(0.9 * VIDEO_SECONDS);
    expect(lesson.positionSeconds).toBeGreaterThan(VIDEO_SECONDS - 1);
    console.log(
      `[offline-media] ${media.length} media responses from the device (${media.filter((m) => m.url.endsWith('.m4s')).length} segments, ${media.reduce((n, m) => n + m.bytes, 0)} bytes); server: watched ${lesson.watchedSeconds} s, position ${lesson.positionSeconds} s, intervals ${JSON.stringify(lesson.watchedIntervals)}; ${outbox.length} progress events`,
    );
  });

  it('removes the offline copy from the keyboard, then streams the video from the server', async () => {
    await page.goto(`${core.url}/learn/${course.id}`);
    await page.getByRole('heading', { level: 1, name: course.title }).waitFor();
    await page.getByRole('button', { name: 'Remove offline copy' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: 'Confirm removal' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'removing the offline copy');
    // Escape cancels and gives the focus back; Enter on the focused "Remove" confirms.
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Remove offline copy');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Remove');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('switch', { name: 'Keep this course on this device' }).isChecked())
      .toBe(false);
    expect(core.downloads.diskUsage(course.id)).toBe(0);
    expect(core.downloads.progress(course.id).state).toBe('empty');

    const mark = media.length;
    await page.getByRole('link', { name: 'Ten seconds', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Ten seconds' }).waitFor();
    await expect
      .poll(() => page.getByTestId('media-source').innerText())
      .toContain('Streaming from the server');
    await page.locator('figure.video-player[data-engine="hls.js"]').waitFor();
    const video = page.getByTestId('lesson-video');
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 })
      .toBeGreaterThan(1);
    const streamed = media.slice(mark);
    expect(streamed.some((m) => m.url.endsWith('.m4s'))).toBe(true);
    expect(streamed.every((m) => m.source === 'server')).toBe(true);
    await expectNoSeriousA11yViolations(page, 'video lesson, streaming');
    await shot(page, '23-video-streaming');
  });

  it('fits a narrow window (200% zoom) on the course, video and slides screens', async () => {
    await page.setViewportSize({ width: 640, height: 450 });
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const [videoLesson, slidesLesson] = course.modules[0]!.lessons;
    for (const p of [
      `/learn/${course.id}`,
      `/learn/${course.id}/lessons/${videoLesson!.id}`,
      `/learn/${course.id}/lessons/${slidesLesson!.id}`,
    ]) {
      await page.goto(core.url + p);
      await page.locator('h1').first().waitFor();
      await networkSettled(page);
      expect(await overflow(), p).toBeLessThanOrEqual(0);
      await expectNoSeriousA11yViolations(page, `${p} at 200 % zoom`);
    }
    await page.getByTestId('slides-canvas').waitFor();
    await shot(page, '24-slides-narrow');
    // hls.js and pdf.js (its worker) ran under the renderer's CSP without tripping it.
    expect(cspErrors).toEqual([]);
  });
});
