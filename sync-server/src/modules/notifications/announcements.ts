import type pg from 'pg';
import type { Logger } from 'pino';
import {
  dedupeKeys,
  type Announcement,
  type AnnouncementInput,
  type PlatformAnnouncementInput,
  type Role,
} from '@lyceum/contracts';
import { withTransaction } from '../../db/transaction.ts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import { newId } from '../../lib/ids.ts';
import type { Audience, FanOutResult, NotificationDraft, Queryable } from './fanout.ts';
import { markdownToText, renderMarkdown } from './markdown.ts';

interface Row {
  id: string;
  course_id: string | null;
  role: Role | null;
  author_id: string;
  title: string;
  body: string;
  body_html: string;
  email: boolean;
  send_at: Date;
  status: 'scheduled' | 'sent';
  sent_at: Date | null;
  created_at: Date;
  delivered: number;
  read: number;
  emailed: number;
}

const SELECT = `SELECT a.*,
  (SELECT count(*)::int FROM notifications n WHERE n.announcement_id = a.id) AS delivered,
  (SELECT count(*)::int FROM notifications n WHERE n.announcement_id = a.id AND n.read_at IS NOT NULL) AS read,
  (SELECT count(*)::int FROM notification_emails e JOIN notifications n ON n.id = e.notification_id
     WHERE n.announcement_id = a.id AND e.status = 'sent') AS emailed
  FROM announcements a`;

const toAnnouncement = (r: Row): Announcement => ({
  id: r.id,
  courseId: r.course_id,
  role: r.role,
  authorId: r.author_id,
  title: r.title,
  body: r.body,
  bodyHtml: r.body_html,
  email: r.email,
  sendAt: r.send_at.toISOString(),
  status: r.status,
  sentAt: r.sent_at ? r.sent_at.toISOString() : null,
  delivered: r.delivered,
  read: r.read,
  emailed: r.emailed,
  createdAt: r.created_at.toISOString(),
});

export interface AnnouncementDeps {
  pool: pg.Pool;
  isInstructor(courseId: string, userId: string): Promise<boolean>;
  courseExists(courseId: string): Promise<boolean>;
  /** The fan-out, on the given connection (the delivery's transaction). */
  fanOut(db: Queryable, audience: Audience, draft: NotificationDraft): Promise<FanOutResult>;
  /** Once the fan-out committed: live push, wake the email sweep. */
  afterCommit(result: FanOutResult, draft: NotificationDraft): Promise<void>;
  logger?: Pick<Logger, 'warn'>;
  /** A scheduled one was stored: the scheduler (N-schedule) picks it up at send_at. */
  onScheduled?: (id: string, sendAt: Date) => void | Promise<void>;
}

/**
 * Announcements: an instructor of a course (or an admin) to its students; an admin to everyone or to one role. Sent
 * now, or stored as scheduled (send_at in the future) for the scheduler to send through `sendDue`. The body is
 * markdown, stored with its safe HTML rendering. Sending is once per announcement: the status flips
 * scheduled → sent in one conditional UPDATE IN THE SAME TRANSACTION as the fan-out (a failed fan-out leaves it
 * scheduled, for the scheduler's retry), and the inbox rows' dedupe key is announcement:<id>.
 */
