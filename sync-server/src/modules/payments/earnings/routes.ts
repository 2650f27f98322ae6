import { TeachingEarnings, TeachingEarningsQuery } from '@lyceum/contracts';
import type { Db } from '../../../db/client.ts';
import { route, type AnyRoute } from '../../../http/route.ts';
import { earningsService } from './service.ts';

/** Teach's earnings view (issue 13): an instructor's own courses; admins may name the instructor. */
export function earningsRoutes(db: Db): AnyRoute[] {
  const earnings = earningsService(db);
  return [
    route({
      method: 'get',
      path: '/api/v1/me/teaching/earnings',
      operationId: 'myTeachingEarnings',
      summary:
        "Earnings per course the caller teaches (gross, refunds, net, orders, per currency) and per UTC day, from the ledger (default: the last 30 days); an admin may pass instructorId for another instructor's",
      tags: ['payments'],
      access: 'instructor',
      query: TeachingEarningsQuery,
      response: TeachingEarnings,
      errors: ['forbidden', 'not_found', 'validation_failed'],
      handler: ({ query, user }) => earnings.forCaller(user!, query),
    }),
  ];
}
