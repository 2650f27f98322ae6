import type pg from 'pg';
import type { DeliveryLog, EmailDelivery, NotificationKind } from '@lyceum/contracts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { ApiError } from '../../http/errors.ts';

interface Row {
  id: string;
  user_id: string;
  email: string;
  notification_id: string | null;
  type: NotificationKind | null;
  mode: EmailDelivery['mode'];
  status: EmailDelivery['status'];
  attempts: number;
  last_error: string | null;
  not_before: Date;
  created_at: Date;
  sent_at: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The admins' delivery log (filtered by status, recipient, type and channel) and failed list (with retry). */
export function deliveryLogService(pool: pg.Pool) {
  return {
    async list(q: {
      status?: EmailDelivery['status'];
      user?: string;
      type?: NotificationKind;
      mode?: EmailDelivery['mode'];
      cursor?: string;
      limit: number;
    }): Promise<DeliveryLog> {
      const params: unknown[] = [];
      const where: string[] = [];
      const p = (v: unknown) => {
        params.push(v);
        return `$${params.length}`;
      };
      if (q.status) where.push(`e.status = ${p(q.status)}`);
      if (q.type) where.push(`n.type = ${p(q.type)}`);
      if (q.mode) where.push(`e.mode = ${p(q.mode)}`);
      if (q.user)
        where.push(
          UUID.test(q.user)
            ? `e.user_id = ${p(q.user)}::uuid`
            : `u.email ILIKE ${p(`%${q.user.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`,
        );
      if (q.cursor) {
        const [id] = decodeCursor(q.cursor, 1);
        if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id))
          throw new ApiError('validation_failed', 'The cursor is malformed', { field: 'cursor' });
        params.push(id);
        where.push(`e.id < $${params.length}::uuid`);
      }
      params.push(q.limit + 1);
      const { rows } = await pool.query<Row>(
        `SELECT e.id, e.user_id, u.email, e.notification_id, n.type, e.mode, e.status, e.attempts, e.last_error,
           e.not_before, e.created_at, e.sent_at
         FROM notification_emails e JOIN users u ON u.id = e.user_id
         LEFT JOIN notifications n ON n.id = e.notification_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY e.id DESC LIMIT $${params.length}`,
        params,
      );
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => ({
          id: r.id,
          userId: r.user_id,
          email: r.email,
          notificationId: r.notification_id,
          type: r.type,
          mode: r.mode,
          status: r.status,
          attempts: r.attempts,
          lastError: r.last_error,
          notBefore: r.not_before.toISOString(),
          createdAt: r.created_at.toISOString(),
          sentAt: r.sent_at ? r.sent_at.toISOString() : null,
        })),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.id]) : null,
      };
    },

    /**
     * Failed deliveries back to pending (attempts from zero, due now) for the delivery sweep; rows that are not failed
     * are left alone. Answers how many went back.
     */
    async retry(ids: string[]): Promise<number> {
      const { rowCount } = await pool.query(
        `UPDATE notification_emails SET status = 'pending', attempts = 0, not_before = now()
         WHERE id = ANY($1::uuid[]) AND status = 'failed'`,
        [ids],
      );
      return rowCount ?? 0;
    },
  };
}
export type DeliveryLogService = ReturnType<typeof deliveryLogService>;
