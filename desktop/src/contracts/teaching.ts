import { z } from 'zod';
import {
  AssetKind,
  AssetStatus,
  CourseStatus,
  CourseSummary,
  IsoDateTime,
  LessonKind,
} from '@lyceum/contracts';

/**
 * The local API of the Teach screens (instructors uploading course media), shared by the core and the renderer.
 * Nothing here imports Node: the renderer parses the core's answers with these schemas.
 */

/** What an instructor can upload from the desktop. */
export const TeachUploadKind = z.enum(['video', 'slides', 'document']);
export type TeachUploadKind = z.infer<typeof TeachUploadKind>;

/** uploading (chunks to the server) → processing (videos: packaging) → ready, or failed with a reason. */
export const TeachPhase = z.enum(['uploading', 'processing', 'ready', 'failed']);
export type TeachPhase = z.infer<typeof TeachPhase>;

export const TeachUpload = z.object({
  /** The desktop's id of this upload (not the server's). */
  id: z.string(),
  courseId: z.string(),
  lessonId: z.string(),
  kind: TeachUploadKind,
  name: z.string(),
  size: z.number().int().nonnegative(),
  phase: TeachPhase,
  /** Bytes the server has acknowledged, and that as a whole percent of the size. */
  bytesUploaded: z.number().int().nonnegative(),
  uploadPercent: z.number().int().min(0).max(100),
  /** Packaging progress of a video (from the server's `media:progress` events); null for other kinds. */
  packagingPercent: z.number().int().min(0).max(100).nullable(),
  /** The server's asset, once the server accepted the upload. */
  assetId: z.string().nullable(),
  /** Why nothing moves right now although nothing failed (e.g. the server cannot be reached; it retries). */
  waiting: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Another attempt can be made with the copy kept on this device. */
  canRetry: z.boolean(),
  /** A ready video's length and its poster (a local API path), when known. */
  durationSeconds: z.number().nonnegative().nullable(),
  posterUrl: z.string().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type TeachUpload = z.infer<typeof TeachUpload>;

export const TeachUploadList = z.object({ items: z.array(TeachUpload) });
export type TeachUploadList = z.infer<typeof TeachUploadList>;

/** The renderer sends the file as the raw body of POST /api/teach/courses/:id/uploads with these in the query. */
export const TeachUploadQuery = z
  .object({
    lessonId: z.uuid(),
    kind: TeachUploadKind,
    name: z.string().trim().min(1).max(255),
  })
  .strict();
export type TeachUploadQuery = z.infer<typeof TeachUploadQuery>;

/** The same, plus the size, to check before sending any bytes (GET …/uploads/check). */
export const TeachUploadCheckQuery = TeachUploadQuery.extend({
  size: z.coerce.number().int().positive(),
}).strict();
export type TeachUploadCheckQuery = z.infer<typeof TeachUploadCheckQuery>;

export const TeachUploadParams = z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/) }).strict();

/** Largest file per kind (the server's defaults: it may refuse less when configured so). */
export const TeachLimits = z.record(TeachUploadKind, z.number().int().positive());
export type TeachLimits = z.infer<typeof TeachLimits>;

export const TeachCourseList = z.object({ items: z.array(CourseSummary) });
export type TeachCourseList = z.infer<typeof TeachCourseList>;

/** One file on the server attached to a lesson. */
export const TeachAsset = z.object({
  id: z.string(),
  kind: AssetKind,
  originalName: z.string(),
  size: z.number().int().nonnegative(),
  status: AssetStatus,
  failureReason: z.string().nullable(),
  updatedAt: IsoDateTime,
  durationSeconds: z.number().nonnegative().nullable(),
  posterUrl: z.string().nullable(),
});
export type TeachAsset = z.infer<typeof TeachAsset>;

export const TeachLesson = z.object({
  id: z.string(),
  title: z.string(),
  kind: LessonKind,
  /** What this lesson takes from the Teach screen (videos for video lessons, PDFs for slides), or null. */
  accepts: TeachUploadKind.nullable(),
  /** Its current content on the server, newest first. */
  assets: z.array(TeachAsset),
  /** The latest upload made from this device for this lesson. */
  upload: TeachUpload.nullable(),
});
export type TeachLesson = z.infer<typeof TeachLesson>;

export const TeachCourse = z.object({
  course: z.object({ id: z.string(), title: z.string(), status: CourseStatus }),
  modules: z.array(z.object({ id: z.string(), title: z.string(), lessons: z.array(TeachLesson) })),
  limits: TeachLimits,
});
export type TeachCourse = z.infer<typeof TeachCourse>;
