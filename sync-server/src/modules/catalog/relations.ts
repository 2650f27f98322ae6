import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { invalid, type Issue, type UserDirectory } from './access.ts';
import type { Tx } from './structure.ts';
import { courseInstructors, coursePrerequisites, courses, type InstructorJson } from './tables.ts';

/**
 * The instructor list of a course: the owner first, then the co-instructors in the order given. Every co-instructor
 * must be an existing instructor or admin account.
 */
export async function checkInstructors(
  users: UserDirectory,
  ownerId: string,
  coIds: string[],
  base = 'body.instructorIds',
): Promise<InstructorJson[]> {
  const ids = [...new Set([ownerId, ...coIds])];
  const found = await Promise.all(coIds.map((id) => users.findById(id)));
  const issues: Issue[] = [];
  found.forEach((u, i) => {
    if (!u) issues.push({ path: `${base}.${i}`, message: 'No account has this id' });
    else if (u.role === 'student')
      issues.push({ path: `${base}.${i}`, message: 'Only instructor and admin accounts can teach a course' });
    else if (u.disabled) issues.push({ path: `${base}.${i}`, message: 'This account is disabled' });
  });
  if (issues.length) invalid('Some instructors cannot teach this course', issues);
  const names = await users.namesByIds(ids);
  return ids.map((id) => ({ id, name: names.get(id) ?? '' }));
}

/** Store the instructors and keep the denormalized copies (listing and search by instructor name) in step. */
export async function writeInstructors(
  tx: Tx,
  courseId: string,
  instructors: InstructorJson[],
): Promise<void> {
  await tx.delete(courseInstructors).where(eq(courseInstructors.courseId, courseId));
  await tx
    .insert(courseInstructors)
    .values(instructors.map((u, position) => ({ courseId, userId: u.id, position })));
  await tx
    .update(courses)
    .set({ instructors, instructorNames: instructors.map((u) => u.name).join(' ') })
    .where(eq(courses.id, courseId));
}

/**
 * Replace the prerequisites: they must exist, and may not lead back to the course itself. A published course may only
 * require courses that are not drafts (nobody could complete those).
 */
export async function writePrerequisites(
  tx: Tx,
  courseId: string,
  requested: string[],
  opts: { published?: boolean } = {},
  base = 'body.prerequisiteIds',
): Promise<void> {
  const ids = [...new Set(requested)];
  const issues: Issue[] = [];
  if (ids.includes(courseId)) issues.push({ path: base, message: 'A course cannot require itself' });
  if (ids.length) {
    const existing = new Map(
      (
        await tx
          .select({ id: courses.id, status: courses.status })
          .from(courses)
          .where(inArray(courses.id, ids))
      ).map((r) => [r.id, r.status]),
    );
    requested.forEach((id, i) => {
      const status = existing.get(id);
      if (!status) issues.push({ path: `${base}.${i}`, message: 'No course has this id' });
      else if (opts.published && status === 'draft')
        issues.push({ path: `${base}.${i}`, message: 'A published course cannot require a draft' });
    });
    if (!issues.length) {
      const loop = await tx.execute(sql`
        WITH RECURSIVE reach(id) AS (
          SELECT cp.prerequisite_id FROM course_prerequisites cp WHERE cp.course_id = ANY(${sql.param(ids)}::uuid[])
          UNION
          SELECT cp.prerequisite_id FROM course_prerequisites cp JOIN reach r ON cp.course_id = r.id
        )
        SELECT 1 FROM reach WHERE id = ${courseId} LIMIT 1`);
      if (loop.rows.length)
        issues.push({ path: base, message: 'These prerequisites would make a loop back to this course' });
    }
  }
  if (issues.length) invalid('Some prerequisites are not possible', issues);
  await tx.delete(coursePrerequisites).where(eq(coursePrerequisites.courseId, courseId));
  if (ids.length)
    await tx.insert(coursePrerequisites).values(ids.map((prerequisiteId) => ({ courseId, prerequisiteId })));
}

/** Refresh the denormalized instructor names of every course a user teaches (after the user is renamed). */
export async function refreshInstructorNames(
  db: Db,
  users: UserDirectory,
  userId: string,
): Promise<string[]> {
  const rows = await db
    .select({ id: courses.id, instructors: courses.instructors })
    .from(courses)
    .innerJoin(courseInstructors, eq(courseInstructors.courseId, courses.id))
    .where(eq(courseInstructors.userId, userId));
  if (!rows.length) return [];
  const allIds = [...new Set(rows.flatMap((r) => r.instructors.map((i) => i.id)))];
  const names = await users.namesByIds(allIds);
  for (const r of rows) {
    const instructors = r.instructors.map((i) => ({ id: i.id, name: names.get(i.id) ?? i.name }));
    await db
      .update(courses)
      .set({ instructors, instructorNames: instructors.map((u) => u.name).join(' ') })
      .where(eq(courses.id, r.id));
  }
  return rows.map((r) => r.id);
}
