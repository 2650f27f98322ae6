import type pg from 'pg';
import { newId } from '../../../lib/ids.ts';
import { createCourse } from '../../../../test/factories.ts';
import type { TestServer } from '../../../../test/harness.ts';

/** A published paid course (USD) by a new instructor; answers it with its owner. */
export async function paidCourse(t: TestServer, priceCents = 5000, lessons = 1) {
  const owner = await t.user('instructor');
  const course = await createCourse(t.server.database.pool, {
    ownerId: owner.id,
    priceCents,
    modules: [Array.from({ length: lessons }, () => ({}))],
  });
  return { owner, course };
}

/**
 * An order row as the payments core writes it (its table, migration 0016), for tests of what payment offers do
 * with orders. A paid one is given a payment intent id and, when `enroll`, the enrollment its fulfilment grants.
 */
export async function insertOrder(
  pool: pg.Pool,
  o: {
    userId: string;
    courseId: string;
    amountMinor: number;
    listAmountMinor?: number;
    status?: 'pending' | 'paid';
    paidAt?: Date;
    enroll?: boolean;
    gateway?: 'sandbox' | 'none';
  },
): Promise<{ id: string; paymentIntentId: string | null }> {
  const id = newId();
  const paid = o.status !== 'pending';
  const pi = paid ? `pi_test_${id.replace(/-/g, '').slice(0, 20)}` : null;
  await pool.query(
    `INSERT INTO orders (id, user_id, course_id, status, amount_minor, list_amount_minor, currency, gateway,
                         payment_intent_id, paid_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'USD', $7, $8, $9)`,
    [
      id,
      o.userId,
      o.courseId,
      paid ? 'paid' : 'pending',
      o.amountMinor,
      o.listAmountMinor ?? o.amountMinor,
      o.gateway ?? 'sandbox',
      pi,
      paid ? (o.paidAt ?? new Date()) : null,
    ],
  );
  if (paid && o.enroll !== false)
    await pool.query(
      `INSERT INTO enrollments (id, course_id, user_id, status, source) VALUES ($1, $2, $3, 'active', 'purchase')
       ON CONFLICT (course_id, user_id) DO UPDATE SET status = 'active', source = 'purchase'`,
      [newId(), o.courseId, o.userId],
    );
  return { id, paymentIntentId: pi };
}

export async function enrollmentOf(pool: pg.Pool, courseId: string, userId: string) {
  const r = await pool.query<{ status: string; source: string }>(
    'SELECT status, source FROM enrollments WHERE course_id = $1 AND user_id = $2',
    [courseId, userId],
  );
  return r.rows[0] ?? null;
}
