import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { verbName, type CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { startCore, type Core } from '../core/core.ts';
import { type Device, stopAll } from '../test-support/devices.ts';
import { makeVideo, uploadFile, waitAssetReady } from '../test-support/content.ts';
import { chromiumFor, shot, signInThroughUi, startWebCore } from '../test-support/e2e.ts';
import { startProxy, type Proxy } from '../test-support/proxy.ts';
import { lessonsOf, studyCourse } from '../test-support/study-course.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop course-insights e2e');

describe.skipIf(!chromium)("an instructor sees a course's learning insights (web mode in Chromium)", () => {
  let server: SyncServerProcess;
  let proxy: Proxy;
  let core: Device;
  let studentDevice: Core;
  let studentDir: string;
  let clip: string;
  let browser: Browser;
  let page: Page;
  let teacher: Account;
  let student: Account;
  let course: CourseDetail;
  let L: ReturnType<typeof lessonsOf>;
  const cspErrors: string[] = [];

  /** The student studies on their own desktop; what it recorded goes up to the server. */
  const study = async (action: (device: Core) => Promise<unknown>) => {
    await action(studentDevice);
    const run = await studentDevice.analytics.uploader.uploadNow();
    expect(run.rejected).toBe(0);
    expect(run.accepted).toBeGreaterThan(0);
  };
  const tile = (label: string) =>
    page
      .getByRole('group', { name: label, exact: true })
      .locator('.lx-stat-value')
      .getAttribute('data-value');

  beforeAll(async () => {
    server = await startSyncServer();
    proxy = await startProxy(server.url);
    teacher = await server.user('instructor', 'Ada Instructor');
    student = await server.user('student', 'Sam Student');
    const base = studyCourse('Field recording');
    course = await server.publishedCourse(teacher, {
      ...base,
      modules: [...(base.modules ?? []), { title: 'Listen', lessons: [{ title: 'Clip', kind: 'video' }] }],
    });
    L = lessonsOf(course);
    clip = course.modules[1]!.lessons[0]!.id;
    const asset = await uploadFile(server, teacher.token, course.id, {
      lessonId: clip,
      kind: 'video',
      name: 'clip.mp4',
      bytes: await makeVideo(6),
    });
    await waitAssetReady(server, teacher.token, asset.id, 120_000);

    studentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-desktop-insights-student-'));
    studentDevice = await startCore({
      config: { serverUrl: server.url, dataDir: studentDir, port: 0, requestTimeoutMs: 5000 },
      sync: { socket: false },
      analytics: { autoStart: false },
    });
    await studentDevice.session.signIn({ email: student.email, password: student.password });
    await studentDevice.learning.enroll(course.id);
    await study(async (d) => {
      d.learning.openLesson(course.id, L.read);
      d.learning.complete(course.id, L.read);
      d.learning.openLesson(course.id, L.practice);
      // Both answers wrong: 0% (the quiz passes at 50%).
      const wrong = Object.fromEntries(
        Object.entries(L.practiceAnswers(false)).map(([q, a]) => [q, typeof a === 'boolean' ? !a : a]),
      );
      d.learning.submitAttempt(course.id, L.practice, { answers: wrong });
    });

    core = await startWebCore(proxy.url, 'lyceum-desktop-insights-');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
  }, 240_000);

  afterAll(async () => {
    await studentDevice?.close();
    await stopAll({ browser, core, proxy, server, dirs: [studentDir] });
  });

  it('records a student watching a video in the player: played, paused, seeked, completed once', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const sp = await ctx.newPage();
    try {
      // The student's device is signed in already (it studied above).
      await sp.goto(studentDevice.launchUrl);
      await sp.getByRole('heading', { name: 'Course catalog' }).waitFor();
      await sp.goto(`${studentDevice.url}/learn/${course.id}/lessons/${clip}`);
      await sp.getByRole('heading', { level: 1, name: 'Clip' }).waitFor();
      await sp.locator('figure.video-player[data-engine="hls.js"]').waitFor({ timeout: 30_000 });
      const video = sp.getByTestId('lesson-video');
      const at = () => video.evaluate((v: HTMLVideoElement) => v.currentTime);
      await video.evaluate((v: HTMLVideoElement) => {
        v.muted = true;
        return v.play();
      });
      await expect.poll(at, { timeout: 20_000 }).toBeGreaterThan(1.5);
      await video.evaluate((v: HTMLVideoElement) => v.pause());
      await video.evaluate((v: HTMLVideoElement) => {
        v.currentTime = 0.5;
      });
      await expect.poll(at).toBeLessThan(1);
      await video.evaluate((v: HTMLVideoElement) => {
        v.playbackRate = 2;
        return v.play();
      });
      await expect
        .poll(() => video.evaluate((v: HTMLVideoElement) => v.ended), { timeout: 20_000 })
        .toBe(true);
      await sp.getByTestId('lesson-completed').waitFor({ timeout: 10_000 });
    } finally {
      await ctx.close();
    }
    const clipVerbs = () =>
      (
        studentDevice.store.sqlite
          .prepare('SELECT statement_json FROM analytics_queue ORDER BY seq')
          .all() as { statement_json: string }[]
      )
        .map((r) => JSON.parse(r.statement_json) as { verb: { id: string }; object: { id: string } })
        .filter((st) => st.object.id.endsWith(`/lesson/${clip}`))
        .map((st) => verbName(st.verb.id));
    await expect.poll(() => clipVerbs().includes('completed')).toBe(true);
    const verbs = clipVerbs();
    expect(verbs.slice(0, 5)).toEqual(['opened', 'played', 'paused', 'seeked', 'played']);
    expect(verbs.filter((v) => v === 'completed')).toHaveLength(1);
    console.log(`[course-insights] the player's statements for the clip: ${verbs.join(', ')}`);
    expect((await studentDevice.analytics.uploader.uploadNow()).rejected).toBe(0);
  });

  it("opens Insights from the Teach course screen and shows the student's activity as figures", async () => {
    await page.goto(core.launchUrl);
    await signInThroughUi(page, teacher);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Teach' }).click();
    await page.getByRole('link', { name: 'Field recording' }).click();
    await page.getByRole('heading', { level: 1, name: 'Field recording' }).waitFor();
    const views = page.getByRole('navigation', { name: 'Course views' });
    await views.getByRole('link', { name: 'Insights' }).click();
    await page.getByRole('heading', { level: 1, name: 'Insights' }).waitFor();
    expect(new URL(page.url()).search).toBe('?view=insights');
    expect(await views.getByRole('link', { name: 'Insights' }).getAttribute('aria-current')).toBe('page');

    // The student's completed reading and their failed practice quiz, as the processor folded them.
    await expect.poll(() => tile('Lesson completions'), { timeout: 20_000 }).toBe('2');
    expect(await tile('Learners')).toBe('1');
    expect(await tile('Quiz answers')).toBe('2');
    await page.getByText('Field recording', { exact: true }).first().waitFor();
    await expectNoSeriousA11yViolations(page, 'insights');
    await shot(page, 'insights-01-figures');
    const perLesson = page.getByRole('figure', { name: /Completion per lesson/ });
    await perLesson.getByText('Show data').click();
    await expect.poll(() => perLesson.locator('table').innerText()).toMatch(/Read me\s+100%/);
    expect(await perLesson.locator('table').innerText()).toMatch(/Clip\s+100%/);
    const hardest = page.getByRole('figure', { name: /Hardest questions/ });
    await hardest.getByText('Show data').click();
    expect(await hardest.locator('tbody tr').count()).toBe(2);
    await expectNoSeriousA11yViolations(page, 'insights with the data tables open');
    expect(cspErrors).toEqual([]);
  });

  it('refreshes by itself while open: new activity shows without touching the page', async () => {
    await study(async (d) => {
      d.learning.openLesson(course.id, L.more);
      d.learning.complete(course.id, L.more);
    });
    const before = Date.now();
    await expect.poll(() => tile('Lesson completions'), { timeout: 30_000, interval: 500 }).toBe('3');
    console.log(
      `[course-insights] a new completion appeared on the open page after ${Date.now() - before} ms`,
    );
  });

  it('changes the time range from the keyboard', async () => {
    const range = page.getByRole('combobox', { name: 'Time range' });
    await range.focus();
    await page.keyboard.press('ArrowDown'); // Last 7 days → Last 30 days
    await expect.poll(() => range.inputValue()).toBe('30d');
    await expect.poll(() => page.getByTestId('insights-status').innerText()).toMatch(/^Updated/);
    expect(await tile('Lesson completions')).toBe('3');
  });

  it('offline: the last figures with their age; a range never fetched says it needs a connection', async () => {
    proxy.setDown(true);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await page.getByText(/The server cannot be reached: these figures were fetched/).waitFor();
    await expectNoSeriousA11yViolations(page, 'insights offline, last figures');
    expect(await tile('Lesson completions')).toBe('3');
    await page.getByRole('combobox', { name: 'Time range' }).selectOption('365d');
    await page.getByRole('heading', { name: 'Insights need a connection' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'insights offline, range never fetched');
    await shot(page, 'insights-02-offline');
    proxy.setDown(false);
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => tile('Lesson completions'), { timeout: 15_000 }).toBe('3');
  });

  it('stays readable at 200% zoom: the insights reflow without sideways scrolling', async () => {
    await page.setViewportSize({ width: 640, height: 450 });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Insights' }).waitFor();
    await expect.poll(() => tile('Lesson completions'), { timeout: 15_000 }).toBe('3');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await expectNoSeriousA11yViolations(page, 'insights at 200 % zoom');
    await shot(page, 'insights-03-zoom');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
