import { CoreError } from '../errors.ts';
import type {
  AlertList,
  InboxView,
  MarkReadBody,
  NotificationPulse,
  UpcomingView,
} from '../../contracts/notifications.ts';
import type { LocalDb } from '../store/open.ts';
import type { SettingsRepo } from '../store/settings.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { alertsRepo, type WantsAlert } from './alerts.ts';
import { latestId, readInbox, unreadCount } from './inbox.ts';
import { nextReminderAt } from './reminders.ts';
import { upcoming } from './upcoming.ts';

export interface NotificationsDeps {
  db: LocalDb;
  settings: SettingsRepo;
  sync: SyncEngine;
  /** Whether the student wants OS notifications of deadline reminders (their settings as this device last saw them). */
  wants?: (userId: string) => WantsAlert;
  /** Marks notifications read: through the outbox (applied here at once, on the server at the next push). */
  markRead: (body: MarkReadBody) => void;
  now?: () => number;
}

/** A timer longer than this is set again (the due dates may change meanwhile, and setTimeout caps at ~24.8 days). */
const MAX_TIMER_MS = 3600_000;

/**
 * Notifications on the device: the inbox (synced), the Upcoming view (from stored course structures), reminders
 * scheduled from cached due dates that fire offline, and a pulse the renderer long-polls for the badge and the OS
 * notifications to show (it answers as soon as a pull, a mark-read or a reminder's time changes it).
 */
export function notificationsService(d: NotificationsDeps) {
  const now = d.now ?? Date.now;
  const alerts = alertsRepo(d.db, d.settings);
  const wants = d.wants ?? (() => () => true);
  const waiters = new Set<{ since: string; done: (p: NotificationPulse) => void }>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  function requireUser(): string {
    const userId = d.sync.prepare();
    if (!userId) throw new CoreError('signed_out', 'Sign in to see your notifications.');
    return userId;
  }

  function pulse(): NotificationPulse {
    const userId = d.sync.prepare();
    if (!userId) return { key: 'signed-out', unread: 0, alertsWaiting: 0 };
    const unread = unreadCount(d.db);
    const alertsWaiting = alerts.waiting(userId, upcoming(d.db, now()).items, now());
    return { key: `${userId}:${unread}:${alertsWaiting}:${latestId(d.db)}`, unread, alertsWaiting };
  }

  /** Answer the long polls whose view changed. */
  function wake(): void {
    if (waiters.size === 0) return;
    const p = pulse();
    for (const w of [...waiters]) if (w.since !== p.key) w.done(p);
  }

  /** Wake at the next reminder's time (and at least hourly), so it fires on time with no network. */
  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (closed || !d.sync.prepare()) return;
    const next = nextReminderAt(upcoming(d.db, now()).items, now());
    const delay = Math.min(MAX_TIMER_MS, next === null ? MAX_TIMER_MS : Math.max(0, next - now()) + 50);
    timer = setTimeout(() => {
      timer = null;
      wake();
      schedule();
    }, delay);
    timer.unref();
  }

  const stopSync = d.sync.onChange(() => {
    wake();
    schedule();
  });

  return {
    pulse,
    /** The pulse once it differs from `since` (or after `waitMs`, as it is). */
    watch(since: string | undefined, waitMs: number): Promise<NotificationPulse> {
      const p = pulse();
      if (since === undefined || since !== p.key || waitMs === 0 || closed) return Promise.resolve(p);
      return new Promise((resolve) => {
        const w = {
          since,
          done: (v: NotificationPulse) => {
            clearTimeout(t);
            waiters.delete(w);
            resolve(v);
          },
        };
        const t = setTimeout(() => w.done(pulse()), waitMs);
        waiters.add(w);
      });
    },
    inbox(q: { unreadOnly: boolean; limit: number }): InboxView {
      requireUser();
      return readInbox(d.db, q);
    },
    markRead(body: MarkReadBody): InboxView {
      requireUser();
      d.markRead(body);
      wake();
      return readInbox(d.db, { unreadOnly: false, limit: 100 });
    },
    upcoming(): UpcomingView {
      requireUser();
      return upcoming(d.db, now());
    },
    /** The OS notifications to show now (each handed out once). */
    claimAlerts(): AlertList {
      const userId = requireUser();
      const items = alerts.claim(userId, upcoming(d.db, now()).items, wants(userId), now());
      wake();
      return { items };
    },
    /** Start the reminder timer (after sign-in or at start). */
    start(): void {
      schedule();
    },
    /** Something the reminders depend on changed outside sync (a lesson completed, a sign-in). */
    changed(): void {
      wake();
      schedule();
    },
    close(): void {
      closed = true;
      stopSync();
      if (timer) clearTimeout(timer);
      timer = null;
      const p = pulse();
      for (const w of [...waiters]) w.done(p);
    },
  };
}
export type NotificationsService = ReturnType<typeof notificationsService>;
