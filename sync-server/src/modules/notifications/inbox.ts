import type pg from 'pg';
import type {
  MarkNotificationsRead,
  MarkNotificationsReadResult,
  Notification,
  NotificationKind,
  NotificationList,
  NotificationListQuery,
} from '@lyceum/contracts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { ApiError } from '../../http/errors.ts';
import type { Queryable } from './fanout.ts';

interface Row {
  id: string;
  type: NotificationKind;
  course_id: string | null;
  lesson_id: string | null;
  title: string;
  body: string;
  url: string | null;
  dedupe_key: string;
  push: boolean;
  created_at: Date;
  read_at: Date | null;
}

const COLUMNS = 'id, type, course_id, lesson_id, title, body, url, dedupe_key, push, created_at, read_at';

export const toNotification = (r: Row): Notification => ({
  id: r.id,
  type: r.type,
  courseId: r.course_id,
  lessonId: r.lesson_id,
  title: r.title,
  body: r.body,
  url: r.url,
  dedupeKey: r.dedupe_key,
  createdAt: r.created_at.toISOString(),
  readAt: r.read_at ? r.read_at.toISOString() : null,
  push: r.push,
});

/** The inbox: a user's own notifications, newest first; read state. */
export function inboxService(pool: pg.Pool) {
  const unreadCount = async (userId: string, db: Queryable = pool): Promise<number> => {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL',
      [userId],
    );
    return rows[0]!.n;
  };

  return {
    unreadCount,

    async list(userId: string, q: NotificationListQuery): Promise<NotificationList> {
      const params: unknown[] = [userId];
      let where = 'user_id = $1';
      if (q.unread === 'true') where += ' AND read_at IS NULL';
      if (q.unread === 'false') where += ' AND read_at IS NOT NULL';
      if (q.cursor) {
        const [at, id] = decodeCursor(q.cursor, 2);
        if (
          typeof at !== 'string' ||
          typeof id !== 'string' ||
          Number.isNaN(Date.parse(at)) ||
          !/^[0-9a-f-]{36}$/.test(id)
        )
          throw new ApiError('validation_failed', 'The cursor is malformed', { field: 'cursor' });
        params.push(at, id);
        where += ' AND (created_at, id) < ($2::timestamptz, $3::uuid)';
      }
      params.push(q.limit + 1);
      const { rows } = await pool.query<Row>(
        `SELECT ${COLUMNS} FROM notifications WHERE ${where}
         ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map(toNotification),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
        unread: await unreadCount(userId),
      };
    },

    /**
     * Mark the caller's own notifications read (ids of other users' rows are ignored), or all unread ones. Idempotent:
     * rows already read keep their first read time. Runs on `db` (a sync push's transaction, or the pool).
     */
    async markRead(
      userId: string,
      args: MarkNotificationsRead,
      db: Queryable = pool,
    ): Promise<MarkNotificationsReadResult> {
      const { rowCount } = args.all
        ? await db.query('UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL', [
            userId,
          ])
        : await db.query(
            'UPDATE notifications SET read_at = now() WHERE user_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL',
            [userId, args.ids ?? []],
          );
      return { marked: rowCount ?? 0, unread: await unreadCount(userId, db) };
    },

    /** The user's notifications with these ids (sync pulls; a missing id is a tombstone). */
    async byIds(userId: string, ids: string[]): Promise<Notification[]> {
      if (!ids.length) return [];
      const { rows } = await pool.query<Row>(
        `SELECT ${COLUMNS} FROM notifications WHERE user_id = $1 AND id = ANY($2::uuid[])`,
        [userId, ids],
      );
      return rows.map(toNotification);
    },

    /** The newest notifications of a user (an initial sync's snapshot keeps this many). */
    async recent(userId: string, limit = 200): Promise<Notification[]> {
      const { rows } = await pool.query<Row>(
        `SELECT ${COLUMNS} FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
        [userId, limit],
      );
      return rows.map(toNotification);
    },
  };
}
export type InboxService = ReturnType<typeof inboxService>;
