import { and, count, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Enrollment, EnrollmentSource, EnrollmentStatus } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import { newId } from '../../lib/ids.ts';
import { platformEvents, recordPlatformEvent } from '../analytics/collector/sources/outbox.ts';
import type { CatalogReader, CourseRef } from '../catalog/reader.ts';
import type { Tx } from '../catalog/structure.ts';
import { enrollments, type EnrollmentRow } from './tables.ts';

/** Active and completed enrollments give access; dropped and refunded ones keep their progress but not access. */
export const hasAccess = (status: EnrollmentStatus): boolean => status === 'active' || status === 'completed';

/** A drizzle transaction (or the database, for a statement on its own). */
export type EnrollmentTx = Db | Tx;

/**
 * Admit a student because they paid, redeemed a coupon or a voucher, inside the caller's transaction (the one that
 * marks the order paid or records the redemption). Idempotent: an active or completed enrollment is answered as it
 * is (`changed: false`); a dropped or refunded one is reactivated with its progress (completed stays completed).
 * The course's popularity counter and the analytics event are written in the same transaction.
 */
export async function grantEnrollment(
  tx: EnrollmentTx,
  args: { userId: string; courseId: string; source: EnrollmentSource },
): Promise<{ enrollment: EnrollmentRow; changed: boolean }> {
  const [row] = await tx
    .insert(enrollments)
    .values({
      id: newId(),
      courseId: args.courseId,
      userId: args.userId,
      status: 'active',
      source: args.source,
    })
    .onConflictDoUpdate({
      target: [enrollments.courseId, enrollments.userId],
      set: {
        status: sql`CASE WHEN ${enrollments.completedAt} IS NULL THEN 'active' ELSE 'completed' END`,
        source: args.source,
        enrolledAt: sql`now()`,
        droppedAt: null,
        updatedAt: sql`now()`,
      },
      setWhere: inArray(enrollments.status, ['dropped', 'refunded']),
    })
    .returning();
  if (row) {
    await recordPlatformEvent(tx, platformEvents.enrolled(args.userId, args.courseId));
    await adjustCount(tx, args.courseId, 1);
    return { enrollment: row, changed: true };
  }
  // The conflicting row is locked by the INSERT above, so this reads its current state.
  const [existing] = await tx
    .select()
    .from(enrollments)
    .where(and(eq(enrollments.courseId, args.courseId), eq(enrollments.userId, args.userId)));
  return { enrollment: existing!, changed: false };
}

/**
 * A full refund: the enrollment becomes `refunded` (no access; progress, attempts and completion kept), in the
 * caller's transaction. The device learns it by sync pull (the change log trigger sees the status change and sends
 * the course structure's tombstone). Answers false when there was no active or completed enrollment.
 */
export async function revokeForRefund(
  tx: EnrollmentTx,
  args: { userId: string; courseId: string },
): Promise<boolean> {
  const rows = await tx
    .update(enrollments)
    .set({ status: 'refunded', updatedAt: sql`now()` })
    .where(
      and(
        eq(enrollments.courseId, args.courseId),
        eq(enrollments.userId, args.userId),
        inArray(enrollments.status, ['active', 'completed']),
      ),
    )
    .returning({ id: enrollments.id });
  if (rows.length) await adjustCount(tx, args.courseId, -1);
  return rows.length > 0;
}

/** The course's popularity counter (the catalog's column), kept in the same transaction as the enrollment change. */
const adjustCount = (tx: EnrollmentTx, courseId: string, delta: number) =>
  tx.execute(
    sql`UPDATE courses SET enrollment_count = GREATEST(0, enrollment_count + ${delta}) WHERE id = ${courseId}`,
  );

export const toEnrollment = (r: EnrollmentRow): Enrollment => ({
  id: r.id,
  courseId: r.courseId,
  userId: r.userId,
  status: r.status,
  source: r.source,
  enrolledAt: r.enrolledAt.toISOString(),
  completedAt: r.completedAt?.toISOString() ?? null,
  droppedAt: r.droppedAt?.toISOString() ?? null,
});

