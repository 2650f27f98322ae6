import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations, launchChromium } from '@lyceum/testing';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { insertOrder, paidCourse } from '../refunds/test-support.ts';
import { formatMoney } from './render.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

async function paidOrder(title?: string) {
  const { course } = await paidCourse(t, 4999);
  if (title)
    await t.server.database.pool.query('UPDATE courses SET title = $2 WHERE id = $1', [course.id, title]);
  const student = await t.user('student', 'Rita <Receipt>');
  const o = await insertOrder(t.server.database.pool, {
    userId: student.id,
    courseId: course.id,
    amountMinor: 3999,
    listAmountMinor: 4999,
  });
  return { course, student, orderId: o.id };
}

describe('receipts', () => {
  it('shows the buyer (and admins) an escaped HTML receipt; anyone else gets 404', async () => {
    const { student, orderId } = await paidOrder('Cooking <script>alert(1)</script>');
    const r = await t.api<string>('GET', `/api/v1/orders/${orderId}/receipt`, { token: student.token });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.body).toContain('<h1>Receipt</h1>');
    expect(r.body).toContain('Cooking &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.body).not.toContain('<script>');
    expect(r.body).toContain('Rita &lt;Receipt&gt;');
    expect(r.body).toContain('$39.99');
    expect(r.body).toContain('−$10.00');
    const admin = await t.user('admin');
    expect((await t.api('GET', `/api/v1/orders/${orderId}/receipt`, { token: admin.token })).status).toBe(
      200,
    );
    const other = await t.user('student');
    expect((await t.api('GET', `/api/v1/orders/${orderId}/receipt`, { token: other.token })).status).toBe(
      404,
    );
    expect((await t.api('GET', `/api/v1/orders/${orderId}/receipt`)).status).toBe(401);
  });

  it('has no receipt before the order is paid', async () => {
    const { course } = await paidCourse(t, 1000);
    const s = await t.user('student');
    const o = await insertOrder(t.server.database.pool, {
      userId: s.id,
      courseId: course.id,
      amountMinor: 1000,
      status: 'pending',
    });
    expect((await t.api('GET', `/api/v1/orders/${o.id}/receipt`, { token: s.token })).status).toBe(404);
  });

  it('emails the receipt through the mailer port', async () => {
    const { student, orderId } = await paidOrder();
    expect(await t.server.offers.sendReceipt(orderId)).toBe(true);
    const mail = t.mail.find((m) => m.to === student.email)!;
    expect(mail.subject).toMatch(/^Your receipt for .+ \(\$39\.99\)$/);
    expect(mail.text).toContain('Total paid: $39.99');
    expect(mail.html).toContain('<h1>Receipt</h1>');
    expect(await t.server.offers.sendReceipt(crypto.randomUUID())).toBe(false);
  });

  it('formats money in the currency’s own minor units', () => {
    expect(formatMoney(123456, 'USD')).toBe('$1,234.56');
    expect(formatMoney(1234, 'JPY')).toBe('¥1,234');
    expect(formatMoney(1234, 'EUR')).toBe('€12.34');
  });

  it('passes axe-core in Chromium', async () => {
    const { student, orderId } = await paidOrder();
    const html = (await t.api<string>('GET', `/api/v1/orders/${orderId}/receipt`, { token: student.token }))
      .body;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent(html);
      await expectNoSeriousA11yViolations(page, 'receipt');
    } finally {
      await browser.close();
    }
  });
});
