import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryLog } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';

/** The admins' delivery log (filters) and failed list (retry), as the console uses them. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

describe('delivery log and failed deliveries', () => {
  it('filters by recipient, type, channel and status; a retried failure goes out once; bad input is 400', async () => {
    const admin = await t.user('admin');
    const ana = await t.user('student', 'Ana');
    const bo = await t.user('student', 'Bo');
    const pool = t.server.database.pool;
    await t.server.notifications.fanOut(
      pool,
      { userIds: [ana.id, bo.id] },
      {
        type: 'deadline_upcoming',
        title: 'Due soon',
        body: 'Essay',
        dedupeKey: 'log-test:{userId}',
      },
    );
    await t.server.notifications.fanOut(
      pool,
      { userId: ana.id },
      {
        type: 'content_released',
        title: 'New lesson',
        body: 'Loops',
        dedupeKey: 'log-test:release',
      },
    );
    // Bo's email failed after every retry.
    await pool.query(
      `UPDATE notification_emails SET status = 'failed', attempts = 5, last_error = '451 mailbox busy'
       WHERE user_id = $1`,
      [bo.id],
    );
    const log = async (query: string) => {
      const r = await t.api<DeliveryLog>('GET', `/api/v1/admin/notifications/deliveries?${query}`, {
        token: admin.token,
      });
      expect(r.status).toBe(200);
      return r.body.items;
    };
    const byEmail = await log(`user=${encodeURIComponent(ana.email.slice(0, 12).toUpperCase())}`);
    expect(byEmail.map((i) => i.type).sort()).toEqual(['content_released', 'deadline_upcoming']);
    expect((await log(`user=${ana.id}&type=content_released`)).map((i) => i.mode)).toEqual(['daily']);
    expect((await log(`user=${ana.id}&mode=immediately`)).map((i) => i.type)).toEqual(['deadline_upcoming']);
    expect(await log(`user=${encodeURIComponent('%')}`)).toEqual([]);
    const failed = await t.api<DeliveryLog>('GET', '/api/v1/admin/notifications/failed', {
      token: admin.token,
    });
    const bos = failed.body.items.filter((i) => i.userId === bo.id);
    expect(bos).toHaveLength(1);
    expect(bos[0]).toMatchObject({ status: 'failed', attempts: 5, lastError: '451 mailbox busy' });

    const retry = await t.api<{ retried: number }>('POST', '/api/v1/admin/notifications/failed/retry', {
      token: admin.token,
      body: { ids: [bos[0]!.id, byEmail[0]!.id] },
    });
    expect(retry.status).toBe(200);
    // Only the failed one goes back (Ana's pending one is left alone).
    expect(retry.body.retried).toBe(1);
    await t.server.schedule.deliverEmails();
    expect(t.mail.filter((m) => m.to === bo.email)).toHaveLength(1);
    const after = await log(`user=${bo.id}`);
    expect(after[0]).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    // Once: a second sweep and a second retry change nothing.
    await t.server.schedule.deliverEmails();
    const again = await t.api<{ retried: number }>('POST', '/api/v1/admin/notifications/failed/retry', {
      token: admin.token,
      body: { ids: [bos[0]!.id] },
    });
    expect(again.body.retried).toBe(0);
    expect(t.mail.filter((m) => m.to === bo.email)).toHaveLength(1);

    for (const [method, path, body] of [
      ['GET', '/api/v1/admin/notifications/deliveries?type=nonsense', undefined],
      ['GET', '/api/v1/admin/notifications/deliveries?mode=hourly', undefined],
      ['GET', `/api/v1/admin/notifications/deliveries?user=${'x'.repeat(201)}`, undefined],
      ['POST', '/api/v1/admin/notifications/failed/retry', { ids: [] }],
      ['POST', '/api/v1/admin/notifications/failed/retry', { ids: ['nope'] }],
      ['POST', '/api/v1/admin/notifications/failed/retry', { ids: [bo.id], extra: 1 }],
    ] as const) {
      const r = await t.api<{ error: { code: string } }>(method, path, { token: admin.token, body });
      expect(r.status, path).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
  });
});
