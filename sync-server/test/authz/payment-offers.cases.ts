import type { CheckoutResponse, Order } from '@lyceum/contracts';
import type { Case, World } from './matrix.ts';
import { ownerOrAdmin, signedIn, unique } from './matrix.ts';

/** A course of `owner`'s made paid (USD), the student not enrolled. */
async function paidCourse(w: World, priceCents = 2500): Promise<string> {
  const c = await w.freshCourse({ enrollStudent: false });
  await w.t.server.database.pool.query(
    `UPDATE courses SET price_cents = $2, currency = 'USD' WHERE id = $1`,
    [c.id, priceCents],
  );
  w.t.server.catalog.reader.invalidate(c.id);
  return c.id;
}

/** The student buys a new paid course of `owner`'s through the sandbox (4242…): a paid order. */
async function paidOrder(w: World): Promise<string> {
  const courseId = await paidCourse(w);
  const token = w.accounts.student.token;
  const c = await w.t.api<CheckoutResponse>('POST', `/api/v1/courses/${courseId}/checkout`, {
    token,
    body: {},
  });
  if (c.status !== 201) throw new Error(`checkout: ${c.status}`);
  const session = c.body.checkoutUrl!.split('/').pop()!;
  const paid = await w.t.api('POST', `/sandbox/checkout/sessions/${session}/pay`, {
    body: { card: '4242424242424242', expMonth: 12, expYear: 2099, cvc: '123' },
  });
  if (paid.status !== 200) throw new Error(`pay: ${paid.status}`);
  for (let i = 0; i < 500; i++) {
    const o = await w.t.api<Order>('GET', `/api/v1/orders/${c.body.orderId}`, { token });
    if (o.body.status === 'paid') return c.body.orderId;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the order was not paid in time');
}

interface Shared {
  /** A paid order of the student's, for the routes that only read it. */
  orderId: string;
  /** Paid orders of the student's still to refund, one per caller the refund is allowed to (bought at once). */
  refundable: string[];
  batchId: string;
}
const once = new WeakMap<World, Promise<Shared>>();
function shared(w: World): Promise<Shared> {
  let f = once.get(w);
  if (!f) {
    f = (async () => {
      const [orderId, ...refundable] = await Promise.all([1, 2, 3, 4].map(() => paidOrder(w)));
      const batch = await w.t.server.offers.vouchers.createBatch(
        { id: w.accounts.owner.id, role: 'instructor' },
        w.course.id,
        { count: 2 },
      );
      return { orderId: orderId!, refundable, batchId: batch.id };
    })();
    once.set(w, f);
  }
  return f;
}

/** Orders are private: their student and admins; the course's instructor too where the route says so. */
const orderReaders = (status: number) => ({
  anon: 401,
  student: status,
  otherStudent: 404,
  instructor: 404,
  owner: status,
  admin: status,
});

export const paymentOffersCases: Record<string, Case> = {
  createCoupon: {
    request: (w) => ({ body: { code: unique('AUTHZ'), percentOff: 10, courseId: w.course.id } }),
    expect: ownerOrAdmin(201),
  },
  // Instructors see the coupons of the courses they teach (none, for the other instructor).
  listCoupons: {
    request: () => ({}),
    expect: { anon: 401, student: 403, otherStudent: 403, instructor: 200, owner: 200, admin: 200 },
  },
  // Within the refund policy (a new order, nothing studied): the student, the course's instructor, an admin.
  requestRefund: {
    request: async (w, who) => {
      const f = await shared(w);
      const allowed = who === 'student' || who === 'owner' || who === 'admin';
      return {
        params: { id: allowed ? f.refundable.pop()! : f.orderId },
        body: { reason: 'Authorization walk' },
      };
    },
    expect: orderReaders(201),
  },
  listOrderRefunds: {
    request: async (w) => ({ params: { id: (await shared(w)).orderId } }),
    expect: orderReaders(200),
  },
  getOrderReceipt: {
    request: async (w) => ({ params: { id: (await shared(w)).orderId } }),
    expect: { anon: 401, student: 200, otherStudent: 404, instructor: 404, owner: 404, admin: 200 },
  },
  createVoucherBatch: {
    request: (w) => ({ params: { id: w.course.id }, body: { count: 3 } }),
    expect: ownerOrAdmin(201),
  },
  listVoucherBatches: { request: (w) => ({ params: { id: w.course.id } }), expect: ownerOrAdmin(200) },
  getVoucherBatch: {
    request: async (w) => ({ params: { id: (await shared(w)).batchId } }),
    expect: ownerOrAdmin(200),
  },
  exportVoucherCodes: {
    request: async (w) => ({ params: { id: (await shared(w)).batchId } }),
    expect: ownerOrAdmin(200),
  },
  revokeVoucherBatch: {
    request: async (w) => {
      const b = await w.t.server.offers.vouchers.createBatch(
        { id: w.accounts.owner.id, role: 'instructor' },
        w.course.id,
        { count: 1 },
      );
      return { params: { id: b.id } };
    },
    expect: ownerOrAdmin(200),
  },
  voucherVerifiers: { request: () => ({}), expect: signedIn(200) },
  // Anyone signed in may redeem a code (each caller gets a fresh code of a course they do not have).
  redeemVoucher: {
    request: async (w) => {
      const c = await w.freshCourse({ enrollStudent: false });
      const b = await w.t.server.offers.vouchers.createBatch(
        { id: w.accounts.owner.id, role: 'instructor' },
        c.id,
        { count: 1 },
      );
      return { body: { code: b.codes[0]! } };
    },
    expect: signedIn(200),
  },
};
