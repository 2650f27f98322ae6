import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Asset, AssetKind, ChunkReceipt, Upload, UploadStart } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import { newId } from '../../lib/ids.ts';
import { assetPrefix, toAsset, type AssetService } from './assets.ts';
import { extensionOf, type ContentStorage } from './storage.ts';
import { acceptedTypes, detectType, SNIFF_BYTES } from './sniff.ts';
import { contentAssets, contentUploadChunks, contentUploads, type UploadRow } from './tables.ts';

export interface UploadDeps {
  db: Db;
  storage: ContentStorage;
  assets: AssetService;
  limits: Record<AssetKind, number>;
  defaultChunkSize: number;
  ttlHours: number;
  /** Called when a video upload is complete (the media module packages it); the asset is 'processing' meanwhile. */
  onVideoUploaded?: (asset: { id: string; courseId: string; storageKey: string }) => Promise<void>;
  onHookError?: (err: unknown, assetId: string) => void;
}

const chunkKey = (uploadId: string, index: number) => `uploads/${uploadId}/${String(index).padStart(6, '0')}`;
const MiB = 1024 * 1024;

/**
 * How far past the expected size a chunk is read (and thrown away) so that its sender, still sending, hears the
 * chunk_size_mismatch answer; a larger excess ends the connection after the answer instead.
 */
const DISCARD_LIMIT = 64 * MiB;

const oversize = (max: number, received: number, partial: boolean) =>
  new ApiError(
    'chunk_size_mismatch',
    `The chunk is larger than the ${max} bytes expected`,
    partial ? { expected: max, receivedAtLeast: received } : { expected: max, received },
    partial ? { connection: 'close' } : undefined,
  );

/**
 * Read a request body into memory, keeping at most `max` bytes: past them nothing more is kept, the rest is read and
 * discarded (up to DISCARD_LIMIT) and the chunk refused with chunk_size_mismatch. Destroying the request instead
 * reset the connection, and the client never got the answer.
 */
async function readBody(body: Readable, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    n += b.length;
    if (n <= max) parts.push(b);
    else if (n - max > DISCARD_LIMIT) throw oversize(max, n, true);
  }
  if (n > max) throw oversize(max, n, false);
  return Buffer.concat(parts);
}

/**
 * Chunked, resumable uploads with per-chunk sha256: start (declares size, sha256, kind) → PUT chunks in any order,
 * again after an interruption (GET lists the chunks received) → complete (assembles, verifies the whole sha256,
 * detects the type from the bytes). Chunks are kept in the storage port, so any API node can take the next one.
 */
