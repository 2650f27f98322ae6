import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail, StudentCourseProgress } from '@lyceum/contracts';
import { launchChromium } from '@lyceum/testing';
import { chromiumFor, shot, startWebCore } from '../test-support/e2e.ts';
import { type Device, stopAll } from '../test-support/devices.ts';
import { startProxy, type Proxy } from '../test-support/proxy.ts';
import { studyCourse } from '../test-support/study-course.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop sync-pill e2e');

/** The header's connectivity and the sync pill, read in one go (the same frame). */
interface Sample {
  header: string;
  pill: string;
  green: boolean;
}
const sample = (page: Page): Promise<Sample> =>
  page.evaluate(() => {
    const header = document.querySelector('[data-testid="connectivity"]')?.textContent ?? '';
    const pill = document.querySelector('[data-testid="sync-summary"]')?.textContent ?? '';
    const green =
      document.querySelector('[data-testid="sync-indicator"]')?.classList.contains('sync--ok') ?? false;
    return { header, pill, green };
  });

/** Sample every 50 ms until `done` holds (or 20 s), and return every sample seen. */
async function watch(page: Page, done: (s: Sample) => boolean): Promise<Sample[]> {
  const seen: Sample[] = [];
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const s = await sample(page);
    seen.push(s);
    if (done(s)) return seen;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Not reached in 20 s; last: ${JSON.stringify(seen.at(-1))}`);
}

/** The sync pill never shows a green "synced" while the state is unknown, and names waiting work in the student's terms. */
describe.skipIf(!chromium)('the sync pill (web mode in Chromium)', () => {
  let server: SyncServerProcess;
  let proxy: Proxy;
  let core: Device;
  let browser: Browser;
  let page: Page;
  let student: Account;
  let course: CourseDetail;

  const openLesson = async (title: string) => {
    await page.goto(`${core.url}/learn/${course.id}`);
    await page.getByRole('link', { name: title, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  };

  beforeAll(async () => {
    server = await startSyncServer();
    proxy = await startProxy(server.url);
    const teacher = await server.user('instructor', 'Ada Teacher');
    course = await server.publishedCourse(teacher, studyCourse('Pill 101'));
    student = await server.user('student', 'Sam Sync');
    core = await startWebCore(proxy.url, 'lyceum-desktop-pill-', {
      sync: { offlinePingMs: 1000, debounceMs: 200 },
    });
    await core.session.signIn({ email: student.email, password: student.password });
    await core.learning.enroll(course.id);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(() => stopAll({ browser, core, proxy, server }));

  it('is green only once synced, online', async () => {
    await page.goto(core.launchUrl);
    const seen = await watch(page, (s) => s.pill === 'All changes synced');
    expect(seen.at(-1)).toMatchObject({ green: true });
    expect(seen.filter((s) => s.green && s.pill !== 'All changes synced')).toEqual([]);
  });

  it('right after going offline, never says synced in green while the header says offline', async () => {
    proxy.setDown(true);
    const seen = await watch(page, (s) => s.pill.startsWith('Offline'));
    expect(seen.some((s) => s.header.startsWith('Offline'))).toBe(true);
    expect(
      seen.filter((s) => s.header.startsWith('Offline') && (s.green || !s.pill.startsWith('Offline'))),
    ).toEqual([]);
    expect(seen.at(-1)).toMatchObject({ pill: 'Offline — your work is saved on this device', green: false });
  });

  it('after studying offline, says what waits in the student terms, not in green', async () => {
    await openLesson('Read me');
    await page.getByRole('button', { name: 'Mark complete' }).click();
    await page.getByTestId('lesson-completed').waitFor();
    await openLesson('Read more');
    await page.getByRole('button', { name: 'Mark complete' }).click();
    await page.getByTestId('lesson-completed').waitFor();
    await openLesson('Practice');
    await page.getByRole('radio', { name: '4', exact: true }).check();
    await page.getByRole('radio', { name: 'True' }).check();
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await page.getByTestId('attempt-result').waitFor();
    const expected = "Offline — 2 lessons and 1 quiz attempt will sync when you're back online";
    await expect.poll(async () => (await sample(page)).pill, { timeout: 10_000 }).toBe(expected);
    expect((await sample(page)).green).toBe(false);
    await page.getByTestId('sync-indicator').getByRole('button').first().click();
    await expect
      .poll(() => page.getByTestId('sync-pending').innerText())
      .toBe('Waiting to sync: 2 lessons and 1 quiz attempt');
    await shot(page, '40-sync-pill-offline');
    await page.keyboard.press('Escape');
    expect(core.sync.status().pending).toBe(3);
  });

  it('back online, turns green only after the waiting work reached the server', async () => {
    proxy.setDown(false);
    const seen = await watch(page, (s) => s.green);
    expect(seen.at(-1)!.pill).toBe('All changes synced');
    const r = await server.api<StudentCourseProgress>('GET', `/api/v1/me/courses/${course.id}/progress`, {
      token: student.token,
    });
    expect(r.body.lessons.filter((l) => l.completed)).toHaveLength(3);
    // Before it, the pill said offline, checking or what was waiting: never a green state.
    expect(seen.slice(0, -1).every((s) => !s.green)).toBe(true);
  });
});
