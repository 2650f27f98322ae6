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

/** The admins' delivery log and failed list. */
export function deliveryLogService(pool: pg.Pool) {
  return {
    async list(q: {
      status?: EmailDelivery['status'];
      cursor?: string;
      limit: number;
    }): Promise<DeliveryLog> {
      const params: unknown[] = [];
      const where: string[] = [];
      if (q.status) {
        params.push(q.status);
        where.push(`e.status = $${params.length}`);
      }
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
  };
}
export type DeliveryLogService = ReturnType<typeof deliveryLogService>;
