import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { type Device, stopAll } from '../test-support/devices.ts';
import { makeVideo, pagesPdf, uploadFile, waitAssetReady } from '../test-support/content.ts';
import { chromiumFor, shot, startWebCore } from '../test-support/e2e.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop preview-lesson e2e');

/**
 * A student who is not enrolled opens the Preview lessons of a course from its page — text, a packaged video and
 * slides, streamed from the server through the local API — and cannot open the others.
 */
describe.skipIf(!chromium)('preview lessons for a visitor who is not enrolled', () => {
  let server: SyncServerProcess;
  let core: Device;
  let browser: Browser;
  let page: Page;
  let student: Account;
  let course: CourseDetail;
  const lesson = (title: string) => course.modules.flatMap((m) => m.lessons).find((l) => l.title === title)!;
  const openCourse = async () => {
    await page.goto(`${core.url}/courses/${course.id}`);
    await page.getByRole('heading', { level: 1, name: course.title }).waitFor();
  };
  const outlineItem = (title: string) => page.locator('li.lesson').filter({ hasText: title });

  beforeAll(async () => {
    server = await startSyncServer();
    const teacher = await server.user('instructor', 'Ada Byron');
    course = await server.publishedCourse(teacher, {
      title: 'Previewed in the UI',
      description: 'Some lessons open to everyone.',
      subject: 'Testing',
      modules: [
        {
          title: 'Start here',
          lessons: [
            { title: 'Welcome video', kind: 'video', isPreview: true, body: 'Transcript: hello visitors.' },
            {
              title: 'About this course',
              kind: 'text',
              isPreview: true,
              body: '# What you will learn\n\nEverything about **previews**.',
            },
            { title: 'Intro slides', kind: 'slides', isPreview: true },
          ],
        },
        {
          title: 'Members only',
          lessons: [{ title: 'The secret lesson', kind: 'text', body: 'Only for enrolled students.' }],
        },
      ],
    });
    const video = await uploadFile(server, teacher.token, course.id, {
      lessonId: lesson('Welcome video').id,
      kind: 'video',
      name: 'welcome.mp4',
      bytes: await makeVideo(3),
    });
    await uploadFile(server, teacher.token, course.id, {
      lessonId: lesson('Intro slides').id,
      kind: 'slides',
      name: 'intro.pdf',
      bytes: pagesPdf(['Preview slide one', 'Preview slide two']),
    });
    await waitAssetReady(server, teacher.token, video.id, 90_000);
    student = await server.user('student', 'Vic Visitor');
    core = await startWebCore(server.url, 'lyceum-preview-e2e-', { requestTimeoutMs: 5000 });
    await core.session.signIn({ email: student.email, password: student.password });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(core.launchUrl);
  }, 180_000);

  afterAll(() => stopAll({ browser, core, server }));

  it('reads a preview text lesson opened from the course page', async () => {
    await openCourse();
    await page.getByRole('button', { name: 'Enroll' }).first().waitFor();
    await page.getByRole('link', { name: 'About this course' }).click();
    await page.getByRole('heading', { level: 1, name: 'About this course' }).waitFor();
    await page.locator('.lesson-player__body').getByText('What you will learn').waitFor();
    expect(await page.locator('.lesson-player__body strong').innerText()).toBe('previews');
    expect(await page.getByTestId('preview-note').innerText()).toContain('Preview: open to everyone');
    await shot(page, 'preview-01-text');
    await expectNoSeriousA11yViolations(page, 'text preview');
    // Back to the course with the link above the heading.
    await page.getByRole('link', { name: course.title }).first().click();
    await page.getByRole('heading', { level: 1, name: course.title }).waitFor();
  });

  it('watches a preview video streamed from the server', async () => {
    await openCourse();
    await page.getByRole('link', { name: 'Welcome video' }).click();
    await page.getByRole('heading', { level: 1, name: 'Welcome video' }).waitFor();
    const video = page.getByTestId('lesson-video');
    await video.waitFor();
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect
      .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 })
      .toBeGreaterThan(1);
    expect(await video.evaluate((v: HTMLVideoElement) => Math.round(v.duration))).toBe(3);
    await page.getByText('Transcript: hello visitors.').waitFor();
    await page.getByText('Preview: what you watch here is not recorded').waitFor();
    await shot(page, 'preview-02-video');
    await expectNoSeriousA11yViolations(page, 'video preview');
    // Nothing was recorded: the visitor is still not enrolled and has no progress on this device.
    expect((await core.learning.list()).items).toHaveLength(0);
  });

  it('sees preview slides, page by page', async () => {
    await page.getByRole('link', { name: 'Next lesson' }).click();
    await page.getByRole('heading', { level: 1, name: 'About this course' }).waitFor();
    await page.getByRole('link', { name: 'Next lesson' }).click();
    await page.getByRole('heading', { level: 1, name: 'Intro slides' }).waitFor();
    const canvas = page.getByTestId('slides-canvas');
    await expect.poll(() => canvas.getAttribute('data-rendered-page'), { timeout: 20_000 }).toBe('1');
    await page.getByRole('button', { name: 'Next slide' }).click();
    await page.getByRole('group', { name: 'Slide 2 of 2' }).waitFor();
    // The last open lesson: no way on to the locked ones.
    expect(await page.getByRole('link', { name: 'Next lesson' }).count()).toBe(0);
    await shot(page, 'preview-03-slides');
    await expectNoSeriousA11yViolations(page, 'slides preview');
  });

  it('keeps a lesson that is not a preview locked, with a note that says why', async () => {
    await openCourse();
    const locked = outlineItem('The secret lesson');
    await locked.getByText('Locked').waitFor();
    expect(await locked.getByRole('link').count()).toBe(0);
    await expectNoSeriousA11yViolations(page, 'course outline with preview links');
    expect(await page.getByTestId('outline-note').innerText()).toMatch(
      /1 lesson is locked: enroll in the course to open it/,
    );
    // Typing its address does not open it either.
    await page.goto(`${core.url}/courses/${course.id}/lessons/${lesson('The secret lesson').id}`);
    await page.getByRole('heading', { level: 1, name: 'Enroll to open this lesson' }).waitFor();
    expect(await page.getByText('Only for enrolled students.').count()).toBe(0);
    await shot(page, 'preview-04-locked');
    await expectNoSeriousA11yViolations(page, 'locked preview');
  });
});
