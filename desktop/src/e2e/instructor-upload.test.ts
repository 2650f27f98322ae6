import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AssetList, CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { chromiumFor, shot, signInThroughUi, startWebCore } from '../test-support/e2e.ts';
import { type Device, stopAll } from '../test-support/devices.ts';
import { makeVideo } from '../test-support/content.ts';
import { uploadThroughTeachUi } from '../test-support/teach-ui.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop instructor-upload e2e');

describe.skipIf(!chromium)(
  'an instructor uploads course media from the desktop (web mode in Chromium)',
  () => {
    let server: SyncServerProcess;
    let core: Device;
    let browser: Browser;
    let page: Page;
    let teacher: Account;
    let student: Account;
    let course: CourseDetail;
    let video: Buffer;
    const cspErrors: string[] = [];

    const signIn = (who: Account) => signInThroughUi(page, who);
    const mainNav = () => page.getByRole('navigation', { name: 'Main' });

    beforeAll(async () => {
      server = await startSyncServer();
      teacher = await server.user('instructor', 'Ada Instructor');
      student = await server.user('student', 'Sam Student');
      course = await server.publishedCourse(teacher, {
        title: 'Documentary filmmaking',
        description: 'Lessons with videos and slides.',
        subject: 'Film',
        modules: [
          {
            title: 'Week 1',
            lessons: [
              { title: 'Welcome video', kind: 'video' },
              { title: 'Course slides', kind: 'slides' },
              { title: 'Reading list', kind: 'text', body: 'Books.' },
            ],
          },
        ],
      });
      video = await makeVideo(10);
      core = await startWebCore(server.url, 'lyceum-desktop-teach-', { requestTimeoutMs: 5000 });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
      });
    });

    afterAll(() => stopAll({ browser, core, server }));

    it('shows Teach to an instructor: their courses, then the lessons that take files', async () => {
      await page.goto(core.launchUrl);
      await signIn(teacher);
      await mainNav().getByRole('link', { name: 'Teach' }).click();
      await page.getByRole('heading', { level: 1, name: 'Teach' }).waitFor();
      await expectNoSeriousA11yViolations(page, 'teach: my courses');
      await expect
        .poll(() => page.getByTestId('teach-courses').innerText())
        .toContain('Documentary filmmaking');
      await page.getByRole('link', { name: 'Documentary filmmaking' }).click();
      await page.getByRole('heading', { level: 1, name: 'Documentary filmmaking' }).waitFor();
      await page.getByRole('heading', { level: 2, name: /Module 1\s+Week 1/ }).waitFor();
      expect(await page.getByTestId('teach-lesson').count()).toBe(3);
      // Video and slides lessons have a keyboard-reachable file input; the reading has none.
      const input = page.getByLabel('Choose a video file for Welcome video');
      await input.focus();
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe(
        'file',
      );
      await page.getByLabel('Choose a PDF file for Course slides').waitFor();
      expect(await page.getByText('Nothing to upload for this kind of lesson.').count()).toBe(1);
      await expectNoSeriousA11yViolations(page, 'teach: a course');
      await shot(page, 'teach-01-course');
      await page.getByRole('link', { name: 'All my courses' }).click();
    });

    it('uploads a 10-second video: upload progress, then packaging progress, then ready with its length', async () => {
      const result = await uploadThroughTeachUi(page, {
        courseTitle: 'Documentary filmmaking',
        lessonTitle: 'Welcome video',
        file: { name: 'welcome.mp4', mimeType: 'video/mp4', buffer: video },
        whilePackaging: () => shot(page, 'teach-02-packaging'),
      });
      // The upload bar was shown, and packaging was seen in between 0 and 100 (the server reports it as it goes).
      expect(result.uploadPercents.length).toBeGreaterThan(0);
      expect(result.uploadPercents).toEqual([...result.uploadPercents].sort((a, b) => a - b));
      const between = result.packagingPercents.filter((p) => p > 0 && p < 100);
      expect(between.length).toBeGreaterThan(0);
      expect(new Set(result.packagingPercents).size).toBeGreaterThanOrEqual(2);
      expect(result.durationText).toBe('Length 0:10');
      // The poster is shown (a real image, served by the core).
      const poster = result.lesson.getByRole('img', { name: /welcome\.mp4/ });
      await expect
        .poll(() => poster.evaluate((img) => (img as HTMLImageElement).naturalWidth))
        .toBeGreaterThan(0);
      await expectNoSeriousA11yViolations(page, 'teach: video ready');
      await shot(page, 'teach-03-ready');
      console.log(
        `[instructor-upload] upload bar values ${JSON.stringify(result.uploadPercents)}; packaging values ${JSON.stringify(result.packagingPercents)}`,
      );

      // The server has it on the lesson, packaged.
      const assets = await server.api<AssetList>('GET', `/api/v1/courses/${course.id}/assets`, {
        token: teacher.token,
      });
      const lessonId = course.modules[0]!.lessons[0]!.id;
      expect(assets.body.items.filter((a) => a.lessonId === lessonId)).toMatchObject([
        { originalName: 'welcome.mp4', status: 'ready', kind: 'video', size: video.length },
      ]);
      expect(cspErrors).toEqual([]);
    });

    it('stays readable at 200% zoom: the Teach course page reflows without sideways scrolling', async () => {
      await page.setViewportSize({ width: 640, height: 450 });
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Documentary filmmaking' }).waitFor();
      await page.getByTestId('teach-duration').waitFor();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await expectNoSeriousA11yViolations(page, 'teach: a course at 200 % zoom');
      await shot(page, 'teach-04-zoom');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('shows no Teach entry to a student, and tells them when they open it anyway', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to Lyceum' }).waitFor();
      await page.goto(core.url + '/');
      await signIn(student);
      expect(await mainNav().getByRole('link', { name: 'Teach' }).count()).toBe(0);
      await page.goto(`${core.url}/teach`);
      await page.getByText('Only instructors can upload course files.').waitFor();
      await expectNoSeriousA11yViolations(page, 'teach, opened by a student');
      await page.goto(`${core.url}/teach/${course.id}`);
      await page.getByText('Only the instructors of this course can upload its files.').waitFor();
    });
  },
);
