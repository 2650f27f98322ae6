import { dedupeKeys, type QuizAttemptResult, type Role } from '@lyceum/contracts';
import { z } from 'zod';
import { ApiError } from '../../http/errors.ts';
import type { Audience, FanOutResult, NotificationDraft, Queryable } from './fanout.ts';

/** What grade_posted needs of a recorded attempt. */
export type GradedAttempt = Pick<
  QuizAttemptResult,
  'id' | 'courseId' | 'lessonId' | 'percent' | 'passed' | 'duplicate'
>;

/**
 * grade_posted: a quiz attempt was graded (by the server, with the keys it holds: on submission, or when a device's
 * offline attempt reached it through sync). One notification per new attempt of a graded quiz (practice quizzes say
 * nothing), dedupe key grade:<attemptId>, written on `conn`: in the sync push's transaction it commits with the attempt.
 */
export async function gradeDrafts(conn: Queryable, attempts: GradedAttempt[]): Promise<NotificationDraft[]> {
  const fresh = attempts.filter((a) => !a.duplicate);
  if (!fresh.length) return [];
  const { rows } = await conn.query<{ lesson_id: string; lesson: string; course: string }>(
    `SELECT l.id AS lesson_id, l.title AS lesson, c.title AS course
     FROM lessons l JOIN courses c ON c.id = l.course_id JOIN quizzes q ON q.lesson_id = l.id
     WHERE l.id = ANY($1::uuid[]) AND q.graded`,
    [[...new Set(fresh.map((a) => a.lessonId))]],
  );
  const lessons = new Map(rows.map((r) => [r.lesson_id, r]));
  return fresh.flatMap((a) => {
    const l = lessons.get(a.lessonId);
    if (!l) return [];
    const score = `${Math.round(a.percent * 10) / 10} %`;
    return [
      {
        type: 'grade_posted' as const,
        courseId: a.courseId,
        lessonId: a.lessonId,
        title: `${l.lesson}: ${score}${a.passed ? ', passed' : ''}`,
        body: `Your attempt at ${l.lesson} (${l.course}) was graded: ${score}, ${a.passed ? 'passed' : 'not passed yet'}.`,
        url: `/courses/${a.courseId}/lessons/${a.lessonId}`,
        dedupeKey: dedupeKeys.grade(a.id),
      },
    ];
  });
}

/** notifyAlert's input: to some accounts or to every account of a role; the dedupe key is the caller's (per user). */
export const AlertInput = z
  .object({
    userIds: z.array(z.string().uuid()).min(1).max(10_000).optional(),
    role: z.enum(['student', 'instructor', 'admin']).optional(),
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(2000),
    url: z.string().max(500).nullable().optional(),
    /** Stable per alert occurrence (e.g. `alert:<ruleId>:<window start>`), so a re-evaluated alert is not sent twice. */
    dedupeKey: z.string().min(1).max(300),
  })
  .strict()
  .refine((v) => (v.userIds === undefined) !== (v.role === undefined), {
    message: 'Give either userIds or role',
  });
export type AlertInput = z.input<typeof AlertInput>;

/**
 * alert (the analytics alerts call this): a platform alert to some accounts or to a role, in the inbox and by push
 * (email per each user's preference, off by default); course mutes never silence it. Answers the fan-out's counts.
 */
export async function notifyAlert(
  send: (audience: Audience, draft: NotificationDraft) => Promise<FanOutResult>,
  input: AlertInput,
): Promise<FanOutResult> {
  const parsed = AlertInput.safeParse(input);
  if (!parsed.success)
    throw new ApiError('validation_failed', parsed.error.issues[0]?.message ?? 'Invalid alert', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  const a = parsed.data;
  const audience: Audience = a.userIds ? { userIds: a.userIds } : { role: a.role as Role };
  return send(audience, {
    type: 'alert',
    title: a.title,
    body: a.body,
    url: a.url ?? null,
    dedupeKey: a.dedupeKey.startsWith('alert:') ? a.dedupeKey : `alert:${a.dedupeKey}`,
  });
}
