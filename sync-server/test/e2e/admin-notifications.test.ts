import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { expectNoSeriousA11yViolations, findChromium, launchChromium } from '@lyceum/testing';
import { ensureConsoleBuilt } from '../../console/build.ts';
import { startTestServer, type TestServer } from '../harness.ts';

const chromium = findChromium();
if (!chromium)
  console.warn('[admin notifications e2e] skipped: no Chromium found (install the Debian package chromium)');

/** Press Tab until the focused element has this accessible text (name or label); fails after `max` presses. */
async function tabTo(page: Page, name: string | RegExp, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    // A string, evaluated in the page (this project's types have no DOM).
    const focused = await page.evaluate<string>(`(() => {
      const el = document.activeElement;
      if (!el) return '';
      const label = el.getAttribute('aria-label') ?? '';
      const labelled = el.closest('label')?.textContent ?? '';
      return label + '|' + (el.textContent ?? '') + '|' + labelled;
    })()`);
    if (typeof name === 'string' ? focused.split('|').some((s) => s.trim() === name) : name.test(focused))
      return;
  }
  throw new Error(`"${String(name)}" cannot be reached with the Tab key`);
}

/** How far the page scrolls sideways (0 when everything fits the window's width). */
const sidewaysOverflow = (page: Page) =>
  page.evaluate<number>(
    '(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)()',
  );

/** The innermost elements that end past the window's right edge (what widens the page), for the failure message. */
const widest = (page: Page) =>
  page.evaluate<string>(`(() => {
    const w = document.documentElement.clientWidth;
    const out = [...document.body.querySelectorAll('*')].filter((el) => {
      if (el.getBoundingClientRect().right <= w + 0.5) return false;
      return ![...el.children].some((c) => c.getBoundingClientRect().right > w + 0.5);
    });
    return out.slice(0, 5).map((el) => el.tagName.toLowerCase() + '.' + el.className + ' "' + (el.textContent ?? '').slice(0, 40) + '"').join('; ');
  })()`);

