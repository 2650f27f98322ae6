import type { z } from 'zod';
import { Dashboard, EventBatch, EventBatchResult, InsightQuery, StudentSummary } from '@lyceum/contracts';
import type { Endpoint } from '../http.ts';

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

/** Learning insights (admins: platform-wide; instructors: their own courses) and the desktop's statement upload. */
export const analyticsEndpoints = {
  analyticsDashboard: {
    method: 'GET',
    path: '/api/v1/analytics/dashboard',
    query: InsightQuery,
    response: Dashboard,
  },
  analyticsStudent: {
    method: 'GET',
    path: '/api/v1/analytics/students/:actor',
    query: InsightQuery,
    response: StudentSummary,
  },
  analyticsMe: { method: 'GET', path: '/api/v1/analytics/me', query: InsightQuery, response: StudentSummary },
  /** A batch of xAPI statements recorded on a device (each checked alone; bad ones are dead-lettered). */
  uploadLearningEvents: {
    method: 'POST',
    path: '/api/v1/analytics/events',
    body: EventBatch,
    response: EventBatchResult,
  },
} as const satisfies Record<string, AnyEndpoint>;