export function uploadService(d: UploadDeps) {
  const { db, storage, assets } = d;

  async function load(caller: Caller, id: string): Promise<UploadRow> {
    const [u] = await db.select().from(contentUploads).where(eq(contentUploads.id, id));
    if (!u) throw new ApiError('not_found', 'Upload not found');
    if (u.createdBy !== caller.id && caller.role !== 'admin') {
      await assets.requireManager(caller, u.courseId);
    }
    return u;
  }

  async function received(id: string): Promise<number[]> {
    const rows = await db
      .select({ index: contentUploadChunks.index })
      .from(contentUploadChunks)
      .where(eq(contentUploadChunks.uploadId, id))
      .orderBy(asc(contentUploadChunks.index));
    return rows.map((r) => r.index);
  }

  const view = async (u: UploadRow): Promise<Upload> => ({
    id: u.id,
    assetId: u.assetId,
    courseId: u.courseId,
    status: u.status,
    size: u.size,
    sha256: u.sha256,
    chunkSize: u.chunkSize,
    chunkCount: u.chunkCount,
    received: await received(u.id),
    expiresAt: u.expiresAt.toISOString(),
  });

  const expectedSize = (u: UploadRow, index: number) =>
    index < u.chunkCount - 1 ? u.chunkSize : u.size - u.chunkSize * (u.chunkCount - 1);

  function requireOpen(u: UploadRow): void {
    if (u.status !== 'open') throw new ApiError('upload_closed', 'This upload is already complete');
    if (u.expiresAt.getTime() < Date.now())
      throw new ApiError('upload_closed', 'This upload has expired; start again');
  }

  async function removeChunks(u: UploadRow): Promise<void> {
    for (const key of await storage.list(`uploads/${u.id}/`)) await storage.delete(key);
  }

  return {
    async start(caller: Caller, courseId: string, body: UploadStart): Promise<Upload> {
      await assets.requireManager(caller, courseId);
      const limit = d.limits[body.kind];
      if (body.size > limit)
        throw new ApiError('file_too_large', `A ${body.kind} may be at most ${limit} bytes`, {
          kind: body.kind,
          limit,
          size: body.size,
        });
      if (body.lessonId) await assets.requireLessonOf(courseId, body.lessonId);
      const chunkSize = Math.min(body.chunkSize ?? d.defaultChunkSize, 64 * MiB);
      const chunkCount = Math.max(1, Math.ceil(body.size / chunkSize));
      const assetId = newId();
      const id = newId();
      const now = new Date();
      await db.transaction(async (tx) => {
        await tx.insert(contentAssets).values({
          id: assetId,
          courseId,
          lessonId: body.lessonId ?? null,
          kind: body.kind,
          originalName: body.name,
          size: body.size,
          sha256: body.sha256,
          status: 'uploading',
          createdBy: caller.id,
        });
        await tx.insert(contentUploads).values({
          id,
          assetId,
          courseId,
          createdBy: caller.id,
          status: 'open',
          size: body.size,
          sha256: body.sha256,
          chunkSize,
          chunkCount,
          expiresAt: new Date(now.getTime() + d.ttlHours * 3600_000),
        });
      });
      return view((await db.select().from(contentUploads).where(eq(contentUploads.id, id)))[0]!);
    },

    async get(caller: Caller, id: string): Promise<Upload> {
      return view(await load(caller, id));
    },

    /** Store one chunk after checking its size and sha256; sending a chunk again replaces it. */
    async putChunk(
      caller: Caller,
      id: string,
      index: number,
      sha256: string | undefined,
      body: Readable,
    ): Promise<ChunkReceipt> {
      const u = await load(caller, id);
      requireOpen(u);
      if (index >= u.chunkCount)
        throw new ApiError('validation_failed', `Chunk index must be below ${u.chunkCount}`, {
          issues: [{ path: 'params.index', message: 'out of range' }],
        });
      if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256))
        throw new ApiError('validation_failed', 'Send the chunk sha256 (lowercase hex) in x-chunk-sha256', {
          issues: [{ path: 'headers.x-chunk-sha256', message: 'required, 64 lowercase hex characters' }],
        });
      const want = expectedSize(u, index);
      const bytes = await readBody(body, want);
      if (bytes.length !== want)
        throw new ApiError(
          'chunk_size_mismatch',
          `Chunk ${index} must be ${want} bytes, got ${bytes.length}`,
          {
            expected: want,
            received: bytes.length,
          },
        );
      const got = createHash('sha256').update(bytes).digest('hex');
      if (got !== sha256)
        throw new ApiError('checksum_mismatch', `Chunk ${index} does not match its sha256; send it again`, {
          index,
          expected: sha256,
          received: got,
        });
      await storage.put(chunkKey(id, index), bytes, 'application/octet-stream');
      await db
        .insert(contentUploadChunks)
        .values({ uploadId: id, index, size: bytes.length, sha256 })
        .onConflictDoUpdate({
          target: [contentUploadChunks.uploadId, contentUploadChunks.index],
          set: { size: bytes.length, sha256, receivedAt: new Date() },
        });
      return { index, size: bytes.length, sha256 };
    },

    /** Assemble the chunks, verify the whole sha256 and the detected type, and hand videos to packaging. */
    async complete(caller: Caller, id: string): Promise<Asset> {
      const u = await load(caller, id);
      requireOpen(u);
      const have = new Set(await received(id));
      const missing = Array.from({ length: u.chunkCount }, (_, i) => i).filter((i) => !have.has(i));
      if (missing.length)
        throw new ApiError('upload_incomplete', `${missing.length} chunk(s) not received yet`, { missing });
      const asset = (await assets.row(u.assetId))!;

      // Two devices replacing one lesson's file: the one that finishes second was based on a file that is no longer
      // the lesson's (another became live after this upload began). It loses, visibly: a conflict, never a quiet "ready".
      if (asset.lessonId) {
        const newer = await db.execute<{
          id: string;
          created_by: string;
          updated_at: Date;
          original_name: string;
        }>(
          sql`SELECT id, created_by, updated_at, original_name FROM content_assets
              WHERE lesson_id = ${asset.lessonId} AND kind = ${asset.kind} AND id <> ${asset.id}
                AND status IN ('ready', 'processing') AND updated_at > ${u.createdAt}
              ORDER BY updated_at DESC LIMIT 1`,
        );
        const current = newer.rows[0];
        if (current) {
          await db.update(contentUploads).set({ status: 'completed' }).where(eq(contentUploads.id, id));
          await assets.markFailed(
            asset.id,
            'Replaced by another upload to this lesson while this one was under way',
          );
          await removeChunks(u);
          throw new ApiError(
            'version_conflict',
            "Another upload replaced this lesson's file while yours was under way",
            {
              current: {
                assetId: current.id,
                name: current.original_name,
                updatedBy: current.created_by,
                updatedAt: new Date(current.updated_at).toISOString(),
              },
              yours: { assetId: asset.id, name: asset.originalName },
            },
          );
        }
      }

      // Type from the bytes, never the name.
      const first = await readBody(
        await storage.get(chunkKey(id, 0), { start: 0, end: Math.min(SNIFF_BYTES, expectedSize(u, 0)) - 1 }),
        SNIFF_BYTES,
      ).catch(() => Buffer.alloc(0));
      const detected = await detectType(first);
      const accepted = acceptedTypes[asset.kind];
      if (!detected || !accepted.includes(detected.mime)) {
        const what = detected ? detected.mime : 'an unrecognised type';
        const reason = `The file is ${what}, which is not accepted as ${asset.kind} (accepted: ${accepted.join(', ')})`;
        await db.update(contentUploads).set({ status: 'completed' }).where(eq(contentUploads.id, id));
        await assets.markFailed(asset.id, reason);
        await removeChunks(u);
        throw new ApiError('unsupported_file_type', reason, { detected: detected?.mime ?? null, accepted });
      }

      // Claim the upload so a second "complete" does not assemble it again.
      const claimed = await db
        .update(contentUploads)
        .set({ status: 'completed' })
        .where(and(eq(contentUploads.id, id), eq(contentUploads.status, 'open')))
        .returning({ id: contentUploads.id });
      if (!claimed.length) throw new ApiError('upload_closed', 'This upload is already complete');

      const storageKey = `${assetPrefix(asset.id)}original.${extensionOf(detected.mime) === 'bin' ? detected.ext : extensionOf(detected.mime)}`;
      const hash = createHash('sha256');
      let total = 0;
      async function* chunks() {
        for (let i = 0; i < u.chunkCount; i++)
          for await (const c of await storage.get(chunkKey(id, i))) {
            hash.update(c as Buffer);
            total += (c as Buffer).length;
            yield c as Buffer;
          }
      }
      try {
        await storage.put(storageKey, Readable.from(chunks()), detected.mime);
      } catch (err) {
        await db.update(contentUploads).set({ status: 'open' }).where(eq(contentUploads.id, id));
        throw err;
      }
      const digest = hash.digest('hex');
      if (digest !== u.sha256 || total !== u.size) {
        await storage.delete(storageKey);
        await db.update(contentUploads).set({ status: 'open' }).where(eq(contentUploads.id, id));
        throw new ApiError('checksum_mismatch', 'The assembled file does not match the declared sha256', {
          expected: u.sha256,
          received: digest,
        });
      }
      const packaging = asset.kind === 'video' && d.onVideoUploaded !== undefined;
      const [done] = await db
        .update(contentAssets)
        .set({
          mimeType: detected.mime,
          storageKey,
          status: packaging ? 'processing' : 'ready',
          updatedAt: new Date(),
        })
        .where(eq(contentAssets.id, asset.id))
        .returning();
      await removeChunks(u);
      if (packaging) {
        try {
          await d.onVideoUploaded!({ id: asset.id, courseId: asset.courseId, storageKey });
        } catch (err) {
          d.onHookError?.(err, asset.id);
          await assets.markFailed(asset.id, 'The video could not be queued for packaging');
          return toAsset((await assets.row(asset.id))!);
        }
        // The hook may already have moved the status on.
        return toAsset((await assets.row(asset.id))!);
      }
      return toAsset(done!);
    },
  };
}
export type UploadService = ReturnType<typeof uploadService>;
