import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { CatalogCache } from '../store/catalog-cache.ts';
import type { LocalDb } from '../store/open.ts';
import type { SettingsRepo } from '../store/settings.ts';
import {
  enrollments,
  lessonProgress,
  offlineCourses,
  preferences,
  quizAttempts,
  syncState,
} from '../store/tables.ts';
import { notifications } from '../notifications/tables.ts';

/** The account whose data the synced tables hold (they hold one account's at a time). */
const OWNER = 'sync.owner';

export type SyncStateRow = typeof syncState.$inferSelect;

/**
 * The local data of the signed-in account and the pull cursor it was pulled up to — the one place that changes them
 * together. The rules:
 *
 * - The synced tables (enrollments, lesson progress, quiz attempts, preferences, course structures) hold one
 *   account's data, pulled up to that account's cursor. Whatever clears them clears every cursor in the same
 *   transaction; no other account's cursor may claim data the device does not hold.
 * - A null cursor means "the next pull is a full one, and it replaces what the device holds": the first page of a pull
 *   from null clears the synced tables in the transaction that applies it. So, until the server answers (offline,
 *   say), the student keeps studying what is on the device, and never a mix of old rows and a fresh pull.
 * - Signing out keeps the account's data (its offline copies, its pending changes): it is not readable while signed
 *   out, and comes back as it was at the next sign-in. Another account signing in clears it all first.
 * - The outbox is never cleared here: pending changes are replayed on top of whatever is pulled.
 */
export function accountData(o: { db: LocalDb; cache: CatalogCache; settings: SettingsRepo }) {
  const { db } = o;
  const now = () => new Date().toISOString();
  /** Sign-ins (and starts) checked by verify(): what was known before one is not known after it. */
  let signIns = 0;
  /** Told when the tables were handed to another account (the previous one's offline files must go too). */
  const switchListeners = new Set<() => void>();

  /** The synced tables only: callers pair this with the cursors. */
  function clearTables(): void {
    db.delete(enrollments).run();
    db.delete(lessonProgress).run();
    db.delete(quizAttempts).run();
    db.delete(preferences).run();
    db.delete(notifications).run();
    o.cache.clearDetails();
  }

  function row(userId: string): SyncStateRow | undefined {
    return db.select().from(syncState).where(eq(syncState.userId, userId)).get();
  }

  /** Every course the student is enrolled in has its structure on the device (a pull brings both). */
  function structuresComplete(): boolean {
    const missing = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM enrollments e
      WHERE e.status IN ('active', 'completed') AND NOT EXISTS (SELECT 1 FROM course_details d WHERE d.id = e.course_id)`);
    return (missing?.n ?? 0) === 0;
  }

  const api = {
    owner: (): string | null => o.settings.get(OWNER, z.string()),

    /**
     * Forget the synced data and every cursor with it, in one transaction. `offlineCopies`: the list of courses kept
     * offline goes too (another account's; their files are the download manager's to remove).
     */
    clear(opts: { offlineCopies?: boolean } = {}): void {
      db.transaction(() => {
        clearTables();
        if (opts.offlineCopies) db.delete(offlineCourses).run();
        db.update(syncState).set({ cursor: null, updatedAt: now() }).run();
      });
    },

    /**
     * The user's sync state, created on first use; the synced tables become theirs (another account's data, offline
     * copies included, is cleared first).
     */
    stateFor(userId: string): SyncStateRow {
      if (api.owner() !== userId) {
        db.transaction(() => {
          api.clear({ offlineCopies: true });
          o.settings.set(OWNER, userId);
        });
        for (const l of switchListeners) l();
      }
      const found = row(userId);
      if (found) return found;
      db.insert(syncState)
        .values({ userId, deviceId: randomUUID(), updatedAt: now() })
        .onConflictDoNothing()
        .run();
      return row(userId)!;
    },

    cursor: (userId: string): string | null => row(userId)?.cursor ?? null,

    /** Called after another account's data was cleared for a new one (see stateFor). */
    onAccountSwitch(l: () => void): () => void {
      switchListeners.add(l);
      return () => switchListeners.delete(l);
    },

    /** How many sign-ins verify() has seen in this run of the app. */
    signIns: (): number => signIns,

    /**
     * After a sign-in (or at start, signed in): the tables become the user's, and unless they are known to match the
     * user's cursor, the cursor is cleared so that the next sync pulls everything (replacing what is held).
     * Returns whether a full pull is due.
     */
    verify(userId: string): boolean {
      signIns += 1;
      const state = api.stateFor(userId);
      if (state.cursor !== null && !structuresComplete()) {
        db.update(syncState)
          .set({ cursor: null, updatedAt: now() })
          .where(eq(syncState.userId, userId))
          .run();
        return true;
      }
      return state.cursor === null;
    },

    /**
     * Apply one pulled page with its new cursor, in one transaction: a page from a null cursor (a full pull) replaces
     * the synced tables. `apply` writes the page's changes (and replays pending mutations). Returns false, applying
     * nothing, when the stored cursor is no longer the one the page was asked from (a sign-in cleared it meanwhile).
     */
    applyPage(userId: string, from: string | null, to: string, apply: () => void): boolean {
      return db.transaction(() => {
        if (api.owner() !== userId) throw new Error('Another account signed in during the sync');
        if ((row(userId)?.cursor ?? null) !== from) return false;
        if (from === null) clearTables();
        apply();
        db.update(syncState).set({ cursor: to, updatedAt: now() }).where(eq(syncState.userId, userId)).run();
        return true;
      });
    },

    /** The server no longer knows the cursor (resyncRequired): the next page comes from null and replaces all. */
    restart(userId: string): void {
      db.update(syncState).set({ cursor: null, updatedAt: now() }).where(eq(syncState.userId, userId)).run();
    },
  };
  return api;
}
export type AccountData = ReturnType<typeof accountData>;
