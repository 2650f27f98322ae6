import { z } from 'zod';

export const JobStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type JobStatus = z.infer<typeof JobStatus>;

export const PackagedFile = z.object({
  key: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentType: z.string(),
});
export type PackagedFile = z.infer<typeof PackagedFile>;

export const Rendition = z.object({
  name: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Peak and average bits per second, measured on the produced segments. */
  bandwidth: z.number().int().positive(),
  averageBandwidth: z.number().int().positive(),
  codecs: z.string(),
  /** Storage key of the rendition's media playlist. */
  playlist: z.string(),
});
export type Rendition = z.infer<typeof Rendition>;

/** What a succeeded packaging job stores in media_jobs.result. */
export const PackagingOutput = z.object({
  durationSeconds: z.number().nonnegative(),
  renditions: z.array(Rendition),
  /** Storage keys of the master playlist and the poster. */
  master: z.string(),
  poster: z.string(),
  files: z.array(PackagedFile),
});
export type PackagingOutput = z.infer<typeof PackagingOutput>;

/** packagingResult(assetId): what the content module's manifest and status endpoints read. */
export const PackagingResult = z.object({
  status: JobStatus,
  progressPercent: z.number().int().min(0).max(100),
  durationSeconds: z.number().nullable(),
  renditions: z.array(Rendition),
  master: z.string().nullable(),
  poster: z.string().nullable(),
  files: z.array(PackagedFile),
  error: z.string().nullable(),
});
export type PackagingResult = z.infer<typeof PackagingResult>;

/** Socket.io event sent to `user:<uploaderId>` while a video is packaged. */
export const MediaProgressEvent = 'media:progress';
export const MediaProgress = z.object({
  assetId: z.string(),
  percent: z.number().int().min(0).max(100),
  status: JobStatus,
  error: z.string().nullable().optional(),
});
export type MediaProgress = z.infer<typeof MediaProgress>;
