import type pg from 'pg';
import { defaultNotificationPreferences, type NotificationKind, type Role } from '@lyceum/contracts';

/** A pool, or a client inside the caller's transaction (then the rows exist if and only if it commits). */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** What to deliver. The same draft goes to every recipient of a fan-out. */
export interface NotificationDraft {
  type: NotificationKind;
  courseId?: string | null;
  lessonId?: string | null;
  title: string;
  body: string;
  /** In-app link (e.g. /courses/<id>/lessons/<lessonId>). */
  url?: string | null;
  /**
   * Unique per user: a second delivery with the same key is dropped (ON CONFLICT DO NOTHING). `{userId}` in it is
   * replaced by each recipient's id (deadline:<lessonId>:{userId}:24h).
   */
  dedupeKey: string;
  /** Offer it to the email channel (each user's preference for the type decides how); default true. */
  email?: boolean;
  announcementId?: string | null;
}

/** Who receives it; every audience is one SELECT, so a fan-out is one INSERT … SELECT whatever its size. */
export type Audience =
  | { userId: string }
  | { userIds: string[] }
  /** Students of a course (enrollment active or completed); with `incompleteLesson`, only those who have not completed it. */
  | { courseStudents: string; incompleteLesson?: string }
  /** Every account (`role` absent) or those of one role. */
  | { role: Role | null };

export interface FanOutResult {
  /** Inbox rows written (repeats of a dedupe key and muted courses are not). */
  created: number;
  /** Email deliveries queued (immediate ones and digest items). */
  emails: number;
  /** Immediate emails among them (the mail worker is worth waking). */
  immediateEmails: number;
  /** Recipients of new rows (for live push); at most `maxIds` kept. */
  userIds: string[];
  /** The new rows' ids, when one user was the audience (else empty). */
  ids: string[];
}

/** Types a course mute does not silence: a person must hear about their own money and platform alerts. */
export const UNMUTABLE: readonly NotificationKind[] = ['payment_receipt', 'refund_issued', 'alert'];

function audienceSql(a: Audience, params: unknown[]): string {
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if ('userId' in a) return `SELECT ${p(a.userId)}::uuid AS user_id`;
  if ('userIds' in a) return `SELECT DISTINCT unnest(${p(a.userIds)}::uuid[]) AS user_id`;
  if ('courseStudents' in a) {
    const course = p(a.courseStudents);
    const incomplete = a.incompleteLesson
      ? ` AND NOT EXISTS (SELECT 1 FROM lesson_progress lp WHERE lp.user_id = e.user_id
           AND lp.course_id = ${course}::uuid AND lp.lesson_id = ${p(a.incompleteLesson)}::uuid AND lp.completed)`
      : '';
    return `SELECT e.user_id FROM enrollments e WHERE e.course_id = ${course}::uuid
      AND e.status IN ('active', 'completed')${incomplete}`;
  }
  return a.role === null
    ? `SELECT id AS user_id FROM users`
    : `SELECT id AS user_id FROM users WHERE role = ${p(a.role)}`;
}

/**
 * Deliver a notification to an audience in ONE statement: recipients (enabled accounts) with their settings →
 * inbox rows (ON CONFLICT (user_id, dedupe_key) DO NOTHING; muted courses skipped) → email deliveries for the new
 * rows whose type's email preference is not off (immediately: not before the end of the user's quiet hours; daily /
 * weekly: waiting for the digest). Runs on `db` as given: inside the caller's transaction when it passes a client.
 * Live push and waking the mail worker are the module's (see `send` in index.ts), after commit.
 */
export async function fanOut(
  db: Queryable,
  audience: Audience,
  draft: NotificationDraft,
  maxIds = 100_000,
): Promise<FanOutResult> {
  const params: unknown[] = [];
  const from = audienceSql(audience, params);
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const defaults = defaultNotificationPreferences.types[draft.type];
  const type = p(draft.type);
  const course = p(draft.courseId ?? null);
  const mutable = !UNMUTABLE.includes(draft.type);
  const key = p(draft.dedupeKey);
  const perUserKey = draft.dedupeKey.includes('{userId}');
  const text = `
    WITH recipients AS (
      SELECT u.id AS user_id, coalesce(s.settings, '{}'::jsonb) AS settings
      FROM (${from}) a JOIN users u ON u.id = a.user_id AND NOT u.disabled
      LEFT JOIN notification_settings s ON s.user_id = u.id
    ), wanted AS (
      SELECT user_id, settings,
        coalesce(settings->'types'->${type}->>'push', ${p(defaults.push)}) AS push,
        coalesce(settings->'types'->${type}->>'email', ${p(defaults.email)}) AS email
      FROM recipients
      ${mutable ? `WHERE ${course}::uuid IS NULL OR NOT coalesce(settings->'mutedCourses', '[]'::jsonb) ? ${course}::text` : ''}
    ), ins AS (
      INSERT INTO notifications (id, user_id, type, course_id, lesson_id, title, body, url, dedupe_key, push, announcement_id)
      SELECT uuidv7(), w.user_id, ${type}, ${course}::uuid, ${p(draft.lessonId ?? null)}::uuid, ${p(draft.title)},
        ${p(draft.body)}, ${p(draft.url ?? null)},
        ${perUserKey ? `replace(${key}, '{userId}', w.user_id::text)` : key},
        w.push = 'immediately', ${p(draft.announcementId ?? null)}::uuid
      FROM wanted w
      ON CONFLICT (user_id, dedupe_key) DO NOTHING
      RETURNING id, user_id
    ), mails AS (
      INSERT INTO notification_emails (id, notification_id, user_id, mode, not_before)
      SELECT uuidv7(), ins.id, ins.user_id, w.email,
        CASE WHEN w.email = 'immediately' AND jsonb_typeof(w.settings->'quietHours') = 'object'
          THEN notification_quiet_until(w.settings, now()) ELSE now() END
      FROM ins JOIN wanted w ON w.user_id = ins.user_id
      WHERE ${p(draft.email !== false)} AND w.email <> 'off'
      RETURNING mode
    )
    SELECT (SELECT count(*) FROM ins)::int AS created,
      (SELECT count(*) FROM mails)::int AS emails,
      (SELECT count(*) FROM mails WHERE mode = 'immediately')::int AS immediate,
      (SELECT coalesce(array_agg(user_id), '{}') FROM (SELECT user_id FROM ins LIMIT ${p(maxIds)}) x)::text[] AS user_ids,
      ${'userId' in audience ? `(SELECT coalesce(array_agg(id), '{}') FROM ins)::text[]` : `'{}'::text[]`} AS ids`;
  const { rows } = await db.query<{
    created: number;
    emails: number;
    immediate: number;
    user_ids: string[];
    ids: string[];
  }>(text, params);
  const r = rows[0]!;
  return {
    created: r.created,
    emails: r.emails,
    immediateEmails: r.immediate,
    userIds: r.user_ids,
    ids: r.ids,
  };
}

/** One recipient (a receipt, a reminder): fanOut to `{userId}`. */
export function notifyUser(db: Queryable, userId: string, draft: NotificationDraft): Promise<FanOutResult> {
  return fanOut(db, { userId }, draft);
}
