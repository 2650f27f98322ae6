import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { stopAll, type Device } from '../test-support/devices.ts';
import { chromiumFor, shot, signInThroughUi, startWebCore } from '../test-support/e2e.ts';
import { PHONE, expectNoSidewaysScroll, expectReachable } from '../test-support/narrow.ts';
import { buyOnServer, paidCourse, serverHasPayments } from '../test-support/payments.ts';
import { startProxy, type Proxy } from '../test-support/proxy.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop teach-earnings e2e');

/**
 * An instructor's earnings in Teach: two courses sold (one partly refunded), the figures per course and per day as
 * charts with their data tables, by keyboard, in light and dark, at 200 % zoom and 390 px; offline, the last figures
 * with the time they are as of.
 */
describe.skipIf(!chromium || !serverHasPayments)('Teach → Earnings (web mode in Chromium)', () => {
  let server: SyncServerProcess;
  let proxy: Proxy;
  let core: Device;
  let browser: Browser;
  let page: Page;
  let teacher: Account;
  let sold: CourseDetail;
  let other: CourseDetail;

  const figure = (currency: string, id: string) =>
    page.getByTestId(`earnings-totals-${currency}`).getByTestId(`earnings-${id}`).innerText();

  beforeAll(async () => {
    server = await startSyncServer();
    proxy = await startProxy(server.url);
    teacher = await server.user('instructor', 'Erin Earner');
    sold = await server.publishedCourse(teacher, paidCourse('Watercolour basics', 1900));
    other = await server.publishedCourse(teacher, paidCourse('Oil painting', 3000));
    await server.publishedCourse(teacher, paidCourse('Charcoal (no sales)', 1200));
    const admin = await server.user('admin', 'Ada Admin');
    const buyers = [await server.user('student', 'Bo Buyer'), await server.user('student', 'Cy Buyer')];
    const [first] = await Promise.all([
      buyOnServer(server, buyers[0]!, sold.id),
      buyOnServer(server, buyers[1]!, sold.id),
      buyOnServer(server, buyers[0]!, other.id),
    ]);
    const refund = await server.api('POST', `/api/v1/orders/${first}/refunds`, {
      token: admin.token,
      body: { amount: 500, reason: 'Started late' },
    });
    if (refund.status !== 201) throw new Error(`refund: ${refund.status}`);
    core = await startWebCore(proxy.url, 'lyceum-desktop-earnings-');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(core.launchUrl);
    await signInThroughUi(page, teacher);
  }, 240_000);

  afterAll(() => stopAll({ browser, core, proxy, server }));

  it('reaches Earnings from Teach by keyboard: totals, net per day and per course as charts with their data', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Teach' }).click();
    await page.getByRole('heading', { level: 1, name: 'Teach' }).waitFor();
    const link = page.getByRole('link', { name: 'Earnings', exact: true });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Earnings' }).waitFor();
    await expect.poll(() => page.getByTestId('earnings-status').innerText()).toMatch(/^As of /);
    // 19 + 19 + 30 sold, 5 refunded: 68 − 5 = 63.
    expect(await figure('EUR', 'net')).toBe('€63.00');
    expect(await figure('EUR', 'gross')).toBe('€68.00');
    expect(await figure('EUR', 'refunded')).toBe('€5.00');
    expect(await figure('EUR', 'orders')).toBe('3');
    await page.locator('.lx-chart-title', { hasText: 'Net earnings per day (EUR)' }).waitFor();
    const perCourse = page.locator('figure', {
      has: page.locator('.lx-chart-title', { hasText: 'Net earnings per course (EUR)' }),
    });
    // The bars' data table, opened by keyboard: each course with its sales, refunds and orders.
    await perCourse.locator('summary').focus();
    await page.keyboard.press('Enter');
    const table = perCourse.locator('table');
    await table.waitFor();
    const text = await table.innerText();
    expect(text).toContain('Watercolour basics');
    expect(text).toContain('sales €38.00, refunds €5.00, 2 orders');
    expect(text).toContain('Oil painting');
    expect(text).toContain('Charcoal (no sales)');
    expect(text).toContain('sales €0.00, refunds €0.00, 0 orders');
    await expectNoSeriousA11yViolations(page, 'earnings, light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoSeriousA11yViolations(page, 'earnings, dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await shot(page, 'earnings-01');
  });

  it('changes the period by keyboard', async () => {
    const period = page.getByRole('combobox', { name: 'Period' });
    await period.focus();
    await period.selectOption('7d');
    await expect.poll(() => page.getByTestId('earnings-status').innerText()).toMatch(/^As of /);
    expect(await figure('EUR', 'net')).toBe('€63.00');
    expect(await page.locator('.lx-chart-title', { hasText: 'Net earnings per day' }).count()).toBe(1);
  });

  it('offline: the last figures with the time they are as of; a period never fetched needs a connection', async () => {
    proxy.setDown(true);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByTestId('earnings-offline').waitFor();
    expect(await page.getByTestId('earnings-offline').innerText()).toMatch(
      /^The server cannot be reached: these are your earnings as of .+\./,
    );
    expect(await figure('EUR', 'net')).toBe('€63.00');
    await expectNoSeriousA11yViolations(page, 'earnings offline');
    await page.getByRole('combobox', { name: 'Period' }).selectOption('365d');
    await page.getByRole('heading', { name: 'Earnings need a connection' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'earnings offline, never fetched');
    // After a restart of the page, still offline: the copy kept on the device.
    await page.getByRole('combobox', { name: 'Period' }).selectOption('7d');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Earnings' }).waitFor();
    await page.getByRole('combobox', { name: 'Period' }).selectOption('7d');
    await page.getByTestId('earnings-offline').waitFor();
    expect(await figure('EUR', 'net')).toBe('€63.00');
    await shot(page, 'earnings-02-offline');
    proxy.setDown(false);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.getByTestId('earnings-offline').count(), { timeout: 15_000 }).toBe(0);
  });

  it('reflows at 200 % zoom and in a 390 px window: no sideways scrolling, every control in reach', async () => {
    const controls = () => [
      page.getByRole('link', { name: 'All my courses' }),
      page.getByRole('combobox', { name: 'Period' }),
      page.getByRole('button', { name: 'Refresh' }),
      page.locator('summary').first(),
    ];
    for (const [what, size] of [
      ['200 % zoom', { width: 640, height: 450 }],
      ['390 px', PHONE],
    ] as const) {
      await page.setViewportSize(size);
      await page.getByTestId('earnings-totals-EUR').waitFor();
      await expectNoSidewaysScroll(page, `earnings at ${what}`);
      await expectReachable(page, controls(), `earnings at ${what}`);
      await expectNoSeriousA11yViolations(page, `earnings at ${what}`);
    }
    await shot(page, 'earnings-03-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
