import type pg from 'pg';

/** Attempts before a delivery lands in the failed list (GET /api/v1/admin/notifications/failed). */
export const MAX_EMAIL_ATTEMPTS = 5;

/** Wait before attempt n+1 after n failures: 30 s, 2 min, 8 min, 32 min… (×4, at most 2 h), with ±20 % jitter. */
export function backoffMs(failures: number, baseMs = 30_000, random = Math.random): number {
  const raw = Math.min(baseMs * 4 ** Math.max(0, failures - 1), 2 * 3_600_000);
  return Math.round(raw * (0.8 + 0.4 * random()));
}

export interface DueEmail {
  id: string;
  userId: string;
  notificationId: string | null;
  attempts: number;
}

/**
 * Send what is due among the immediate email deliveries, a batch at a time. Rows are claimed with FOR UPDATE SKIP
 * LOCKED inside a short transaction that moves their not_before a few minutes on (a lease): a second node skips them,
 * and a node killed mid-send leaves them to be tried again when the lease ends. Each outcome is written on its own:
 * sent; or a failure counted with the next try pushed back (backoffMs); or, at the last attempt, status failed.
 */
export async function deliverDueEmails(
  pool: pg.Pool,
  sendOne: (row: DueEmail) => Promise<void>,
  o: { batch?: number; maxAttempts?: number; baseBackoffMs?: number; leaseMs?: number } = {},
): Promise<{ sent: number; failed: number; retried: number }> {
  const batch = o.batch ?? 200;
  const maxAttempts = o.maxAttempts ?? MAX_EMAIL_ATTEMPTS;
  const leaseMs = o.leaseMs ?? 5 * 60_000;
  const out = { sent: 0, failed: 0, retried: 0 };
  for (;;) {
    const claimed = await pool.query<{
      id: string;
      user_id: string;
      notification_id: string | null;
      attempts: number;
    }>(
      `UPDATE notification_emails e SET not_before = now() + make_interval(secs => $2::double precision / 1000)
       WHERE e.id IN (
         SELECT id FROM notification_emails
         WHERE status = 'pending' AND mode = 'immediately' AND not_before <= now()
         ORDER BY not_before, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING e.id, e.user_id, e.notification_id, e.attempts`,
      [batch, leaseMs],
    );
    if (!claimed.rows.length) return out;
    // A few at a time: an SMTP server takes one message per round trip.
    const rows = claimed.rows;
    for (let i = 0; i < rows.length; i += 8) {
      await Promise.all(
        rows.slice(i, i + 8).map(async (r) => {
          const row: DueEmail = {
            id: r.id,
            userId: r.user_id,
            notificationId: r.notification_id,
            attempts: r.attempts,
          };
          try {
            await sendOne(row);
            await pool.query(
              `UPDATE notification_emails SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL
               WHERE id = $1 AND status = 'pending'`,
              [row.id],
            );
            out.sent += 1;
          } catch (err) {
            const failures = row.attempts + 1;
            const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
            if (failures >= maxAttempts) {
              await pool.query(
                `UPDATE notification_emails SET status = 'failed', attempts = $2, last_error = $3 WHERE id = $1`,
                [row.id, failures, message],
              );
              out.failed += 1;
            } else {
              const wait = backoffMs(failures, o.baseBackoffMs);
              await pool.query(
                `UPDATE notification_emails SET attempts = $2, last_error = $3,
                   not_before = now() + make_interval(secs => $4::double precision / 1000) WHERE id = $1`,
                [row.id, failures, message, wait],
              );
              out.retried += 1;
            }
          }
        }),
      );
    }
    if (rows.length < batch) return out;
  }
}
