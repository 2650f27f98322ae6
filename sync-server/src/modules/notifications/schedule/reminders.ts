import type pg from 'pg';
import { dedupeKeys } from '@lyceum/contracts';
import type { Audience, NotificationDraft } from '../fanout.ts';
import { lessonUrl } from './deadlines.ts';

/** How the scheduled jobs deliver: the notifications module's `send` (one set-based fan-out, then live push). */
export type Send = (audience: Audience, draft: NotificationDraft) => Promise<{ created: number }>;

interface LessonRow {
  lesson_id: string;
  lesson_title: string;
  due_at: Date | null;
  release_at: Date | null;
  course_id: string;
  course_title: string;
  course_status: string;
}

async function lessonOf(pool: pg.Pool, lessonId: string): Promise<LessonRow | null> {
  const r = await pool.query<LessonRow>(
    `SELECT l.id AS lesson_id, l.title AS lesson_title, l.due_at, l.release_at,
            c.id AS course_id, c.title AS course_title, c.status AS course_status
     FROM lessons l JOIN courses c ON c.id = l.course_id WHERE l.id = $1`,
    [lessonId],
  );
  return r.rows[0] ?? null;
}

const sameTime = (a: Date | null, b: string | null | undefined) =>
  a !== null && b != null && a.getTime() === new Date(b).getTime();

function inWords(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 90) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

export type ReminderOutcome = 'sent' | 'stale' | 'passed' | 'superseded' | 'not_published' | 'unreleased';

/**
 * The 24 h or 1 h reminder of a lesson's due date, to its enrolled students who have not completed it. The job carries
 * the due date it was made for: when the lesson is gone or its due date moved, a newer job (same key) does the work.
 * A reminder whose deadline has passed (the server was down) is not sent late; a 24 h reminder that runs less than an
 * hour before the deadline leaves it to the 1 h one. The per-user dedupe key makes a second run deliver nothing.
 */
export async function sendDeadlineReminder(
  pool: pg.Pool,
  send: Send,
  job: { lessonId: string; before: '24h' | '1h'; dueAt: string },
  now = new Date(),
): Promise<{ outcome: ReminderOutcome; created: number }> {
  const l = await lessonOf(pool, job.lessonId);
  if (!l || !sameTime(l.due_at, job.dueAt)) return { outcome: 'stale', created: 0 };
  const left = l.due_at!.getTime() - now.getTime();
  if (left <= 0) return { outcome: 'passed', created: 0 };
  if (job.before === '24h' && left < 3_600_000) return { outcome: 'superseded', created: 0 };
  if (l.course_status !== 'published') return { outcome: 'not_published', created: 0 };
  if (l.release_at && l.release_at.getTime() > now.getTime()) return { outcome: 'unreleased', created: 0 };
  const r = await send(
    { courseStudents: l.course_id, incompleteLesson: l.lesson_id },
    {
      type: 'deadline_upcoming',
      courseId: l.course_id,
      lessonId: l.lesson_id,
      title: `Due in ${inWords(left)}: ${l.lesson_title}`,
      body: `“${l.lesson_title}” in ${l.course_title} is due on ${l.due_at!.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      url: lessonUrl(l.course_id, l.lesson_id),
      dedupeKey: dedupeKeys.deadline(l.lesson_id, '{userId}', job.before),
    },
  );
  return { outcome: 'sent', created: r.created };
}

/**
 * A lesson's scheduled release time has come: touch the lesson (its sync trigger makes devices fetch the course again,
 * now with the lesson) and tell the course's students (`content_released`, once per lesson and user).
 */
export async function releaseLesson(
  pool: pg.Pool,
  send: Send,
  job: { lessonId: string; releaseAt: string },
  now = new Date(),
): Promise<{ outcome: 'sent' | 'stale' | 'not_published'; created: number }> {
  const l = await lessonOf(pool, job.lessonId);
  if (!l || !sameTime(l.release_at, job.releaseAt)) return { outcome: 'stale', created: 0 };
  // Run early (another node's clock)? Fail: the scheduler retries it a little later.
  if (l.release_at!.getTime() > now.getTime() + 1000) throw new Error('The release time has not come yet');
  await pool.query('UPDATE lessons SET release_at = release_at WHERE id = $1', [l.lesson_id]);
  if (l.course_status !== 'published') return { outcome: 'not_published', created: 0 };
  const r = await send(
    { courseStudents: l.course_id },
    {
      type: 'content_released',
      courseId: l.course_id,
      lessonId: l.lesson_id,
      title: `New lesson: ${l.lesson_title}`,
      body: `“${l.lesson_title}” is now available in ${l.course_title}.`,
      url: lessonUrl(l.course_id, l.lesson_id),
      dedupeKey: dedupeKeys.release(l.lesson_id),
    },
  );
  return { outcome: 'sent', created: r.created };
}
