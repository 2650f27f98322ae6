import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Refund, TeachingEarnings } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { createCourse } from '../../../../test/factories.ts';
import { CARDS, card, checkout, orderBecomes, pay } from '../test-support.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

type ErrorBody = { error: { code: string } };
const today = () => new Date().toISOString().slice(0, 10);

/** A student buys the course with 4242… through the sandbox; the order is paid once its webhook is applied. */
async function buy(courseId: string) {
  const student = await t.user('student');
  const c = await checkout(t, student.token, courseId);
  expect(c.status).toBe(201);
  await pay(t, c.body.checkoutUrl!, card(CARDS.ok));
  await orderBecomes(t, student.token, c.body.orderId, 'paid');
  return c.body.orderId;
}

const earnings = (token: string, query = '') =>
  t.api<TeachingEarnings & ErrorBody>('GET', `/api/v1/me/teaching/earnings${query}`, { token });

describe("an instructor's earnings per course", () => {
  it('sums the paid orders and refunds of the courses they teach, per course, per day and in total', async () => {
    const pool = t.server.database.pool;
    const me = await t.user('instructor', 'Earning Instructor');
    const other = await t.user('instructor', 'Other Instructor');
    const admin = await t.user('admin');
    const mine = await createCourse(pool, {
      ownerId: me.id,
      title: 'Sold course',
      status: 'published',
      priceCents: 2500,
    });
    const unsold = await createCourse(pool, {
      ownerId: me.id,
      title: 'Unsold course',
      status: 'published',
      priceCents: 900,
    });
    // A course of another's where `me` co-teaches counts; another's own course does not.
    const coTaught = await createCourse(pool, {
      ownerId: other.id,
      instructorIds: [me.id],
      title: 'Co-taught course',
      status: 'published',
      priceCents: 4000,
    });
    const notMine = await createCourse(pool, {
      ownerId: other.id,
      title: 'Not mine',
      status: 'published',
      priceCents: 7000,
    });
    const [first] = await Promise.all([buy(mine.id), buy(mine.id), buy(coTaught.id), buy(notMine.id)]);
    const refund = await t.api<Refund>('POST', `/api/v1/orders/${first}/refunds`, {
      token: admin.token,
      body: { amount: 1000, reason: 'Goodwill' },
    });
    expect(refund.status).toBe(201);

    const r = await earnings(me.token);
    expect(r.status).toBe(200);
    expect(r.body.instructorId).toBe(me.id);
    expect(r.body.totals).toEqual([
      { currency: 'USD', grossMinor: 9000, refundedMinor: 1000, netMinor: 8000, orders: 3 },
    ]);
    const byCourse = Object.fromEntries(r.body.courses.map((c) => [c.courseId, c]));
    expect(Object.keys(byCourse).sort()).toEqual([mine.id, unsold.id, coTaught.id].sort());
    expect(byCourse[mine.id]).toMatchObject({
      title: 'Sold course',
      currency: 'USD',
      grossMinor: 5000,
      refundedMinor: 1000,
      netMinor: 4000,
      orders: 2,
    });
    expect(byCourse[coTaught.id]).toMatchObject({ grossMinor: 4000, netMinor: 4000, orders: 1 });
    expect(byCourse[unsold.id]).toMatchObject({ grossMinor: 0, netMinor: 0, orders: 0 });
    // Every day of the last 30, zeros included; today holds the sales.
    expect(r.body.daily.length).toBeGreaterThanOrEqual(30);
    expect(r.body.daily.find((d) => d.day === today())).toMatchObject({
      grossMinor: 9000,
      refundedMinor: 1000,
      netMinor: 8000,
      orders: 3,
    });
    expect(r.body.daily.filter((d) => d.day !== today()).every((d) => d.grossMinor === 0)).toBe(true);

    // A range before the sales: the courses for sale with zeros, no totals.
    const past = `?from=2020-01-01T00:00:00Z&to=2020-01-08T00:00:00Z`;
    const before = await earnings(me.token, past);
    expect(before.status).toBe(200);
    expect(before.body.totals).toEqual([]);
    expect(before.body.courses.every((c) => c.grossMinor === 0)).toBe(true);

    // The other instructor sees only their own courses (the co-taught one too: they own it).
    const theirs = await earnings(other.token);
    expect(theirs.body.courses.map((c) => c.courseId).sort()).toEqual([coTaught.id, notMine.id].sort());

    // An admin may read anyone's; nobody else may.
    const asAdmin = await earnings(admin.token, `?instructorId=${me.id}`);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.totals).toEqual(r.body.totals);
    const snoop = await earnings(other.token, `?instructorId=${me.id}`);
    expect(snoop.status).toBe(403);
    expect(snoop.body.error.code).toBe('forbidden');
    const ownId = await earnings(me.token, `?instructorId=${me.id}`);
    expect(ownId.status).toBe(200);
    const student = await t.user('student');
    expect((await earnings(student.token)).status).toBe(403);
    expect((await t.api('GET', '/api/v1/me/teaching/earnings')).status).toBe(401);
    const nobody = await earnings(admin.token, '?instructorId=0190b8a0-0000-7000-8000-0000000000ff');
    expect(nobody.status).toBe(404);
  });

  it('answers bad ranges and parameters with 400', async () => {
    const me = await t.user('instructor');
    for (const q of [
      '?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      '?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      '?from=yesterday',
      '?instructorId=nope',
      '?other=1',
    ]) {
      const r = await earnings(me.token, q);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
  });
});
