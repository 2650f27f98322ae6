import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { LocalDb } from '../store/open.ts';
import type { DeviceStatement } from './statements.ts';
import { analyticsMarks, analyticsQueue, type QueuedRow } from './tables.ts';

/** The queue keeps at most this many statements per device; past it the oldest go (said in the log). */
export const QUEUE_CAP = 200_000;

/**
 * The device's queue of recorded statements, oldest first. A statement stays until the server has answered for it
 * (accepted, a duplicate, or refused into its dead-letter store); its id never changes, so a resend is a duplicate.
 */
export function analyticsQueueRepo(db: LocalDb) {
  return {
    add(userId: string, s: DeviceStatement): void {
      db.insert(analyticsQueue)
        .values({
          id: s.id,
          userId,
          timestamp: s.timestamp,
          statementJson: JSON.stringify(s),
          attempts: 0,
        })
        .onConflictDoNothing()
        .run();
    },

    /** The oldest statements of a user, at most `limit` and about `maxBytes` of JSON (always at least one). */
    next(userId: string, limit: number, maxBytes: number): QueuedRow[] {
      const rows = db
        .select()
        .from(analyticsQueue)
        .where(eq(analyticsQueue.userId, userId))
        .orderBy(asc(analyticsQueue.seq))
        .limit(limit)
        .all();
      let bytes = 0;
      const out: QueuedRow[] = [];
      for (const r of rows) {
        bytes += r.statementJson.length + 1;
        if (out.length > 0 && bytes > maxBytes) break;
        out.push(r);
      }
      return out;
    },

    /** Drop rows the server answered for. */
    remove(ids: readonly string[]): number {
      let n = 0;
      for (let i = 0; i < ids.length; i += 500)
        n += db
          .delete(analyticsQueue)
          .where(inArray(analyticsQueue.id, ids.slice(i, i + 500)))
          .run().changes;
      return n;
    },

    /** Count an upload that got no answer against these rows. */
    bumpAttempts(ids: readonly string[]): void {
      for (let i = 0; i < ids.length; i += 500)
        db.update(analyticsQueue)
          .set({ attempts: sql`${analyticsQueue.attempts} + 1` })
          .where(inArray(analyticsQueue.id, ids.slice(i, i + 500)))
          .run();
    },

    count(userId?: string): number {
      return (
        db
          .select({ n: sql<number>`count(*)` })
          .from(analyticsQueue)
          .where(userId === undefined ? undefined : eq(analyticsQueue.userId, userId))
          .get()?.n ?? 0
      );
    },

    /** Keep the queue bounded: drop the oldest rows beyond `cap`; answers how many went. */
    trim(cap = QUEUE_CAP): number {
      const over = this.count() - cap;
      if (over <= 0) return 0;
      return db.run(
        sql`DELETE FROM analytics_queue WHERE seq IN (SELECT seq FROM analytics_queue ORDER BY seq LIMIT ${over})`,
      ).changes;
    },

    /** Take a once-only mark (true the first time for this user and mark, false after). */
    mark(userId: string, mark: string): boolean {
      return (
        db
          .insert(analyticsMarks)
          .values({ userId, mark, createdAt: new Date().toISOString() })
          .onConflictDoNothing()
          .run().changes > 0
      );
    },

    hasMark(userId: string, mark: string): boolean {
      return (
        db
          .select({ mark: analyticsMarks.mark })
          .from(analyticsMarks)
          .where(and(eq(analyticsMarks.userId, userId), eq(analyticsMarks.mark, mark)))
          .get() !== undefined
      );
    },
  };
}
export type AnalyticsQueue = ReturnType<typeof analyticsQueueRepo>;
