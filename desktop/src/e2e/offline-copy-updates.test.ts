import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { launchChromium } from '@lyceum/testing';
import { chromiumFor, enrollThroughUi, shot, signInThroughUi, startWebCore } from '../test-support/e2e.ts';
import { type Device, stopAll } from '../test-support/devices.ts';
import { makeVideo, tinyPdf, uploadFile, waitAssetReady } from '../test-support/content.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop offline-copy-updates e2e');

/**
 * What a student sees when the instructor adds content to a course they keep offline: the copy follows by itself
 * (the sync server's poke → pull → compare with the lesson manifests → download) and says so; on a metered connection
 * with "only on Wi-Fi" the panel says what waits and why, and "Download now" fetches it.
 */
describe.skipIf(!chromium)('offline copy updates (web mode in Chromium)', () => {
  let server: SyncServerProcess;
  let core: Device;
  let browser: Browser;
  let page: Page;
  let teacher: Account;
  let student: Account;
  let course: CourseDetail;
  const lessonId = (title: string) =>
    course.modules.flatMap((m) => m.lessons).find((l) => l.title === title)!.id;
  const panel = () => page.getByRole('region', { name: 'Available offline' });

  beforeAll(async () => {
    server = await startSyncServer();
    teacher = await server.user('instructor', 'Ines Instructor');
    student = await server.user('student', 'Sam Student');
    course = await server.publishedCourse(teacher, {
      title: 'Fresh offline',
      description: 'Its offline copy follows new uploads.',
      subject: 'Testing',
      modules: [
        {
          title: 'Only module',
          lessons: [
            { title: 'Read first', kind: 'text', body: 'Welcome.' },
            { title: 'Deck', kind: 'slides' },
            { title: 'Later video', kind: 'video' },
            { title: 'Handout', kind: 'slides' },
          ],
        },
      ],
    });
    await uploadFile(server, teacher.token, course.id, {
      lessonId: lessonId('Deck'),
      kind: 'slides',
      name: 'deck.pdf',
      bytes: tinyPdf('Deck'),
    });
    // Default triggers: the server's socket.io poke starts the sync that brings the change.
    core = await startWebCore(server.url, 'lyceum-desktop-updates-', {
      requestTimeoutMs: 5000,
      sync: { debounceMs: 200 },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 180_000);

  afterAll(() => stopAll({ browser, core, server }));

  it('keeps the course offline: 4 of 4 lessons stored, ready', async () => {
    await page.goto(core.launchUrl);
    await signInThroughUi(page, student);
    await enrollThroughUi(page, core.url, course.id);
    await page.getByRole('switch', { name: 'Keep this course on this device' }).check();
    await expect
      .poll(() => page.getByTestId('offline-state').innerText(), { timeout: 30_000 })
      .toBe('Ready: every lesson works without a connection.');
    await panel().getByText('4 of 4 lessons stored').waitFor();
    expect(await page.getByTestId('offline-notice').count()).toBe(0);
  });

  it('downloads a video the instructor added, in the background, and tells the student', async () => {
    const clip = await uploadFile(server, teacher.token, course.id, {
      lessonId: lessonId('Later video'),
      kind: 'video',
      name: 'later.mp4',
      bytes: await makeVideo(2),
    });
    await waitAssetReady(server, teacher.token, clip.id, 90_000);
    // Nothing is clicked: the panel (still open) follows.
    const notice = page.getByTestId('offline-notice');
    await notice.waitFor({ timeout: 60_000 });
    expect(await notice.innerText()).toMatch(
      /^New content in Fresh offline: Later video \(video, [\d.,]+\s?\S+\) — downloaded for offline use\.$/,
    );
    await panel().getByText('4 of 4 lessons stored').waitFor();
    expect(await page.getByTestId('offline-state').innerText()).toBe(
      'Ready: every lesson works without a connection.',
    );
    await shot(page, '30-offline-copy-new-content');

    // The lesson says where it plays from: this device.
    await page.getByRole('link', { name: 'Later video', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('media-source').innerText(), { timeout: 15_000 })
      .toBe('On this device: works without a connection.');

    // My Learning tells it too, until dismissed.
    await page.goto(`${core.url}/learning`);
    const mine = page.getByTestId('offline-notice');
    await mine.waitFor();
    expect(await mine.innerText()).toContain('New content in Fresh offline: Later video');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.getByTestId('offline-notice').count()).toBe(0);
  }, 150_000);

  /** What the platform says of the connection (the stub the page was given), and the change event. */
  const connectionIs = (type: 'cellular' | 'wifi') =>
    page.evaluate((t) => {
      const c = (navigator as Navigator & { connection: EventTarget & { type: string } }).connection;
      c.type = t;
      c.dispatchEvent(new Event('change'));
    }, type);

  it('on a metered connection, new content waits for Wi-Fi and everything says so; on Wi-Fi it downloads', async () => {
    // The platform says cellular (as Chromium does on Android / ChromeOS): the app reports it to the core.
    await page.addInitScript(() => {
      const connection = Object.assign(new EventTarget(), { type: 'cellular', saveData: false });
      Object.defineProperty(navigator, 'connection', { configurable: true, get: () => connection });
    });
    await page.goto(`${core.url}/learn/${course.id}`);
    await expect.poll(() => core.downloads.policy.view().held, { timeout: 10_000 }).toBe(true);

    await uploadFile(server, teacher.token, course.id, {
      lessonId: lessonId('Handout'),
      kind: 'slides',
      name: 'handout.pdf',
      bytes: tinyPdf('Handout'),
    });
    const updates = page.getByTestId('offline-updates');
    await updates.waitFor({ timeout: 60_000 });
    expect(await updates.innerText()).toMatch(
      /1 lesson has new content to download: Handout \(slides, [\d.,]+\s?\S+\)\. It waits for Wi-Fi or another unmetered connection/,
    );
    await panel().getByText('3 of 4 lessons stored').waitFor();
    expect(await page.getByTestId('offline-state').innerText()).toMatch(/^Not everything is on this device/);
    await shot(page, '31-offline-copy-waits-for-wifi');

    // Preferences: the device setting that holds it, and what the connection is.
    await page.goto(`${core.url}/preferences`);
    const wifiOnly = page.getByRole('checkbox', {
      name: 'Download updates only on Wi-Fi (not on metered connections)',
    });
    expect(await wifiOnly.isChecked()).toBe(true);
    await page.getByText('This connection is metered: updates of offline courses wait for Wi-Fi.').waitFor();

    // The lesson says the truth too, and follows when the connection becomes Wi-Fi.
    await page.goto(`${core.url}/learn/${course.id}/lessons/${lessonId('Handout')}`);
    const line = () => page.getByTestId('media-source').innerText();
    await expect
      .poll(line, { timeout: 15_000 })
      .toBe("Streaming from the server: this lesson's new content waits for Wi-Fi to download.");
    await connectionIs('wifi');
    await expect.poll(line, { timeout: 30_000 }).toBe('On this device: works without a connection.');

    await page.getByRole('link', { name: 'Fresh offline' }).first().click();
    const notice = page.getByTestId('offline-notice');
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.innerText()).toContain('New content in Fresh offline: Handout (slides,');
    await panel().getByText('4 of 4 lessons stored').waitFor();
    expect(await page.getByTestId('offline-state').innerText()).toBe(
      'Ready: every lesson works without a connection.',
    );
    expect(await page.getByTestId('offline-updates').count()).toBe(0);
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.getByTestId('offline-notice').count()).toBe(0);
  }, 120_000);

  it('"Download now" fetches what waits for Wi-Fi at once', async () => {
    await connectionIs('cellular');
    await expect.poll(() => core.downloads.policy.view().held, { timeout: 10_000 }).toBe(true);
    await uploadFile(server, teacher.token, course.id, {
      lessonId: lessonId('Deck'),
      kind: 'slides',
      name: 'deck-2.pdf',
      bytes: tinyPdf('Deck, part two'),
    });
    await page.getByTestId('offline-updates').waitFor({ timeout: 60_000 });
    await panel().getByText('3 of 4 lessons stored').waitFor();
    await page.getByRole('button', { name: 'Download now' }).click();
    const notice = page.getByTestId('offline-notice');
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.innerText()).toContain('New content in Fresh offline: Deck (slides,');
    await panel().getByText('4 of 4 lessons stored').waitFor();
    expect(await page.getByTestId('offline-state').innerText()).toBe(
      'Ready: every lesson works without a connection.',
    );
  }, 120_000);
});
