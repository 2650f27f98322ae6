import type { z } from 'zod';
import {
  Asset,
  AssetList,
  AttachAsset,
  ChunkReceipt,
  LessonManifest,
  Upload,
  UploadStart,
} from '@lyceum/contracts';
import type { Endpoint } from '../http.ts';

type AnyEndpoint = Endpoint<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | null>;

/**
 * Course content: resumable uploads (a chunk is raw bytes with its sha256 in x-chunk-sha256), a course's assets, and
 * a lesson's manifest (signed URLs of its files; the files themselves, with byte ranges, are fetched from those URLs).
 */
export const contentEndpoints = {
  startUpload: { method: 'POST', path: '/api/v1/courses/:id/uploads', body: UploadStart, response: Upload },
  getUpload: { method: 'GET', path: '/api/v1/uploads/:id', response: Upload },
  putUploadChunk: {
    method: 'PUT',
    path: '/api/v1/uploads/:id/chunks/:index',
    response: ChunkReceipt,
    bytes: true,
  },
  completeUpload: { method: 'POST', path: '/api/v1/uploads/:id/complete', response: Asset },
  listCourseAssets: { method: 'GET', path: '/api/v1/courses/:id/assets', response: AssetList },
  getAsset: { method: 'GET', path: '/api/v1/assets/:id', response: Asset },
  attachAsset: { method: 'PUT', path: '/api/v1/assets/:id/lesson', body: AttachAsset, response: Asset },
  lessonContent: {
    method: 'GET',
    path: '/api/v1/courses/:courseId/lessons/:lessonId/content',
    response: LessonManifest,
  },
} as const satisfies Record<string, AnyEndpoint>;
