import { EarningsQuery } from '../../contracts/earnings.ts';
import type { TeachingEarningsService } from '../payments/earnings.ts';
import { parseInput, type LocalRoute } from './routes.ts';

/** Teach's earnings view: the signed-in instructor's earnings per course (the last copy when offline). */
export function earningsRoutes(s: { earnings: TeachingEarningsService }): LocalRoute[] {
  return [
    {
      method: 'GET',
      path: '/api/teach/earnings',
      handler: ({ query }) => s.earnings.get(parseInput(EarningsQuery, query, 'query')),
    },
  ];
}
