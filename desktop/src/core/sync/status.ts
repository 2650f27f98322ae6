import { z } from 'zod';
import type { MutationName } from '@lyceum/contracts';
import type { RejectedChange, PendingCounts, SyncPhase, SyncStatus } from '../../contracts/sync-status.ts';
import type { OutboxRepo, PendingGroup } from './outbox.ts';

const WHAT: Record<MutationName, string> = {
  recordProgress: 'Lesson progress',
  submitQuizAttempt: 'Quiz attempt',
  enroll: 'Enrollment',
  unenroll: 'Leaving a course',
  putPreferences: 'Preferences change',
  rateCourse: 'Course rating',
  redeemVoucher: 'Voucher code',
  markNotificationsRead: 'Notifications marked read',
  // Authoring (issue 15; the desktop editor queues these in a later change).
  createCourse: 'New course',
  updateCourse: 'Course details',
  addModule: 'New module',
  updateModule: 'Module title',
  moveModule: 'Module order',
  deleteModule: 'Deleting a module',
  addLesson: 'New lesson',
  updateLesson: 'Lesson edit',
  moveLesson: 'Lesson order',
  deleteLesson: 'Deleting a lesson',
  putQuiz: 'Quiz edit',
  publishCourse: 'Publishing',
  unpublishCourse: 'Unpublishing',
  archiveCourse: 'Archiving',
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
    case 'voucher_used':
    case 'voucher_invalid':
    case 'voucher_revoked':
    case 'voucher_expired':
    case 'voucher_wrong_course':
      return 'The course is locked again on this device; your progress in it is kept. Buy the course, or redeem another code, to go on.';
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

/** The one place pending changes are counted by kind (the renderer formats them, plurals and all). */
export function pendingCounts(groups: PendingGroup[]): PendingCounts {
  const counts: PendingCounts = { lessons: 0, quizAttempts: 0, preferences: 0, ratings: 0, enrollments: 0 };
  for (const g of groups) {
    switch (g.name) {
      case 'recordProgress':
        counts.lessons += g.lessons;
        break;
      case 'submitQuizAttempt':
        counts.quizAttempts += g.count;
        break;
      case 'putPreferences':
        counts.preferences = g.count > 0 ? 1 : 0;
        break;
      case 'rateCourse':
        counts.ratings += g.courses;
        break;
      case 'enroll':
      case 'unenroll':
      case 'redeemVoucher':
        counts.enrollments += g.courses;
        break;
    }
  }
  return counts;
}

export function syncPhaseOf(s: {
  signedIn: boolean;
  online: boolean;
  syncing: boolean;
  confirmed: boolean;
  lastError: string | null;
  pending: number;
}): SyncPhase {
  if (!s.signedIn) return 'signed_out';
  if (!s.online) return 'offline';
  if (s.syncing) return 'syncing';
  if (s.lastError) return 'failed';
  if (!s.confirmed) return 'checking';
  return s.pending > 0 ? 'waiting' : 'synced';
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
  confirmed: boolean;
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
  const groups = s.userId ? s.outbox.pendingByName(s.userId) : [];
  const pending = groups.reduce((n, g) => n + g.count, 0);
  const confirmed = s.userId !== null && s.online && s.confirmed;
  return {
    signedIn: s.userId !== null,
    online: s.online,
    syncing: s.syncing,
    pending,
    pendingByKind: pendingCounts(groups),
    confirmed,
    phase: syncPhaseOf({ ...s, signedIn: s.userId !== null, confirmed, pending }),
    lastSyncAt: s.lastSyncAt,
    lastAttemptAt: s.lastAttemptAt,
    lastError: s.lastError,
    live: s.socketConnected,
    rejected,
  };
}
