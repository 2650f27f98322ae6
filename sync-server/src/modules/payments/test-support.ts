import { expect } from 'vitest';
import type { CheckoutResponse, Order, SandboxPayResult } from '@lyceum/contracts';
import type { TestServer } from '../../../test/harness.ts';
import { instructorCourse } from '../../../test/factories.ts';

export const CARDS = {
  ok: '4242 4242 4242 4242',
  declined: '4000 0000 0000 0002',
  insufficient: '4000 0000 0000 9995',
  threeDs: '4000 0025 0000 3155',
} as const;

export const card = (number: string) => ({
  card: number,
  expMonth: 12,
  expYear: new Date().getFullYear() + 2,
  cvc: '123',
});

/** Poll until `check` answers a value that is not undefined (no fixed sleeps). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function paidCourse(t: TestServer, priceCents = 4900) {
  return instructorCourse(t, { priceCents, status: 'published', title: `Paid course ${priceCents}` });
}

export async function checkout(t: TestServer, token: string, courseId: string, body: object = {}) {
  return t.api<CheckoutResponse>('POST', `/api/v1/courses/${courseId}/checkout`, { token, body });
}

export const sessionIdOf = (checkoutUrl: string) => checkoutUrl.split('/').pop()!;

export async function pay(t: TestServer, checkoutUrl: string, body: object) {
  const r = await t.api<SandboxPayResult>(
    'POST',
    `/sandbox/checkout/sessions/${sessionIdOf(checkoutUrl)}/pay`,
    {
      body,
    },
  );
  expect(r.status).toBe(200);
  return r.body;
}

export async function orderOf(t: TestServer, token: string, id: string): Promise<Order> {
  const r = await t.api<Order>('GET', `/api/v1/orders/${id}`, { token });
  expect(r.status).toBe(200);
  return r.body;
}

/** Wait until the order reaches the status (webhooks are delivered asynchronously). */
export const orderBecomes = (t: TestServer, token: string, id: string, status: Order['status']) =>
  eventually(async () => {
    const o = await orderOf(t, token, id);
    return o.status === status ? o : undefined;
  });

export async function enrollmentRows(t: TestServer, userId: string, courseId: string) {
  const r = await t.server.database.pool.query<{ status: string; source: string }>(
    'SELECT status, source FROM enrollments WHERE user_id = $1 AND course_id = $2',
    [userId, courseId],
  );
  return r.rows;
}
