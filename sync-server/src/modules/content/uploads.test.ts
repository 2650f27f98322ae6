import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Asset } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, type CreatedCourse } from '../../../test/factories.ts';
import { createContentModule } from './index.ts';
import { filesystemStorage } from './storage-fs.ts';
import { mp4Like, noise, sha256, tinyPdf, uploadClient } from './test-support.ts';

let t: TestServer;
let owner: Awaited<ReturnType<TestServer['user']>>;
let course: CreatedCourse;
const KiB = 1024;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.user('instructor');
  course = await createCourse(t.server.database.pool, { ownerId: owner.id, status: 'published' });
});
afterAll(() => t.close());

async function storedBytes(assetId: string): Promise<Buffer> {
  const key = (await t.server.content.assets.row(assetId))!.storageKey!;
  const parts: Buffer[] = [];
  for await (const c of await t.server.content.storage.get(key)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('resumable chunked uploads', () => {
  it('resumes after an interruption from the chunks the server lists, then assembles and verifies the file', async () => {
    const pdf = Buffer.concat([tinyPdf('resume'), Buffer.alloc(200 * KiB, 0x20)]);
    const chunkSize = 64 * KiB;
    const first = uploadClient(t, owner.token);
    const s = await first.start(course.id, {
      kind: 'slides',
      name: 'week1.pdf',
      size: pdf.length,
      sha256: sha256(pdf),
      chunkSize,
    });
    expect(s.status).toBe(201);
    expect(s.body.chunkCount).toBe(Math.ceil(pdf.length / chunkSize));
    const chunk = (i: number) => pdf.subarray(i * chunkSize, (i + 1) * chunkSize);
    expect((await first.putChunk(s.body.id, 0, chunk(0))).status).toBe(200);
    expect((await first.putChunk(s.body.id, 2, chunk(2))).status).toBe(200);

    // The first client is gone; a new one (same account) asks what arrived and sends the rest.
    const again = uploadClient(t, owner.token);
    const state = await again.get(s.body.id);
    expect(state.status).toBe(200);
    expect(state.body.received).toEqual([0, 2]);
    const early = await again.complete(s.body.id);
    expect(early.status).toBe(409);
    expect(early.body.error?.code).toBe('upload_incomplete');
    for (let i = 0; i < state.body.chunkCount; i++)
      if (!state.body.received.includes(i))
        expect((await again.putChunk(s.body.id, i, chunk(i))).status).toBe(200);
    const done = await again.complete(s.body.id);
    expect(done.status).toBe(200);
    const asset = done.body as unknown as Asset;
    expect(asset).toMatchObject({
      status: 'ready',
      mimeType: 'application/pdf',
      size: pdf.length,
      sha256: sha256(pdf),
    });
    expect((await storedBytes(asset.id)).equals(pdf)).toBe(true);
    // Chunks are cleaned up, and the upload cannot be completed twice.
    expect(await t.server.content.storage.list(`uploads/${s.body.id}/`)).toEqual([]);
    expect((await again.complete(s.body.id)).body.error?.code).toBe('upload_closed');
  });

  it('refuses a chunk whose sha256 does not match, and does not count it as received', async () => {
    const c = uploadClient(t, owner.token);
    const pdf = tinyPdf('bad chunk');
    const s = await c.start(course.id, {
      kind: 'document',
      name: 'a.pdf',
      size: pdf.length,
      sha256: sha256(pdf),
    });
    const r = await c.putChunk(s.body.id, 0, pdf, sha256(Buffer.from('something else')));
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('checksum_mismatch');
    expect((await c.get(s.body.id)).body.received).toEqual([]);
    const short = await c.putChunk(s.body.id, 0, pdf.subarray(1));
    expect(short.body.error?.code).toBe('chunk_size_mismatch');
  });

  it('answers 400 chunk_size_mismatch to a chunk larger than declared (a little or 2 MiB larger), not a reset', async () => {
    const c = uploadClient(t, owner.token);
    const file = Buffer.concat([tinyPdf('oversize'), Buffer.alloc(100 * KiB, 0x20)]);
    const chunkSize = 64 * KiB;
    const s = await c.start(course.id, {
      kind: 'document',
      name: 'big.pdf',
      size: file.length,
      sha256: sha256(file),
      chunkSize,
    });
    expect(s.status).toBe(201);
    for (const extra of [1, 2 * 1024 * KiB]) {
      const bytes = Buffer.concat([file.subarray(0, chunkSize), Buffer.alloc(extra, 0x41)]);
      const r = await c.putChunk(s.body.id, 0, bytes);
      expect(r.status, `${extra} bytes too many`).toBe(400);
      expect(r.body.error?.code).toBe('chunk_size_mismatch');
      expect((r.body as { error?: { details?: unknown } }).error?.details).toEqual({
        expected: chunkSize,
        received: chunkSize + extra,
      });
    }
    // Nothing was kept; the right chunk is accepted afterwards on the same upload.
    expect((await c.get(s.body.id)).body.received).toEqual([]);
    expect((await c.putChunk(s.body.id, 0, file.subarray(0, chunkSize))).status).toBe(200);
  });

  it('refuses the assembled file when it does not match the declared sha256', async () => {
    const c = uploadClient(t, owner.token);
    const pdf = tinyPdf('whole');
    const s = await c.start(course.id, {
      kind: 'document',
      name: 'a.pdf',
      size: pdf.length,
      sha256: sha256(noise(10)),
    });
    expect((await c.putChunk(s.body.id, 0, pdf)).status).toBe(200);
    const r = await c.complete(s.body.id);
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('checksum_mismatch');
  });

  it('refuses a declared size over the limit of its kind with 413', async () => {
    const c = uploadClient(t, owner.token);
    const r = await c.start(course.id, {
      kind: 'slides',
      name: 'huge.pdf',
      size: 201 * 1024 * 1024,
      sha256: sha256(Buffer.from('x')),
    });
    expect(r.status).toBe(413);
    expect(r.body.error?.code).toBe('file_too_large');
  });
});

describe('type detection from the bytes', () => {
  it('treats PDF bytes named .mp4 as a PDF', async () => {
    const pdf = tinyPdf('named mp4');
    const r = await uploadClient(t, owner.token).uploadAll(course.id, 'document', 'lecture.mp4', pdf);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      mimeType: 'application/pdf',
      status: 'ready',
      originalName: 'lecture.mp4',
    });
    const key = (await t.server.content.assets.row(r.body.id as string))!.storageKey!;
    expect(key.endsWith('.pdf')).toBe(true);
  });

  it('refuses PDF bytes uploaded as a video, and random bytes as anything, with 415 and a failed asset', async () => {
    const c = uploadClient(t, owner.token);
    const asVideo = await c.uploadAll(course.id, 'video', 'lecture.mp4', tinyPdf('not a video'));
    expect(asVideo.status).toBe(415);
    expect(asVideo.body.error?.code).toBe('unsupported_file_type');
    expect(asVideo.body.error?.message).toContain('application/pdf');
    const random = await c.uploadAll(course.id, 'attachment', 'data.zip', noise(5000));
    expect(random.status).toBe(415);
    const list = await t.api<{ items: Asset[] }>('GET', `/api/v1/courses/${course.id}/assets`, {
      token: owner.token,
    });
    const failed = list.body.items.filter((a) => a.status === 'failed');
    expect(failed.map((a) => a.originalName).sort()).toEqual(['data.zip', 'lecture.mp4']);
    expect(failed.every((a) => a.failureReason)).toBe(true);
  });
});

