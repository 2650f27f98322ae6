import type { Case, Expect } from './matrix.ts';
import { everyone, ownerOrAdmin, unique } from './matrix.ts';

const instructors = (status: number): Expect => ({
  anon: 401,
  student: 403,
  otherStudent: 403,
  instructor: status,
  owner: status,
  admin: status,
});
/** Ratings: only the enrolled student has one (or may make one); others are not enrolled or have none. */
const rater = (status: number): Expect => ({
  anon: 401,
  student: status,
  otherStudent: [403, 404],
  instructor: [403, 404],
  owner: [403, 404],
  admin: [403, 404],
});

export const catalogCases: Record<string, Case> = {
  searchCourses: {
    request: () => ({ query: { q: 'authorization', level: 'beginner' } }),
    expect: everyone(200),
  },
  createCourse: {
    request: () => ({ body: { title: unique('New course'), subject: 'Testing' } }),
    expect: instructors(201),
  },
  getCourse: { request: (w) => ({ params: { id: w.course.id } }), expect: everyone(200) },
  updateCourse: {
    // Based on the course as it is now (version is required; each caller's edit bumps it).
    request: async (w) => ({
      params: { id: w.course.id },
      body: {
        description: 'Updated by the authorization walk',
        version: (
          await w.t.server.database.pool.query<{ version: number }>(
            'SELECT version FROM courses WHERE id = $1',
            [w.course.id],
          )
        ).rows[0]!.version,
      },
    }),
    expect: ownerOrAdmin(200),
  },
  deleteCourse: {
    request: async (w) => ({ params: { id: (await w.freshCourse({ enrollStudent: false })).id } }),
    expect: ownerOrAdmin(204),
  },
  publishCourse: { request: (w) => ({ params: { id: w.course.id } }), expect: ownerOrAdmin(200) },
  archiveCourse: {
    request: async (w) => ({ params: { id: (await w.freshCourse({ enrollStudent: false })).id } }),
    expect: ownerOrAdmin(200),
  },
  listTeachingCourses: { request: () => ({}), expect: instructors(200) },
  listCourseRatings: { request: (w) => ({ params: { id: w.course.id } }), expect: everyone(200) },
  rateCourse: {
    request: async (w) => ({
      params: { id: (await w.freshCourse()).id },
      body: { stars: 4, review: 'Clear and useful' },
    }),
    expect: { anon: 401, student: 201, otherStudent: 403, instructor: 403, owner: 403, admin: 403 },
  },
  getMyCourseRating: { request: (w) => ({ params: { id: w.course.id } }), expect: rater(200) },
  putMyCourseRating: {
    request: (w) => ({
      params: { id: w.course.id },
      body: { stars: 5, review: 'Even better on a second look' },
    }),
    expect: { anon: 401, student: 200, otherStudent: 403, instructor: 403, owner: 403, admin: 403 },
  },
  deleteMyCourseRating: {
    request: async (w) => {
      const c = await w.freshCourse();
      await w.t.server.catalog.ratings.rate(
        w.accounts.student.id,
        c.id,
        { stars: 3, review: '' },
        { requireEnrollment: true },
      );
      return { params: { id: c.id } };
    },
    expect: rater(204),
  },
};
