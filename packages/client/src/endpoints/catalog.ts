import type { z } from 'zod';
import {
  CourseCreate,
  CourseDetail,
  CourseList,
  CoursePatch,
  CourseRating,
  CourseSearchQuery,
  CourseSearchResult,
  RatingInput,
  RatingList,
  RatingListQuery,
  TeachingQuery,
} from '@lyceum/contracts';
import type { Endpoint } from '../http.ts';

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

/** Catalog endpoints, keyed by operationId. */
export const catalogEndpoints = {
  searchCourses: {
    method: 'GET',
    path: '/api/v1/courses',
    query: CourseSearchQuery.partial(),
    response: CourseSearchResult,
  },
  createCourse: { method: 'POST', path: '/api/v1/courses', body: CourseCreate, response: CourseDetail },
  getCourse: { method: 'GET', path: '/api/v1/courses/:id', response: CourseDetail },
  updateCourse: { method: 'PATCH', path: '/api/v1/courses/:id', body: CoursePatch, response: CourseDetail },
  deleteCourse: { method: 'DELETE', path: '/api/v1/courses/:id', response: null },
  publishCourse: { method: 'POST', path: '/api/v1/courses/:id/publish', response: CourseDetail },
  archiveCourse: { method: 'POST', path: '/api/v1/courses/:id/archive', response: CourseDetail },
  listTeachingCourses: {
    method: 'GET',
    path: '/api/v1/me/courses/teaching',
    query: TeachingQuery.partial(),
    response: CourseList,
  },
  listCourseRatings: {
    method: 'GET',
    path: '/api/v1/courses/:id/ratings',
    query: RatingListQuery.partial(),
    response: RatingList,
  },
  rateCourse: {
    method: 'POST',
    path: '/api/v1/courses/:id/ratings',
    body: RatingInput,
    response: CourseRating,
  },
  getMyCourseRating: { method: 'GET', path: '/api/v1/courses/:id/ratings/me', response: CourseRating },
  putMyCourseRating: {
    method: 'PUT',
    path: '/api/v1/courses/:id/ratings/me',
    body: RatingInput,
    response: CourseRating,
  },
  deleteMyCourseRating: { method: 'DELETE', path: '/api/v1/courses/:id/ratings/me', response: null },
} as const satisfies Record<string, AnyEndpoint>;
