import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { type Device, stopAll } from '../test-support/devices.ts';
import { chromiumFor, shot, startWebCore } from '../test-support/e2e.ts';
import { startProxy, type Proxy } from '../test-support/proxy.ts';
import { studyCourse } from '../test-support/study-course.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop course-reviews e2e');

describe.skipIf(!chromium)("other students' reviews on the course screen", () => {
  let server: SyncServerProcess;
  let proxy: Proxy;
  let core: Device;
  let browser: Browser;
  let page: Page;
  let student: Account;
  let course: CourseDetail;
  let unrated: CourseDetail;

  /** A student who enrolls and rates straight on the server. */
  const review = async (name: string, stars: number, text: string) =>
    server.rate(await server.user('student', name), course.id, { stars, review: text });
  /** The count next to the n-star bar. */
  const barCount = async (n: number) =>
    Number.parseInt((await page.getByTestId(`reviews-dist-count-${n}`).textContent()) ?? '', 10);
  const bars = async () => Promise.all([5, 4, 3, 2, 1].map(barCount));
  const reviews = () => page.getByTestId('review');
  /** A screenshot of the reviews section (it is at the end of the page). */
  const shotReviews = async (name: string) => {
    await page.getByRole('heading', { level: 2, name: 'Reviews' }).scrollIntoViewIfNeeded();
    await shot(page, name);
  };
  const openCourse = async (c: CourseDetail) => {
    await page.goto(`${core.url}/courses/${c.id}`);
    await page.getByRole('heading', { level: 1, name: c.title }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Reviews' }).waitFor();
  };

  beforeAll(async () => {
    server = await startSyncServer();
    proxy = await startProxy(server.url);
    const teacher = await server.user('instructor', 'Grace Hopper');
    course = await server.publishedCourse(teacher, studyCourse('Reviewed in the UI'));
    unrated = await server.publishedCourse(teacher, studyCourse('Nobody rated this'));
    // Ten older ratings (every other one without a text): 2, 3, 4, 5, 1, 2, 3, 4, 5, 1 stars.
    for (let i = 1; i <= 10; i++)
      await review(`Filler ${i}`, (i % 5) + 1, i % 2 ? `Filler review ${i}.` : '');
    // The newest: Olga's.
    await review('Olga Other', 2, 'Too fast for me.');
    student = await server.user('student', 'Sam Student');
    core = await startWebCore(proxy.url, 'lyceum-reviews-e2e-');
    await core.session.signIn({ email: student.email, password: student.password });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(core.launchUrl);
  });

  afterAll(() => stopAll({ browser, core, proxy, server }));

  it('a student who is not enrolled sees the distribution and the reviews, newest first, page by page', async () => {
    await page.getByRole('link', { name: 'Reviewed in the UI' }).click();
    await page.getByRole('heading', { level: 2, name: 'Reviews' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Rate this course' }).count()).toBe(0);
    await page.getByRole('list', { name: 'Ratings by stars' }).waitFor();
    // 32 stars over 11 ratings.
    expect(await page.getByTestId('reviews-summary').innerText()).toMatch(/2\.9\s*\(11 ratings\)/);
    expect(await bars()).toEqual([2, 2, 2, 3, 2]);

    const newest = reviews().first();
    await newest.getByText('Olga Other').waitFor();
    await newest.getByText('Too fast for me.').waitFor();
    await newest.getByRole('img', { name: '2 out of 5 stars' }).waitFor();
    expect(await reviews().count()).toBe(10);
    // A rating without a text is listed with its stars only.
    const silent = reviews().filter({ hasText: 'Filler 10' });
    await silent.getByRole('img', { name: '1 out of 5 stars' }).waitFor();
    expect(await silent.locator('.review__text').count()).toBe(0);
    await expectNoSeriousA11yViolations(page, 'course page with reviews');
    await shotReviews('reviews-01-list');

    await page.getByRole('button', { name: 'Show more reviews' }).click();
    await expect.poll(() => reviews().count()).toBe(11);
    const oldest = reviews().last();
    await oldest.getByText('Filler 1', { exact: true }).waitFor();
    await oldest.getByText('Filler review 1.').waitFor();
    await oldest.getByRole('img', { name: '2 out of 5 stars' }).waitFor();
    expect(await page.getByRole('button', { name: 'Show more reviews' }).count()).toBe(0);

    await openCourse(unrated);
    await page.getByText('No reviews yet.').waitFor();
    await expectNoSeriousA11yViolations(page, 'course page without reviews');
    expect(await reviews().count()).toBe(0);
  });

  it("the student's own rating joins the list at once and moves the bars", async () => {
    await core.learning.enroll(course.id);
    await openCourse(course);
    await page.getByRole('heading', { name: 'Rate this course' }).waitFor();
    await reviews().first().getByText('Olga Other').waitFor();
    expect(await bars()).toEqual([2, 2, 2, 3, 2]);

    await page.getByRole('radio', { name: /^4 stars/ }).check();
    await page.getByRole('textbox', { name: /^Review/ }).fill('Clear lessons, good quizzes.');
    await page.getByRole('button', { name: 'Submit rating' }).click();
    await page.getByText('You gave this course 4 stars.').waitFor();
    await expect.poll(() => reviews().first().innerText()).toContain('Sam Student');
    const mine = reviews().first();
    await mine.getByText('Clear lessons, good quizzes.').waitFor();
    await mine.getByRole('img', { name: '4 out of 5 stars' }).waitFor();
    await expect.poll(bars).toEqual([2, 3, 2, 3, 2]);
    expect(await page.getByTestId('reviews-summary').innerText()).toMatch(/3\.0\s*\(12 ratings\)/);
    await shotReviews('reviews-02-mine');

    // Changing the rating moves it to the 5-star bar; the review keeps its place, marked as edited.
    await page.getByRole('button', { name: 'Change rating' }).click();
    await page.getByRole('radio', { name: /^5 stars/ }).check();
    await page.getByRole('button', { name: 'Update rating' }).click();
    await page.getByText('You gave this course 5 stars.').waitFor();
    await expect.poll(bars).toEqual([3, 2, 2, 3, 2]);
    await reviews().first().getByRole('img', { name: '5 out of 5 stars' }).waitFor();
    await expectNoSeriousA11yViolations(page, "course page with the student's own rating");
    expect(await reviews().first().innerText()).toMatch(/Sam Student[\s\S]*\(edited\)/);
    expect(await reviews().filter({ hasText: 'Sam Student' }).count()).toBe(1);
  });

  it('offline, the reviews say they need a connection and the rest of the course screen stays', async () => {
    // The course comes from the server, but the reviews' call is cut: a note instead of the list.
    proxy.rule({ path: `/api/v1/courses/${course.id}/ratings?limit=10`, action: 'refuse', times: 1 });
    await openCourse(course);
    await page.getByText('Reviews need a connection').waitFor();
    expect(await reviews().count()).toBe(0);
    await page.getByRole('heading', { level: 2, name: 'Course outline' }).waitFor();
    await page.getByText('You gave this course 5 stars.').waitFor();

    // Fully offline: the saved copy of the course, with the same note.
    proxy.setDown(true);
    try {
      await openCourse(course);
      await page.getByText(/You are offline\. This is the copy saved on this device/).waitFor();
      await page.getByText('Reviews need a connection').waitFor();
      await page.getByRole('heading', { level: 2, name: 'Course outline' }).waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);
      await expectNoSeriousA11yViolations(page, 'course page offline, reviews need a connection');
      await shotReviews('reviews-03-offline');
    } finally {
      proxy.setDown(false);
    }
  });
});
