import { and, desc, eq, gte, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { AlertView } from '../../contracts/notifications.ts';
import type { LocalDb } from '../store/open.ts';
import type { SettingsRepo } from '../store/settings.ts';
import { hrefOf } from './inbox.ts';
import { dueReminders, type DueReminder } from './reminders.ts';
import { notificationAlerts, notifications } from './tables.ts';
import type { UpcomingItem } from '../../contracts/notifications.ts';

/** A notification older than this when it reaches the device goes to the inbox only, not to an OS notification. */
const FRESH_MS = 24 * 3600_000;
/** At most this many OS notifications at once (the rest are in the inbox). */
const MAX_AT_ONCE = 5;

/** Whether the student wants the OS notification of a deadline reminder the device made itself (in this course). */
export type WantsAlert = (courseId: string) => boolean;

interface Candidates {
  reminders: DueReminder[];
  server: (typeof notifications.$inferSelect)[];
}

/**
 * The OS notifications waiting to be shown on this device: device-scheduled deadline reminders whose time came, and
 * unread notifications that arrived by sync — each once per dedupe key, so the server's copy of a reminder the device
 * already showed is not shown again (and a reminder whose server copy arrived first is not shown either).
 */
export function alertsRepo(db: LocalDb, settings: SettingsRepo) {
  const sinceKey = (userId: string) => `notifications.alertsSince.${userId}`;

  /** Notifications from before this device first looked (a new device, a first sign-in) are inbox-only. */
  function since(userId: string, now: number): string {
    const at = settings.get(sinceKey(userId), z.string());
    if (at) return at;
    const first = new Date(now).toISOString();
    settings.set(sinceKey(userId), first);
    return first;
  }

  function handled(userId: string, key: string): boolean {
    return (
      db
        .select({ k: notificationAlerts.dedupeKey })
        .from(notificationAlerts)
        .where(and(eq(notificationAlerts.userId, userId), eq(notificationAlerts.dedupeKey, key)))
        .get() !== undefined
    );
  }

  function candidates(userId: string, items: UpcomingItem[], now: number): Candidates {
    const from = new Date(Math.max(now - FRESH_MS, Date.parse(since(userId, now)))).toISOString();
    const server = db
      .select()
      .from(notifications)
      .where(and(isNull(notifications.readAt), gte(notifications.createdAt, from)))
      .orderBy(desc(notifications.createdAt))
      .limit(50)
      .all()
      .filter((n) => !handled(userId, n.dedupeKey));
    const reminders = dueReminders(items, userId, now).filter((r) => !handled(userId, r.key));
    // A reminder whose server copy is already here is that notification (shown once, as the server's).
    const serverKeys = new Set(server.map((n) => n.dedupeKey));
    return { reminders: reminders.filter((r) => !serverKeys.has(r.key)), server };
  }

  function record(userId: string, key: string, source: 'device' | 'server', shown: boolean, at: string) {
    db.insert(notificationAlerts)
      .values({ userId, dedupeKey: key, source, shown, at })
      .onConflictDoNothing()
      .run();
  }

  return {
    /** How many OS notifications wait (for the pulse). */
    waiting(userId: string, items: UpcomingItem[], now = Date.now()): number {
      const c = candidates(userId, items, now);
      return c.reminders.length + c.server.length;
    },

    /**
     * Take the waiting OS notifications to show them now: recorded as shown in the same transaction (one window
     * shows each; another asking at the same moment gets none). Those the student turned off, earlier reminders of a
     * deadline, and any beyond the first few are recorded without being shown.
     */
    claim(userId: string, items: UpcomingItem[], wants: WantsAlert, now = Date.now()): AlertView[] {
      return db.transaction(() => {
        const at = new Date(now).toISOString();
        const c = candidates(userId, items, now);
        const out: AlertView[] = [];
        /** `wanted` false: the student turned this kind off (recorded, not shown). */
        const take = (key: string, source: 'device' | 'server', wanted: boolean, view: () => AlertView) => {
          const show = out.length < MAX_AT_ONCE && wanted;
          record(userId, key, source, show, at);
          if (show) out.push(view());
        };
        for (const r of c.reminders) {
          for (const old of r.superseded) record(userId, old, 'device', false, at);
          take(r.key, 'device', wants(r.item.courseId), () => ({
            kind: 'deadline',
            dedupeKey: r.key,
            courseId: r.item.courseId,
            courseTitle: r.item.courseTitle,
            lessonId: r.item.lessonId,
            lessonTitle: r.item.lessonTitle,
            dueAt: r.item.dueAt,
            offset: r.offset,
            href: r.item.href,
          }));
        }
        for (const n of c.server)
          take(n.dedupeKey, 'server', n.push, () => ({
            kind: 'notification',
            dedupeKey: n.dedupeKey,
            id: n.id,
            type: n.type,
            title: n.title,
            body: n.body,
            href: hrefOf(n),
          }));
        return out;
      });
    },
  };
}
export type AlertsRepo = ReturnType<typeof alertsRepo>;
