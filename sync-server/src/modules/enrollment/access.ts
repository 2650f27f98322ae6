import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import type { CatalogReader, CourseRef } from '../catalog/reader.ts';

export const isCourseStaff = (course: CourseRef, caller: Caller): boolean =>
  caller.role === 'admin' || course.ownerId === caller.id || course.instructorIds.includes(caller.id);

/** The course, when the caller is one of its instructors or an admin; 404 / 403 otherwise. */
export async function requireCourseStaff(
  catalog: CatalogReader,
  courseId: string,
  caller: Caller,
): Promise<CourseRef> {
  const course = await catalog.getCourse(courseId);
  if (!course) throw new ApiError('not_found', 'Course not found');
  if (!isCourseStaff(course, caller))
    throw new ApiError('forbidden', 'Only the instructors of this course and admins may do this');
  return course;
}
