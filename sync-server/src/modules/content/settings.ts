import path from 'node:path';
import { z } from 'zod';
import type { AssetKind } from '@lyceum/contracts';
import { persistentSecret } from '../../lib/secrets.ts';
import { filesystemStorage } from './storage-fs.ts';
import { s3Storage } from './storage-s3.ts';
import type { ContentStorage } from './storage.ts';

const MiB = 1024 * 1024;
const bytes = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The content module's settings, read from the environment (they are this module's business only). */
export const contentSettingsSchema = z.object({
  /** HMAC key of signed content URLs; by default a secret kept in the data folder. Share it across API nodes. */
  CONTENT_SIGNING_KEY: z.string().min(32).optional(),
  /** How long signed URLs stay valid (seconds). */
  CONTENT_URL_TTL_SECONDS: z.coerce.number().int().positive().default(3600),
  /** Base of signed URLs when a CDN fronts /content (e.g. https://cdn.example.com); same origin when absent. */
  CONTENT_PUBLIC_URL: z.string().url().optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_BUCKET: z.string().default('lyceum-content'),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_PREFIX: z.string().default(''),
  CONTENT_MAX_VIDEO_BYTES: bytes(4096 * MiB),
  CONTENT_MAX_SLIDES_BYTES: bytes(200 * MiB),
  CONTENT_MAX_DOCUMENT_BYTES: bytes(200 * MiB),
  CONTENT_MAX_ATTACHMENT_BYTES: bytes(500 * MiB),
  CONTENT_CHUNK_BYTES: bytes(8 * MiB),
  /** Hours an unfinished upload is kept. */
  CONTENT_UPLOAD_TTL_HOURS: z.coerce.number().int().positive().default(48),
  /** Hours a replaced or orphaned upload is kept before the retention job removes it (default 7 days). */
  CONTENT_RETENTION_GRACE_HOURS: z.coerce
    .number()
    .min(0)
    .default(7 * 24),
});
export type ContentSettings = z.infer<typeof contentSettingsSchema>;

export function readContentSettings(env: Record<string, string | undefined> = process.env): ContentSettings {
  const r = contentSettingsSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid content configuration:\n${lines}`);
  }
  return r.data;
}

export function sizeLimits(s: ContentSettings): Record<AssetKind, number> {
  return {
    video: s.CONTENT_MAX_VIDEO_BYTES,
    slides: s.CONTENT_MAX_SLIDES_BYTES,
    document: s.CONTENT_MAX_DOCUMENT_BYTES,
    attachment: s.CONTENT_MAX_ATTACHMENT_BYTES,
  };
}

/** Pick the storage adapter: S3 when S3_ENDPOINT is set, else the filesystem under `<dataDir>/content`. */
export function storageFromSettings(s: ContentSettings, dataDir: string): ContentStorage {
  if (s.S3_ENDPOINT)
    return s3Storage({
      endpoint: s.S3_ENDPOINT,
      bucket: s.S3_BUCKET,
      region: s.S3_REGION,
      accessKeyId: s.S3_ACCESS_KEY_ID,
      secretAccessKey: s.S3_SECRET_ACCESS_KEY,
      prefix: s.S3_PREFIX,
    });
  return filesystemStorage(path.join(dataDir, 'content'));
}

export async function signingKeyOf(s: ContentSettings, dataDir: string): Promise<string> {
  return s.CONTENT_SIGNING_KEY ?? (await persistentSecret(dataDir, 'content-signing-key'));
}
