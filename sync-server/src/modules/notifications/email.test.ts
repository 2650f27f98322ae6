import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import {
  NOTIFICATION_EVENT,
  NotificationKind,
  defaultNotificationPreferences,
  type Announcement,
  type NotificationList,
  type NotificationLiveEvent,
  type NotificationPreferences,
} from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, enrollDirectly, instructorCourse } from '../../../test/factories.ts';
import { smtpMailer } from '../../lib/mailer.ts';
import { startSmtpSink, until, type SmtpSink } from './test-support.ts';
import { signUnsubscribe } from './tokens.ts';

let t: TestServer;
let smtp: SmtpSink;
const sockets: Socket[] = [];
beforeAll(async () => {
  smtp = await startSmtpSink();
  // Emails go out through the scheduler's delivery job (woken by each fan-out that queued immediate ones).
  t = await startTestServer(
    { SCHEDULER: 'on', SCHEDULER_POLL_MS: '100' },
    { mailer: smtpMailer(smtp.url, 'Lyceum <no-reply@lyceum.test>') },
  );
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t.close();
  await smtp.close();
});

const allImmediately = (): NotificationPreferences => ({
  ...defaultNotificationPreferences,
  types: Object.fromEntries(
    NotificationKind.options.map((k) => [k, { push: 'immediately', email: 'immediately' }]),
  ) as NotificationPreferences['types'],
});

async function putPrefs(token: string, prefs: NotificationPreferences) {
  const r = await t.api('PUT', '/api/v1/me/notification-preferences', { token, body: prefs });
  expect(r.status).toBe(200);
}

