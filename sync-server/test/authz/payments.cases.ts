import type { CheckoutResponse } from '@lyceum/contracts';
import { createCourse } from '../factories.ts';
import type { Case, World } from './matrix.ts';
import { adminOnly, everyone, signedIn } from './matrix.ts';

/** One paid course and the student's pending order for it, made once per world. */
const fixtures = new WeakMap<World, Promise<{ courseId: string; orderId: string; sessionId: string }>>();
function paid(w: World) {
  let f = fixtures.get(w);
  if (!f) {
    f = (async () => {
      const course = await createCourse(w.t.server.database.pool, {
        ownerId: w.accounts.owner.id,
        priceCents: 1900,
        status: 'published',
      });
      const r = await w.t.api<CheckoutResponse>('POST', `/api/v1/courses/${course.id}/checkout`, {
        token: w.accounts.student.token,
        body: {},
      });
      if (r.status !== 201) throw new Error(`checkout fixture: ${r.status}`);
      return {
        courseId: course.id,
        orderId: r.body.orderId,
        sessionId: r.body.checkoutUrl!.split('/').pop()!,
      };
    })();
    fixtures.set(w, f);
  }
  return f;
}

const declinedCard = { card: '4000000000000002', expMonth: 12, expYear: 2099, cvc: '123' };

export const paymentsCases: Record<string, Case> = {
  // Anyone signed in may buy (the student's own open order is reused, so 201 for each of them).
  checkout: {
    request: async (w) => ({ params: { id: (await paid(w)).courseId }, body: {} }),
    expect: signedIn(201),
  },
  getOrder: {
    request: async (w) => ({ params: { id: (await paid(w)).orderId } }),
    expect: { anon: 401, student: 200, otherStudent: 404, instructor: 404, owner: 404, admin: 200 },
  },
  listMyOrders: { request: () => ({}), expect: signedIn(200) },
  // The gateway calls it; without a valid Stripe-Signature nobody gets further than 400.
  paymentWebhook: { request: () => ({ body: { id: 'evt_x', object: 'event' } }), expect: everyone(400) },
  paymentReconciliation: { request: () => ({}), expect: adminOnly(200) },
  paymentReturnPage: { request: () => ({ query: { outcome: 'success' } }), expect: everyone(200) },
  // The hosted sandbox page: the session id is the capability (as with Stripe's hosted page).
  sandboxCheckoutPage: {
    request: async (w) => ({ params: { id: (await paid(w)).sessionId } }),
    expect: everyone(200),
  },
  sandboxPay: {
    request: async (w) => ({ params: { id: (await paid(w)).sessionId }, body: declinedCard }),
    expect: everyone(200),
  },
  sandboxConfirmPage: {
    request: async (w) => ({ params: { id: (await paid(w)).sessionId } }),
    expect: everyone(200),
  },
  // Nothing waits for a 3-D Secure confirmation on this session.
  sandboxConfirm: {
    request: async (w) => ({ params: { id: (await paid(w)).sessionId }, body: { outcome: 'complete' } }),
    expect: everyone(409),
  },
};
