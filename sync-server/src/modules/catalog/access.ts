import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Role } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import { courseInstructors, courses, type CourseRow } from './tables.ts';

/** What the catalog needs to know about accounts (the identity module's account service fits). */
export interface UserDirectory {
  findById(id: string): Promise<{ id: string; name: string; role: Role; disabled?: boolean } | undefined>;
  namesByIds(ids: string[]): Promise<Map<string, string>>;
}

/** What the catalog asks the enrollment module; called at request time only. */
export interface EnrollmentCheck {
  isEnrolled(courseId: string, userId: string): Promise<boolean>;
  /** Enrollments of a course (any state); when absent the catalog's own enrollment_count is used. */
  countEnrollments?(courseId: string): Promise<number>;
}

/** Who acts: a signed-in caller from a route, or a user id from in-process callers (seed, scripts). */
export type Actor = Caller | string;

export async function resolveActor(users: UserDirectory, actor: Actor): Promise<Caller> {
  if (typeof actor !== 'string') return actor;
  const u = await users.findById(actor);
  if (!u || u.disabled) throw new ApiError('forbidden', 'Unknown or disabled account');
  return { id: u.id, role: u.role };
}

export interface Issue {
  path: string;
  message: string;
}

export const invalid = (message: string, issues: Issue[]): never => {
  throw new ApiError('validation_failed', message, { issues });
};

/** Parse in-process input with the route's schema, so direct callers get the same defaults and errors as HTTP ones. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  return invalid(
    'Invalid body',
    r.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message })),
  );
}

export async function loadCourseRow(db: Db, id: string): Promise<CourseRow | undefined> {
  return (await db.select().from(courses).where(eq(courses.id, id)))[0];
}

export async function isCourseInstructor(db: Db, courseId: string, userId: string): Promise<boolean> {
  const rows = await db
    .select({ u: courseInstructors.userId })
    .from(courseInstructors)
    .where(and(eq(courseInstructors.courseId, courseId), eq(courseInstructors.userId, userId)));
  return rows.length > 0;
}

export interface Viewer {
  caller: Caller | null;
  /** Instructor of this course, or admin. */
  canEdit: boolean;
  isAdmin: boolean;
  isOwner: boolean;
  enrolled: boolean;
}

/** Facts about the caller relative to a course; `enrolled` is asked only when it can matter. */
export async function viewerOf(
  db: Db,
  enrollments: EnrollmentCheck,
  course: CourseRow,
  caller: Caller | null,
): Promise<Viewer> {
  if (!caller) return { caller, canEdit: false, isAdmin: false, isOwner: false, enrolled: false };
  const isAdmin = caller.role === 'admin';
  const isInstructor =
    caller.role !== 'student' &&
    (course.ownerId === caller.id || (await isCourseInstructor(db, course.id, caller.id)));
  const canEdit = isAdmin || isInstructor;
  const enrolled = canEdit ? false : await enrollments.isEnrolled(course.id, caller.id);
  return { caller, canEdit, isAdmin, isOwner: course.ownerId === caller.id, enrolled };
}

/**
 * Published courses are visible to everyone. Drafts only to their instructors and admins. Archived courses to
 * their instructors, admins and the students enrolled in them (they keep what they signed up for).
 * Anyone else gets 404, so unpublished courses do not leak.
 */
export function canSee(course: CourseRow, v: Viewer): boolean {
  if (course.status === 'published' || v.canEdit) return true;
  return course.status === 'archived' && v.enrolled;
}

/** Load a course the actor may edit: 404 when they may not even see it, 403 when they may see but not edit. */
export async function requireEditable(
  db: Db,
  enrollments: EnrollmentCheck,
  caller: Caller,
  id: string,
  opts: { ownerOnly?: boolean } = {},
): Promise<{ course: CourseRow; viewer: Viewer }> {
  const course = await loadCourseRow(db, id);
  if (!course) throw new ApiError('not_found', 'Course not found');
  const viewer = await viewerOf(db, enrollments, course, caller);
  if (!canSee(course, viewer)) throw new ApiError('not_found', 'Course not found');
  if (!viewer.canEdit)
    throw new ApiError('forbidden', "Only the course's instructors and admins may change it");
  if (opts.ownerOnly && !viewer.isOwner && !viewer.isAdmin)
    throw new ApiError('forbidden', "Only the course's owner and admins may do this");
  return { course, viewer };
}
