import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CourseDetail, SyncChange } from '@lyceum/contracts';
import { detail } from '../../test-support/factories.ts';
import { catalogCache } from '../store/catalog-cache.ts';
import { openStore } from '../store/open.ts';
import { settingsRepo } from '../store/settings.ts';
import { putEnrollment } from '../sync/apply-changes.ts';
import { writeLesson } from '../sync/local-state.ts';
import { alertsRepo } from './alerts.ts';
import {
  applyNotificationChange,
  markReadLocally,
  readInbox,
  resetReadToServer,
  unreadCount,
} from './inbox.ts';
import { deadlineKey, dueReminders, nextReminderAt } from './reminders.ts';
import { upcoming } from './upcoming.ts';

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const userId = randomUUID();

/** A course with three lessons due at the given times (ms), enrolled and stored as the server would send it. */
function setup(dues: (number | null)[], status = 'active') {
  const store = openStore(':memory:');
  const cache = catalogCache(store.db);
  const base = detail();
  const lessons = dues.map((due, i) => ({
    ...base.modules[0]!.lessons[i % 2]!,
    id: randomUUID(),
    title: `Lesson ${i + 1}`,
    dueAt: due === null ? null : iso(due),
  }));
  const course: CourseDetail = { ...base, modules: [{ ...base.modules[0]!, lessons }] };
  cache.putDetail(course, userId, iso(T0));
  putEnrollment(
    store.db,
    { courseId: course.id, status: status as 'active', enrolledAt: iso(T0 - 100 * HOUR) },
    iso(T0),
  );
  return { store, db: store.db, course, lessons, settings: settingsRepo(store.db) };
}

function complete(db: ReturnType<typeof setup>['db'], courseId: string, lessonId: string) {
  const s = {
    positionSeconds: null,
    positionAt: null,
    positionEventId: null,
    watchedIntervals: [],
    completed: true,
    completedAt: iso(T0),
    lastActivityAt: iso(T0),
  };
  writeLesson(db, lessonId, courseId, s, s);
}

function serverCopy(key: string, over: Record<string, unknown> = {}): SyncChange {
  const id = randomUUID();
  return {
    seq: 1,
    entity: 'notification' as SyncChange['entity'],
    id,
    op: 'upsert',
    data: {
      id,
      type: 'deadline_upcoming',
      courseId: null,
      lessonId: null,
      title: 'Due soon',
      body: '',
      url: null,
      dedupeKey: key,
      createdAt: iso(T0),
      readAt: null,
      push: true,
      ...over,
    },
  };
}

describe('Upcoming (offline, from stored structures)', () => {
  it('lists incomplete lessons with a due date, soonest first, overdue marked; completed and dropped left out', () => {
    const { db, course, lessons } = setup([
      T0 + 48 * HOUR,
      T0 - 2 * HOUR,
      null,
      T0 + 3 * HOUR,
      T0 + 5 * HOUR,
    ]);
    complete(db, course.id, lessons[4]!.id);
    const view = upcoming(db, T0);
    expect(view.items.map((i) => [i.lessonTitle, i.overdue])).toEqual([
      ['Lesson 2', true],
      ['Lesson 4', false],
      ['Lesson 1', false],
    ]);
    expect(view.items[0]!.href).toBe(`/learn/${course.id}/lessons/${lessons[1]!.id}`);
    const dropped = setup([T0 + HOUR], 'dropped');
    expect(upcoming(dropped.db, T0).items).toEqual([]);
  });
});

