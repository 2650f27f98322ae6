import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { DownloadParams, MediaParams, WatchBody } from '../../contracts/content.ts';
import type { Downloads } from '../downloads/index.ts';
import { DownloadSettings, NetworkReport } from '../../contracts/downloads.ts';
import { decodeContentPath } from '../downloads/serve.ts';
import { CoreError } from '../errors.ts';
import { CourseLessonParams } from '../../contracts/learning.ts';
import { ServerError, ServerUnreachable } from '../server/errors.ts';
import type { LearningService } from '../services/learning.ts';
import { asCoreError } from '../services/session.ts';
import { relayRemote, sendLocal, StreamUnreachable } from './media-http.ts';
import { parseInput, type LocalRoute } from './routes.ts';

const Uuid = z.uuid();
const NOT_HERE =
  'This file is not on this device and the server cannot be reached. Make the course available offline to keep it.';

/**
 * Offline media of the local API: download progress and control of offline copies, the lesson's media list,
 * video watching, and `/api/media/…` — one local URL per file for the player, served from this device when the
 * file is stored, else streamed from the server.
 */
export function contentRoutes(s: { learning: LearningService; downloads: Downloads }): LocalRoute[] {
  const { learning, downloads } = s;
  const media = downloads.media;
  const courseOf = (params: Record<string, string>) => parseInput(DownloadParams, params, 'params').id;
  const lessonOf = (params: Record<string, string>) => parseInput(CourseLessonParams, params, 'params');

  /** Stream a file that is not stored here from the server (a fresh signed URL when the cached one expired). */
  async function stream(req: IncomingMessage, res: ServerResponse, courseId: string, rel: string) {
    const lessonId = rel.split('/')[0]!;
    for (let attempt = 0; attempt < 2; attempt++) {
      let url: string | null;
      try {
        url = await media.remoteUrl(courseId, rel);
      } catch (err) {
        if (err instanceof ServerUnreachable) throw new CoreError('offline', NOT_HERE);
        if (err instanceof ServerError) throw asCoreError(err, NOT_HERE);
        throw err;
      }
      if (!url) throw new CoreError('not_found', 'This lesson has no such file');
      try {
        if ((await relayRemote(req, res, url, downloads.fetch)) === 'sent') return;
      } catch (err) {
        if (err instanceof StreamUnreachable) throw new CoreError('offline', NOT_HERE);
        throw err;
      }
      media.invalidate(courseId, lessonId);
    }
    throw new CoreError('signature_expired', 'The server keeps refusing the link to this file');
  }

  return [
    {
      method: 'GET',
      path: '/api/media/:courseId/*',
      raw: true,
      handler: async ({ params, req, res }) => {
        const p = parseInput(MediaParams, params, 'params');
        const rel = decodeContentPath(p['*']);
        const [lessonId, assetId, ...rest] = rel?.split('/') ?? [];
        if (!rel || !Uuid.safeParse(lessonId).success || !Uuid.safeParse(assetId).success || !rest.length)
          throw new CoreError('invalid_path', 'The media path is not valid');
        const local = downloads.resolve(p.courseId, rel.split('/').map(encodeURIComponent).join('/'));
        if (local) await sendLocal(req, res, local);
        else await stream(req, res, p.courseId, rel);
      },
    },
    {
      method: 'GET',
      path: '/api/learning/:id/lessons/:lessonId/media',
      handler: async ({ params }) => {
        const p = lessonOf(params);
        const view = learning.lesson(p.id, p.lessonId);
        const found = await media.lessonMedia(p.id, p.lessonId, view.online);
        const offline = learning.offline.lessonOffline(p.id, p.lessonId);
        // The server lists files a kept copy does not have and no download knows of: new content, look now.
        if (offline.kept && offline.state === 'stored' && found.assets.some((a) => !a.stored)) {
          learning.offline.checkSoon(p.id);
          return { ...found, offline: { ...offline, state: 'missing' as const } };
        }
        return { ...found, offline };
      },
    },
    {
      method: 'GET',
      path: '/api/learning/:id/lessons/:lessonId/offline',
      handler: ({ params }) => {
        const p = lessonOf(params);
        learning.lesson(p.id, p.lessonId);
        return learning.offline.lessonOffline(p.id, p.lessonId);
      },
    },
    {
      method: 'GET',
      path: '/api/learning/:id/lessons/:lessonId/watch',
      handler: ({ params }) => {
        const p = lessonOf(params);
        return learning.watchState(p.id, p.lessonId);
      },
    },
    {
      method: 'POST',
      path: '/api/learning/:id/lessons/:lessonId/watch',
      handler: ({ params, body }) => {
        const p = lessonOf(params);
        return learning.watch(p.id, p.lessonId, parseInput(WatchBody, body, 'body'));
      },
    },
    { method: 'GET', path: '/api/downloads', handler: () => learning.offline.list() },
    {
      method: 'GET',
      path: '/api/downloads/notices',
      handler: () => ({ notices: learning.offline.notices() }),
    },
    { method: 'GET', path: '/api/downloads/settings', handler: () => downloads.policy.view() },
    {
      method: 'PUT',
      path: '/api/downloads/settings',
      handler: ({ body }) => downloads.policy.set(parseInput(DownloadSettings, body, 'body')),
    },
    {
      method: 'PUT',
      path: '/api/downloads/network',
      handler: ({ body }) => downloads.policy.report(parseInput(NetworkReport, body, 'body')),
    },
    {
      method: 'POST',
      path: '/api/downloads/:id/notices/dismiss',
      handler: ({ params }) => ({ notices: learning.offline.dismissNotices(courseOf(params)) }),
    },
    {
      method: 'POST',
      path: '/api/downloads/:id/update',
      handler: ({ params }) => learning.offline.updateNow(courseOf(params)),
    },
    {
      method: 'GET',
      path: '/api/downloads/:id',
      handler: ({ params }) => learning.offline.progress(courseOf(params)),
    },
    {
      method: 'POST',
      path: '/api/downloads/:id/pause',
      handler: ({ params }) => learning.offline.pause(courseOf(params)),
    },
    {
      method: 'POST',
      path: '/api/downloads/:id/resume',
      handler: ({ params }) => learning.offline.resume(courseOf(params)),
    },
    {
      method: 'POST',
      path: '/api/downloads/:id/verify',
      handler: ({ params }) => learning.offline.verify(courseOf(params)),
    },
    {
      method: 'DELETE',
      path: '/api/downloads/:id',
      handler: async ({ params }) => {
        const id = courseOf(params);
        await learning.setOffline(id, false);
        return learning.offline.progress(id);
      },
    },
  ];
}
