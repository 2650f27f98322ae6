import { z } from 'zod';
import {
  Asset,
  AssetList,
  AttachAsset,
  ChunkReceipt,
  Id,
  IdParams,
  LessonManifest,
  Upload,
  UploadStart,
} from '@lyceum/contracts';
import { route, type AnyRoute } from '../../http/route.ts';
import type { AssetService } from './assets.ts';
import type { ManifestService } from './manifest.ts';
import type { UploadService } from './uploads.ts';

const ChunkParams = z.object({ id: Id, index: z.coerce.number().int().min(0).max(1_000_000) }).strict();
const LessonParams = z.object({ courseId: Id, lessonId: Id }).strict();

export function contentRoutes(
  assets: AssetService,
  uploads: UploadService,
  manifests: ManifestService,
): AnyRoute[] {
  const tags = ['content'];
  return [
    route({
      method: 'post',
      path: '/api/v1/courses/:id/uploads',
      operationId: 'startUpload',
      summary: 'Start a resumable, chunked upload of a file for a course (its instructors and admins)',
      tags,
      access: 'instructor',
      params: IdParams,
      body: UploadStart,
      response: Upload,
      status: 201,
      errors: ['forbidden', 'not_found', 'file_too_large', 'validation_failed'],
      handler: ({ params, body, user }) => uploads.start(user!, params.id, body),
    }),
    route({
      method: 'get',
      path: '/api/v1/uploads/:id',
      operationId: 'getUpload',
      summary: 'State of an upload, with the chunks received so far (to resume)',
      tags,
      access: 'instructor',
      params: IdParams,
      response: Upload,
      errors: ['forbidden', 'not_found'],
      handler: ({ params, user }) => uploads.get(user!, params.id),
    }),
    route({
      method: 'put',
      path: '/api/v1/uploads/:id/chunks/:index',
      operationId: 'putUploadChunk',
      summary:
        'Send one chunk (application/octet-stream) with its sha256 in x-chunk-sha256; every chunk but the last has chunkSize bytes',
      tags,
      access: 'instructor',
      params: ChunkParams,
      response: ChunkReceipt,
      errors: ['checksum_mismatch', 'chunk_size_mismatch', 'upload_closed', 'validation_failed', 'not_found'],
      handler: ({ params, user, req }) =>
        uploads.putChunk(user!, params.id, params.index, req.get('x-chunk-sha256')?.toLowerCase(), req),
    }),
    route({
      method: 'post',
      path: '/api/v1/uploads/:id/complete',
      operationId: 'completeUpload',
      summary:
        'Assemble the chunks, verify the whole sha256 and detect the type from the bytes; videos then go to packaging. ' +
        'An upload to a lesson whose file another upload replaced meanwhile loses: 409 version_conflict (details.current)',
      tags,
      access: 'instructor',
      params: IdParams,
      response: Asset,
      errors: [
        'upload_incomplete',
        'upload_closed',
        'checksum_mismatch',
        'unsupported_file_type',
        'not_found',
        'version_conflict',
      ],
      handler: ({ params, user }) => uploads.complete(user!, params.id),
    }),
    route({
      method: 'get',
      path: '/api/v1/courses/:id/assets',
      operationId: 'listCourseAssets',
      summary: "A course's uploaded files (its instructors and admins)",
      tags,
      access: 'instructor',
      params: IdParams,
      response: AssetList,
      errors: ['forbidden', 'not_found'],
      handler: async ({ params, user }) => ({ items: await assets.listForCourse(user!, params.id) }),
    }),
    route({
      method: 'get',
      path: '/api/v1/assets/:id',
      operationId: 'getAsset',
      summary: 'One uploaded file and its status (packaging progress, failure reason)',
      tags,
      access: 'instructor',
      params: IdParams,
      response: Asset,
      errors: ['forbidden', 'not_found'],
      handler: ({ params, user }) => assets.get(user!, params.id),
    }),
    route({
      method: 'put',
      path: '/api/v1/assets/:id/lesson',
      operationId: 'attachAsset',
      summary: 'Attach an uploaded file to a lesson of its course, or detach it (lessonId null)',
      tags,
      access: 'instructor',
      params: IdParams,
      body: AttachAsset,
      response: Asset,
      errors: ['forbidden', 'not_found', 'validation_failed'],
      handler: ({ params, body, user }) => assets.attach(user!, params.id, body.lessonId),
    }),
    route({
      method: 'get',
      path: '/api/v1/courses/:courseId/lessons/:lessonId/content',
      operationId: 'lessonContent',
      summary:
        "A lesson's content manifest: files with size, sha256, type and short-lived signed URLs. For enrolled students, " +
        "the course's instructors and admins; for anyone when the lesson is a preview.",
      tags,
      access: 'public',
      params: LessonParams,
      response: LessonManifest,
      errors: ['unauthenticated', 'not_enrolled', 'not_found'],
      handler: ({ params, user }) => manifests.lessonManifest(user, params.courseId, params.lessonId),
    }),
  ];
}
