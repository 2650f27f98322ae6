import { z } from 'zod';
import { IsoDateTime, MutationName } from '@lyceum/contracts';
import type { OutboxRepo } from './outbox.ts';

export const RejectedChange = z.object({
  id: z.string(),
  name: MutationName,
  /** What the change was, in words. */
  what: z.string(),
  createdAt: z.string(),
  code: z.string(),
  /** The server's reason. */
  message: z.string(),
  /** What the student can do about it. */
  action: z.string(),
  courseId: z.string().nullable(),
});
export type RejectedChange = z.infer<typeof RejectedChange>;

export const SyncStatus = z.object({
  signedIn: z.boolean(),
  online: z.boolean(),
  syncing: z.boolean(),
  /** Changes made on this device that the server has not confirmed yet. */
  pending: z.number().int(),
  lastSyncAt: IsoDateTime.nullable(),
  lastAttemptAt: IsoDateTime.nullable(),
  /** Why the last sync failed (other than being offline). */
  lastError: z.string().nullable(),
  /** Connected for live updates (server pokes). */
  live: z.boolean(),
  rejected: z.array(RejectedChange),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

const WHAT: Record<MutationName, string> = {
  recordProgress: 'Lesson progress',
  submitQuizAttempt: 'Quiz attempt',
  enroll: 'Enrollment',
  unenroll: 'Leaving a course',
  putPreferences: 'Preferences change',
  rateCourse: 'Course rating',
};

/** What a student can do about a refused change, by the server's reason. */
export function adviceFor(code: string): string {
  switch (code) {
    case 'not_enrolled':
      return 'You are no longer enrolled in this course. Enroll again from the course page (online), then redo this lesson.';
    case 'attempts_exhausted':
      return 'You have used every attempt this quiz allows. Ask your instructor for another attempt if you need one.';
    case 'payment_required':
      return 'This course needs to be purchased before your work in it can be saved. Buy it from the course page, then redo this.';
    case 'not_found':
      return 'The lesson or course was removed by the instructor. Nothing to do: your other work is safe.';
    case 'course_not_published':
      return 'The course is not available any more. Nothing to do: your other work is safe.';
    case 'validation_failed':
    case 'unreadable':
      return 'The change could not be accepted as it was made. Do it again; if it keeps failing, tell support.';
    case 'forbidden':
      return 'Your account may not make this change. Contact your instructor or an administrator.';
    default:
      return 'Dismiss this notice; your other changes are safe. Contact support if it keeps happening.';
  }
}

function courseIdOf(args: unknown): string | null {
  const r = z.object({ courseId: z.string() }).safeParse(args);
  return r.success ? r.data.courseId : null;
}

export function syncStatusOf(s: {
  outbox: OutboxRepo;
  userId: string | null;
  online: boolean;
  syncing: boolean;
  lastSyncAt: string | null;
  lastAttemptAt: string | null;
  lastError: string | null;
  socketConnected: boolean;
}): SyncStatus {
  const rejected: RejectedChange[] = s.userId
    ? s.outbox.rejections(s.userId).map((r) => ({
        id: r.id,
        name: r.name,
        what: WHAT[r.name],
        createdAt: r.createdAt,
        code: r.rejection?.code ?? 'rejected',
        message: r.rejection?.message ?? 'The server refused this change.',
        action: adviceFor(r.rejection?.code ?? ''),
        courseId: courseIdOf(r.args),
      }))
    : [];
  return {
    signedIn: s.userId !== null,
    online: s.online,
    syncing: s.syncing,
    pending: s.userId ? s.outbox.pendingCount(s.userId) : 0,
    lastSyncAt: s.lastSyncAt,
    lastAttemptAt: s.lastAttemptAt,
    lastError: s.lastError,
    live: s.socketConnected,
    rejected,
  };
}
