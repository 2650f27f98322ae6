import { and, count, desc, eq, inArray, isNull, lte } from 'drizzle-orm';
import type { SyncChange } from '@lyceum/contracts';
import { PulledNotification, type InboxView, type NotificationView } from '../../contracts/notifications.ts';
import type { LocalDb } from '../store/open.ts';
import { notifications } from './tables.ts';
import { lessonHref } from './upcoming.ts';

/** In-app paths the desktop app has (the server's links that lead elsewhere fall back to the course). */
const APP_PATH =
  /^\/(?:(?:courses|learn)\/[0-9a-fA-F-]{36}(?:\/lessons\/[0-9a-fA-F-]{36})?|purchases|upcoming)$/;

/** Where a notification leads in the app: its lesson (to study it), its in-app link, else its course. */
export function hrefOf(n: {
  url: string | null;
  courseId: string | null;
  lessonId: string | null;
}): string | null {
  if (n.courseId && n.lessonId) return lessonHref(n.courseId, n.lessonId);
  if (n.url && APP_PATH.test(n.url)) return n.url;
  if (n.courseId) return `/learn/${encodeURIComponent(n.courseId)}`;
  return null;
}

type Row = typeof notifications.$inferSelect;

export function toView(r: Row): NotificationView {
  return {
    id: r.id,
    type: r.type,
    courseId: r.courseId,
    lessonId: r.lessonId,
    title: r.title,
    body: r.body,
    href: hrefOf(r),
    dedupeKey: r.dedupeKey,
    createdAt: r.createdAt,
    readAt: r.readAt,
  };
}

/** Apply one pulled `notification` change (inside the page's transaction; pending mark-reads replay after it). */
export function applyNotificationChange(db: LocalDb, change: SyncChange, skip: (why: string) => void): void {
  if (change.op === 'delete') {
    db.delete(notifications).where(eq(notifications.id, change.id)).run();
    return;
  }
  const p = PulledNotification.safeParse(change.data);
  if (!p.success) return skip(p.error.message);
  const n = p.data;
  const values = {
    dedupeKey: n.dedupeKey,
    type: n.type,
    courseId: n.courseId ?? null,
    lessonId: n.lessonId ?? null,
    title: n.title,
    body: n.body,
    url: n.url ?? null,
    createdAt: n.createdAt,
    readAt: n.readAt ?? null,
    serverReadAt: n.readAt ?? null,
    push: n.push,
    dataJson: JSON.stringify(n),
  };
  db.insert(notifications)
    .values({ id: n.id, ...values })
    .onConflictDoUpdate({ target: notifications.id, set: values })
    .run();
}

/**
 * A mark-read made on this device (optimistically, or replayed on pulled state): these ids, or all that existed when
 * it was made (a notification that arrives later stays unread). Idempotent.
 */
export function markReadLocally(db: LocalDb, m: { ids?: string[]; all?: boolean }, at: string): void {
  const unread = isNull(notifications.readAt);
  if (m.all) {
    db.update(notifications)
      .set({ readAt: at })
      .where(and(unread, lte(notifications.createdAt, at)))
      .run();
  } else if (m.ids?.length) {
    db.update(notifications)
      .set({ readAt: at })
      .where(and(unread, inArray(notifications.id, m.ids)))
      .run();
  }
}

/** After a refused mark-read: every notification goes back to the server's read state (pending ones replay after). */
export function resetReadToServer(db: LocalDb): void {
  db.update(notifications).set({ readAt: notifications.serverReadAt }).run();
}

export function unreadCount(db: LocalDb): number {
  return db.select({ n: count() }).from(notifications).where(isNull(notifications.readAt)).get()?.n ?? 0;
}

export function readInbox(db: LocalDb, q: { unreadOnly: boolean; limit: number }): InboxView {
  const rows = db
    .select()
    .from(notifications)
    .where(q.unreadOnly ? isNull(notifications.readAt) : undefined)
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(q.limit + 1)
    .all();
  return {
    items: rows.slice(0, q.limit).map(toView),
    unread: unreadCount(db),
    more: rows.length > q.limit,
  };
}

/** The newest notification's id (the pulse changes when one arrives). */
export function latestId(db: LocalDb): string {
  return (
    db
      .select({ id: notifications.id })
      .from(notifications)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(1)
      .get()?.id ?? ''
  );
}
