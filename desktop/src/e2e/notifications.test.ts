import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { chromiumFor, shot, signInThroughUi, startWebCore } from '../test-support/e2e.ts';
import { stopAll, type Device } from '../test-support/devices.ts';
import { startProxy, type Proxy } from '../test-support/proxy.ts';
import {
  removeDir,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop notifications e2e');
const HOUR = 3600_000;

interface Shown {
  title: string;
  body: string;
  tag: string;
}
/** Every OS notification the tab creates is reported to the test (window.__shown, a binding), then shown as usual. */
const recordNotifications = () => {
  const Real = window.Notification;
  const report = (n: Shown) => (window as unknown as { __shown: (n: Shown) => void }).__shown(n);
  class Recorded extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      report({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
    }
  }
  Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
};

/**
 * Issue 14 in Chromium, web mode: an instructor's announcement reaches an online student's badge within 2 s and an
 * offline student's after reconnecting; an offline app fires a deadline reminder from its cached due date, and does
 * not show it again when the server's copy (same dedupe key) arrives by sync.
 */
describe.skipIf(!chromium)('notifications (web mode in Chromium)', () => {
  let server: SyncServerProcess;
  let browser: Browser;
  let teacher: Account;
  let course: CourseDetail;
  const devices: { core: Device; proxy: Proxy; context: BrowserContext; page: Page; shown: Shown[] }[] = [];

  /**
   * A device signed in (through the UI) in its own browser context with notifications allowed: straight to the server
   * (live socket.io pokes), or, with `before` (run on the core before the page opens), through a proxy that can cut it
   * off.
   */
  async function device(
    who: Account,
    prefix: string,
    before?: (core: Device, proxy: Proxy) => Promise<void>,
  ) {
    const proxy = await startProxy(server.url);
    const core = await startWebCore(before ? proxy.url : server.url, prefix, {
      sync: { offlinePingMs: 500, debounceMs: 100 },
    });
    if (before) await before(core, proxy);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['notifications'], { origin: core.url });
    const shown: Shown[] = [];
    await context.exposeBinding('__shown', (_source, n: Shown) => void shown.push(n));
    await context.addInitScript(recordNotifications);
    const page = await context.newPage();
    await page.goto(core.launchUrl);
    if (!before) await signInThroughUi(page, who);
    const d = { core, proxy, context, page, shown };
    devices.push(d);
    return d;
  }

  const essayDue = (at: number) => ({
    title: 'Notify 101',
    description: 'Notifications in the desktop tests.',
    subject: 'Testing',
    modules: [
      {
        title: 'Week 1',
        lessons: [
          { title: 'Welcome', kind: 'text' as const, body: 'Hello' },
          { title: 'Essay', kind: 'text' as const, body: 'Write it.', dueAt: new Date(at).toISOString() },
        ],
      },
    ],
  });

  beforeAll(async () => {
    server = await startSyncServer();
    teacher = await server.user('instructor', 'Ada Teacher');
    // Due in 23 h: the 24 h reminder is due at once (no student is enrolled when the course is published).
    course = await server.publishedCourse(teacher, essayDue(Date.now() + 23 * HOUR));
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const d of devices.splice(0)) {
      await d.context.close();
      await d.core.close();
      await d.proxy.close();
      removeDir(d.core.dataDir);
    }
    await stopAll({ browser, server });
  });

  let online: Awaited<ReturnType<typeof device>>;
  let offline: Awaited<ReturnType<typeof device>>;
  let offlineStudent: Account;
  let sam: Account;

  it('an offline app fires a deadline reminder from the cached due date, once', async () => {
    sam = await server.user('student', 'Sam Online');
    offlineStudent = await server.user('student', 'Lee Offline');
    online = await device(sam, 'lyceum-desktop-notify-a-');
    await online.core.learning.enroll(course.id);
    // Lee enrols online, then the app goes offline before its window opens.
    offline = await device(offlineStudent, 'lyceum-desktop-notify-b-', async (core, proxy) => {
      await core.session.signIn({ email: offlineStudent.email, password: offlineStudent.password });
      await core.learning.enroll(course.id);
      proxy.setDown(true);
      await expect.poll(async () => (await core.connectivity.check(0)).online).toBe(false);
    });
    // The reminder fires with no network, from the stored course.
    await expect.poll(() => offline.shown, { timeout: 10_000 }).toHaveLength(1);
    const [reminder] = offline.shown;
    expect(reminder!.title).toBe('“Essay” is due in 24 hours');
    expect(reminder!.tag).toBe(`deadline:${course.modules[0]!.lessons[1]!.id}:${offlineStudent.id}:24h`);
    await offline.page.goto(`${offline.core.url}/upcoming`);
    await offline.page.getByTestId('upcoming-item').filter({ hasText: 'Essay' }).waitFor();
    await shot(offline.page, '70-notify-upcoming-offline');
  });

  it('an announcement reaches the online student within 2 s, the offline one after reconnecting', async () => {
    const teach = await device(teacher, 'lyceum-desktop-notify-t-');
    await teach.page.goto(`${teach.core.url}/teach/${course.id}?view=announcements`);
    await teach.page.getByLabel('Title').fill('Exam moved');
    await teach.page.getByLabel('Message').fill('The exam is on **Friday**.\n\n- bring a pen');
    await teach.page.getByRole('button', { name: 'Preview' }).click();
    await expect
      .poll(() => teach.page.getByTestId('announce-preview').locator('strong').innerText())
      .toBe('Friday');
    // Each student already has their enrolment's notification.
    await expect.poll(() => online.core.sync.status().live).toBe(true);
    const onlineBefore = online.core.notifications.pulse().unread;
    const offlineBefore = offline.core.notifications.pulse().unread;
    await online.page
      .getByTestId('notification-badge')
      .filter({ hasText: String(onlineBefore) })
      .waitFor();
    const sentAt = Date.now();
    await teach.page.getByRole('button', { name: 'Send announcement' }).click();
    await online.page
      .getByTestId('notification-badge')
      .filter({ hasText: String(onlineBefore + 1) })
      .waitFor({ timeout: 10_000 });
    const ms = Date.now() - sentAt;
    console.log(`[notifications] announcement → online student's badge in ${ms} ms`);
    expect(ms).toBeLessThan(2000);
    await teach.page.getByText(/Sent to 2 students/).waitFor();
    // The offline student's app has not heard of it …
    expect(offline.core.notifications.pulse().unread).toBe(offlineBefore);
    offline.proxy.setDown(false);
    // … until it is back online (its enrolment's notification comes with it).
    const arrived = () =>
      offline.core.notifications.inbox({ unreadOnly: true, limit: 50 }).items.map((n) => n.title);
    await expect.poll(arrived, { timeout: 15_000 }).toContain('Exam moved');
    await offline.page
      .getByTestId('notification-badge')
      .filter({ hasText: String(offline.core.notifications.pulse().unread) })
      .waitFor();
    // The instructor sees delivered and read counts.
    await teach.page.reload();
    await expect
      .poll(() => teach.page.getByTestId('announcement-counts').first().innerText())
      .toMatch(/^Delivered to 2 · read by 0/);
  });

  it("does not show the reminder again when the server's copy arrives by sync", async () => {
    // The instructor moves the due date: the server schedules its 24 h reminder again, now with Lee enrolled.
    const essay = course.modules[0]!.lessons[1]!;
    const modules = course.modules.map((m) => ({
      id: m.id,
      title: m.title,
      lessons: m.lessons.map((l) => ({
        id: l.id,
        title: l.title,
        kind: l.kind,
        body: l.id === essay.id ? 'Write it.' : 'Hello',
        dueAt: l.id === essay.id ? new Date(Date.now() + 22 * HOUR).toISOString() : null,
      })),
    }));
    const current = await server.api<CourseDetail>('GET', `/api/v1/courses/${course.id}`, {
      token: teacher.token,
    });
    const patched = await server.api('PATCH', `/api/v1/courses/${course.id}`, {
      token: teacher.token,
      body: { modules, version: current.body.version },
    });
    expect(patched, JSON.stringify(patched.body)).toMatchObject({ status: 200 });
    const key = `deadline:${essay.id}:${offlineStudent.id}:24h`;
    await expect
      .poll(
        async () =>
          (
            await server.api<{ items: { dedupeKey: string }[] }>('GET', '/api/v1/me/notifications', {
              token: offlineStudent.token,
            })
          ).body.items.map((n) => n.dedupeKey),
        { timeout: 15_000 },
      )
      .toContain(key);
    // It reaches the device's inbox with a sync (this device has no live socket through the test's proxy, so it
    // would otherwise wait for its periodic sync; the server numbers the change shortly after it commits, so the
    // device asks again until it has it) …
    await expect
      .poll(
        async () => {
          await offline.core.sync.syncNow();
          return offline.core.notifications
            .inbox({ unreadOnly: false, limit: 100 })
            .items.some((n) => n.dedupeKey === key);
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    await offline.page.goto(`${offline.core.url}/notifications`);
    await offline.page.getByTestId('inbox-item').filter({ hasText: 'Essay' }).waitFor({ timeout: 15_000 });
    // … and the pulse has nothing left to show: the reminder stays shown once, the announcement is shown once.
    await expect.poll(() => offline.core.notifications.pulse().alertsWaiting).toBe(0);
    const shown = offline.shown;
    expect(shown.filter((n) => n.tag === key)).toHaveLength(1);
    expect(shown.filter((n) => n.tag.startsWith('announcement:'))).toHaveLength(1);
    expect(offline.core.notifications.claimAlerts().items).toEqual([]);
    await shot(offline.page, '71-notify-inbox');
  });

  it('marks read (one, then all) through the outbox, and the inbox and Upcoming pass axe in light and dark', async () => {
    const page = offline.page;
    const before = offline.core.notifications.pulse().unread;
    expect(before).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: /Mark as read.*Exam moved/ }).click();
    await expect.poll(() => offline.core.notifications.pulse().unread).toBe(before - 1);
    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await expect.poll(() => page.getByTestId('notification-badge').count()).toBe(0);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousA11yViolations(page, `inbox (${scheme})`);
      await page.goto(`${offline.core.url}/upcoming`);
      await page.getByTestId('upcoming-item').first().waitFor();
      await expectNoSeriousA11yViolations(page, `upcoming (${scheme})`);
      await page.goto(`${offline.core.url}/notifications`);
      await page.getByTestId('inbox-list').waitFor();
    }
    // The read state reached the server.
    await expect
      .poll(
        async () =>
          (
            await server.api<{ unread: number }>('GET', '/api/v1/me/notifications', {
              token: offlineStudent.token,
            })
          ).body.unread,
        { timeout: 15_000 },
      )
      .toBe(0);
  });

  it('opens what a notification is about from the inbox by keyboard (and marks it read)', async () => {
    const page = online.page;
    await page.goto(`${online.core.url}/notifications`);
    const link = page.getByRole('link', { name: 'Exam moved' });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/courses\/|\/learn\//);
  });

  it('notification settings: a choice saved on the server, muted courses and quiet hours; axe light and dark', async () => {
    const page = online.page;
    await page.goto(`${online.core.url}/preferences/notifications`);
    const cell = page.getByLabel('Announcement: Email');
    await cell.waitFor();
    await cell.selectOption('weekly');
    await page.getByLabel('Mute Notify 101').check();
    await page.getByLabel('Use quiet hours').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Notification settings saved.').waitFor();
    const saved = await server.api<{
      types: Record<string, { email: string }>;
      mutedCourses: string[];
      quietHours: unknown;
    }>('GET', '/api/v1/me/notification-preferences', { token: sam.token });
    expect(saved.body.types.announcement!.email).toBe('weekly');
    expect(saved.body.mutedCourses).toEqual([course.id]);
    expect(saved.body.quietHours).toEqual({ start: '22:00', end: '07:00' });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousA11yViolations(page, `notification settings (${scheme})`);
    }
  });

  it('Teach → Announcements shows delivered and read counts, passes axe and sends by keyboard', async () => {
    const teach = devices.find((d) => d.page.url().includes('view=announcements'))!;
    const page = teach.page;
    await page.goto(`${teach.core.url}/teach/${course.id}?view=announcements`);
    // Lee marked everything read and Sam opened it: the counts say so.
    await expect
      .poll(() => page.getByTestId('announcement-counts').first().innerText(), { timeout: 15_000 })
      .toMatch(/^Delivered to 2 · read by 2/);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousA11yViolations(page, `announcements (${scheme})`);
    }
    // Scheduled for later, typed and sent with the keyboard alone.
    await page.getByLabel('Title').focus();
    await page.keyboard.type('Office hours');
    await page.keyboard.press('Tab'); // Preview
    await page.keyboard.press('Tab'); // Message
    await page.keyboard.type('Thursday at *noon*.');
    await page.getByLabel('Send at a time').check();
    const later = new Date(Date.now() + 48 * HOUR);
    const local = new Date(later.getTime() - later.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Send at', { exact: true }).fill(local);
    await page.getByRole('button', { name: 'Schedule announcement' }).focus();
    await page.keyboard.press('Enter');
    await page
      .getByText(/^Scheduled for/)
      .first()
      .waitFor();
    await page.getByTestId('announcement-item').filter({ hasText: 'Office hours' }).waitFor();
  });

  it('Upcoming gives the calendar subscription link and downloads the same .ics', async () => {
    const page = online.page;
    await page.goto(`${online.core.url}/upcoming`);
    await page.getByRole('button', { name: 'Get the calendar link' }).click();
    const url = await page.getByLabel('Subscription link (keep it private)').inputValue();
    expect(url).toContain('/api/v1/me/calendar.ics?token=');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download .ics' }).click(),
    ]);
    const file = await download.path();
    const ics = (await import('node:fs')).readFileSync(file, 'utf8');
    expect(ics).toMatch(/^BEGIN:VCALENDAR/);
    expect(ics).toContain('Essay');
    await expectNoSeriousA11yViolations(page, 'upcoming with the calendar link');
  });
});