describe('who may upload', () => {
  it('refuses another instructor and students; admins may', async () => {
    const other = await t.user('instructor');
    const student = await t.user('student');
    const admin = await t.user('admin');
    const pdf = tinyPdf();
    const body = { kind: 'document', name: 'a.pdf', size: pdf.length, sha256: sha256(pdf) };
    expect((await uploadClient(t, other.token).start(course.id, body)).status).toBe(403);
    expect((await uploadClient(t, student.token).start(course.id, body)).status).toBe(403);
    const mine = await uploadClient(t, owner.token).start(course.id, body);
    // Nor may another instructor add chunks to, read, or complete the owner's upload.
    expect((await uploadClient(t, other.token).putChunk(mine.body.id, 0, pdf)).status).toBe(403);
    expect((await uploadClient(t, other.token).get(mine.body.id)).status).toBe(403);
    expect((await uploadClient(t, other.token).complete(mine.body.id)).status).toBe(403);
    expect((await uploadClient(t, admin.token).start(course.id, body)).status).toBe(201);
  });
});

describe('video uploads', () => {
  it('hand a completed video to the packaging hook and leave the asset processing', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-content-'));
    const calls: { id: string; courseId: string; storageKey: string }[] = [];
    const s = t.server;
    const mod = await createContentModule({
      config: s.config,
      db: s.database.db,
      pool: s.database.pool,
      logger: s.logger,
      mailer: { send: async () => {} },
      catalog: s.catalog,
      storage: filesystemStorage(dir),
      onVideoUploaded: async (a) => void calls.push(a),
    });
    const caller = { id: owner.id, role: 'instructor' as const };
    const video = mp4Like(3000);
    const up = await mod.uploads.start(caller, course.id, {
      kind: 'video',
      name: 'clip.bin',
      size: video.length,
      sha256: sha256(video),
    });
    await mod.uploads.putChunk(caller, up.id, 0, sha256(video), Readable.from([video]));
    const asset = await mod.uploads.complete(caller, up.id);
    expect(asset).toMatchObject({ status: 'processing', mimeType: 'video/mp4' });
    expect(calls).toEqual([
      { id: asset.id, courseId: course.id, storageKey: `assets/${asset.id}/original.mp4` },
    ]);
    expect(await fs.readFile(path.join(dir, 'assets', asset.id, 'original.mp4'))).toEqual(video);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
