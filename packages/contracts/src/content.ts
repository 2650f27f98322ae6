import { z } from 'zod';
import { Id, IsoDateTime, Text } from './common.ts';

/** What an uploaded file is for; decides which detected types are accepted and the size limit. */
export const AssetKind = z.enum(['video', 'slides', 'document', 'attachment']);
export type AssetKind = z.infer<typeof AssetKind>;

/** uploading → (processing →) ready, or failed with a reason. Videos go through packaging (processing). */
export const AssetStatus = z.enum(['uploading', 'ready', 'processing', 'failed']);
export type AssetStatus = z.infer<typeof AssetStatus>;

export const Sha256Hex = Text().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

export const Asset = z
  .object({
    id: Id,
    courseId: Id,
    lessonId: Id.nullable(),
    kind: AssetKind,
    originalName: Text(),
    /** Detected from the bytes, not the file name; null until the upload completes. */
    mimeType: Text().nullable(),
    size: z.number().int().nonnegative(),
    sha256: Sha256Hex,
    status: AssetStatus,
    failureReason: Text().nullable(),
    createdBy: Id,
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'Asset' });
export type Asset = z.infer<typeof Asset>;

export const AssetList = z.object({ items: z.array(Asset) }).meta({ id: 'AssetList' });
export type AssetList = z.infer<typeof AssetList>;

/** Start a chunked, resumable upload: the whole file's size and sha256 are declared up front. */
export const UploadStart = z
  .object({
    kind: AssetKind,
    name: Text().min(1).max(255),
    size: z.number().int().positive(),
    sha256: Sha256Hex,
    lessonId: Id.optional(),
    /** Bytes per chunk (every chunk but the last has exactly this size); the server's default when absent. */
    chunkSize: z
      .number()
      .int()
      .min(64 * 1024)
      .max(64 * 1024 * 1024)
      .optional(),
  })
  .strict()
  .meta({ id: 'UploadStart' });
export type UploadStart = z.infer<typeof UploadStart>;

export const UploadStatus = z.enum(['open', 'completed']);

/** State of an upload; `received` lists the chunk indexes already stored, so a client resumes with the others. */
export const Upload = z
  .object({
    id: Id,
    assetId: Id,
    courseId: Id,
    status: UploadStatus,
    size: z.number().int().positive(),
    sha256: Sha256Hex,
    chunkSize: z.number().int().positive(),
    chunkCount: z.number().int().positive(),
    received: z.array(z.number().int().nonnegative()),
    expiresAt: IsoDateTime,
  })
  .meta({ id: 'Upload' });
export type Upload = z.infer<typeof Upload>;

export const ChunkReceipt = z
  .object({ index: z.number().int().nonnegative(), size: z.number().int().nonnegative(), sha256: Sha256Hex })
  .meta({ id: 'ChunkReceipt' });
export type ChunkReceipt = z.infer<typeof ChunkReceipt>;

export const AttachAsset = z.object({ lessonId: Id.nullable() }).strict().meta({ id: 'AttachAsset' });
export type AttachAsset = z.infer<typeof AttachAsset>;

/** One downloadable file of a lesson's content. */
export const ContentFile = z
  .object({
    /** Relative to the asset's root, '/'-separated (e.g. `hls/720p/seg-00001.m4s`). */
    path: Text(),
    size: z.number().int().nonnegative(),
    sha256: Sha256Hex,
    contentType: Text(),
    /** A short-lived signed URL (absolute path on the server, or on the CDN when one is configured). */
    url: Text(),
  })
  .meta({ id: 'ContentFile' });
export type ContentFile = z.infer<typeof ContentFile>;

export const ManifestAsset = z
  .object({
    id: Id,
    kind: AssetKind,
    originalName: Text(),
    mimeType: Text().nullable(),
    status: AssetStatus,
    /** The file to open first: the HLS master playlist of a packaged video, else the uploaded file; null while not ready. */
    entry: Text().nullable(),
    /**
     * A signed URL of the entry whose signature is in the path (`/content/t/<exp>/<sig>/assets/<id>/…`), so the
     * relative URIs of HLS playlists resolve to signed URLs too: what a streaming player (hls.js) opens. Null while not ready.
     */
    streamUrl: Text().nullable(),
    files: z.array(ContentFile),
  })
  .meta({ id: 'ManifestAsset' });
export type ManifestAsset = z.infer<typeof ManifestAsset>;

/** Everything a client needs to download a lesson's content and verify it. */
export const LessonManifest = z
  .object({
    courseId: Id,
    lessonId: Id,
    /** When the signed URLs stop working; fetch the manifest again after. */
    expiresAt: IsoDateTime,
    assets: z.array(ManifestAsset),
  })
  .meta({ id: 'LessonManifest' });
export type LessonManifest = z.infer<typeof LessonManifest>;
