import {
  CourseCreate,
  CourseDetail,
  CourseList,
  CoursePatch,
  CourseRating,
  CourseSearchQuery,
  CourseSearchResult,
  IdParams,
  RatingInput,
  RatingList,
  RatingListQuery,
  TeachingQuery,
} from '@lyceum/contracts';
import { route, type AnyRoute, type Caller } from '../../http/route.ts';
import type { CourseReads } from './reads.ts';
import type { CourseSearch } from './search.ts';
import type { CourseWriter } from './writes.ts';
import type { RatingService } from './ratings.ts';

const me = (user: Caller | null) => user!;

export function catalogRoutes(
  search: CourseSearch,
  reads: CourseReads,
  writes: CourseWriter,
  ratings: RatingService,
): AnyRoute[] {
  const tags = ['catalog'];
  const rtags = ['ratings'];
  return [
    route({
      method: 'get',
      path: '/api/v1/courses',
      operationId: 'searchCourses',
      tags,
      access: 'public',
      summary:
        'Search published courses: full text over title, description, subject, tags and instructor names (every word as a prefix), ' +
        'filters, sorts (relevance when q is given, else newest), keyset cursor, and facet counts (each facet counted under the query ' +
        'and the other filters). Typo tolerant: when the words find fewer than three courses, misspelled words are corrected from ' +
        'the catalog\'s titles, subjects and tags (suggestion: "Did you mean …?"), and when they find none the suggestion\'s ' +
        'results are answered (suggestionApplied)',
      query: CourseSearchQuery,
      response: CourseSearchResult,
      rateLimit: { policy: 'search', when: (q) => Boolean(q.q?.trim()) },
      handler: ({ query }) => search.search(query),
    }),
    route({
      method: 'post',
      path: '/api/v1/courses',
      operationId: 'createCourse',
      tags,
      access: 'instructor',
      summary:
        'Create a draft course, optionally with its whole structure (modules, lessons, quizzes); the caller becomes its owner',
      body: CourseCreate,
      response: CourseDetail,
      status: 201,
      errors: ['validation_failed'],
      handler: ({ user, body }) => writes.createCourse(me(user), body),
    }),
    route({
      method: 'get',
      path: '/api/v1/courses/:id',
      operationId: 'getCourse',
      tags,
      access: 'public',
      summary:
        'One course. Published courses are public; drafts only for their instructors and admins; archived ones also for enrolled ' +
        'students (others: 404). Everyone sees the outline. Lesson bodies and quiz questions (prompt and options) are shown for ' +
        'preview lessons to all, for other lessons only to enrolled students, instructors and admins. Answer keys and feedback only ' +
        'to instructors and admins, and to enrolled students for device-gradable quizzes',
      params: IdParams,
      response: CourseDetail,
      errors: ['not_found'],
      handler: ({ user, params }) => reads.getCourse(user, params.id),
    }),
    route({
      method: 'patch',
      path: '/api/v1/courses/:id',
      operationId: 'updateCourse',
      tags,
      access: 'instructor',
      summary:
        'Edit a course (its instructors or an admin; the instructor list only by the owner or an admin). `modules` replaces the ' +
        'structure, keeping the ids sent. `version` (the one the edit is based on) is required: a stale one is refused with ' +
        '409 version_conflict (details: currentVersion, updatedAt, updatedBy, current: the course as it is now), never applied',
      params: IdParams,
      body: CoursePatch,
      response: CourseDetail,
      errors: ['validation_failed', 'not_found', 'conflict', 'version_conflict', 'course_incomplete'],
      handler: ({ user, params, body }) => writes.updateCourse(me(user), params.id, body),
    }),
    route({
      method: 'delete',
      path: '/api/v1/courses/:id',
      operationId: 'deleteCourse',
      tags,
      access: 'instructor',
      summary:
        'Delete a course (owner or admin); refused with course_has_enrollments while students are enrolled: archive it instead',
      params: IdParams,
      response: null,
      status: 204,
      errors: ['not_found', 'course_has_enrollments'],
      handler: ({ user, params }) => writes.deleteCourse(me(user), params.id),
    }),
    route({
      method: 'post',
      path: '/api/v1/courses/:id/publish',
      operationId: 'publishCourse',
      tags,
      access: 'instructor',
      summary:
        'Publish (owner or admin), or re-open an archived course. Needs a title, at least one lesson, a question worth points in ' +
        'every quiz, a ready file in every video and slides lesson, and published prerequisites (422 publish_blocked: ' +
        'details.problems lists what to fix, each with a code, a message and the lessonId when it is about a lesson)',
      params: IdParams,
      response: CourseDetail,
      errors: ['not_found', 'publish_blocked'],
      handler: ({ user, params }) => writes.publish(me(user), params.id),
    }),
    route({
      method: 'post',
      path: '/api/v1/courses/:id/archive',
      operationId: 'archiveCourse',
      tags,
      access: 'instructor',
      summary:
        'Archive (owner or admin): out of the catalog and closed to new students; enrolled students keep it',
      params: IdParams,
      response: CourseDetail,
      errors: ['not_found'],
      handler: ({ user, params }) => writes.archive(me(user), params.id),
    }),
    route({
      method: 'get',
      path: '/api/v1/me/courses/teaching',
      operationId: 'listTeachingCourses',
      tags,
      access: 'instructor',
      summary: 'Courses the caller teaches, any status, most recently changed first',
      query: TeachingQuery,
      response: CourseList,
      handler: ({ user, query }) => reads.teaching(me(user).id, query),
    }),
    route({
      method: 'get',
      path: '/api/v1/courses/:id/ratings',
      operationId: 'listCourseRatings',
      tags: rtags,
      access: 'public',
      summary: 'Ratings of a course, newest first, with average, count and star distribution',
      params: IdParams,
      query: RatingListQuery,
      response: RatingList,
      errors: ['not_found'],
      handler: ({ user, params, query }) => ratings.list(user, params.id, query),
    }),
    route({
      method: 'post',
      path: '/api/v1/courses/:id/ratings',
      operationId: 'rateCourse',
      tags: rtags,
      access: 'user',
      summary: 'Rate a course you are enrolled in (1–5 stars and a review); once per student (then use PUT)',
      params: IdParams,
      body: RatingInput,
      response: CourseRating,
      status: 201,
      errors: ['not_found', 'not_enrolled', 'already_rated'],
      handler: ({ user, params, body }) => ratings.rate(me(user).id, params.id, body),
    }),
    route({
      method: 'get',
      path: '/api/v1/courses/:id/ratings/me',
      operationId: 'getMyCourseRating',
      tags: rtags,
      access: 'user',
      summary: 'Your rating of a course',
      params: IdParams,
      response: CourseRating,
      errors: ['not_found'],
      handler: ({ user, params }) => ratings.myRating(me(user).id, params.id),
    }),
    route({
      method: 'put',
      path: '/api/v1/courses/:id/ratings/me',
      operationId: 'putMyCourseRating',
      tags: rtags,
      access: 'user',
      summary: 'Create or change your rating of a course you are enrolled in',
      params: IdParams,
      body: RatingInput,
      response: CourseRating,
      errors: ['not_found', 'not_enrolled'],
      handler: ({ user, params, body }) => ratings.putRating(me(user).id, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/api/v1/courses/:id/ratings/me',
      operationId: 'deleteMyCourseRating',
      tags: rtags,
      access: 'user',
      summary: 'Withdraw your rating of a course',
      params: IdParams,
      response: null,
      status: 204,
      errors: ['not_found'],
      handler: ({ user, params }) => ratings.removeRating(me(user).id, params.id),
    }),
  ];
}
