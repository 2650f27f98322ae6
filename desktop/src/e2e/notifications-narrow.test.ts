import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { stopAll, type Device } from '../test-support/devices.ts';
import { chromiumFor, shot, signInThroughUi, startWebCore } from '../test-support/e2e.ts';
import { PHONE, expectNoSidewaysScroll, expectReachable } from '../test-support/narrow.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop notifications-narrow e2e');
const HOUR = 3600_000;

/**
 * The notification screens in a 390 px window (a phone held upright), light and dark: the bell, the inbox with a
 * long announcement, Upcoming with its calendar panel, and the notification settings (type × channel, muted courses,
 * quiet hours). Nothing scrolls sideways and every control can be reached.
 */
describe.skipIf(!chromium)('notification screens at 390 px (web mode in Chromium)', () => {
  let server: SyncServerProcess;
  let core: Device;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let student: Account;
  let course: CourseDetail;

  async function check(what: string, controls: ReturnType<Page['locator']>[]): Promise<void> {
    await expectNoSidewaysScroll(page, what);
    await expectReachable(page, controls, what);
    await expectNoSeriousA11yViolations(page, `${what} at 390 px, light`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoSidewaysScroll(page, `${what}, dark`);
    await expectNoSeriousA11yViolations(page, `${what} at 390 px, dark`);
    await page.emulateMedia({ colorScheme: 'light' });
  }

  beforeAll(async () => {
    server = await startSyncServer();
    const teacher = await server.user('instructor', 'Nia Narrow');
    course = await server.publishedCourse(teacher, {
      title: 'Notifications on a rather small phone screen, with a long course title',
      description: 'Narrow windows.',
      subject: 'Testing',
      modules: [
        {
          title: 'Week 1',
          lessons: [
            {
              title: 'An essay with a long title that has to wrap on a phone',
              kind: 'text' as const,
              body: 'Write it.',
              dueAt: new Date(Date.now() + 30 * HOUR).toISOString(),
            },
          ],
        },
      ],
    });
    student = await server.user('student', 'Maximiliana Montgomery-Fairweather');
    core = await startWebCore(server.url, 'lyceum-desktop-notify-narrow-', { sync: { debounceMs: 100 } });
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: PHONE });
    page = await ctx.newPage();
    await page.goto(core.launchUrl);
    await signInThroughUi(page, student, 'signed-in');
    await core.learning.enroll(course.id);
    const sent = await server.api('POST', `/api/v1/courses/${course.id}/announcements`, {
      token: teacher.token,
      body: {
        title: 'The examination has moved to another room and another day of the week',
        body: 'Bring a pen. A very long link: https://example.test/a/very/long/path/that/does/not/break/easily/at/all/anywhere',
      },
    });
    if (sent.status !== 201) throw new Error(`announcement: ${sent.status}`);
  }, 240_000);

  afterAll(async () => {
    await ctx?.close();
    await stopAll({ browser, core, server });
  });

  it('the inbox and the bell fit the window', async () => {
    await page.goto(`${core.url}/notifications`);
    await page.getByTestId('inbox-item').filter({ hasText: 'examination' }).waitFor({ timeout: 20_000 });
    await check('inbox', [
      page.getByRole('link', { name: /notification/i }).first(),
      page.getByLabel('Unread only'),
      page.getByRole('button', { name: 'Mark all as read' }),
    ]);
    await shot(page, 'narrow-notify-01-inbox');
  });

  it('Upcoming and its calendar panel fit the window', async () => {
    await page.goto(`${core.url}/upcoming`);
    await page.getByTestId('upcoming-item').first().waitFor({ timeout: 20_000 });
    await check('upcoming', [page.getByRole('button', { name: 'Get the calendar link' })]);
    await page.getByRole('button', { name: 'Get the calendar link' }).click();
    await page.getByRole('link', { name: 'Download .ics' }).waitFor();
    await check('calendar link', [
      page.getByLabel('Subscription link (keep it private)'),
      page.getByRole('button', { name: 'Copy link' }),
      page.getByRole('link', { name: 'Download .ics' }),
    ]);
    await shot(page, 'narrow-notify-02-upcoming');
  });

  it('the notification settings fit the window: every choice, mute and quiet hour in reach', async () => {
    await page.goto(`${core.url}/preferences/notifications`);
    await page.getByRole('heading', { level: 1, name: 'Notification settings' }).waitFor();
    await page.locator('main select').first().waitFor({ timeout: 20_000 });
    const controls = await page.locator('main select, main input, main button').all();
    await check('notification settings', controls);
    await shot(page, 'narrow-notify-03-settings');
  }, 180_000);
});
