import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail, Preferences, QuizAttemptList, StudentCourseProgress } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { chromiumFor, enrollThroughUi, networkSettled, shot, signInThroughUi } from '../test-support/e2e.ts';
import { stopAll } from '../test-support/devices.ts';
import { startCore, type Core } from '../core/core.ts';
import { lessonsOf, studyCourse } from '../test-support/study-course.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop offline-study e2e');

describe.skipIf(!chromium)('offline study end to end (web mode in Chromium)', () => {
  let server: SyncServerProcess;
  let core: Core;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let student: Account;
  let course: CourseDetail;
  let L: ReturnType<typeof lessonsOf>;

  const openCore = () =>
    startCore({
      config: { serverUrl: server.url, dataDir, port: 0, requestTimeoutMs: 3000 },
      sync: { offlinePingMs: 1000, debounceMs: 200 },
    });
  const summary = () => page.getByTestId('sync-summary').innerText();
  const openLesson = async (title: string) => {
    await page.getByRole('link', { name: title, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  };
  const backToCourse = async () => {
    await page.getByRole('link', { name: course.title }).first().click();
    await page.getByRole('heading', { level: 1, name: course.title }).waitFor();
  };

  beforeAll(async () => {
    server = await startSyncServer();
    const teacher = await server.user('instructor', 'Ada Teacher');
    course = await server.publishedCourse(teacher, studyCourse('Offline study 101'));
    L = lessonsOf(course);
    student = await server.user('student', 'Olive Offline');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-desktop-study-'));
    core = await openCore();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(() => stopAll({ browser, core, server, dirs: [dataDir] }));

  it('signs in, enrolls, and makes the course available offline', async () => {
    await page.goto(core.launchUrl);
    await signInThroughUi(page, student);
    await page.getByRole('link', { name: 'My Learning' }).click();
    await page.getByText('You are not enrolled in any course yet').waitFor();
    await expectNoSeriousA11yViolations(page, 'My Learning, empty');
    await enrollThroughUi(page, core.url, course.id);
    await page.getByRole('heading', { level: 2, name: 'Available offline' }).waitFor();
    await page.getByRole('switch', { name: 'Keep this course on this device' }).check();
    await expect.poll(() => page.getByTestId('offline-state').innerText()).toContain('Ready');
    await page.getByText('4 of 4 lessons stored').waitFor();
    await expect.poll(summary, { timeout: 15_000 }).toBe('All changes synced');
    await expectNoSeriousA11yViolations(page, 'study course, kept offline');
    await shot(page, '10-study-course');
  });

  it('studies with the server stopped: reading, practice quiz graded on the device, progress saved', async () => {
    await server.stop();
    await expect.poll(summary, { timeout: 15_000 }).toContain('Offline');
    await openLesson('Read me');
    // Markdown rendered as elements; markup in the text stays text.
    await page.getByRole('heading', { name: 'Hello' }).waitFor();
    expect(await page.locator('.lesson-player__body script').count()).toBe(0);
    expect(await page.locator('.lesson-player__body').innerText()).toContain('<script>alert(1)</script>');
    await page.getByRole('button', { name: 'Mark complete' }).click();
    await page.getByTestId('lesson-completed').waitFor();
    await expectNoSeriousA11yViolations(page, 'text lesson, completed');
    await page.getByRole('link', { name: 'Next lesson' }).click();
    await page.getByRole('heading', { level: 1, name: 'Read more' }).waitFor();
    await backToCourse();
    await openLesson('Practice');
    await page.getByRole('radio', { name: '4', exact: true }).check();
    await page.getByRole('radio', { name: 'True' }).check();
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await expect.poll(() => page.getByTestId('attempt-result').innerText()).toContain('Passed: 2 / 2 (100%)');
    await page.getByText('Graded on this device; it syncs to the server later.').waitFor();
    await expectNoSeriousA11yViolations(page, 'practice quiz, graded on the device');
    await shot(page, '11-practice-offline');
    expect(core.sync.status().pending).toBe(2);
    await expect
      .poll(summary, { timeout: 15_000 })
      .toBe("Offline — 1 lesson and 1 quiz attempt will sync when you're back online");
  });

  it('restarts the desktop core while still offline and keeps studying: graded quiz queued, preferences', async () => {
    await core.close();
    core = await openCore();
    await page.goto(core.launchUrl);
    await page.getByRole('heading', { name: 'Course catalog' }).waitFor();
    expect(await page.locator('.app-header__name').innerText()).toContain('Olive Offline');
    await page.getByRole('link', { name: 'My Learning' }).click();
    await page.getByTestId('learning-item').waitFor();
    expect(await page.getByTestId('learning-item').innerText()).toContain('50%');
    await page.getByRole('link', { name: course.title }).click();
    await page.getByRole('heading', { level: 1, name: course.title }).waitFor();
    await expectNoSeriousA11yViolations(page, 'study course with lessons done');
    await openLesson('Exam');
    await expectNoSeriousA11yViolations(page, 'graded quiz');
    await page.getByLabel('Your answer (a number)').fill('3.14');
    await page.getByLabel('Your answer', { exact: true }).fill(' paris ');
    await page.getByRole('checkbox', { name: '2', exact: true }).check();
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await page.getByText('It will be graded when you’re back online.').waitFor();
    await expectNoSeriousA11yViolations(page, 'graded quiz, waiting for the server');
    await shot(page, '12-graded-queued');
    await backToCourse();
    await openLesson('Read more');
    await page.getByRole('button', { name: 'Mark complete' }).click();
    await page.getByTestId('lesson-completed').waitFor();
    await page.getByRole('link', { name: 'Preferences' }).click();
    await page.getByLabel('Playback speed').selectOption('1.5');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByText('Saved.', { exact: false }).waitFor();
    await expectNoSeriousA11yViolations(page, 'preferences, saved');
    await expect
      .poll(summary, { timeout: 15_000 })
      .toBe("Offline — 2 lessons, 2 quiz attempts, and your preferences will sync when you're back online");
    await page.getByTestId('sync-indicator').getByRole('button').first().click();
    await page.getByRole('button', { name: 'Sync now' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
    await expectNoSeriousA11yViolations(page, 'sync details, offline');
    await shot(page, '13-sync-panel-offline');
  });

  it('syncs when the server is back: every record and attempt arrives exactly once, the grade is right', async () => {
    await server.restart();
    await expect.poll(summary, { timeout: 30_000 }).toBe('All changes synced');
    // The queued exam now shows the server's grade.
    await page.goto(`${core.url}/learn/${course.id}/lessons/${L.exam}`);
    await expect
      .poll(() => page.getByTestId('attempt-result').innerText(), { timeout: 10_000 })
      .toContain('Passed: 2 / 3 (66.67%)');
    await page.getByText(/Graded by the server/).waitFor();
    await expectNoSeriousA11yViolations(page, 'graded quiz, graded by the server');
    await shot(page, '14-graded-by-server');

    const outbox = core.store.sqlite
      .prepare('SELECT name, args_json, status FROM outbox ORDER BY seq')
      .all() as { name: string; args_json: string; status: string }[];
    expect(outbox.map((o) => o.status)).toEqual(Array(5).fill('applied'));
    const argIds = (name: string) =>
      outbox
        .filter((o) => o.name === name)
        .map((o) => (JSON.parse(o.args_json) as { id: string }).id)
        .sort();

    const events = await server.sql(
      'SELECT id::text AS id FROM progress_events WHERE user_id = $1 ORDER BY id',
      [student.id],
    );
    expect(events.map((e) => e.id)).toEqual(argIds('recordProgress'));
    const attempts = await server.api<QuizAttemptList>(
      'GET',
      `/api/v1/me/courses/${course.id}/quiz-attempts`,
      {
        token: student.token,
      },
    );
    expect(attempts.body.items.map((a) => a.id).sort()).toEqual(argIds('submitQuizAttempt'));
    const byLesson = Object.fromEntries(attempts.body.items.map((a) => [a.lessonId, a]));
    expect(byLesson[L.practice]).toMatchObject({ percent: 100, passed: true, attemptNumber: 1 });
    expect(byLesson[L.exam]).toMatchObject({ percent: 66.67, passed: true, attemptNumber: 1 });

    const progress = await server.api<StudentCourseProgress>(
      'GET',
      `/api/v1/me/courses/${course.id}/progress`,
      {
        token: student.token,
      },
    );
    expect(progress.body.lessons.every((l) => l.completed)).toBe(true);
    expect(progress.body.grade).toBe(66.67);
    expect(progress.body.status).toBe('completed');
    const prefs = await server.api<Preferences>('GET', '/api/v1/me/preferences', { token: student.token });
    expect(prefs.body.playbackSpeed).toBe(1.5);

    await page.getByRole('link', { name: 'My Learning' }).click();
    await expect.poll(() => page.getByTestId('learning-item').innerText()).toContain('100%');
    await expectNoSeriousA11yViolations(page, 'My Learning, course completed');
  });

  it('is usable by keyboard and readable at 200% zoom on the study screens', async () => {
    await page.goto(`${core.url}/learn/${course.id}/lessons/${L.practice}`);
    await page.getByRole('heading', { level: 1, name: 'Practice' }).waitFor();
    // The sync details open and close from the keyboard.
    await page.getByTestId('sync-indicator').getByRole('button').first().focus();
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Sync details' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('region', { name: 'Sync details' }).waitFor({ state: 'detached' });
    // Answer a quiz with the keyboard only.
    await page.getByRole('radio', { name: '3', exact: true }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('radio', { name: '4', exact: true }).isChecked()).toBe(true);
    await page.setViewportSize({ width: 640, height: 450 });
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    for (const p of [
      `/learn/${course.id}/lessons/${L.practice}`,
      `/learn/${course.id}`,
      '/learning',
      '/preferences',
    ]) {
      await page.goto(core.url + p);
      await page.locator('h1').first().waitFor();
      await networkSettled(page);
      expect(await overflow(), p).toBeLessThanOrEqual(0);
      await expectNoSeriousA11yViolations(page, `${p} at 200 % zoom`);
    }
    await shot(page, '15-zoom-preferences');
  });
});
