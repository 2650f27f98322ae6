import type { ReminderOffset, UpcomingItem } from '../../contracts/notifications.ts';

/** Reminders before a due date, latest last: the same two the server sends (deadline_upcoming). */
export const REMINDER_OFFSETS: readonly { offset: ReminderOffset; ms: number }[] = [
  { offset: '24h', ms: 24 * 3600_000 },
  { offset: '1h', ms: 3600_000 },
];

/** The server's dedupe key of a deadline reminder: the device's own copy uses it too, so it is never shown twice. */
export const deadlineKey = (lessonId: string, userId: string, offset: ReminderOffset) =>
  `deadline:${lessonId}:${userId}:${offset}`;

export interface DueReminder {
  item: UpcomingItem;
  offset: ReminderOffset;
  key: string;
  /** Earlier reminders of the same deadline that were not shown in time: handled, never shown late. */
  superseded: string[];
}

/**
 * The reminders whose time has come and whose deadline has not passed, one per deadline (the latest due: a device
 * that was off through the 24 h reminder shows the 1 h one only). Items are the incomplete lessons (Upcoming).
 */
export function dueReminders(items: UpcomingItem[], userId: string, now: number): DueReminder[] {
  const out: DueReminder[] = [];
  for (const item of items) {
    const due = Date.parse(item.dueAt);
    if (due <= now) continue;
    const reached = REMINDER_OFFSETS.filter((r) => now >= due - r.ms);
    const latest = reached.at(-1);
    if (!latest) continue;
    out.push({
      item,
      offset: latest.offset,
      key: deadlineKey(item.lessonId, userId, latest.offset),
      superseded: reached.slice(0, -1).map((r) => deadlineKey(item.lessonId, userId, r.offset)),
    });
  }
  return out;
}

/** When the next reminder becomes due (ms since the epoch), or null when none is ahead. */
export function nextReminderAt(items: UpcomingItem[], now: number): number | null {
  let next: number | null = null;
  for (const item of items) {
    const due = Date.parse(item.dueAt);
    for (const r of REMINDER_OFFSETS) {
      const at = due - r.ms;
      if (at > now && (next === null || at < next)) next = at;
    }
  }
  return next;
}
