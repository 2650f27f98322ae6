import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail, CourseRating, MyEnrollmentList } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { type Device, stopAll } from '../test-support/devices.ts';
import { chromiumFor, shot, startWebCore } from '../test-support/e2e.ts';
import { studyCourse } from '../test-support/study-course.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop rating e2e');

describe.skipIf(!chromium)('rating and leaving a course in the desktop UI', () => {
  let server: SyncServerProcess;
  let core: Device;
  let browser: Browser;
  let page: Page;
  let student: Account;
  let course: CourseDetail;

  const serverRating = (who: Account) =>
    server.api<CourseRating>('GET', `/api/v1/courses/${course.id}/ratings/me`, { token: who.token });
  const factsRating = () => page.getByTestId('course-rating').innerText();

  beforeAll(async () => {
    server = await startSyncServer();
    const teacher = await server.user('instructor', 'Grace Hopper');
    course = await server.publishedCourse(teacher, studyCourse('Rated in the UI'));
    // Someone else rated it 2 stars already.
    await server.rate(await server.user('student', 'Olga Other'), course.id, { stars: 2 });
    student = await server.user('student', 'Sam Student');
    core = await startWebCore(server.url, 'lyceum-rate-e2e-');
    await core.session.signIn({ email: student.email, password: student.password });
    await core.learning.enroll(course.id);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(() => stopAll({ browser, core, server }));

  it('rates the course, changes and removes the rating; the average follows', async () => {
    await page.goto(core.launchUrl);
    await page.getByRole('link', { name: 'Rated in the UI' }).click();
    await page.getByRole('heading', { level: 1, name: 'Rated in the UI' }).waitFor();
    await expect.poll(factsRating).toContain('2.0');
    await page.getByRole('heading', { name: 'Rate this course' }).waitFor();

    await page.getByRole('button', { name: 'Submit rating' }).click();
    await page.getByText('Choose from 1 to 5 stars.').waitFor();
    await page.getByRole('radio', { name: /^4 stars/ }).check();
    await page.getByRole('textbox', { name: /^Review/ }).fill('Clear lessons, good quizzes.');
    await expectNoSeriousA11yViolations(page, 'rating form, filled in');
    await shot(page, 'rate-01-form');
    await page.getByRole('button', { name: 'Submit rating' }).click();
    await page.getByText('You gave this course 4 stars.').waitFor();
    await page.getByTestId('my-rating').getByText('Clear lessons, good quizzes.').waitFor();
    await expect.poll(factsRating).toMatch(/3\.0\s*\(2 ratings\)/);
    expect((await serverRating(student)).body).toMatchObject({
      stars: 4,
      review: 'Clear lessons, good quizzes.',
    });
    await expectNoSeriousA11yViolations(page, 'course rated');
    await shot(page, 'rate-02-rated');

    await page.getByRole('button', { name: 'Change rating' }).click();
    expect(await page.getByRole('radio', { name: /^4 stars/ }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: /^5 stars/ }).check();
    await page.getByRole('button', { name: 'Update rating' }).click();
    await page.getByText('You gave this course 5 stars.').waitFor();
    await expect.poll(factsRating).toMatch(/3\.5\s*\(2 ratings\)/);
    expect((await serverRating(student)).body.stars).toBe(5);

    await page.getByRole('button', { name: 'Remove rating' }).click();
    await page.getByText('Your rating was removed.').waitFor();
    await expect.poll(factsRating).toMatch(/2\.0\s*\(1 rating\)/);
    expect((await serverRating(student)).status).toBe(404);
    await page.getByRole('button', { name: 'Submit rating' }).waitFor();
  });

  it('leaves the course after confirming; it shows as not enrolled', async () => {
    await page.getByRole('button', { name: 'Leave course' }).click();
    await page.getByText(/Your progress is kept/).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Leave course' }).click();
    await expectNoSeriousA11yViolations(page, 'leave the course, confirming');
    await shot(page, 'rate-03-leave');
    await page.getByRole('button', { name: 'Yes, leave course' }).click();
    await page.getByRole('button', { name: 'Enroll' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Rate this course' }).count()).toBe(0);
    expect(await page.getByTestId('study-link').count()).toBe(0);
    const mine = await server.api<MyEnrollmentList>('GET', '/api/v1/me/enrollments', {
      token: student.token,
    });
    expect(mine.body.items.find((e) => e.courseId === course.id)?.status).toBe('dropped');
  });
});
