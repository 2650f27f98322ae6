import { CoreError } from '../errors.ts';
import {
  AttemptBody,
  CourseLessonParams,
  OfflineBody,
  PreferencesBody,
  RejectionParams,
} from '../../contracts/learning.ts';
import { CourseIdParam } from '../../contracts/app.ts';
import type { LearningService } from '../services/learning.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { parseInput, type LocalRoute } from './routes.ts';

/** Offline study and sync endpoints of the local API. */
export function learningRoutes(s: { learning: LearningService; sync: SyncEngine }): LocalRoute[] {
  const course = (params: Record<string, string>) => parseInput(CourseIdParam, params, 'params').id;
  const lesson = (params: Record<string, string>) => parseInput(CourseLessonParams, params, 'params');
  return [
    { method: 'GET', path: '/api/sync', handler: () => s.sync.status() },
    {
      method: 'POST',
      path: '/api/sync',
      handler: async () => {
        await s.sync.syncNow();
        return s.sync.status();
      },
    },
    {
      method: 'POST',
      path: '/api/sync/rejected/:id/dismiss',
      handler: ({ params }) => {
        if (!s.sync.dismiss(parseInput(RejectionParams, params, 'params').id))
          throw new CoreError('not_found', 'No such rejected change');
        return s.sync.status();
      },
    },
    { method: 'GET', path: '/api/learning', handler: () => s.learning.list() },
    { method: 'GET', path: '/api/learning/:id', handler: ({ params }) => s.learning.course(course(params)) },
    {
      method: 'POST',
      path: '/api/learning/:id/enroll',
      handler: ({ params }) => s.learning.enroll(course(params)),
    },
    {
      method: 'POST',
      path: '/api/learning/:id/unenroll',
      handler: ({ params }) => s.learning.unenroll(course(params)),
    },
    {
      method: 'PUT',
      path: '/api/learning/:id/offline',
      handler: ({ params, body }) =>
        s.learning.setOffline(course(params), parseInput(OfflineBody, body, 'body').enabled),
    },
    {
      method: 'GET',
      path: '/api/learning/:id/lessons/:lessonId',
      handler: ({ params }) => {
        const p = lesson(params);
        return s.learning.openLesson(p.id, p.lessonId);
      },
    },
    {
      method: 'POST',
      path: '/api/learning/:id/lessons/:lessonId/complete',
      handler: ({ params }) => {
        const p = lesson(params);
        return s.learning.complete(p.id, p.lessonId);
      },
    },
    {
      method: 'POST',
      path: '/api/learning/:id/lessons/:lessonId/attempts',
      status: 201,
      handler: ({ params, body }) => {
        const p = lesson(params);
        return s.learning.submitAttempt(p.id, p.lessonId, parseInput(AttemptBody, body, 'body'));
      },
    },
    { method: 'GET', path: '/api/preferences', handler: () => s.learning.preferences() },
    {
      method: 'PUT',
      path: '/api/preferences',
      handler: ({ body }) => s.learning.putPreferences(parseInput(PreferencesBody, body, 'body')),
    },
  ];
}
