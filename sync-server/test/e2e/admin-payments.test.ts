import fs from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { expectNoSeriousA11yViolations, findChromium, launchChromium } from '@lyceum/testing';
import { ensureConsoleBuilt } from '../../console/build.ts';
import { startTestServer, type TestServer } from '../harness.ts';
import {
  CARDS,
  card,
  checkout,
  orderBecomes,
  paidCourse,
  pay,
} from '../../src/modules/payments/test-support.ts';

const chromium = findChromium();
if (!chromium)
  console.warn('[admin payments e2e] skipped: no Chromium found (install the Debian package chromium)');

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

describe.skipIf(!chromium)('admin console: the Payments section in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let admin: Awaited<ReturnType<TestServer['user']>>;
  let course: Awaited<ReturnType<typeof paidCourse>>;
  let student: Awaited<ReturnType<TestServer['user']>>;
  let orderId: string;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    t = await startTestServer();
    admin = await t.user('admin', 'Ada Admin');
    student = await t.user('student', 'Sam Student');
    course = await paidCourse(t, 4900);
    // The student buys through the sandbox gateway (4242 succeeds); its webhooks mark the order paid.
    const c = await checkout(t, student.token, course.id);
    orderId = c.body.orderId;
    expect((await pay(t, c.body.checkoutUrl!, card(CARDS.ok))).status).toBe('succeeded');
    await orderBecomes(t, student.token, orderId, 'paid');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('an admin reaches Payments by keyboard and finds the order the sandbox paid', async () => {
    await page.goto(`${t.url}/admin/`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Learning analytics' }).waitFor();
    // The dashboard has the sales panels: revenue per day and the view → checkout → paid funnel.
    await page.locator('.lx-chart-title', { hasText: 'Sales funnel' }).waitFor();
    await page.locator('.lx-chart-title', { hasText: 'Revenue per day (USD)' }).waitFor();

    await tabTo(page, 'Payments');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Orders' }).waitFor();

    await page.getByLabel('Search', { exact: true }).focus();
    await page.keyboard.type(student.email);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').filter({ hasText: '1 order' }).count()).toBe(1);
    const row = page.getByRole('row').filter({ hasText: student.email });
    await expect.poll(() => row.innerText()).toContain('paid');
    expect(await row.innerText()).toContain('$49.00');
    expect(await row.innerText()).toContain(course.title);
    // Filtering by another status finds nothing.
    await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption('refunded');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'No orders match' }).count()).toBe(1);
    await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption('paid');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: '1 order' }).count()).toBe(1);
    await expectNoSeriousA11yViolations(page, 'console payments: orders');
  }, 90_000);

  it("opens the order's timeline by keyboard and refunds part of it", async () => {
    await tabTo(page, `Open order ${orderId.slice(-8)}`);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Order ${orderId.slice(-8)}` }).waitFor();
    const timeline = page.getByRole('list').filter({ hasText: 'Gateway event' });
    await expect.poll(() => timeline.innerText()).toContain('checkout.session.completed');
    await expectNoSeriousA11yViolations(page, 'console payments: order');

    await page.getByRole('radio', { name: 'Part of it' }).check();
    await page.getByLabel('Amount to refund (USD)').fill('10.00');
    await page.getByLabel('Reason').fill('Course started late');
    await tabTo(page, 'Refund');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Refund of $10.00' }).count()).toBe(1);
    // The form sent an Idempotency-Key (a retry of the same refund would refund once).
    const keyed = await t.server.database.pool.query<{ key: string | null }>(
      `SELECT idempotency_key AS key FROM refunds WHERE order_id = $1 AND requested_as = 'admin'`,
      [orderId],
    );
    expect(keyed.rows).toEqual([{ key: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
    // The sandbox sends charge.refunded; the timeline shows it once the server took it.
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return timeline.innerText();
        },
        { timeout: 10_000 },
      )
      .toContain('charge.refunded');
    await expect.poll(() => page.locator('.facts').innerText()).toContain('partially refunded');
    expect(await page.getByRole('radio', { name: /Everything left/ }).getAttribute('name')).toBe(
      'refund-kind',
    );
    await expect.poll(() => page.getByText('Everything left ($39.00)').count()).toBe(1);
    await expectNoSeriousA11yViolations(page, 'console payments: order refunded');
  }, 90_000);

  it('creates a coupon', async () => {
    await page.getByRole('link', { name: 'Coupons' }).click();
    await page.getByRole('heading', { name: 'New coupon' }).waitFor();
    await page.getByLabel('Code').fill('spring25');
    await page.getByLabel('Percent (1–100)').fill('25');
    await page.getByRole('combobox', { name: 'Course', exact: true }).selectOption({ label: course.title });
    await page.getByLabel('Most redemptions').fill('100');
    await page.getByRole('button', { name: 'Create coupon' }).click();
    await page.getByRole('status').filter({ hasText: 'Coupon SPRING25 created.' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'SPRING25' });
    await expect.poll(() => row.innerText()).toContain('25 % off');
    expect(await row.innerText()).toContain('0 of 100');
    // A bad percentage is refused in the form, with the reason.
    await page.getByLabel('Code').fill('TOO-MUCH');
    await page.getByLabel('Percent (1–100)').fill('150');
    await page.getByRole('button', { name: 'Create coupon' }).click();
    await page.getByRole('alert').filter({ hasText: 'whole number from 1 to 100' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'console payments: coupons');
  }, 90_000);

  it('issues a voucher batch, downloads its CSV, shows redemptions and revokes it', async () => {
    await page.getByRole('link', { name: 'Vouchers' }).click();
    await page.getByRole('heading', { name: 'New voucher batch' }).waitFor();
    await page.getByRole('combobox', { name: 'Course', exact: true }).selectOption({ label: course.title });
    await page.getByLabel('Codes', { exact: true }).fill('5');
    await page.getByLabel('Label').fill('Lycée Voltaire');
    await page.getByRole('button', { name: 'Issue codes' }).click();
    const codes = page.getByLabel('The new codes');
    await expect.poll(async () => (await codes.inputValue()).split('\n').length).toBe(5);
    const shown = (await codes.inputValue()).split('\n');
    for (const c of shown) expect(c).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^vouchers-.+\.csv$/);
    const csv = await fs.readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines).toHaveLength(6);
    for (const c of shown) expect(csv).toContain(c);

    await page.getByRole('button', { name: 'Redemptions of Lycée Voltaire' }).click();
    const status = page.getByRole('table').filter({ hasText: 'Codes of Lycée Voltaire' });
    await expect.poll(() => status.getByText('not redeemed').count()).toBe(5);
    await expectNoSeriousA11yViolations(page, 'console payments: vouchers');

    await page.getByRole('button', { name: 'Revoke Lycée Voltaire' }).click();
    await page.getByRole('button', { name: 'Confirm: revoke Lycée Voltaire' }).click();
    await expect
      .poll(() => page.getByRole('row').filter({ hasText: 'Lycée Voltaire' }).innerText())
      .toContain('revoked');
  }, 90_000);

  it('draws revenue per day and per course', async () => {
    await page.getByRole('link', { name: 'Revenue' }).click();
    const tiles = page.getByLabel('Totals in USD');
    await expect.poll(() => tiles.innerText()).toContain('$39.00');
    expect(await tiles.innerText()).toContain('$10.00');
    await page.locator('.lx-chart-title', { hasText: 'Net revenue per day (USD)' }).waitFor();
    await page.locator('.lx-chart-title', { hasText: 'Net revenue per course (USD)' }).waitFor();
    expect(await page.locator('.lx-chart svg').count()).toBeGreaterThanOrEqual(2);
    await expectNoSeriousA11yViolations(page, 'console payments: revenue');
  }, 90_000);

  it('reconciles with the gateway and flags a payment no order matches', async () => {
    // A payment the gateway took for an order this server never made.
    const ghost = randomUUID();
    await t.server.database.pool.query(
      `INSERT INTO sandbox_checkout_sessions (id, idempotency_key, order_id, amount_minor, currency, description,
         success_url, cancel_url, status, payment_status, expires_at)
       VALUES ('cs_test_orphan01', 'orphan', $1, 1234, 'USD', 'Not ours', 'http://x/', 'http://x/', 'complete', 'paid',
         now() + interval '1 day')`,
      [ghost],
    );
    await t.server.database.pool.query(
      `INSERT INTO sandbox_payment_intents (id, session_id, order_id, amount_minor, currency, status, method)
       VALUES ('pi_test_orphan01', 'cs_test_orphan01', $1, 1234, 'USD', 'succeeded', 'card')`,
      [ghost],
    );
    await page.getByRole('link', { name: 'Reconciliation' }).click();
    await page.getByRole('button', { name: 'Check against the gateway' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: '1 payment matches' }).innerText())
      .toContain('1 flagged');
    const flagged = page.getByRole('row').filter({ hasText: 'pi_test_orphan01' });
    expect(await flagged.innerText()).toContain('Payment with no order');
    expect(await flagged.innerText()).toContain('$12.34');
    await expectNoSeriousA11yViolations(page, 'console payments: reconciliation');
  }, 90_000);

  it('fits a 390 px window (a phone): no sideways scrolling, every control in reach, axe light and dark', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const places: [string, string, () => Locator[]][] = [
      [
        'orders',
        '#/payments/orders',
        () => [
          page.getByLabel('Search', { exact: true }),
          page.getByRole('combobox', { name: 'Status', exact: true }),
          page.getByRole('button', { name: 'Search', exact: true }),
          page.getByRole('link', { name: `Open order ${orderId.slice(-8)}` }),
        ],
      ],
      [
        'order',
        `#/payments/orders/${orderId}`,
        () => [
          page.getByRole('radio', { name: 'Part of it' }),
          page.getByLabel('Reason'),
          page.getByRole('button', { name: 'Refresh' }),
        ],
      ],
      [
        'coupons',
        '#/payments/coupons',
        () => [
          page.getByLabel('Code'),
          page.getByLabel('Percent (1–100)'),
          page.getByRole('button', { name: 'Create coupon' }),
        ],
      ],
      [
        'vouchers',
        '#/payments/vouchers',
        () => [
          page.getByRole('combobox', { name: 'Course', exact: true }),
          page.getByLabel('Codes', { exact: true }),
          page.getByRole('button', { name: 'Issue codes' }),
        ],
      ],
      ['revenue', '#/payments/revenue', () => [page.locator('.lx-chart summary').first()]],
      [
        'reconciliation',
        '#/payments/reconciliation',
        () => [page.getByRole('button', { name: 'Check against the gateway' })],
      ],
    ];
    for (const [what, hash, controls] of places) {
      await page.goto(`${t.url}/admin/${hash}`);
      await controls()[0]!.waitFor();
      if (what === 'reconciliation') {
        await page.getByRole('button', { name: 'Check against the gateway' }).click();
        await page.getByRole('row').filter({ hasText: 'pi_test_orphan01' }).waitFor();
      }
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const over = await sidewaysOverflow(page);
        expect(
          over,
          `console ${what} at 390 px (${scheme}): ${over > 0 ? await widest(page) : ''}`,
        ).toBeLessThanOrEqual(0);
        await expectReachable(page, controls(), `console ${what} at 390 px`);
      }
      // Both colour schemes.
      await expectNoSeriousA11yViolations(page, `console payments: ${what} at 390 px`);
      await page.emulateMedia({ colorScheme: 'light' });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 120_000);
});
