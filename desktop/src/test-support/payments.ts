import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { CourseInput } from './sync-server.ts';

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
