import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { chromiumFor, shot, signInThroughUi, startWebCore } from '../test-support/e2e.ts';
import { stopAll, type Device } from '../test-support/devices.ts';
import { buyOnServer, paidCourse, serverHasPayments } from '../test-support/payments.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop refund-course e2e');

/**
 * A student asks for refunds in My purchases: one within the policy (the course's offline copy leaves the device with
 * a notice when the refunded enrollment arrives by sync), one refused (the server's reason is shown).
 */
describe.skipIf(!chromium || !serverHasPayments)('refunds from My purchases (web mode in Chromium)', () => {
  let server: SyncServerProcess;
  let core: Device;
  let browser: Browser;
  let page: Page;
  let student: Account;
  let kept: CourseDetail;
  let finished: CourseDetail;

  const orderRow = (title: string) => page.getByTestId('order').filter({ hasText: title });

  beforeAll(async () => {
    server = await startSyncServer();
    const teacher = await server.user('instructor', 'Rita Refund');
    kept = await server.publishedCourse(teacher, paidCourse('Refunded course'));
    finished = await server.publishedCourse(teacher, paidCourse('Finished course'));
    student = await server.user('student', 'Sam Student');
    await buyOnServer(server, student, kept.id);
    await buyOnServer(server, student, finished.id);
    core = await startWebCore(server.url, 'lyceum-desktop-refund-', { sync: { debounceMs: 100 } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(core.launchUrl);
    await signInThroughUi(page, student);
  });

  afterAll(() => stopAll({ browser, core, server }));

  it('keeps a bought course offline, and finishes the other one', async () => {
    await page.goto(`${core.url}/learn/${kept.id}`);
    await page.getByRole('switch', { name: 'Keep this course on this device' }).check();
    await expect
      .poll(() => page.getByTestId('offline-state').innerText(), { timeout: 30_000 })
      .toContain('Ready');
    for (const l of finished.modules.flatMap((m) => m.lessons)) core.learning.complete(finished.id, l.id);
    await core.sync.syncNow();
    await expect
      .poll(
        async () =>
          (
            await server.sql(
              `SELECT count(*)::int AS n FROM lesson_progress WHERE user_id = $1 AND completed`,
              [student.id],
            )
          )[0]!.n,
      )
      .toBe(2);
  });

  it('a refund outside the policy is refused with the server’s reason', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'My Learning' }).click();
    await page.getByRole('link', { name: 'My purchases and receipts' }).click();
    await orderRow('Finished course').waitFor();
    await orderRow('Finished course')
      .getByRole('button', { name: /Ask for a refund/ })
      .click();
    await page.getByLabel('Why do you want a refund of “Finished course”?').fill('Changed my mind');
    await page.getByRole('button', { name: 'Send the request' }).click();
    await expect
      .poll(() => page.getByTestId('refund-error').innerText())
      .toMatch(/Refunds are possible while at most 30 % of the course is done/);
    await expectNoSeriousA11yViolations(page, 'refund refused');
    await shot(page, '80-refund-refused');
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('a refund within the policy: the order is refunded, and the offline copy leaves the device with a notice', async () => {
    await orderRow('Refunded course')
      .getByRole('button', { name: /Ask for a refund/ })
      .click();
    await page.getByLabel('Why do you want a refund of “Refunded course”?').fill('Not what I expected');
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.getByTestId('refund-requested').waitFor();
    expect(await page.getByTestId('refund-requested').innerText()).toContain(
      'Refund asked for “Refunded course”',
    );
    await expect
      .poll(() => orderRow('Refunded course').innerText(), { timeout: 30_000 })
      .toContain('Refunded');
    await expect
      .poll(
        () =>
          page
            .getByTestId('refund-notice')
            .innerText()
            .catch(() => ''),
        { timeout: 30_000 },
      )
      .toBe(
        'Your purchase of “Refunded course” was refunded: its offline copy was removed from this device. Your progress is kept.',
      );
    expect(core.downloads.courses().map((c) => c.courseId)).not.toContain(kept.id);
    expect(
      await server.sql('SELECT status FROM enrollments WHERE user_id = $1 AND course_id = $2', [
        student.id,
        kept.id,
      ]),
    ).toEqual([{ status: 'refunded' }]);
    await expectNoSeriousA11yViolations(page, 'my purchases, refunded');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoSeriousA11yViolations(page, 'my purchases, refunded, dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await shot(page, '81-refunded');
    // My Learning no longer lists it, and says why; the course page offers to buy it again.
    await page.getByRole('navigation').getByRole('link', { name: 'My Learning' }).click();
    await page.getByTestId('refund-notice').waitFor();
    expect(await page.getByTestId('learning-list').innerText()).not.toContain('Refunded course');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.getByTestId('refund-notice').count()).toBe(0);
    await page.goto(`${core.url}/courses/${kept.id}`);
    await page.getByText('Your purchase of this course was refunded.').waitFor();
    await page.getByRole('button', { name: 'Buy', exact: true }).waitFor();
  });
});