describe('reminders scheduled on the device', () => {
  it('fires 24 h and 1 h before, never after the deadline, and only the latest one when both are due', () => {
    const { db } = setup([T0 + 30 * HOUR]);
    const items = upcoming(db, T0).items;
    expect(dueReminders(items, userId, T0)).toEqual([]);
    expect(nextReminderAt(items, T0)).toBe(T0 + 6 * HOUR);
    const at24 = dueReminders(items, userId, T0 + 6 * HOUR);
    expect(at24.map((r) => r.offset)).toEqual(['24h']);
    expect(nextReminderAt(items, T0 + 6 * HOUR)).toBe(T0 + 29 * HOUR);
    const late = dueReminders(items, userId, T0 + 29.5 * HOUR);
    expect(late.map((r) => [r.offset, r.superseded])).toEqual([
      ['1h', [deadlineKey(items[0]!.lessonId, userId, '24h')]],
    ]);
    expect(dueReminders(items, userId, T0 + 31 * HOUR)).toEqual([]);
  });

  it('shows a reminder once, and not again when the server copy with the same key arrives by sync', () => {
    const { db, settings } = setup([T0 + 20 * HOUR]);
    const alerts = alertsRepo(db, settings);
    alerts.waiting(userId, [], T0 - HOUR); // the device first looked before anything arrived
    const items = upcoming(db, T0).items;
    const first = alerts.claim(userId, items, () => true, T0);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ kind: 'deadline', offset: '24h', lessonTitle: 'Lesson 1' });
    expect(alerts.claim(userId, items, () => true, T0 + 60_000)).toEqual([]);
    // The server's reminder (same dedupe key) is pulled: it is in the inbox, and no OS notification is shown again.
    applyNotificationChange(db, serverCopy(first[0]!.dedupeKey), () => {});
    expect(unreadCount(db)).toBe(1);
    expect(alerts.waiting(userId, items, T0 + 120_000)).toBe(0);
    expect(alerts.claim(userId, items, () => true, T0 + 120_000)).toEqual([]);
    // A different notification is shown once.
    applyNotificationChange(
      db,
      serverCopy('announcement:x', { type: 'announcement', title: 'Hello' }),
      () => {},
    );
    expect(alerts.claim(userId, items, () => true, T0 + 180_000)).toMatchObject([
      { kind: 'notification', title: 'Hello' },
    ]);
    expect(alerts.claim(userId, items, () => true, T0 + 240_000)).toEqual([]);
  });

  it('does not fire its own reminder when the server copy came first, nor what the student turned off', () => {
    const { db, settings } = setup([T0 + 20 * HOUR, T0 + 10 * HOUR]);
    const alerts = alertsRepo(db, settings);
    alerts.waiting(userId, [], T0 - HOUR);
    const items = upcoming(db, T0).items;
    const key = deadlineKey(items[1]!.lessonId, userId, '24h');
    applyNotificationChange(db, serverCopy(key), () => {});
    const shown = alerts.claim(userId, items, () => false, T0);
    // The server's copy is shown (its push flag), the device's own reminder of the other lesson is turned off.
    expect(shown.map((a) => a.dedupeKey)).toEqual([key]);
    expect(alerts.claim(userId, items, () => true, T0 + 1000)).toEqual([]);
  });

  it('keeps notifications from before the device first looked in the inbox only', () => {
    const { db, settings } = setup([]);
    applyNotificationChange(db, serverCopy('announcement:old', { createdAt: iso(T0 - HOUR) }), () => {});
    const alerts = alertsRepo(db, settings);
    expect(alerts.claim(userId, [], () => true, T0)).toEqual([]);
    expect(readInbox(db, { unreadOnly: true, limit: 10 }).items).toHaveLength(1);
  });
});

describe('inbox kept through sync', () => {
  it('marks read on the device, keeps later arrivals unread, and goes back to the server state when refused', () => {
    const { db } = setup([]);
    const a = serverCopy('announcement:a', { createdAt: iso(T0 - 2 * HOUR) });
    const b = serverCopy('announcement:b', { createdAt: iso(T0 - HOUR) });
    for (const c of [a, b]) applyNotificationChange(db, c, () => {});
    markReadLocally(db, { ids: [a.id] }, iso(T0));
    expect(unreadCount(db)).toBe(1);
    markReadLocally(db, { all: true }, iso(T0));
    applyNotificationChange(db, serverCopy('announcement:c', { createdAt: iso(T0 + HOUR) }), () => {});
    expect(readInbox(db, { unreadOnly: true, limit: 10 }).items.map((n) => n.dedupeKey)).toEqual([
      'announcement:c',
    ]);
    resetReadToServer(db);
    expect(unreadCount(db)).toBe(3);
    const bad: string[] = [];
    applyNotificationChange(db, { ...serverCopy('x'), data: { id: 'x' } }, (why) => bad.push(why));
    expect(bad).toHaveLength(1);
  });
});
