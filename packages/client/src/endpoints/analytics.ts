import type { z } from 'zod';
import { Dashboard, InsightQuery } from '@lyceum/contracts';
import type { Endpoint } from '../http.ts';

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

/** Learning insights (admins: platform-wide; instructors: their own courses). */
export const analyticsEndpoints = {
  analyticsDashboard: {
    method: 'GET',
    path: '/api/v1/analytics/dashboard',
    query: InsightQuery,
    response: Dashboard,
  },
} as const satisfies Record<string, AnyEndpoint>;
