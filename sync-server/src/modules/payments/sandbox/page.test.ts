import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { CARDS, checkout, enrollmentRows, orderBecomes, paidCourse } from '../test-support.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('the sandbox hosted checkout page in Chromium', () => {
  it('passes axe, is paid by keyboard alone (declined first, then 4242), and returns to the success page', async () => {
    const course = await paidCourse(t, 5900);
    const student = await t.user('student');
    const c = await checkout(t, student.token, course.id);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(c.body.checkoutUrl!);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(course.title);
      await expectNoSeriousA11yViolations(page, 'sandbox checkout');

      // Keyboard only: Tab to the card number, type, Tab through the fields, Enter submits.
      const typeCard = async (number: string) => {
        await page.locator('body').focus();
        for (let i = 0; i < 10; i++) {
          await page.keyboard.press('Tab');
          if ((await page.evaluate('document.activeElement?.id')) === 'card') break;
        }
        await page.keyboard.type(number);
        await page.keyboard.press('Tab');
        await page.keyboard.type('12');
        await page.keyboard.press('Tab');
        await page.keyboard.type(String(new Date().getFullYear() + 2));
        await page.keyboard.press('Tab');
        await page.keyboard.type('123');
        await page.keyboard.press('Enter');
        await page.waitForLoadState('load');
      };
      await typeCard(CARDS.declined);
      await expect(page.getByRole('alert').textContent()).resolves.toBe('Your card was declined.');
      await expectNoSeriousA11yViolations(page, 'sandbox checkout with an error');
      await typeCard(CARDS.ok);
      await page.waitForURL(/\/payments\/return\?outcome=success/);
      await expect(page.getByRole('status').textContent()).resolves.toContain('course unlocks');
      await expectNoSeriousA11yViolations(page, 'payment return page');
      await orderBecomes(t, student.token, c.body.orderId, 'paid');
      expect(await enrollmentRows(t, student.id, course.id)).toEqual([
        { status: 'active', source: 'purchase' },
      ]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('the 3-D Secure step is a page of its own, usable by keyboard', async () => {
    const course = await paidCourse(t);
    const student = await t.user('student');
    const c = await checkout(t, student.token, course.id);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(c.body.checkoutUrl!);
      await page.getByLabel('Card number').fill(CARDS.threeDs);
      await page.getByLabel('Expiry month').fill('11');
      await page.getByLabel('Expiry year').fill('2099');
      await page.getByLabel('Security code').fill('123');
      await page.getByRole('button', { name: /^Pay \$/ }).press('Enter');
      await page.waitForURL(/\/confirm$/);
      await expectNoSeriousA11yViolations(page, 'sandbox 3-D Secure step');
      await page.getByRole('button', { name: 'Complete authentication' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/payments\/return\?outcome=success/);
      await orderBecomes(t, student.token, c.body.orderId, 'paid');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
