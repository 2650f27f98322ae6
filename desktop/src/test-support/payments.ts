import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { Account, CourseInput, SyncServerProcess } from './sync-server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Whether the sync server has its payments module (the desktop payment tests are skipped without it). */
export const serverHasPayments = fs.existsSync(
  path.join(repoRoot, 'sync-server/src/modules/payments/routes.ts'),
);

/** A paid course: a free preview lesson and a chapter behind the purchase. */
export const paidCourse = (title: string, amountCents = 1900, currency = 'EUR'): CourseInput => ({
  title,
  description: `${title}: bought in the desktop tests.`,
  subject: 'Testing',
  price: { amountCents, currency },
  modules: [
    {
      title: 'Start here',
      lessons: [
        { title: 'Welcome', kind: 'text', body: '# Welcome\n\nWhat this course is about.', isPreview: true },
        { title: 'Chapter one', kind: 'text', body: 'The part you pay for.' },
      ],
    },
  ],
});

/** Stripe's test cards, as the sandbox takes them. */
export const cards = {
  succeeds: '4242 4242 4242 4242',
  declined: '4000 0000 0000 0002',
  needsConfirmation: '4000 0025 0000 3155',
} as const;

/** Fill the sandbox's hosted card form and pay (the page that opened in a new tab). */
export async function payByCard(checkout: Page, card: string): Promise<void> {
  await checkout.getByLabel('Card number').fill(card);
  await checkout.getByLabel('Expiry month').fill('12');
  await checkout.getByLabel('Expiry year').fill(String(new Date().getUTCFullYear() + 3));
  await checkout.getByLabel('Security code').fill('123');
  await checkout.getByRole('button', { name: /^Pay [^b]/ }).click();
}

/**
 * Buy a course straight on the server (not through a device): checkout, pay the sandbox session with 4242 by its
 * JSON API, and wait until the order is paid. Answers the order id.
 */
export async function buyOnServer(
  server: Pick<SyncServerProcess, 'api'>,
  student: Pick<Account, 'token'>,
  courseId: string,
): Promise<string> {
  const c = await server.api<{ orderId: string; checkoutUrl: string }>(
    'POST',
    `/api/v1/courses/${courseId}/checkout`,
    { token: student.token, body: {} },
  );
  if (c.status !== 201) throw new Error(`checkout failed: ${c.status} ${JSON.stringify(c.body)}`);
  const session = new URL(c.body.checkoutUrl).pathname.split('/').pop()!;
  const paid = await server.api('POST', `/sandbox/checkout/sessions/${session}/pay`, {
    body: { card: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' },
  });
  if (paid.status !== 200) throw new Error(`pay failed: ${paid.status} ${JSON.stringify(paid.body)}`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const o = await server.api<{ status: string }>('GET', `/api/v1/orders/${c.body.orderId}`, {
      token: student.token,
    });
    if (o.body.status === 'paid') return c.body.orderId;
    if (Date.now() > deadline) throw new Error(`order not paid: ${JSON.stringify(o.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
