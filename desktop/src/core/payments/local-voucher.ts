import { and, eq } from 'drizzle-orm';
import type { LocalDb } from '../store/open.ts';
import { courseDetails, courseSummaries, enrollments } from '../store/tables.ts';
import { putEnrollment, readEnrollment } from '../sync/apply-changes.ts';
import { courseLocks } from './tables.ts';

/**
 * A voucher redeemed on this device, as the local tables see it until the server answers: the course is open to
 * study at once (an enrollment marked `pendingVoucher`); refused, the course locks again with the reason, and the
 * changes made in it meanwhile wait in the outbox (see outbox.sendableRows) so a later purchase loses nothing.
 */

const ACCESS = new Set(['active', 'completed']);

function titleOf(db: LocalDb, courseId: string): string {
  const d = db
    .select({ json: courseDetails.detailJson })
    .from(courseDetails)
    .where(eq(courseDetails.id, courseId))
    .get();
  if (d) {
    const title = (JSON.parse(d.json) as { title?: unknown }).title;
    if (typeof title === 'string') return title;
  }
  return (
    db
      .select({ t: courseSummaries.title })
      .from(courseSummaries)
      .where(eq(courseSummaries.id, courseId))
      .get()?.t ?? 'Course'
  );
}

/** The redeemVoucher mutation applied locally (at record time and replayed after each pulled page). */
export function applyVoucherLocally(
  db: LocalDb,
  m: { id: string; createdAt: string; args: { courseId: string } },
): void {
  const { courseId } = m.args;
  const current = readEnrollment(db, courseId);
  if (current && ACCESS.has(current.status)) return;
  putEnrollment(
    db,
    {
      courseId,
      status: 'active',
      enrolledAt: m.createdAt,
      completedAt: null,
      source: 'voucher',
      pendingVoucher: m.id,
      course: { title: titleOf(db, courseId) },
    },
    new Date().toISOString(),
  );
}

/** The server refused the voucher: the device's own enrollment goes, the course is locked with the reason. */
export function lockCourse(
  db: LocalDb,
  userId: string,
  courseId: string,
  reason: { code: string; message: string },
): void {
  const current = readEnrollment(db, courseId);
  if (current && typeof current.pendingVoucher === 'string')
    db.delete(enrollments).where(eq(enrollments.courseId, courseId)).run();
  if (current && ACCESS.has(current.status) && typeof current.pendingVoucher !== 'string') return;
  const values = { code: reason.code, message: reason.message, lockedAt: new Date().toISOString() };
  db.insert(courseLocks)
    .values({ userId, courseId, ...values })
    .onConflictDoUpdate({ target: [courseLocks.userId, courseLocks.courseId], set: values })
    .run();
}

/** The server gave the student the course (a purchase, another code): whatever waited for it may go up now. */
export function unlockCourse(db: LocalDb, userId: string, courseId: string): void {
  db.delete(courseLocks)
    .where(and(eq(courseLocks.userId, userId), eq(courseLocks.courseId, courseId)))
    .run();
}

export function courseLock(db: LocalDb, userId: string, courseId: string) {
  return (
    db
      .select()
      .from(courseLocks)
      .where(and(eq(courseLocks.userId, userId), eq(courseLocks.courseId, courseId)))
      .get() ?? null
  );
}

/** A pulled enrollment: one that gives access lifts the lock of its course. */
export function enrollmentPulled(db: LocalDb, userId: string, courseId: string, status: string): void {
  if (ACCESS.has(status)) unlockCourse(db, userId, courseId);
}
