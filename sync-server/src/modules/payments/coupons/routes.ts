import { Coupon, CouponCreate, CouponList, CouponListQuery } from '@lyceum/contracts';
import { route, type AnyRoute, type Caller } from '../../../http/route.ts';
import type { CouponService } from './service.ts';

const me = (user: Caller | null) => user!;
const tags = ['payments'];

export function couponRoutes(coupons: CouponService): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/api/v1/coupons',
      operationId: 'createCoupon',
      summary:
        'Make a coupon: percent or amount off, one course (its instructors or admins) or every course (admins)',
      tags,
      access: 'instructor',
      body: CouponCreate,
      response: Coupon,
      status: 201,
      errors: ['not_found', 'forbidden', 'conflict'],
      handler: ({ body, user }) => coupons.create(me(user), body),
    }),
    route({
      method: 'get',
      path: '/api/v1/coupons',
      operationId: 'listCoupons',
      summary: 'Coupons: every one for admins, those of the courses they teach for instructors',
      tags,
      access: 'instructor',
      query: CouponListQuery,
      response: CouponList,
      errors: ['not_found', 'forbidden'],
      handler: ({ query, user }) => coupons.list(me(user), query.courseId),
    }),
  ];
}
