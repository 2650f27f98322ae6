import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { hashingStream } from './storage-fs.ts';
import {
  assertSafeKey,
  contentTypeOf,
  ObjectNotFoundError,
  type ContentStorage,
  type StoredObject,
} from './storage.ts';

export interface S3Options {
  endpoint: string;
  bucket: string;
  region?: string;
  /** Both or neither; without them the SDK's default chain (AWS_ACCESS_KEY_ID, …) is used. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Key prefix inside the bucket (e.g. `lyceum/`). */
  prefix?: string;
}

const isMissing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};

/**
 * S3-compatible adapter (AWS S3, MinIO, R2, …), path-style addressing. The sha256 of each object is kept in its
 * metadata (`x-amz-meta-sha256`) and used as the ETag, so both adapters answer the same validators.
 */
export function s3Storage(opts: S3Options): ContentStorage & { client: S3Client } {
  const client = new S3Client({
    endpoint: opts.endpoint,
    region: opts.region ?? 'us-east-1',
    forcePathStyle: true,
    // Plain signed payloads: many S3-compatible stores do not understand the SDK's default aws-chunked checksum encoding.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(opts.accessKeyId && opts.secretAccessKey
      ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } }
      : {}),
  });
  const prefix = opts.prefix ?? '';
  const full = (key: string) => {
    assertSafeKey(key);
    return prefix + key;
  };

  return {
    client,
    async put(key, body, declaredType) {
      // The same answer as the filesystem adapter when the caller has nothing better than a generic type.
      const contentType =
        declaredType && declaredType !== 'application/octet-stream' ? declaredType : contentTypeOf(key);
      let sha256: string;
      let size: number;
      let tmp: string | null = null;
      let payload: Buffer | Readable;
      if (Buffer.isBuffer(body)) {
        sha256 = createHash('sha256').update(body).digest('hex');
        size = body.length;
        payload = body;
      } else {
        // Spool to disk first: PutObject needs the length, and the sha256 goes into the metadata.
        tmp = path.join(os.tmpdir(), `lyceum-s3-${randomBytes(8).toString('hex')}`);
        const hasher = hashingStream();
        await pipeline(body, hasher, createWriteStream(tmp));
        sha256 = hasher.digest();
        size = hasher.bytes();
        payload = createReadStream(tmp);
      }
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: opts.bucket,
            Key: full(key),
            Body: payload,
            ContentLength: size,
            ContentType: contentType,
            Metadata: { sha256 },
          }),
        );
      } finally {
        if (tmp) await fs.rm(tmp, { force: true });
      }
      return { key, size, etag: sha256, sha256, contentType };
    },
    async head(key): Promise<StoredObject | null> {
      try {
        const r = await client.send(new HeadObjectCommand({ Bucket: opts.bucket, Key: full(key) }));
        const sha256 = r.Metadata?.sha256;
        return {
          key,
          size: r.ContentLength ?? 0,
          etag: sha256 ?? (r.ETag ?? '').replace(/"/g, ''),
          ...(sha256 ? { sha256 } : {}),
          contentType: r.ContentType ?? 'application/octet-stream',
        };
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    async get(key, range) {
      try {
        const r = await client.send(
          new GetObjectCommand({
            Bucket: opts.bucket,
            Key: full(key),
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        );
        return r.Body as Readable;
      } catch (err) {
        if (isMissing(err)) throw new ObjectNotFoundError(key);
        throw err;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: opts.bucket, Key: full(key) }));
    },
    async list(p) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const r = await client.send(
          new ListObjectsV2Command({ Bucket: opts.bucket, Prefix: prefix + p, ContinuationToken: token }),
        );
        for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key.slice(prefix.length));
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    localPath() {
      return null;
    },
  };
}
