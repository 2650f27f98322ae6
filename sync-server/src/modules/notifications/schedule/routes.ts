import type pg from 'pg';
import { DeadlineList, DeadlinesQuery } from '@lyceum/contracts';
import { route, type AnyRoute } from '../../../http/route.ts';
import { deadlineWindow, deadlinesFor } from './deadlines.ts';

export function scheduleRoutes(o: { pool: pg.Pool }): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/me/deadlines',
      operationId: 'listMyDeadlines',
      summary: 'What is due across the signed-in student’s courses, soonest first, overdue marked',
      tags: ['notifications'],
      access: 'user',
      query: DeadlinesQuery,
      response: DeadlineList,
      errors: ['validation_failed'],
      handler: async ({ query, user }) => ({
        items: await deadlinesFor(o.pool, user!.id, deadlineWindow(query)),
      }),
    }),
  ];
}