/** Each control, scrolled to, lies wholly inside the window's width and nothing covers its centre. */
async function expectReachable(page: Page, controls: Locator[], what: string): Promise<void> {
  const width = await page.evaluate<number>('document.documentElement.clientWidth');
  for (const c of controls) {
    await c.scrollIntoViewIfNeeded();
    const box = (await c.boundingBox())!;
    expect(box, `${what}: a control is not shown`).not.toBeNull();
    expect(box.x, `${what}: a control starts left of the window`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${what}: a control ends past the window`).toBeLessThanOrEqual(width + 0.5);
    const hit = await c.evaluate(
      // A string body: this project's types have no DOM.
      new Function(
        'el',
        `const r = el.getBoundingClientRect();
         const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
         return hit !== null && (el === hit || el.contains(hit) || hit.contains(el) || !!el.closest('label')?.contains(hit));`,
      ) as (el: unknown) => boolean,
    );
    expect(hit, `${what}: a control is covered`).toBe(true);
  }
}

/** axe in light and dark. */
async function axeBoth(page: Page, what: string): Promise<void> {
  await expectNoSeriousA11yViolations(page, `${what}, light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectNoSeriousA11yViolations(page, `${what}, dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * Issue 14 in the admin console (Chromium): a platform announcement to one role, composed by keyboard, with its
 * delivered and read counts; the delivery log searched by recipient and filtered; a failed delivery retried; axe in
 * light and dark; a 390 px window without sideways scrolling.
 */
describe.skipIf(!chromium)('admin console: Notifications in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let admin: Awaited<ReturnType<TestServer['user']>>;
  let students: Awaited<ReturnType<TestServer['user']>>[];
  let bounced: Awaited<ReturnType<TestServer['user']>>;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await startTestServer();
    admin = await t.user('admin', 'Ada Admin');
    students = [await t.user('student', 'Sam Student'), await t.user('student', 'Lee Student')];
    bounced = await t.user('instructor', 'Bo Bounced');
    // An email that failed after every retry, for the failed list.
    const pool = t.server.database.pool;
    await t.server.notifications.fanOut(
      pool,
      { userId: bounced.id },
      {
        type: 'deadline_upcoming',
        title: 'Due soon',
        body: 'Marking',
        dedupeKey: 'console-e2e:bounced',
      },
    );
    await pool.query(
      `UPDATE notification_emails SET status = 'failed', attempts = 5, last_error = '550 mailbox unavailable'
       WHERE user_id = $1`,
      [bounced.id],
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends a platform announcement to the students by keyboard and shows its counts', async () => {
    await page.goto(`${t.url}/admin/`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Learning analytics' }).waitFor();
    await tabTo(page, 'Notifications');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await axeBoth(page, 'console notifications: announcements');

    await page.getByLabel('Title').focus();
    await page.keyboard.type('Maintenance on Sunday');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Lyceum is **offline** from 2 to 3 am.');
    await page.getByRole('combobox', { name: 'To', exact: true }).selectOption('student');
    await tabTo(page, 'Send now');
    await page.keyboard.press('Enter');
    await expect
      .poll(() =>
        page
          .getByRole('status')
          .filter({ hasText: /Sent to \d+ people/ })
          .count(),
      )
      .toBe(1);
    const row = page.getByRole('row').filter({ hasText: 'Maintenance on Sunday' });
    await expect.poll(() => row.innerText()).toContain('sent');
    const delivered = Number((await row.locator('td').nth(3).innerText()).trim());
    expect(delivered).toBeGreaterThanOrEqual(students.length);
    // A student reads it: the read count follows.
    const read = await t.api('POST', '/api/v1/me/notifications/read', {
      token: students[0]!.token,
      body: { all: true },
    });
    expect(read.status).toBe(200);
    await page.reload();
    await expect
      .poll(async () =>
        (
          await page
            .getByRole('row')
            .filter({ hasText: 'Maintenance on Sunday' })
            .locator('td')
            .nth(4)
            .innerText()
        ).trim(),
      )
      .toBe('1');
    const inbox = await t.api<{ items: { type: string; title: string }[] }>(
      'GET',
      '/api/v1/me/notifications',
      {
        token: students[1]!.token,
      },
    );
    expect(inbox.body.items.map((i) => i.title)).toContain('Maintenance on Sunday');
    const instructorInbox = await t.api<{ items: { title: string }[] }>('GET', '/api/v1/me/notifications', {
      token: bounced.token,
    });
    expect(instructorInbox.body.items.map((i) => i.title)).not.toContain('Maintenance on Sunday');
  }, 120_000);

  it('searches the delivery log by recipient and filters it by type and channel', async () => {
    await page.goto(`${t.url}/admin/#/notifications/log`);
    await page.getByRole('heading', { name: 'Email delivery log' }).waitFor();
    await page.getByLabel('Recipient').fill(bounced.email);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').filter({ hasText: '1 delivery' }).count()).toBe(1);
    expect(await page.getByRole('row').filter({ hasText: bounced.email }).innerText()).toContain('failed');
    await page.getByLabel('Type').selectOption('announcement');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'No deliveries match' }).count())
      .toBe(1);
    await axeBoth(page, 'console notifications: delivery log');
  }, 60_000);

  it('retries a failed delivery from the failed list', async () => {
    await page.goto(`${t.url}/admin/#/notifications/failed`);
    await page.getByRole('heading', { name: 'Failed deliveries', level: 2 }).waitFor();
    const retry = page.getByRole('button', { name: `Retry the email to ${bounced.email}` });
    await retry.waitFor();
    expect(await page.getByRole('row').filter({ hasText: bounced.email }).innerText()).toContain(
      '550 mailbox',
    );
    await axeBoth(page, 'console notifications: failed deliveries');
    await retry.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: '1 email will be sent again.' }).count())
      .toBe(1);
    const { rows } = await t.server.database.pool.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM notification_emails WHERE user_id = $1',
      [bounced.id],
    );
    expect(rows).toEqual([{ status: 'pending', attempts: 0 }]);
    expect(await page.getByRole('row').filter({ hasText: bounced.email }).count()).toBe(0);
  }, 60_000);

  it('fits a 390 px window: no sideways scrolling, the controls in reach, axe light and dark', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [tab, controls] of [
      [
        'announcements',
        () => [
          page.getByLabel('Title'),
          page.getByRole('combobox', { name: 'To', exact: true }),
          page.getByRole('button', { name: 'Send now' }),
        ],
      ],
      [
        'log',
        () => [
          page.getByLabel('Recipient'),
          page.getByLabel('Channel'),
          page.getByRole('button', { name: 'Search', exact: true }),
        ],
      ],
      [
        'failed',
        () => [page.getByLabel('Recipient'), page.getByRole('button', { name: 'Search', exact: true })],
      ],
    ] as const) {
      await page.goto(`${t.url}/admin/#/notifications/${tab}`);
      await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const over = await sidewaysOverflow(page);
        expect(
          over,
          `console notifications ${tab} at 390 px (${scheme}): ${over > 0 ? await widest(page) : ''}`,
        ).toBeLessThanOrEqual(0);
        await expectReachable(page, controls() as Locator[], `console notifications ${tab} at 390 px`);
        await expectNoSeriousA11yViolations(page, `console notifications: ${tab} at 390 px (${scheme})`);
      }
      await page.emulateMedia({ colorScheme: 'light' });
    }
  }, 120_000);
});
