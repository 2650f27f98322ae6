import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { launchChromium } from '@lyceum/testing';
import { chromiumFor, enrollThroughUi, shot, signInThroughUi, startWebCore } from '../test-support/e2e.ts';
import { type Device, stopAll } from '../test-support/devices.ts';
import { studyCourse } from '../test-support/study-course.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop sign-in-again e2e');

/** Signing out and in again, online and fully synced, leaves every course, its progress and its offline copy. */
describe.skipIf(!chromium)('signing out and in again (web mode in Chromium)', () => {
  let server: SyncServerProcess;
  let core: Device;
  let browser: Browser;
  let page: Page;
  let student: Account;
  let course: CourseDetail;

  const summary = () => page.getByTestId('sync-summary').innerText();
  const signIn = () => signInThroughUi(page, student, 'signed-in');
  const myLearning = async () => {
    await page.getByRole('banner').getByRole('link', { name: 'My Learning' }).click();
    await page.getByTestId('learning-item').waitFor();
    return page.getByTestId('learning-item').innerText();
  };

  beforeAll(async () => {
    server = await startSyncServer();
    const teacher = await server.user('instructor', 'Ada Teacher');
    course = await server.publishedCourse(teacher, studyCourse('Come back 101'));
    student = await server.user('student', 'Rita Returning');
    core = await startWebCore(server.url, 'lyceum-desktop-again-', {
      sync: { offlinePingMs: 1000, debounceMs: 200 },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(() => stopAll({ browser, core, server }));

  it('enrolls, studies a lesson, keeps the course offline and syncs', async () => {
    await page.goto(core.launchUrl);
    await signIn();
    await enrollThroughUi(page, core.url, course.id);
    await page.getByRole('switch', { name: 'Keep this course on this device' }).check();
    await expect.poll(() => page.getByTestId('offline-state').innerText()).toContain('Ready');
    await page.getByRole('link', { name: 'Read me', exact: true }).click();
    await page.getByRole('button', { name: 'Mark complete' }).click();
    await page.getByTestId('lesson-completed').waitFor();
    await expect.poll(summary, { timeout: 15_000 }).toBe('All changes synced');
    expect(await myLearning()).toContain('25% · 1 of 4 required lessons done');
  });

  it('after signing out and in again, My Learning shows the real progress and the course is still stored', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').waitFor();
    await signIn();
    const item = await myLearning();
    expect(item).toContain('25% · 1 of 4 required lessons done');
    expect(item).toContain('Available offline');
    await page.getByRole('link', { name: course.title }).click();
    await page.getByRole('heading', { level: 1, name: course.title }).waitFor();
    await expect.poll(() => page.getByTestId('offline-state').innerText()).toContain('Ready');
    await page.getByText('4 of 4 lessons stored').waitFor();
    expect(await page.locator('main').innerText()).not.toContain('not stored on this device');
    await shot(page, '30-signed-in-again');
    // And it stays so after the sync that follows the sign-in.
    await expect.poll(summary, { timeout: 15_000 }).toBe('All changes synced');
    expect(await myLearning()).toContain('25% · 1 of 4 required lessons done');
  });
});
