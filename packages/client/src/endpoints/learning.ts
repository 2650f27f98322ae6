import type { z } from 'zod';
import {
  CourseReport,
  Enrollment,
  MyEnrollmentList,
  MyEnrollmentsQuery,
  ProgressEventInput,
  ProgressWriteResult,
  QuizAttemptInput,
  QuizAttemptList,
  QuizAttemptListQuery,
  QuizAttemptResult,
  Roster,
  RosterAddRequest,
  RosterEntry,
  RosterQuery,
  StudentCourseProgress,
} from '@lyceum/contracts';
import type { Endpoint } from '../http.ts';

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

/** Enrollment and progress endpoints, keyed by operationId. */
export const learningEndpoints = {
  enroll: { method: 'POST', path: '/api/v1/courses/:id/enrollment', response: Enrollment },
  getMyEnrollment: { method: 'GET', path: '/api/v1/courses/:id/enrollment', response: Enrollment },
  unenroll: { method: 'DELETE', path: '/api/v1/courses/:id/enrollment', response: null },
  listMyEnrollments: {
    method: 'GET',
    path: '/api/v1/me/enrollments',
    query: MyEnrollmentsQuery,
    response: MyEnrollmentList,
  },
  getRoster: { method: 'GET', path: '/api/v1/courses/:id/roster', query: RosterQuery, response: Roster },
  addToRoster: {
    method: 'POST',
    path: '/api/v1/courses/:id/roster',
    body: RosterAddRequest,
    response: RosterEntry,
  },
  removeFromRoster: { method: 'DELETE', path: '/api/v1/courses/:id/roster/:userId', response: null },
  recordProgress: {
    method: 'POST',
    path: '/api/v1/progress',
    body: ProgressEventInput,
    response: ProgressWriteResult,
  },
  submitQuizAttempt: {
    method: 'POST',
    path: '/api/v1/quiz-attempts',
    body: QuizAttemptInput,
    response: QuizAttemptResult,
  },
  getMyCourseProgress: {
    method: 'GET',
    path: '/api/v1/me/courses/:id/progress',
    response: StudentCourseProgress,
  },
  listMyQuizAttempts: {
    method: 'GET',
    path: '/api/v1/me/courses/:id/quiz-attempts',
    query: QuizAttemptListQuery,
    response: QuizAttemptList,
  },
  getStudentCourseProgress: {
    method: 'GET',
    path: '/api/v1/courses/:id/students/:userId/progress',
    response: StudentCourseProgress,
  },
  getCourseReport: { method: 'GET', path: '/api/v1/courses/:id/report', response: CourseReport },
} as const satisfies Record<string, AnyEndpoint>;
