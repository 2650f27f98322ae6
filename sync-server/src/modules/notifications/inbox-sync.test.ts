import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarkNotificationsReadResult, Notification, NotificationList } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse } from '../../../test/factories.ts';
import { Replica } from '../sync/test-support.ts';
import { until } from './test-support.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const note = (key: string) => ({ type: 'alert' as const, title: `Alert ${key}`, body: 'x', dedupeKey: key });

describe('the inbox over HTTP', () => {
  it('pages newest first, filters unread, marks read by ids (own only) and all', async () => {
    const s = await t.user('student');
    const other = await t.user('student');
    for (let i = 1; i <= 5; i++) await t.server.notifications.notify(s.id, note(`k${i}`));
    const theirs = await t.server.notifications.notify(other.id, note('theirs'));
    const p1 = await t.api<NotificationList>('GET', '/api/v1/me/notifications?limit=3', { token: s.token });
    expect(p1.body.items.map((n) => n.title)).toEqual(['Alert k5', 'Alert k4', 'Alert k3']);
    expect(p1.body.unread).toBe(5);
    const p2 = await t.api<NotificationList>(
      'GET',
      `/api/v1/me/notifications?limit=3&cursor=${p1.body.nextCursor}`,
      { token: s.token },
    );
    expect(p2.body.items.map((n) => n.title)).toEqual(['Alert k2', 'Alert k1']);
    expect(p2.body.nextCursor).toBeNull();
    const r = await t.api<MarkNotificationsReadResult>('POST', '/api/v1/me/notifications/read', {
      token: s.token,
      body: { ids: [p1.body.items[0]!.id, theirs.ids[0]!] },
    });
    expect(r.body).toEqual({ marked: 1, unread: 4 });
    const unread = await t.api<NotificationList>('GET', '/api/v1/me/notifications?unread=true', {
      token: s.token,
    });
    expect(unread.body.items).toHaveLength(4);
    const all = await t.api<MarkNotificationsReadResult>('POST', '/api/v1/me/notifications/read', {
      token: s.token,
      body: { all: true },
    });
    expect(all.body).toEqual({ marked: 4, unread: 0 });
    const otherList = await t.api<NotificationList>('GET', '/api/v1/me/notifications', {
      token: other.token,
    });
    expect(otherList.body.unread).toBe(1);
    for (const body of [{}, { ids: [], all: true }, { all: false }, { ids: ['nope'] }]) {
      const bad = await t.api<{ error: { code: string } }>('POST', '/api/v1/me/notifications/read', {
        token: s.token,
        body,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
    const badCursor = await t.api('GET', '/api/v1/me/notifications?cursor=xyz', { token: s.token });
    expect(badCursor.status).toBe(400);
  });
});

describe('the sync entity notification and the markNotificationsRead mutation', () => {
  it('pulls the inbox, applies read state pushed offline exactly once, and shows it on the other device', async () => {
    const s = await t.user('student');
    const a = new Replica(t, s.token);
    const b = new Replica(t, s.token);
    const first = await t.server.notifications.notify(s.id, note('sync1'));
    await a.sync();
    expect(a.get<Notification>('notification', first.ids[0]!)).toMatchObject({
      title: 'Alert sync1',
      readAt: null,
    });
    // A new one after the snapshot arrives incrementally.
    const second = await t.server.notifications.notify(s.id, note('sync2'));
    await a.sync();
    expect(a.keys('notification').sort()).toEqual([first.ids[0]!, second.ids[0]!].sort());

    const m = a.queue('markNotificationsRead', { ids: [first.ids[0]!] });
    const [r1] = await a.push();
    expect(r1).toMatchObject({ status: 'applied', duplicate: false });
    // The same mutation again (a lost answer): answered as applied, nothing applied twice.
    const again = await a.pushRaw([m]);
    expect(again.body.results[0]).toMatchObject({ status: 'applied', duplicate: true });
    const { rows } = await t.server.database.pool.query<{ read_at: Date }>(
      'SELECT read_at FROM notifications WHERE id = $1',
      [first.ids[0]],
    );
    const readAt = rows[0]!.read_at;
    expect(readAt).toBeInstanceOf(Date);
    // Marking it again later keeps the first read time.
    a.queue('markNotificationsRead', { all: true });
    await a.push();
    const { rows: after } = await t.server.database.pool.query<{ read_at: Date }>(
      'SELECT read_at FROM notifications WHERE id = $1',
      [first.ids[0]],
    );
    expect(after[0]!.read_at.getTime()).toBe(readAt.getTime());

    await b.sync();
    expect(b.get<Notification>('notification', first.ids[0]!)!.readAt).not.toBeNull();
    expect(b.get<Notification>('notification', second.ids[0]!)!.readAt).not.toBeNull();
  });
});

describe('the outbox', () => {
  it('turns an enrollment (a platform event written with it) into enrollment_confirmed, once', async () => {
    const owner = await t.user('instructor');
    const course = await createCourse(t.server.database.pool, {
      ownerId: owner.id,
      status: 'published',
      title: 'Geology',
    });
    const s = await t.user('student');
    const r = await t.api('POST', `/api/v1/courses/${course.id}/enrollment`, { token: s.token });
    expect(r.status).toBe(201);
    const inbox = async () =>
      (await t.api<NotificationList>('GET', '/api/v1/me/notifications', { token: s.token })).body.items;
    await until(async () => (await inbox()).length === 1, 5000, 'enrollment notification');
    expect((await inbox())[0]).toMatchObject({
      type: 'enrollment_confirmed',
      courseId: course.id,
      title: 'You are enrolled in Geology',
      dedupeKey: `enrollment:${course.id}`,
    });
    // Read again (a replay after a crash): the dedupe key keeps it single.
    await t.server.database.pool.query('UPDATE event_outbox SET notified_at = NULL');
    await t.server.notifications.outbox.drain();
    expect(await inbox()).toHaveLength(1);
  });
});
