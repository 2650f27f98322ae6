import type pg from 'pg';
import type { Logger } from 'pino';
import type { NotificationKind } from '@lyceum/contracts';
import type { Mailer, MailMessage } from '../../lib/mailer.ts';
import { composeDigest, composeImmediate, type ComposeContext, type MailItem } from './compose.ts';

export interface DeliveryOptions {
  /** Emails claimed per transaction (default 500). */
  batchSize?: number;
  /** Sends in flight at once (default 64; the SMTP pool spreads them over its connections). */
  concurrency?: number;
  /** Attempts before a delivery lands in the failed list (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubled each attempt (default 30 s). */
  backoffMs?: number;
  /** Idle poll period when nothing wakes the worker (default 2000 ms). */
  pollMs?: number;
}

interface DueRow {
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

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 1000);

/** Run `fn` over items with at most `n` at once; answers each outcome in order. */
async function pooled<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<(unknown | null)[]> {
  const out: (unknown | null)[] = new Array(items.length).fill(null);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!);
      } catch (err) {
        out[i] = err ?? new Error('send failed');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
  return out;
}

const ITEM_SQL = `e.id, e.user_id, e.attempts, u.email, u.name, n.type, n.title, n.body, n.url, n.course_id,
  c.title AS course_title, n.created_at
  FROM notification_emails e JOIN notifications n ON n.id = e.notification_id JOIN users u ON u.id = e.user_id
  LEFT JOIN courses c ON c.id = n.course_id`;

const toItem = (r: DueRow): MailItem => ({
  type: r.type,
  title: r.title,
  body: r.body,
  url: r.url,
  courseId: r.course_id,
  courseTitle: r.course_title,
  createdAt: r.created_at,
});

/**
 * Email delivery through the mailer port. Immediate emails: claimed in batches (FOR UPDATE SKIP LOCKED, so several API
 * nodes share the work and never send one twice at once), sent concurrently, marked sent in the same transaction; a
 * failure is retried with exponential backoff, then lands in the failed list (status failed). A crash after sending
 * and before the commit sends that batch again (at least once). Digests: every pending daily/weekly item of a user in
 * one email, grouped by course.
 */