/** Enrollment rules and the enrollments table; other modules reach enrollments only through this. */
export function enrollmentService(db: Db, catalog: CatalogReader) {
  async function get(courseId: string, userId: string): Promise<EnrollmentRow | undefined> {
    const [row] = await db
      .select()
      .from(enrollments)
      .where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId)));
    return row;
  }

  async function requirePublished(courseId: string): Promise<CourseRef> {
    const course = await catalog.getCourse(courseId);
    if (!course) throw new ApiError('not_found', 'Course not found');
    if (course.status !== 'published')
      throw new ApiError('course_not_published', `This course is ${course.status}, not open for enrollment`, {
        status: course.status,
      });
    return course;
  }

  /** Insert, or reactivate a dropped or refunded enrollment; refuses when already active or completed. Keeps the course's counter. */
  async function admit(course: CourseRef, userId: string, source: EnrollmentSource): Promise<EnrollmentRow> {
    const row = await db.transaction(async (tx) => {
      const [r] = await tx
        .insert(enrollments)
        .values({ id: newId(), courseId: course.id, userId, status: 'active', source })
        .onConflictDoUpdate({
          target: [enrollments.courseId, enrollments.userId],
          set: {
            // Completion is monotonic: someone who completed, dropped and came back is still a graduate.
            status: sql`CASE WHEN ${enrollments.completedAt} IS NULL THEN 'active' ELSE 'completed' END`,
            source,
            enrolledAt: sql`now()`,
            droppedAt: null,
            updatedAt: sql`now()`,
          },
          setWhere: inArray(enrollments.status, ['dropped', 'refunded']),
        })
        .returning();
      // The analytics platform event, committed with the enrollment (transactional outbox).
      if (r) await recordPlatformEvent(tx, platformEvents.enrolled(userId, course.id));
      return r;
    });
    if (!row) throw new ApiError('already_enrolled', 'Already enrolled in this course');
    await catalog.adjustEnrollmentCount(course.id, 1);
    return row;
  }

  async function missingPrerequisites(
    course: CourseRef,
    userId: string,
  ): Promise<{ id: string; title: string }[]> {
    if (course.prerequisiteIds.length === 0) return [];
    const done = await db
      .select({ courseId: enrollments.courseId })
      .from(enrollments)
      .where(
        and(
          eq(enrollments.userId, userId),
          inArray(enrollments.courseId, course.prerequisiteIds),
          isNotNull(enrollments.completedAt),
        ),
      );
    const met = new Set(done.map((d) => d.courseId));
    const missing = course.prerequisiteIds.filter((id) => !met.has(id));
    const refs = await Promise.all(missing.map((id) => catalog.getCourse(id)));
    return missing.map((id, i) => ({ id, title: refs[i]?.title ?? '' }));
  }

  /** Drop an enrollment (progress stays). Answers false when there was nothing active or completed to drop. */
  async function drop(courseId: string, userId: string): Promise<boolean> {
    const rows = await db
      .update(enrollments)
      .set({ status: 'dropped', droppedAt: sql`now()`, updatedAt: sql`now()` })
      .where(
        and(
          eq(enrollments.courseId, courseId),
          eq(enrollments.userId, userId),
          inArray(enrollments.status, ['active', 'completed']),
        ),
      )
      .returning({ id: enrollments.id });
    if (rows.length === 0) return false;
    await catalog.adjustEnrollmentCount(courseId, -1);
    return true;
  }

  return {
    get,
    admit,
    drop,

    /** A student enrolls themselves in a free published course whose prerequisites they completed. */
    async enroll(courseId: string, userId: string): Promise<Enrollment> {
      const course = await requirePublished(courseId);
      const existing = await get(courseId, userId);
      if (existing && hasAccess(existing.status))
        throw new ApiError('already_enrolled', 'Already enrolled in this course', {
          status: existing.status,
        });
      const missing = await missingPrerequisites(course, userId);
      if (missing.length)
        throw new ApiError(
          'prerequisites_missing',
          `Complete these courses first: ${missing.map((m) => m.title || m.id).join(', ')}`,
          { missing },
        );
      if (course.priceCents > 0)
        throw new ApiError('payment_required', 'This course is paid; buy it to enroll', {
          priceCents: course.priceCents,
          currency: course.currency,
        });
      return toEnrollment(await admit(course, userId, 'self'));
    },

    /** The student leaves the course; 404 when they were never enrolled, no-op when already dropped. */
    async unenroll(courseId: string, userId: string): Promise<void> {
      if (await drop(courseId, userId)) return;
      if (!(await get(courseId, userId)))
        throw new ApiError('not_found', 'You are not enrolled in this course');
    },

    requirePublished,

    /** Active or completed (a dropped or refunded student is not enrolled). */
    async isEnrolled(courseId: string, userId: string): Promise<boolean> {
      const row = await get(courseId, userId);
      return row !== undefined && hasAccess(row.status);
    },

    grantEnrollment,
    revokeForRefund,

    /** Every enrollment the course ever had, dropped ones included (they hold progress that must not be lost). */
    async countEnrollments(courseId: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(enrollments)
        .where(eq(enrollments.courseId, courseId));
      return row?.n ?? 0;
    },

    /** Monotonic completion; answers true when this call completed an active enrollment. */
    async markCompleted(courseId: string, userId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(enrollments)
          .set({
            status: 'completed',
            completedAt: sql`coalesce(${enrollments.completedAt}, now())`,
            updatedAt: sql`now()`,
          })
          .where(
            and(
              eq(enrollments.courseId, courseId),
              eq(enrollments.userId, userId),
              eq(enrollments.status, 'active'),
            ),
          )
          .returning({ id: enrollments.id });
        // The analytics platform event, committed with the completion (transactional outbox).
        if (rows.length) await recordPlatformEvent(tx, platformEvents.completed(userId, courseId));
        return rows.length > 0;
      });
    },

    async listForUser(userId: string, status?: EnrollmentStatus): Promise<EnrollmentRow[]> {
      return db
        .select()
        .from(enrollments)
        .where(and(eq(enrollments.userId, userId), status ? eq(enrollments.status, status) : undefined))
        .orderBy(sql`${enrollments.enrolledAt} DESC`);
    },

    async listForCourse(courseId: string, status?: EnrollmentStatus): Promise<EnrollmentRow[]> {
      return db
        .select()
        .from(enrollments)
        .where(and(eq(enrollments.courseId, courseId), status ? eq(enrollments.status, status) : undefined));
    },

    /**
     * SQL text of a scalar subquery giving the student's enrollment status (or NULL), with the given placeholders
     * for course and user ids. The progress module embeds it in its single-statement writes, so checking the
     * enrollment costs no extra round trip and sees the same snapshot as the write.
     */
    statusSubquery(courseParam: string, userParam: string): string {
      return `(SELECT status FROM enrollments WHERE course_id = ${courseParam} AND user_id = ${userParam})`;
    },
  };
}
export type EnrollmentService = ReturnType<typeof enrollmentService>;
