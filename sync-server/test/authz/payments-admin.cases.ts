import type { Case } from './matrix.ts';
import { adminOnly } from './matrix.ts';

/** The admin console's payment reads (payments/admin-routes.ts): admins only. */
export const paymentsAdminCases: Record<string, Case> = {
  adminSearchOrders: { request: () => ({ query: { status: 'paid' } }), expect: adminOnly(200) },
  // Nobody but an admin learns whether an order exists; an admin asking for an unknown one gets 404.
  adminOrderTimeline: {
    request: () => ({ params: { id: '0190b8a0-0000-7000-8000-0000000000ff' } }),
    expect: adminOnly(404),
  },
  adminPaymentRevenue: { request: () => ({}), expect: adminOnly(200) },
  // Instructors read their own courses' earnings (an admin may name anyone); students may not.
  myTeachingEarnings: {
    request: () => ({}),
    expect: { anon: 401, student: 403, otherStudent: 403, instructor: 200, owner: 200, admin: 200 },
  },
  analyticsSales: { request: () => ({ query: { last: '30d' } }), expect: adminOnly(200) },
};
