import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { smtpMailer } from '../../../lib/mailer.ts';
import { fanOut } from '../fanout.ts';
import { backoffMs, deliverDueEmails } from './email-retry.ts';

/** A real SMTP server on loopback that refuses the first `refusals` messages to each recipient (4xx or 5xx). */
async function startSmtp(refusals: Map<string, number>) {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, cb) {
      const left = refusals.get(address.address) ?? 0;
      if (left > 0) {
        refusals.set(address.address, left - 1);
        const err = Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 });
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received.push(...session.envelope.rcptTo.map((r) => r.address));
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let t: TestServer;
const refusals = new Map<string, number>();
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  t = await startTestServer();
  smtp = await startSmtp(refusals);
});
afterAll(async () => {
  await smtp.close();
  await t.close();
});

interface Row {
  status: string;
  attempts: number;
  last_error: string | null;
  not_before: Date;
}

describe('email delivery retries', () => {
  it('backs off ×4 from the base with jitter, capped at two hours', () => {
    expect(backoffMs(1, 30_000, () => 0.5)).toBe(30_000);
    expect(backoffMs(2, 30_000, () => 0.5)).toBe(120_000);
    expect(backoffMs(3, 30_000, () => 0.5)).toBe(480_000);
    expect(backoffMs(20, 30_000, () => 0.5)).toBe(7_200_000);
    expect(backoffMs(1, 30_000, () => 0)).toBe(24_000);
    expect(backoffMs(1, 30_000, () => 1)).toBe(36_000);
  });

  it('a refused email is retried after its wait and sent once; one refused every time lands in the failed list', async () => {
    // Only this sweep sends here (the scheduler, whose job runs the same sweep, is off in this server).
    const lucky = await t.user('student');
    const unlucky = await t.user('student');
    refusals.set(lucky.email, 2);
    refusals.set(unlucky.email, 99);
    const r = await fanOut(
      t.server.database.pool,
      { userIds: [lucky.id, unlucky.id] },
      { type: 'deadline_upcoming', title: 'Due soon', body: 'Essay', dedupeKey: 'retry-test:{userId}' },
    );
    expect(r.immediateEmails).toBe(2);
    const mailer = smtpMailer(`smtp://127.0.0.1:${smtp.port}`, 'Lyceum <no-reply@lyceum.test>');
    const emails = new Map([
      [lucky.id, lucky.email],
      [unlucky.id, unlucky.email],
    ]);
    const sendOne = (row: { userId: string }) =>
      mailer.send({ to: emails.get(row.userId)!, subject: 'Due soon', text: 'Essay' });
    const rowOf = async (userId: string) =>
      (
        await t.server.database.pool.query<Row>(
          `SELECT e.status, e.attempts, e.last_error, e.not_before FROM notification_emails e
           JOIN notifications n ON n.id = e.notification_id WHERE n.dedupe_key = $1`,
          [`retry-test:${userId}`],
        )
      ).rows[0]!;
    const options = { baseBackoffMs: 1500, maxAttempts: 4 };

    const first = await deliverDueEmails(t.server.database.pool, sendOne, options);
    expect(first).toEqual({ sent: 0, failed: 0, retried: 2 });
    const waiting = await rowOf(lucky.id);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting.last_error).toMatch(/451/);
    expect(waiting.not_before.getTime()).toBeGreaterThan(Date.now() + 100);
    // Nothing is due again before the wait is over.
    expect(await deliverDueEmails(t.server.database.pool, sendOne, options)).toEqual({
      sent: 0,
      failed: 0,
      retried: 0,
    });

    const end = Date.now() + 50_000;
    while (Date.now() < end) {
      await deliverDueEmails(t.server.database.pool, sendOne, options);
      const [a, b] = [await rowOf(lucky.id), await rowOf(unlucky.id)];
      if (a.status !== 'pending' && b.status !== 'pending') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(await rowOf(lucky.id)).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    const failed = await rowOf(unlucky.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 4 });
    expect(failed.last_error).toMatch(/451/);
    expect(smtp.received.filter((a) => a === lucky.email)).toHaveLength(1);
    expect(smtp.received.filter((a) => a === unlucky.email)).toHaveLength(0);
  }, 90_000);
});
