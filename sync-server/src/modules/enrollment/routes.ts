import {
  CourseUserParams,
  Enrollment,
  IdParams,
  MyEnrollmentList,
  MyEnrollmentsQuery,
  Roster,
  RosterAddRequest,
  RosterEntry,
  RosterQuery,
} from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import { route, type AnyRoute, type Caller } from '../../http/route.ts';
import type { LearningService } from './learning.ts';
import { toEnrollment, type EnrollmentService } from './service.ts';

const me = (user: Caller | null) => user!;

export function enrollmentRoutes(service: EnrollmentService, learning: LearningService): AnyRoute[] {
  const tags = ['enrollment'];
  return [
    route({
      method: 'post',
      path: '/api/v1/courses/:id/enrollment',
      operationId: 'enroll',
      summary: 'Enroll in a free published course (prerequisites must be completed)',
      tags,
      access: 'user',
      params: IdParams,
      response: Enrollment,
      status: 201,
      errors: [
        'not_found',
        'course_not_published',
        'already_enrolled',
        'prerequisites_missing',
        'payment_required',
      ],
      handler: ({ params, user }) => service.enroll(params.id, me(user).id),
    }),
    route({
      method: 'get',
      path: '/api/v1/courses/:id/enrollment',
      operationId: 'getMyEnrollment',
      summary: "The signed-in student's enrollment in a course",
      tags,
      access: 'user',
      params: IdParams,
      response: Enrollment,
      errors: ['not_found'],
      handler: async ({ params, user }) => {
        const row = await service.get(params.id, me(user).id);
        if (!row) throw new ApiError('not_found', 'You are not enrolled in this course');
        return toEnrollment(row);
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/courses/:id/enrollment',
      operationId: 'unenroll',
      summary: 'Leave a course: the enrollment becomes dropped, progress is kept',
      tags,
      access: 'user',
      params: IdParams,
      response: null,
      status: 204,
      errors: ['not_found'],
      handler: ({ params, user }) => service.unenroll(params.id, me(user).id),
    }),
    route({
      method: 'get',
      path: '/api/v1/me/enrollments',
      operationId: 'listMyEnrollments',
      summary: 'My Learning: enrollments with status, progress, grade, next lesson and due dates',
      tags,
      access: 'user',
      query: MyEnrollmentsQuery,
      response: MyEnrollmentList,
      handler: async ({ query, user }) => ({
        items: await learning.myEnrollments(me(user).id, query.status),
      }),
    }),
    route({
      method: 'get',
      path: '/api/v1/courses/:id/roster',
      operationId: 'getRoster',
      summary: 'Students of a course with status, progress, grade and last activity',
      tags,
      access: 'instructor',
      params: IdParams,
      query: RosterQuery,
      response: Roster,
      errors: ['not_found'],
      handler: ({ params, query, user }) => learning.roster(params.id, me(user), query.status),
    }),
    route({
      method: 'post',
      path: '/api/v1/courses/:id/roster',
      operationId: 'addToRoster',
      summary: 'Enroll a student by email or account id (paid courses too)',
      tags,
      access: 'instructor',
      params: IdParams,
      body: RosterAddRequest,
      response: RosterEntry,
      status: 201,
      errors: ['not_found', 'course_not_published', 'already_enrolled'],
      handler: ({ params, body, user }) => learning.add(params.id, me(user), body),
    }),
    route({
      method: 'delete',
      path: '/api/v1/courses/:id/roster/:userId',
      operationId: 'removeFromRoster',
      summary: 'Remove a student: the enrollment becomes dropped, progress is kept',
      tags,
      access: 'instructor',
      params: CourseUserParams,
      response: null,
      status: 204,
      errors: ['not_found'],
      handler: ({ params, user }) => learning.remove(params.id, me(user), params.userId),
    }),
  ];
}
