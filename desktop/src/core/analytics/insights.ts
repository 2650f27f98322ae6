import { and, eq, sql } from 'drizzle-orm';
import { Dashboard } from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import type { ServerConnection } from '../server/connection.ts';
import { ServerContractError, ServerUnreachable } from '../server/errors.ts';
import { asCoreError, type SessionService } from '../services/session.ts';
import type { LocalDb } from '../store/open.ts';
import type { CourseInsights, CourseInsightsQuery } from '../../contracts/analytics.ts';
import { analyticsInsightsCache } from './tables.ts';

/** Copies kept per account (the oldest go first). */
const KEEP = 50;
const OFFLINE =
  'Insights come from the server, which cannot be reached right now, and none were fetched on this device yet.';

export interface InsightsDeps {
  db: LocalDb;
  client: ServerConnection;
  session: SessionService;
  clock?: () => Date;
  /** How long to wait for the server before answering from the copy. */
  timeoutMs?: number;
}

/** The cache key of a time range (presets stay presets: "the last 7 days" as of when it was fetched). */
export const rangeKey = (q: CourseInsightsQuery) =>
  q.from !== undefined || q.to !== undefined ? `${q.from ?? ''}/${q.to ?? ''}` : (q.last ?? '7d');

/**
 * An instructor's insights into one of their courses: the server's dashboard for that course (the server checks who
 * may see it), kept on the device so the last copy can be shown, with its age, when the server cannot be reached.
 */
export function courseInsights(d: InsightsDeps) {
  const clock = d.clock ?? (() => new Date());

  function remember(userId: string, courseId: string, key: string, dash: Dashboard, at: string): void {
    const values = { dashboardJson: JSON.stringify(dash), fetchedAt: at };
    d.db.transaction(() => {
      d.db
        .insert(analyticsInsightsCache)
        .values({ userId, courseId, rangeKey: key, ...values })
        .onConflictDoUpdate({
          target: [
            analyticsInsightsCache.userId,
            analyticsInsightsCache.courseId,
            analyticsInsightsCache.rangeKey,
          ],
          set: values,
        })
        .run();
      const old = d.db
        .select({ courseId: analyticsInsightsCache.courseId, rangeKey: analyticsInsightsCache.rangeKey })
        .from(analyticsInsightsCache)
        .where(eq(analyticsInsightsCache.userId, userId))
        .orderBy(sql`${analyticsInsightsCache.fetchedAt} DESC`)
        .all()
        .slice(KEEP);
      for (const o of old)
        d.db
          .delete(analyticsInsightsCache)
          .where(
            and(
              eq(analyticsInsightsCache.userId, userId),
              eq(analyticsInsightsCache.courseId, o.courseId),
              eq(analyticsInsightsCache.rangeKey, o.rangeKey),
            ),
          )
          .run();
    });
  }

  function recall(userId: string, courseId: string, key: string): { dash: Dashboard; at: string } | null {
    const row = d.db
      .select()
      .from(analyticsInsightsCache)
      .where(
        and(
          eq(analyticsInsightsCache.userId, userId),
          eq(analyticsInsightsCache.courseId, courseId),
          eq(analyticsInsightsCache.rangeKey, key),
        ),
      )
      .get();
    if (!row) return null;
    try {
      const dash = Dashboard.safeParse(JSON.parse(row.dashboardJson));
      return dash.success ? { dash: dash.data, at: row.fetchedAt } : null;
    } catch {
      return null;
    }
  }

  return {
    async course(courseId: string, q: CourseInsightsQuery): Promise<CourseInsights> {
      const userId = d.session.currentUserId();
      if (!userId) throw new CoreError('signed_out', 'Sign in to see insights');
      const key = rangeKey(q);
      try {
        const dash = await d.session.withToken((token) => {
          if (!token) throw new CoreError('signed_out', 'Sign in to see insights');
          return d.client.call(
            'analyticsDashboard',
            { query: { courseId, last: q.last, from: q.from, to: q.to } },
            { token, timeoutMs: d.timeoutMs ?? 8000 },
          );
        });
        const at = clock().toISOString();
        remember(userId, courseId, key, dash, at);
        return { dashboard: dash, source: 'server', fetchedAt: at, ageSeconds: 0, offline: false };
      } catch (err) {
        if (err instanceof ServerContractError) throw new CoreError('bad_gateway', err.message);
        if (!(err instanceof ServerUnreachable)) throw asCoreError(err, OFFLINE);
        const copy = recall(userId, courseId, key);
        if (!copy) throw new CoreError('offline', OFFLINE);
        return {
          dashboard: copy.dash,
          source: 'cache',
          fetchedAt: copy.at,
          ageSeconds: Math.max(0, Math.round((clock().getTime() - Date.parse(copy.at)) / 1000)),
          offline: true,
        };
      }
    },
  };
}
export type CourseInsightsService = ReturnType<typeof courseInsights>;