export function emailDelivery(
  pool: pg.Pool,
  mailer: () => Mailer,
  ctx: () => ComposeContext,
  logger: Logger,
  opts: DeliveryOptions = {},
) {
  const batchSize = opts.batchSize ?? 500;
  const concurrency = opts.concurrency ?? 64;
  const maxAttempts = opts.maxAttempts ?? 5;
  const backoffMs = opts.backoffMs ?? 30_000;
  const pollMs = opts.pollMs ?? 2000;

  async function settle(
    client: pg.PoolClient,
    rows: { id: string; attempts: number }[],
    errors: (unknown | null)[],
  ): Promise<void> {
    const sent = rows.filter((_, i) => errors[i] === null).map((r) => r.id);
    if (sent.length)
      await client.query(
        `UPDATE notification_emails SET status = 'sent', sent_at = now(), attempts = attempts + 1
         WHERE id = ANY($1::uuid[])`,
        [sent],
      );
    const failed = rows.map((r, i) => ({ r, err: errors[i] })).filter((x) => x.err !== null);
    if (failed.length)
      await client.query(
        `UPDATE notification_emails e SET attempts = e.attempts + 1, last_error = f.err,
           status = CASE WHEN e.attempts + 1 >= $4 THEN 'failed' ELSE 'pending' END,
           not_before = now() + make_interval(secs => $5::float8 * power(2, e.attempts) / 1000)
         FROM unnest($1::uuid[], $2::text[], $3::int[]) AS f(id, err, n) WHERE e.id = f.id`,
        [
          failed.map((x) => x.r.id),
          failed.map((x) => errorText(x.err)),
          failed.map(() => 0),
          maxAttempts,
          backoffMs,
        ],
      );
    for (const f of failed.slice(0, 3))
      logger.warn({ err: f.err, delivery: f.r.id }, 'notification email failed');
  }

  /** Send one batch of due immediate emails; answers how many were claimed. */
  async function deliverOnce(): Promise<number> {
    const client = await pool.connect();
    let open = false;
    try {
      await client.query('BEGIN');
      open = true;
      const { rows } = await client.query<DueRow>(
        `SELECT ${ITEM_SQL}
         WHERE e.id IN (SELECT id FROM notification_emails
           WHERE status = 'pending' AND mode = 'immediately' AND not_before <= now()
           ORDER BY not_before, id LIMIT $1 FOR UPDATE SKIP LOCKED)`,
        [batchSize],
      );
      if (rows.length) {
        const c = ctx();
        const m = mailer();
        const errors = await pooled(rows, concurrency, (r) =>
          m.send(composeImmediate(c, { userId: r.user_id, email: r.email, name: r.name }, toItem(r))),
        );
        await settle(client, rows, errors);
      }
      await client.query('COMMIT');
      open = false;
      return rows.length;
    } finally {
      if (open) await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  }

  /** Everything due now (tests, bench); answers the number of emails claimed. */
  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await deliverOnce();
      total += n;
      if (n < batchSize) return total;
    }
  }

  /**
   * Send the pending daily or weekly digest items: one email per user, grouped by course. Users whose items another
   * node is sending are skipped (SKIP LOCKED). Answers the number of digests sent.
   */
  async function sendDigests(
    period: 'daily' | 'weekly',
    opts: { at?: Date; maxUsers?: number } = {},
  ): Promise<number> {
    // With `at` (the scheduler's hourly run): only users whose local time is then their digest hour (weekly: Monday).
    const local = `(${opts.at ? '$3::timestamptz' : 'now()'} AT TIME ZONE coalesce(s.settings->>'timezone', 'UTC'))`;
    const when = opts.at
      ? `AND extract(hour FROM ${local}) = ${DIGEST_HOUR}` +
        (period === 'weekly' ? ` AND extract(isodow FROM ${local}) = 1` : '')
      : '';
    const { rows: users } = await pool.query<{ user_id: string }>(
      `SELECT DISTINCT e.user_id FROM notification_emails e
       LEFT JOIN notification_settings s ON s.user_id = e.user_id
       WHERE e.status = 'pending' AND e.mode = $1 ${when} LIMIT $2`,
      opts.at ? [period, opts.maxUsers ?? 10_000, opts.at] : [period, opts.maxUsers ?? 10_000],
    );
    let sent = 0;
    for (const { user_id } of users) {
      const client = await pool.connect();
      let open = false;
      try {
        await client.query('BEGIN');
        open = true;
        const { rows } = await client.query<DueRow>(
          `SELECT ${ITEM_SQL}
           WHERE e.id IN (SELECT id FROM notification_emails WHERE user_id = $1 AND status = 'pending' AND mode = $2
             FOR UPDATE SKIP LOCKED)`,
          [user_id, period],
        );
        if (rows.length) {
          const r0 = rows[0]!;
          let message: MailMessage | null = null;
          let err: unknown = null;
          try {
            message = composeDigest(
              ctx(),
              { userId: user_id, email: r0.email, name: r0.name },
              period,
              rows.map(toItem),
            );
            await mailer().send(message);
          } catch (e) {
            err = e;
          }
          if (err === null) {
            await client.query(
              `UPDATE notification_emails SET status = 'sent', sent_at = now(), attempts = attempts + 1,
                 digest_id = uuidv7() WHERE id = ANY($1::uuid[])`,
              [rows.map((r) => r.id)],
            );
            sent += 1;
          } else
            await settle(
              client,
              rows,
              rows.map(() => err),
            );
        }
        await client.query('COMMIT');
        open = false;
      } finally {
        if (open) await client.query('ROLLBACK').catch(() => {});
        client.release();
      }
    }
    return sent;
  }

  /** Compose and send one delivery (the scheduler's retry sweep calls this; it records the outcome). */
  async function sendOne(id: string): Promise<void> {
    const { rows } = await pool.query<DueRow>(`SELECT ${ITEM_SQL} WHERE e.id = $1`, [id]);
    const r = rows[0];
    if (!r) throw new Error(`No email delivery ${id}`);
    await mailer().send(
      composeImmediate(ctx(), { userId: r.user_id, email: r.email, name: r.name }, toItem(r)),
    );
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  let again = false;

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    running = (async () => {
      do {
        again = false;
        try {
          await drain();
        } catch (err) {
          logger.warn({ err }, 'notification email delivery failed');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
      if (!stopped) {
        timer = setTimeout(kick, pollMs);
        timer.unref();
      }
    });
  }

  return {
    deliverOnce,
    drain,
    sendOne,
    sendDigests,
    /** Wake the worker (after a fan-out queued immediate emails). */
    kick,
    start(): void {
      stopped = false;
      kick();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
export type EmailDelivery = ReturnType<typeof emailDelivery>;
