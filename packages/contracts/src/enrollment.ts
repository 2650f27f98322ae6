import { z } from 'zod';
import { Id, IsoDateTime, Text } from './common.ts';
import { Email } from './identity.ts';

/** `refunded`: the purchase was refunded; no access, progress and attempts kept (buying again reactivates it). */
export const EnrollmentStatus = z.enum(['active', 'completed', 'dropped', 'refunded']);
export type EnrollmentStatus = z.infer<typeof EnrollmentStatus>;

/**
 * Who enrolled the student: themselves, an instructor or admin (roster), a purchase (`payment` is the older name),
 * a 100 %-off coupon, or a school's voucher code.
 */
export const EnrollmentSource = z.enum(['self', 'instructor', 'payment', 'purchase', 'coupon', 'voucher']);

/** Statuses that give access to a course's content (dropped and refunded ones keep their progress but not access). */
export const ENROLLMENT_ACCESS_STATUSES = ['active', 'completed'] as const;
export type EnrollmentSource = z.infer<typeof EnrollmentSource>;

export const Enrollment = z
  .object({
    id: Id,
    courseId: Id,
    userId: Id,
    status: EnrollmentStatus,
    source: EnrollmentSource,
    /** When the current (or last) enrollment began; re-enrolling after dropping moves it. */
    enrolledAt: IsoDateTime,
    /** Set once every requirement is met; completion is never taken back. */
    completedAt: IsoDateTime.nullable(),
    droppedAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'Enrollment' });
export type Enrollment = z.infer<typeof Enrollment>;

/** Where to continue studying. */
export const NextLesson = z.object({ lessonId: Id, moduleId: Id, title: Text() }).meta({ id: 'NextLesson' });
export type NextLesson = z.infer<typeof NextLesson>;

export const DueItem = z.object({
  lessonId: Id,
  title: Text(),
  dueAt: IsoDateTime,
  overdue: z.boolean(),
});
export type DueItem = z.infer<typeof DueItem>;

/** Details of a prerequisites_missing error. */
export const MissingPrerequisites = z.object({
  missing: z.array(z.object({ id: Id, title: Text() })),
});
export type MissingPrerequisites = z.infer<typeof MissingPrerequisites>;

/** One row of "My Learning". */
export const MyEnrollment = Enrollment.extend({
  course: z.object({ id: Id, title: Text(), status: z.enum(['draft', 'published', 'archived']) }),
  progressPercent: z.number(),
  completedLessons: z.number().int(),
  requiredLessons: z.number().int(),
  grade: z.number().nullable(),
  lastActivityAt: IsoDateTime.nullable(),
  nextLesson: NextLesson.nullable(),
  /** Incomplete lessons with a due date, soonest first (overdue ones included), at most 5. */
  upcomingDue: z.array(DueItem),
}).meta({ id: 'MyEnrollment' });
export type MyEnrollment = z.infer<typeof MyEnrollment>;

export const MyEnrollmentsQuery = z.object({ status: EnrollmentStatus.optional() }).strict();
export const MyEnrollmentList = z.object({ items: z.array(MyEnrollment) });
export type MyEnrollmentList = z.infer<typeof MyEnrollmentList>;

export const RosterEntry = z
  .object({
    userId: Id,
    name: Text(),
    email: Text(),
    status: EnrollmentStatus,
    source: EnrollmentSource,
    enrolledAt: IsoDateTime,
    completedAt: IsoDateTime.nullable(),
    droppedAt: IsoDateTime.nullable(),
    progressPercent: z.number(),
    grade: z.number().nullable(),
    lastActivityAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'RosterEntry' });
export type RosterEntry = z.infer<typeof RosterEntry>;

export const RosterQuery = z.object({ status: EnrollmentStatus.optional() }).strict();
export const Roster = z.object({
  courseId: Id,
  counts: z.object({
    active: z.number().int(),
    completed: z.number().int(),
    dropped: z.number().int(),
    refunded: z.number().int(),
  }),
  items: z.array(RosterEntry),
});
export type Roster = z.infer<typeof Roster>;

/** Add a student by email or by account id (exactly one). */
export const RosterAddRequest = z.union([
  z.object({ email: Email }).strict(),
  z.object({ userId: Id }).strict(),
]);
export type RosterAddRequest = z.infer<typeof RosterAddRequest>;

export const CourseUserParams = z.object({ id: Id, userId: Id }).strict();
