import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CourseDetail } from '@lyceum/contracts';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { stopAll, type Device } from '../test-support/devices.ts';
import { chromiumFor, shot, signInThroughUi, startWebCore } from '../test-support/e2e.ts';
import { PHONE, expectNoSidewaysScroll, expectReachable } from '../test-support/narrow.ts';
import { buyOnServer, paidCourse, serverHasPayments } from '../test-support/payments.ts';
import { startSyncServer, type Account, type SyncServerProcess } from '../test-support/sync-server.ts';

const chromium = chromiumFor('desktop payments-narrow e2e');

/**
 * The payment screens in a 390 px window (a phone held upright), light and dark: a paid course's Buy and Redeem a
 * code, the wait for a checkout, My purchases with its receipts and a refund request. Nothing scrolls sideways and
 * every control can be reached.
 */
describe.skipIf(!chromium || !serverHasPayments)('payment screens at 390 px (web mode in Chromium)', () => {
  let server: SyncServerProcess;
  let core: Device;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let student: Account;
  let forSale: CourseDetail;

  /** No sideways scrolling, the controls in reach, and axe in light and dark. */
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
    forSale = await server.publishedCourse(
      teacher,
      paidCourse('A course with a rather long title to buy on a small phone screen', 12_900),
    );
    student = await server.user('student', 'Maximiliana Montgomery-Fairweather');
    for (const title of ['Bought course one', 'Bought course two with a longer title']) {
      const c = await server.publishedCourse(teacher, paidCourse(title, 4900, 'USD'));
      await buyOnServer(server, student, c.id);
    }
    core = await startWebCore(server.url, 'lyceum-desktop-pay-narrow-', { sync: { debounceMs: 100 } });
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: PHONE });
    page = await ctx.newPage();
    await page.goto(core.launchUrl);
    await signInThroughUi(page, student, 'signed-in');
  }, 240_000);

  afterAll(async () => {
    await ctx?.close();
    await stopAll({ browser, core, server });
  });

  it('a paid course: the price, Buy and Redeem a code fit the window', async () => {
    await page.goto(`${core.url}/courses/${forSale.id}`);
    await page.getByRole('heading', { level: 1, name: forSale.title }).waitFor();
    await page.getByTestId('purchase-price').waitFor();
    await check('paid course page', [
      page.getByRole('button', { name: 'Buy', exact: true }),
      page.getByLabel('Coupon or voucher code'),
      page.getByRole('button', { name: 'Redeem', exact: true }),
    ]);
    // A wrong code: the reason fits too.
    await page.getByLabel('Coupon or voucher code').fill('NOSUCHCODE');
    await page.getByRole('button', { name: 'Redeem', exact: true }).click();
    await page.getByText('No coupon has this code').waitFor();
    await check('coupon refused', [page.getByRole('button', { name: 'Redeem', exact: true })]);
    await shot(page, 'narrow-01-paid-course');
  });

  it('waiting for a checkout: the notice and its button fit the window', async () => {
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Buy', exact: true }).click();
    const checkout = await popup;
    await page.getByTestId('checkout-waiting').waitFor();
    await check('waiting for the payment', [page.getByRole('button', { name: 'Stop waiting' })]);
    await checkout.close();
    await page.getByRole('button', { name: 'Stop waiting' }).click();
    await page.getByRole('button', { name: 'Buy', exact: true }).waitFor();
  });

  it('My purchases and a refund request fit the window', async () => {
    await page.goto(`${core.url}/purchases`);
    await page.getByRole('heading', { level: 1, name: 'My purchases' }).waitFor();
    const rows = page.getByTestId('order');
    await expect.poll(() => rows.count()).toBe(3);
    const row = rows.filter({ hasText: 'Bought course two with a longer title' });
    await check('my purchases', [
      row.getByRole('link', { name: /Receipt/ }),
      row.getByRole('button', { name: /Ask for a refund/ }),
      rows.filter({ hasText: 'Waiting for payment' }).getByRole('link').first(),
    ]);
    await shot(page, 'narrow-02-purchases');
    await row.getByRole('button', { name: /Ask for a refund/ }).click();
    const reason = page.getByLabel('Why do you want a refund of “Bought course two with a longer title”?');
    await reason.waitFor();
    await check('refund request', [
      reason,
      page.getByRole('button', { name: 'Send the request' }),
      page.getByRole('button', { name: 'Cancel' }),
    ]);
    // By keyboard: the reason, then Send.
    await reason.focus();
    await page.keyboard.type('Not for me');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Send the request');
    await page.keyboard.press('Enter');
    await page.getByTestId('refund-requested').waitFor();
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toContain('Refunded');
    await check('my purchases after a refund', [row.getByRole('link', { name: /Receipt/ })]);
    await shot(page, 'narrow-03-refunded');
  });
});
