import type pg from 'pg';
import type { NotificationKind } from '@lyceum/contracts';

/** Attempts before a delivery lands in the failed list (GET /api/v1/admin/notifications/failed). */
export const MAX_EMAIL_ATTEMPTS = 5;

/**
 * The one backoff of email delivery. Wait before attempt n+1 after n failures: 30 s, 2 min, 8 min, 32 min… (×4, at
 * most 2 h), with ±20 % jitter so a mail server's outage is not answered by every retry at the same instant.
 */
export function backoffMs(failures: number, baseMs = 30_000, random = Math.random): number {
  const raw = Math.min(baseMs * 4 ** Math.max(0, failures - 1), 2 * 3_600_000);
  return Math.round(raw * (0.8 + 0.4 * random()));
}

/** One claimed delivery with what its email needs (read in the claiming statement: no query per email). */
export interface DueEmail {
  id: string;
  userId: string;
  notificationId: string | null;
  /** Failures so far. */
  attempts: number;
  email: string;
  name: string;
  type: NotificationKind;
  title: string;
  body: string;
  url: string | null;
  courseId: string | null;
  courseTitle: string | null;
  createdAt: Date;
}

export interface SweepOptions {
  /** Deliveries claimed per statement (default 500). */
  batch?: number;
  /** Sends in flight at once (default 64; a pooled SMTP transport spreads them over its connections). */
  concurrency?: number;
  maxAttempts?: number;
  /** Base of backoffMs (default 30 s). */
  baseBackoffMs?: number;
  /** How long a claim holds before another node may take the rows (default 5 min). */
  leaseMs?: number;
}

export interface SweepResult {
  sent: number;
  failed: number;
  retried: number;
}

interface Claimed {
  id: string;
  user_id: string;
  notification_id: string | null;
  attempts: number;
  /** Null when the account went away (the send fails and the row ends in the failed list). */
  email: string | null;
  name: string | null;
  type: NotificationKind;
  title: string;
  body: string;
  url: string | null;
  course_id: string | null;
  course_title: string | null;
  created_at: Date;
}

const CLAIM_SQL = `
  WITH claimed AS (
    UPDATE notification_emails e SET not_before = now() + make_interval(secs => $2::double precision / 1000)
    WHERE e.id IN (
      SELECT id FROM notification_emails
      WHERE status = 'pending' AND mode = 'immediately' AND not_before <= now()
      ORDER BY not_before, id LIMIT $1 FOR UPDATE SKIP LOCKED)
    RETURNING e.id, e.user_id, e.notification_id, e.attempts)
  SELECT c.id, c.user_id, c.notification_id, c.attempts, u.email, u.name, n.type, n.title, n.body, n.url, n.course_id,
    co.title AS course_title, n.created_at
  FROM claimed c LEFT JOIN users u ON u.id = c.user_id JOIN notifications n ON n.id = c.notification_id
  LEFT JOIN courses co ON co.id = n.course_id`;

const toDue = (r: Claimed): DueEmail => ({
  id: r.id,
  userId: r.user_id,
  notificationId: r.notification_id,
  attempts: r.attempts,
  email: r.email ?? '',
  name: r.name ?? '',
  type: r.type,
  title: r.title,
  body: r.body,
  url: r.url,
  courseId: r.course_id,
  courseTitle: r.course_title,
  createdAt: r.created_at,
});

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 1000);

/** Run `fn` over items with at most `n` at once; answers each one's error (null when it went through), in order. */
export async function pooled<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<unknown[]> {
  const out: unknown[] = new Array(items.length).fill(null);
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

/**
 * Write the outcomes of sends, in two statements whatever their number: the sent ones; the failed ones counted,
 * each given its next try after backoffMs (with jitter), or at the last attempt status failed (the failed list).
 */
export async function settleEmails(
  db: Pick<pg.Pool, 'query'>,
  rows: { id: string; attempts: number }[],
  errors: unknown[],
  o: Pick<SweepOptions, 'maxAttempts' | 'baseBackoffMs'> = {},
): Promise<SweepResult> {
  const maxAttempts = o.maxAttempts ?? MAX_EMAIL_ATTEMPTS;
  const sent = rows.filter((_, i) => errors[i] === null).map((r) => r.id);
  if (sent.length)
    await db.query(
      `UPDATE notification_emails SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL
       WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [sent],
    );
  const failed = rows.map((r, i) => ({ r, err: errors[i] })).filter((x) => x.err !== null);
  let gaveUp = 0;
  if (failed.length) {
    const n = failed.map((x) => x.r.attempts + 1);
    gaveUp = n.filter((k) => k >= maxAttempts).length;
    await db.query(
      `UPDATE notification_emails e SET attempts = f.n, last_error = f.err,
         status = CASE WHEN f.n >= $5 THEN 'failed' ELSE 'pending' END,
         not_before = CASE WHEN f.n >= $5 THEN e.not_before ELSE now() + make_interval(secs => f.wait / 1000) END
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::float8[]) AS f(id, err, n, wait)
       WHERE e.id = f.id AND e.status = 'pending'`,
      [
        failed.map((x) => x.r.id),
        failed.map((x) => errorText(x.err)),
        n,
        n.map((k) => backoffMs(k, o.baseBackoffMs)),
        maxAttempts,
      ],
    );
  }
  return { sent: sent.length, failed: gaveUp, retried: failed.length - gaveUp };
}

/**
 * THE email delivery of notifications (immediate ones; digests are composed per user by the hourly job and settle
 * the same way). Run by the scheduler's email_deliver job: woken when a fan-out queued immediate emails, and every
 * minute for retries whose wait is over. Rows are claimed a batch at a time with FOR UPDATE SKIP LOCKED in one
 * statement that also reads what the emails need and moves their not_before a few minutes on (a lease): a second
 * node skips them, and a node killed mid-send leaves them to be tried again when the lease ends (at least once). The
 * next batch is claimed while this one is sent; outcomes are written per batch (settleEmails).
 */
export async function deliverDueEmails(
  pool: pg.Pool,
  sendOne: (row: DueEmail) => Promise<void>,
  o: SweepOptions = {},
): Promise<SweepResult> {
  const batch = o.batch ?? 500;
  const concurrency = o.concurrency ?? 64;
  const leaseMs = o.leaseMs ?? 5 * 60_000;
  const claim = async () => (await pool.query<Claimed>(CLAIM_SQL, [batch, leaseMs])).rows.map(toDue);
  const out: SweepResult = { sent: 0, failed: 0, retried: 0 };
  let rows = await claim();
  while (rows.length) {
    const next = rows.length >= batch ? claim() : Promise.resolve([]);
    // A failed claim of the next batch must not leave this batch's outcomes unwritten.
    next.catch(() => {});
    const errors = await pooled(rows, concurrency, sendOne);
    const r = await settleEmails(pool, rows, errors, o);
    out.sent += r.sent;
    out.failed += r.failed;
    out.retried += r.retried;
    rows = await next;
  }
  return out;
}