export function announcementService(deps: AnnouncementDeps) {
  const { pool } = deps;

  async function get(id: string): Promise<Announcement> {
    const { rows } = await pool.query<Row>(`${SELECT} WHERE a.id = $1`, [id]);
    if (!rows[0]) throw new ApiError('not_found', 'No such announcement');
    return toAnnouncement(rows[0]);
  }

  /**
   * Send one that is due (or now). One transaction: claim it (scheduled → sent, so two nodes or two jobs cannot both
   * send it; the row stays locked until commit) and fan it out. If the fan-out fails nothing is kept: the
   * announcement is still scheduled and the next try (the job's retry, sendDue) sends it, once.
   */
  async function deliver(id: string): Promise<boolean> {
    const done = await withTransaction(pool, async (client) => {
      const { rows } = await client.query<Row>(
        `UPDATE announcements SET status = 'sent', sent_at = now() WHERE id = $1 AND status = 'scheduled' RETURNING *`,
        [id],
      );
      const a = rows[0];
      if (!a) return null;
      const audience: Audience = a.course_id ? { courseStudents: a.course_id } : { role: a.role };
      const draft: NotificationDraft = {
        type: 'announcement',
        courseId: a.course_id,
        title: a.title,
        body: a.body,
        url: a.course_id ? `/courses/${a.course_id}/announcements/${a.id}` : `/notifications`,
        dedupeKey: dedupeKeys.announcement(a.id),
        email: a.email,
        announcementId: a.id,
      };
      return { result: await deps.fanOut(client, audience, draft), draft };
    });
    if (!done) return false;
    await deps.afterCommit(done.result, done.draft);
    return true;
  }

  async function store(
    author: Caller,
    target: { courseId: string } | { role: Role | null },
    input: AnnouncementInput,
  ): Promise<Announcement> {
    const id = newId();
    const sendAt = input.sendAt ? new Date(input.sendAt) : new Date();
    await pool.query(
      `INSERT INTO announcements (id, course_id, role, author_id, title, body, body_html, email, send_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        'courseId' in target ? target.courseId : null,
        'role' in target ? target.role : null,
        author.id,
        input.title,
        input.body,
        renderMarkdown(input.body),
        input.email,
        sendAt,
      ],
    );
    if (sendAt.getTime() > Date.now()) await deps.onScheduled?.(id, sendAt);
    else
      try {
        await deliver(id);
      } catch (err) {
        // Stored and still scheduled: the scheduler's job retries it now; the author sees status scheduled.
        deps.logger?.warn({ err, announcement: id }, 'announcement fan-out failed; retried by the scheduler');
        await deps.onScheduled?.(id, new Date());
      }
    return get(id);
  }

  return {
    get,
    deliver,
    /** POST /courses/:id/announcements: the course's instructors (and admins) only. */
    async toCourse(caller: Caller, courseId: string, input: AnnouncementInput): Promise<Announcement> {
      if (!(await deps.courseExists(courseId))) throw new ApiError('not_found', 'No such course');
      if (caller.role !== 'admin' && !(await deps.isInstructor(courseId, caller.id)))
        throw new ApiError('forbidden', 'Only the instructors of this course can write to its students');
      return store(caller, { courseId }, input);
    },
    /** Admins: to everyone, or to one role. */
    toPlatform(caller: Caller, input: PlatformAnnouncementInput): Promise<Announcement> {
      const { role, ...rest } = input;
      return store(caller, { role: role ?? null }, rest);
    },
    async listForCourse(caller: Caller, courseId: string): Promise<Announcement[]> {
      if (!(await deps.courseExists(courseId))) throw new ApiError('not_found', 'No such course');
      if (caller.role !== 'admin' && !(await deps.isInstructor(courseId, caller.id)))
        throw new ApiError('forbidden', 'Only the instructors of this course see its announcements');
      const { rows } = await pool.query<Row>(
        `${SELECT} WHERE a.course_id = $1 ORDER BY a.created_at DESC LIMIT 100`,
        [courseId],
      );
      return rows.map(toAnnouncement);
    },
    async listPlatform(): Promise<Announcement[]> {
      const { rows } = await pool.query<Row>(
        `${SELECT} WHERE a.course_id IS NULL ORDER BY a.created_at DESC LIMIT 100`,
      );
      return rows.map(toAnnouncement);
    },
    /** Send every scheduled announcement whose time came (the scheduler's job; also catches up after downtime). */
    async sendDue(now = new Date()): Promise<number> {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM announcements WHERE status = 'scheduled' AND send_at <= $1 ORDER BY send_at`,
        [now],
      );
      let n = 0;
      for (const r of rows) if (await deliver(r.id)) n += 1;
      return n;
    },
    /** Plain-text preview of the body (inbox lists). */
    preview: (body: string) => markdownToText(body).slice(0, 280),
  };
}
export type AnnouncementService = ReturnType<typeof announcementService>;
