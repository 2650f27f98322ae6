import {
  ConflictParams,
  ConflictResolveBody,
  DraftCreateBody,
  DraftEditBody,
  DraftParams,
} from '../../contracts/authoring.ts';
import type { AuthoringService } from '../authoring/service.ts';
import { parseInput, type LocalRoute } from './routes.ts';

/** Course authoring (contracts/authoring.ts): drafts, edits, publishing and conflicts, all answered from SQLite. */
export function authoringRoutes(s: { authoring: AuthoringService }): LocalRoute[] {
  const courseId = (params: Record<string, string>) => parseInput(DraftParams, params, 'params').courseId;
  const publish = (action: 'publish' | 'unpublish' | 'archive'): LocalRoute => ({
    method: 'POST',
    path: `/api/teach/drafts/:courseId/${action}`,
    status: 202,
    handler: ({ params }) => s.authoring.publish(courseId(params), action),
  });
  return [
    { method: 'GET', path: '/api/teach/drafts', handler: () => s.authoring.list() },
    {
      method: 'POST',
      path: '/api/teach/drafts',
      status: 201,
      handler: ({ body }) => s.authoring.create(parseInput(DraftCreateBody, body, 'body')),
    },
    {
      method: 'GET',
      path: '/api/teach/drafts/:courseId',
      handler: ({ params }) => s.authoring.view(courseId(params)),
    },
    {
      method: 'POST',
      path: '/api/teach/drafts/:courseId/edits',
      status: 202,
      handler: ({ params, body }) =>
        s.authoring.edit(courseId(params), parseInput(DraftEditBody, body, 'body')),
    },
    publish('publish'),
    publish('unpublish'),
    publish('archive'),
    { method: 'GET', path: '/api/teach/conflicts', handler: () => s.authoring.conflicts() },
    {
      method: 'POST',
      path: '/api/teach/drafts/:courseId/conflicts/:conflictId/resolve',
      handler: ({ params, body }) => {
        const p = parseInput(ConflictParams, params, 'params');
        return s.authoring.resolve(p.courseId, p.conflictId, parseInput(ConflictResolveBody, body, 'body'));
      },
    },
  ];
}
