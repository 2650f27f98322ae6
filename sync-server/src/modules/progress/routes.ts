import {
  CourseReport,
  CourseUserParams,
  IdParams,
  ProgressEventInput,
  ProgressWriteResult,
  QuizAttemptInput,
  QuizAttemptList,
  QuizAttemptListQuery,
  QuizAttemptResult,
  StudentCourseProgress,
} from '@lyceum/contracts';
import { Raw, WithStatus, route, type AnyRoute, type Caller } from '../../http/route.ts';
import type { UserDirectory } from '../enrollment/users.ts';
import type { QuizAttemptRecorder } from './attempts.ts';
import { gradebookCsv } from './gradebook.ts';
import type { ProgressRecorder } from './record.ts';
import type { ReportService } from './reports.ts';

const me = (user: Caller | null) => user!;

/** New records answer 201; a replayed id answers 200 with the original result. */
const created = <T extends { duplicate: boolean }>(body: T): T | WithStatus<T> =>
  body.duplicate ? new WithStatus(200, body) : body;
const replay = [
  {
    status: 200 as const,
    description: 'A replay of an id already recorded: the original result, duplicate: true',
  },
];

export function progressRoutes(
  record: ProgressRecorder,
  submit: QuizAttemptRecorder,
  reports: ReportService,
  users: UserDirectory,
): AnyRoute[] {
  const tags = ['progress'];
  return [
    route({
      method: 'post',
      path: '/api/v1/progress',
      operationId: 'recordProgress',
      summary:
        'Record lesson progress (idempotent on the client id: a replay answers 200 with duplicate: true)',
      tags,
      access: 'user',
      body: ProgressEventInput,
      response: ProgressWriteResult,
      status: 201,
      errors: ['not_found', 'not_enrolled', 'idempotency_conflict'],
      alsoStatus: replay,
      handler: async ({ body, user }) => created(await record(me(user).id, body)),
    }),
    route({
      method: 'post',
      path: '/api/v1/quiz-attempts',
      operationId: 'submitQuizAttempt',
      summary: 'Submit a quiz attempt, graded on the server (idempotent on the client id)',
      tags,
      access: 'user',
      body: QuizAttemptInput,
      response: QuizAttemptResult,
      status: 201,
      errors: ['not_found', 'not_enrolled', 'attempts_exhausted', 'idempotency_conflict'],
      alsoStatus: replay,
      handler: async ({ body, user }) => created(await submit(me(user).id, body)),
    }),
    route({
      method: 'get',
      path: '/api/v1/me/courses/:id/progress',
      operationId: 'getMyCourseProgress',
      summary: 'My progress in a course: lessons, quiz grades, course grade, completion',
      tags,
      access: 'user',
      params: IdParams,
      response: StudentCourseProgress,
      errors: ['not_found', 'not_enrolled'],
      handler: ({ params, user }) => reports.myProgress(me(user).id, params.id),
    }),
    route({
      method: 'get',
      path: '/api/v1/me/courses/:id/quiz-attempts',
      operationId: 'listMyQuizAttempts',
      summary: 'My quiz attempts in a course with their results, newest first',
      tags,
      access: 'user',
      params: IdParams,
      query: QuizAttemptListQuery,
      response: QuizAttemptList,
      errors: ['not_found', 'not_enrolled'],
      handler: ({ params, query, user }) => reports.myAttempts(me(user).id, params.id, query.lessonId),
    }),
    route({
      method: 'get',
      path: '/api/v1/courses/:id/students/:userId/progress',
      operationId: 'getStudentCourseProgress',
      summary: "One student's progress in a course, for its instructors and admins",
      tags,
      access: 'instructor',
      params: CourseUserParams,
      response: StudentCourseProgress,
      errors: ['not_found'],
      handler: ({ params, user }) => reports.progressOfStudent(params.id, me(user), params.userId),
    }),
    route({
      method: 'get',
      path: '/api/v1/courses/:id/report',
      operationId: 'getCourseReport',
      rateLimit: { policy: 'export' },
      summary:
        'Course report: counts, completion, grades, per-lesson and per-quiz figures, struggling students',
      tags,
      access: 'instructor',
      params: IdParams,
      response: CourseReport,
      errors: ['not_found'],
      handler: ({ params, user }) => reports.courseReport(params.id, me(user)),
    }),
    route({
      method: 'get',
      path: '/api/v1/courses/:id/gradebook.csv',
      operationId: 'exportGradebook',
      rateLimit: { policy: 'export' },
      summary:
        'Gradebook as CSV: one row per student with progress, best quiz percents, course grade, last activity',
      tags,
      access: 'instructor',
      params: IdParams,
      response: null,
      produces: 'text/csv',
      errors: ['not_found'],
      handler: async ({ params, user }) => {
        const { filename, csv } = await gradebookCsv(reports, users, params.id, me(user));
        return new Raw('text/csv; charset=utf-8', csv, {
          'content-disposition': `attachment; filename="${filename}"`,
          'cache-control': 'no-store',
        });
      },
    }),
  ];
}
