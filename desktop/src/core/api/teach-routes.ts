import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { CoreError } from '../errors.ts';
import { CourseIdParam } from '../../contracts/app.ts';
import type { TeachingService } from '../services/teaching.ts';
import { TeachUploadCheckQuery, TeachUploadParams, TeachUploadQuery } from '../../contracts/teaching.ts';
import { parseInput, type LocalRoute } from './routes.ts';

const AssetParam = z.object({ id: z.uuid() }).strict();
/** A refused upload body this small is read to its end so the sender gets the answer; a bigger one is cut. */
const DRAIN_MAX = 16 * 1024 * 1024;

function declaredLength(req: IncomingMessage): number | null {
  const v = req.headers['content-length'];
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new CoreError('validation_failed', 'The Content-Length header is not a size');
  return n;
}

/** Let the client hear a refusal sent before its body was read. */
async function discard(req: IncomingMessage, res: ServerResponse, length: number | null): Promise<void> {
  if (length === null || length > DRAIN_MAX) {
    res.setHeader('connection', 'close');
    return;
  }
  req.resume();
  if (!req.readableEnded) await once(req, 'end').catch(() => undefined);
}

/**
 * The Teach screens' endpoints: courses the user teaches, a course's lessons and files, and uploads from the device.
 * The file itself is the raw body of POST /api/teach/courses/:id/uploads (streamed to disk, not held in memory).
 */
export function teachRoutes(s: { teaching: TeachingService }): LocalRoute[] {
  const courseId = (params: Record<string, string>) => parseInput(CourseIdParam, params, 'params').id;
  const uploadId = (params: Record<string, string>) => parseInput(TeachUploadParams, params, 'params').id;
  return [
    { method: 'GET', path: '/api/teach/courses', handler: () => s.teaching.courses() },
    {
      method: 'GET',
      path: '/api/teach/courses/:id',
      handler: ({ params }) => s.teaching.course(courseId(params)),
    },
    {
      method: 'GET',
      path: '/api/teach/courses/:id/uploads/check',
      handler: async ({ params, query }) => {
        const q = parseInput(TeachUploadCheckQuery, query, 'query');
        await s.teaching.check(courseId(params), q, q.size);
        return { ok: true };
      },
    },
    {
      method: 'POST',
      path: '/api/teach/courses/:id/uploads',
      raw: true,
      handler: async ({ params, query, req, res }) => {
        let length: number | null = null;
        let userId: string;
        let q: TeachUploadQuery;
        try {
          length = declaredLength(req);
          q = parseInput(TeachUploadQuery, query, 'query');
          userId = await s.teaching.check(courseId(params), q, length);
        } catch (err) {
          await discard(req, res, length);
          throw err;
        }
        const upload = await s.teaching.receive(userId, courseId(params), q, req);
        res.writeHead(202, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end(JSON.stringify(upload));
      },
    },
    { method: 'GET', path: '/api/teach/uploads', handler: () => s.teaching.uploads() },
    {
      method: 'GET',
      path: '/api/teach/uploads/:id',
      handler: ({ params }) => s.teaching.upload(uploadId(params)),
    },
    {
      method: 'POST',
      path: '/api/teach/uploads/:id/retry',
      handler: ({ params }) => s.teaching.retry(uploadId(params)),
    },
    {
      method: 'DELETE',
      path: '/api/teach/uploads/:id',
      status: 204,
      handler: ({ params }) => {
        s.teaching.dismiss(uploadId(params));
        return undefined;
      },
    },
    {
      method: 'GET',
      path: '/api/teach/assets/:id/poster',
      raw: true,
      handler: async ({ params, req, res }) => {
        const file = await s.teaching.poster(parseInput(AssetParam, params, 'params').id);
        const size = fs.statSync(file).size;
        res.writeHead(200, {
          'content-type': 'image/jpeg',
          'content-length': String(size),
          'cache-control': 'private, max-age=3600',
        });
        if (req.method === 'HEAD') return void res.end();
        await pipeline(fs.createReadStream(file), res);
      },
    },
  ];
}
