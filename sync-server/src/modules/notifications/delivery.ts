import type pg from 'pg';
import type { NotificationKind } from '@lyceum/contracts';
import { withTransaction } from '../../db/transaction.ts';
import type { Mailer } from '../../lib/mailer.ts';
import {
  composeDigest,
  prepareImmediate,
  type ComposeContext,
  type MailItem,
  type PreparedEmail,
} from './compose.ts';
import { settleEmails, type DueEmail, type SweepOptions } from './schedule/email-retry.ts';

export type DeliveryOptions = Pick<SweepOptions, 'maxAttempts' | 'baseBackoffMs'>;

interface DigestRow {
  id: string;
  user_id: string;
  attempts: number;
  email: string;
  name: string;
  type: NotificationKind;
  title: string;
  body: string;
  url: string | null;
  course_id: string | null;
  course_title: string | null;
  created_at: Date;
}

/** Digests go out at this local hour (in each user's time zone); weekly ones on Mondays. */
export const DIGEST_HOUR = 8;

const ITEM_SQL = `e.id, e.user_id, e.attempts, u.email, u.name, n.type, n.title, n.body, n.url, n.course_id,
  c.title AS course_title, n.created_at
  FROM notification_emails e JOIN notifications n ON n.id = e.notification_id JOIN users u ON u.id = e.user_id
  LEFT JOIN courses c ON c.id = n.course_id`;

const toItem = (r: DigestRow): MailItem => ({
  type: r.type,
  title: r.title,
  body: r.body,
  url: r.url,
  courseId: r.course_id,
  courseTitle: r.course_title,
  createdAt: r.created_at,
});

/** Rendered emails kept per content (a fan-out's recipients share one); the oldest go first past this many. */
const TEMPLATES = 256;

/**
 * Notification email through the mailer port: what the scheduler's delivery sweep (schedule/email-retry.ts, the one
 * delivery path with its retries and failed list) hands over, and the digests. An immediate email is rendered once
 * per content, then addressed per recipient (their unsubscribe link). Digests: every pending daily/weekly item of a
 * user in one email, grouped by course; a failed digest settles like any delivery (backoff, then failed).
 */
export function emailDelivery(
  pool: pg.Pool,
  mailer: () => Mailer,
  ctx: () => ComposeContext,
  opts: DeliveryOptions = {},
) {
  const templates = new Map<string, PreparedEmail>();

  function templateFor(row: DueEmail): PreparedEmail {
    const c = ctx();
    const key = JSON.stringify([c.publicUrl, row.type, row.title, row.body, row.url, row.courseTitle]);
    let t = templates.get(key);
    if (!t) {
      t = prepareImmediate(c, {
        type: row.type,
        title: row.title,
        body: row.body,
        url: row.url,
        courseId: row.courseId,
        courseTitle: row.courseTitle,
        createdAt: row.createdAt,
      });
      templates.set(key, t);
      if (templates.size > TEMPLATES) templates.delete(templates.keys().next().value!);
    }
    return t;
  }

  /** Compose and hand one claimed delivery to the mailer (throws when it was not taken). */
  async function sendOne(row: DueEmail): Promise<void> {
    if (!row.email) throw new Error('The account has no email address any more');
    const m = mailer();
    const to = { userId: row.userId, email: row.email, name: row.name };
    const t = templateFor(row);
    // A mailer that takes whole messages gets the one built once per content (mime.ts), addressed to this recipient.
    if (m.raw) await m.raw.send(row.email, t.raw(m.raw.from)(to));
    else await m.send(t.message(to));
  }

  /**
   * Send the pending daily or weekly digest items: one email per user, grouped by course. Users whose items another
   * node is sending are skipped (SKIP LOCKED). Answers the number of digests sent.
   */
  async function sendDigests(
    period: 'daily' | 'weekly',
    o: { at?: Date; maxUsers?: number } = {},
  ): Promise<number> {
    // With `at` (the scheduler's hourly run): only users whose local time is then their digest hour (weekly: Monday).
    const local = `(${o.at ? '$3::timestamptz' : 'now()'} AT TIME ZONE coalesce(s.settings->>'timezone', 'UTC'))`;
    const when = o.at
      ? `AND extract(hour FROM ${local}) = ${DIGEST_HOUR}` +
        (period === 'weekly' ? ` AND extract(isodow FROM ${local}) = 1` : '')
      : '';
    const { rows: users } = await pool.query<{ user_id: string }>(
      `SELECT DISTINCT e.user_id FROM notification_emails e
       LEFT JOIN notification_settings s ON s.user_id = e.user_id
       WHERE e.status = 'pending' AND e.mode = $1 AND e.not_before <= now() ${when} LIMIT $2`,
      o.at ? [period, o.maxUsers ?? 10_000, o.at] : [period, o.maxUsers ?? 10_000],
    );
    let sent = 0;
    for (const { user_id } of users)
      await withTransaction(pool, async (client) => {
        const { rows } = await client.query<DigestRow>(
          `SELECT ${ITEM_SQL}
           WHERE e.id IN (SELECT id FROM notification_emails WHERE user_id = $1 AND status = 'pending' AND mode = $2
             AND not_before <= now() FOR UPDATE SKIP LOCKED)`,
          [user_id, period],
        );
        if (!rows.length) return;
        const r0 = rows[0]!;
        let err: unknown = null;
        try {
          await mailer().send(
            composeDigest(
              ctx(),
              { userId: user_id, email: r0.email, name: r0.name },
              period,
              rows.map(toItem),
            ),
          );
        } catch (e) {
          err = e ?? new Error('send failed');
        }
        if (err === null) {
          await client.query(
            `UPDATE notification_emails SET status = 'sent', sent_at = now(), attempts = attempts + 1,
               digest_id = uuidv7() WHERE id = ANY($1::uuid[])`,
            [rows.map((r) => r.id)],
          );
          sent += 1;
        } else
          await settleEmails(
            client,
            rows,
            rows.map(() => err),
            opts,
          );
      });
    return sent;
  }

  return { sendOne, templateFor, sendDigests };
}
export type EmailDelivery = ReturnType<typeof emailDelivery>;