async function live(token: string): Promise<NotificationLiveEvent[]> {
  const events: NotificationLiveEvent[] = [];
  const socket = connect(t.url, {
    path: '/socket.io',
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.push(socket);
  socket.on(NOTIFICATION_EVENT, (e: NotificationLiveEvent) => events.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once('sync:ready', () => resolve());
    socket.once('connect_error', reject);
  });
  return events;
}

describe('channels: inbox, live, email (a real SMTP exchange on loopback)', () => {
  it('delivers each type on each channel, with RFC 8058 one-click unsubscribe headers', async () => {
    const s = await t.user('student');
    await putPrefs(s.token, allImmediately());
    const events = await live(s.token);
    for (const type of NotificationKind.options)
      await t.server.notifications.notify(s.id, {
        type,
        title: `About ${type}`,
        body: `Body of ${type}`,
        url: '/notifications',
        dedupeKey: `test:${type}`,
      });
    // Inbox
    const inbox = await t.api<NotificationList>('GET', '/api/v1/me/notifications?limit=50', {
      token: s.token,
    });
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.map((n) => n.type).sort()).toEqual([...NotificationKind.options].sort());
    expect(inbox.body.unread).toBe(NotificationKind.options.length);
    // Live, within 2 s
    await until(() => events.length === NotificationKind.options.length, 2000, 'live events');
    expect(events.at(-1)!.unread).toBe(NotificationKind.options.length);
    // Email
    await until(() => smtp.to(s.email).length === NotificationKind.options.length, 10_000, 'emails');
    for (const m of smtp.to(s.email)) {
      expect(m.header('List-Unsubscribe')).toMatch(/^<http:\/\/.*\/api\/v1\/unsubscribe\?token=[\w.-]+>$/);
      expect(m.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    }
    expect(
      smtp
        .to(s.email)
        .map((m) => m.header('Subject'))
        .sort(),
    ).toEqual(NotificationKind.options.map((k) => `About ${k}`).sort());
  });

  it('honours "off" and per-course mutes, and never delivers one dedupe key twice', async () => {
    const course = await instructorCourse(t, { status: 'published' });
    const s = await t.user('student');
    await enrollDirectly(t.server.database.pool, course.id, s.id);
    const prefs = allImmediately();
    prefs.types.grade_posted = { push: 'off', email: 'off' };
    await putPrefs(s.token, prefs);
    const draft = {
      type: 'grade_posted' as const,
      courseId: course.id,
      title: 'Graded',
      body: 'B+',
      dedupeKey: 'grade:x',
    };
    const first = await t.server.notifications.notify(s.id, draft);
    expect(first).toMatchObject({ created: 1, emails: 0 });
    expect((await t.server.notifications.notify(s.id, draft)).created).toBe(0);
    await putPrefs(s.token, { ...prefs, mutedCourses: [course.id] });
    const muted = await t.server.notifications.send(
      { courseStudents: course.id },
      {
        type: 'announcement',
        courseId: course.id,
        title: 'Muted',
        body: 'x',
        dedupeKey: 'announcement:muted',
      },
    );
    expect(muted.created).toBe(0);
    // Receipts still come through a mute.
    const receipt = await t.server.notifications.send(
      { courseStudents: course.id },
      {
        type: 'payment_receipt',
        courseId: course.id,
        title: 'Paid',
        body: 'x',
        dedupeKey: 'payment:o1',
      },
    );
    expect(receipt.created).toBe(1);
  });

  it('defers an email inside quiet hours (not dropped), then sends it when they end', async () => {
    const s = await t.user('student');
    // A window that holds the current time in UTC: from an hour ago to an hour ahead.
    const hm = (d: Date) => d.toISOString().slice(11, 16);
    const now = new Date();
    await putPrefs(s.token, {
      ...allImmediately(),
      timezone: 'UTC',
      quietHours: {
        start: hm(new Date(now.getTime() - 3_600_000)),
        end: hm(new Date(now.getTime() + 3_600_000)),
      },
    });
    await t.server.notifications.notify(s.id, {
      type: 'announcement',
      title: 'Late news',
      body: 'x',
      dedupeKey: 'quiet:1',
    });
    const pool = t.server.database.pool;
    const { rows } = await pool.query<{ not_before: Date; status: string }>(
      'SELECT not_before, status FROM notification_emails WHERE user_id = $1',
      [s.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('pending');
    const deferredBy = rows[0]!.not_before.getTime() - now.getTime();
    expect(deferredBy).toBeGreaterThan(3_500_000);
    expect(deferredBy).toBeLessThan(3_700_000);
    await t.server.schedule.deliverEmails();
    expect(smtp.to(s.email)).toHaveLength(0);
    // The quiet hours end (moved to now): it goes out.
    await pool.query(`UPDATE notification_emails SET not_before = now() WHERE user_id = $1`, [s.id]);
    await t.server.schedule.deliverEmails();
    await until(() => smtp.to(s.email).length === 1, 5000, 'deferred email');
  });

  it('groups digest items by course, a few per course with a link to the rest', async () => {
    const a = await instructorCourse(t, { status: 'published', title: 'Astronomy' });
    const b = await instructorCourse(t, { status: 'published', title: 'Botany' });
    const s = await t.user('student');
    const prefs = allImmediately();
    prefs.types.content_released = { push: 'immediately', email: 'daily' };
    await putPrefs(s.token, prefs);
    for (let i = 1; i <= 5; i++)
      await t.server.notifications.notify(s.id, {
        type: 'content_released',
        courseId: a.id,
        title: `Astro lesson ${i}`,
        body: 'new',
        url: `/courses/${a.id}`,
        dedupeKey: `release:a${i}`,
      });
    await t.server.notifications.notify(s.id, {
      type: 'content_released',
      courseId: b.id,
      title: 'Botany lesson 1',
      body: 'new',
      dedupeKey: 'release:b1',
    });
    await t.server.schedule.deliverEmails();
    expect(smtp.to(s.email)).toHaveLength(0);
    expect(await t.server.notifications.delivery.sendDigests('daily')).toBeGreaterThanOrEqual(1);
    await until(() => smtp.to(s.email).length === 1, 5000, 'digest');
    const m = smtp.to(s.email)[0]!;
    expect(m.header('Subject')).toMatch(/daily Lyceum digest: 6 updates/);
    expect(m.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(m.body).toContain('== Astronomy ==');
    expect(m.body).toContain('== Botany ==');
    expect(m.body).toContain('Astro lesson 5');
    expect(m.body).not.toContain('Astro lesson 1 ');
    expect(m.body).toContain('and 2 more');
    // Sent once: a second run finds nothing.
    expect(await t.server.notifications.delivery.sendDigests('daily')).toBe(0);
  });
});

describe('unsubscribe (no sign-in)', () => {
  it('turns that email type off from the link in the email; forged and expired tokens are refused and change nothing', async () => {
    const s = await t.user('student');
    await putPrefs(s.token, allImmediately());
    await t.server.notifications.notify(s.id, {
      type: 'course_updated',
      title: 'Changed',
      body: 'x',
      dedupeKey: 'u:1',
    });
    await until(() => smtp.to(s.email).length === 1, 5000, 'email');
    const url = new URL(/^<(.*)>$/.exec(smtp.to(s.email)[0]!.header('List-Unsubscribe')!)![1]!);
    const token = url.searchParams.get('token')!;
    const path = `/api/v1/unsubscribe?token=${encodeURIComponent(token)}`;

    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    const bad = await t.api<{ error: { code: string } }>(
      'POST',
      `/api/v1/unsubscribe?token=${encodeURIComponent(forged)}`,
    );
    expect(bad.status).toBe(403);
    expect(bad.body.error.code).toBe('signature_invalid');
    const other = signUnsubscribe('not-the-secret', { userId: s.id, type: 'course_updated' });
    expect((await t.api('POST', `/api/v1/unsubscribe?token=${encodeURIComponent(other)}`)).status).toBe(403);
    const expired = signUnsubscribe(
      t.server.config.JWT_SECRET!,
      { userId: s.id, type: 'course_updated' },
      1,
      Date.now() - 2 * 86_400_000,
    );
    const exp = await t.api<{ error: { code: string } }>(
      'POST',
      `/api/v1/unsubscribe?token=${encodeURIComponent(expired)}`,
    );
    expect(exp.status).toBe(403);
    expect(exp.body.error.code).toBe('signature_expired');
    const unchanged = await t.api<NotificationPreferences>('GET', '/api/v1/me/notification-preferences', {
      token: s.token,
    });
    expect(unchanged.body.types.course_updated.email).toBe('immediately');

    const page = await t.api<string>('GET', path);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).toContain('method="post"');
    // What a mail client does for RFC 8058: POST List-Unsubscribe=One-Click, no credentials.
    const res = await fetch(t.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 'course_updated', email: 'off' });
    const after = await t.api<NotificationPreferences>('GET', '/api/v1/me/notification-preferences', {
      token: s.token,
    });
    expect(after.body.types.course_updated.email).toBe('off');
    expect(after.body.types.announcement.email).toBe('immediately');
    await t.server.notifications.notify(s.id, {
      type: 'course_updated',
      title: 'Changed again',
      body: 'x',
      dedupeKey: 'u:2',
    });
    await t.server.schedule.deliverEmails();
    expect(smtp.to(s.email)).toHaveLength(1);
  });
});

describe('announcements', () => {
  it('reach the course’s students by inbox and email with the markdown rendered safely; a non-teacher gets 403', async () => {
    const owner = await t.user('instructor');
    const course = await createCourse(t.server.database.pool, {
      ownerId: owner.id,
      status: 'published',
      title: 'Chemistry',
    });
    const ownerToken = owner.token;
    const students = await Promise.all([1, 2].map(() => t.user('student')));
    for (const s of students) {
      await enrollDirectly(t.server.database.pool, course.id, s.id);
      await putPrefs(s.token, allImmediately());
    }
    const body =
      '**Exam** moved.\n\n<script>alert(1)</script>\n<img src=x onerror=alert(2)>\n\n- [notes](https://example.test/a?b=1&c=2)\n- [evil](javascript:alert(3))';
    const stranger = await t.user('instructor');
    const refused = await t.api<{ error: { code: string } }>(
      'POST',
      `/api/v1/courses/${course.id}/announcements`,
      {
        token: stranger.token,
        body: { title: 'Hi', body },
      },
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(
      (
        await t.api('POST', `/api/v1/courses/${course.id}/announcements`, {
          token: students[0]!.token,
          body: { title: 'Hi', body },
        })
      ).status,
    ).toBe(403);

    const r = await t.api<Announcement>('POST', `/api/v1/courses/${course.id}/announcements`, {
      token: ownerToken,
      body: { title: 'Exam date', body, email: true },
    });
    expect(r.status).toBe(201);
    expect(r.body.delivered).toBe(2);
    for (const html of [r.body.bodyHtml]) {
      expect(html).toContain('<strong>Exam</strong>');
      expect(html).not.toMatch(/<script|<img|javascript:/i);
      expect(html).toContain('&lt;script&gt;');
      expect(html).toContain(
        '<a href="https://example.test/a?b=1&amp;c=2" rel="noopener noreferrer">notes</a>',
      );
    }
    for (const s of students) {
      await until(() => smtp.to(s.email).length === 1, 5000, 'announcement email');
      const mail = smtp.to(s.email)[0]!;
      expect(mail.header('Subject')).toBe('Chemistry: Exam date');
      const html = mail.body.slice(mail.body.indexOf('text/html'));
      expect(html).toContain('<strong>Exam</strong>');
      expect(html).not.toMatch(/<script|<img|javascript:/i);
    }
    const read = await t.api('POST', '/api/v1/me/notifications/read', {
      token: students[0]!.token,
      body: { all: true },
    });
    expect(read.status).toBe(200);
    const list = await t.api<{ items: Announcement[] }>('GET', `/api/v1/courses/${course.id}/announcements`, {
      token: ownerToken,
    });
    expect(list.body.items[0]).toMatchObject({ delivered: 2, read: 1, emailed: 2, status: 'sent' });
  });

  it('lands in the failed list after the retries when the mail server refuses', async () => {
    const dead = smtpMailer('smtp://127.0.0.1:1?ignoreTLS=true&connectionTimeout=500', 'x@lyceum.test');
    const s = await t.user('student');
    const admin = await t.user('admin');
    await putPrefs(s.token, allImmediately());
    const { emailDelivery } = await import('./delivery.ts');
    const { deliverDueEmails } = await import('./schedule/email-retry.ts');
    const worker = emailDelivery(
      t.server.database.pool,
      () => dead,
      () => ({ publicUrl: t.url, secret: 'x' }),
    );
    await t.server.schedule.stop(); // the server's own delivery job would take the row first
    await t.server.notifications.fanOut(
      t.server.database.pool,
      { userId: s.id },
      {
        type: 'alert',
        title: 'Disk',
        body: 'x',
        dedupeKey: 'alert:1',
      },
    );
    const options = { maxAttempts: 2, baseBackoffMs: 1 };
    expect(await deliverDueEmails(t.server.database.pool, worker.sendOne, options)).toMatchObject({
      retried: 1,
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(await deliverDueEmails(t.server.database.pool, worker.sendOne, options)).toMatchObject({
      failed: 1,
    });
    const failed = await t.api<{
      items: { userId: string; status: string; attempts: number; lastError: string }[];
    }>('GET', '/api/v1/admin/notifications/failed', { token: admin.token });
    expect(failed.status).toBe(200);
    const mine = failed.body.items.find((i) => i.userId === s.id)!;
    expect(mine).toMatchObject({ status: 'failed', attempts: 2 });
    expect(mine.lastError).toBeTruthy();
    await t.server.schedule.start();
  });
});
