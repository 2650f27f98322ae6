import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { filesystemStorage } from './storage-fs.ts';
import { s3Storage } from './storage-s3.ts';
import { ObjectNotFoundError, type ContentStorage } from './storage.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
async function bytesOf(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

const s3Reason = process.env.S3_ENDPOINT
  ? null
  : 'S3_ENDPOINT is not set: the S3 adapter contract tests are skipped';
if (s3Reason) console.log(s3Reason);

const adapters: { name: string; skip: boolean; make: () => Promise<ContentStorage> }[] = [
  {
    name: 'filesystem',
    skip: false,
    make: async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-storage-'));
      dirs.push(dir);
      return filesystemStorage(dir);
    },
  },
  {
    name: 's3',
    skip: s3Reason !== null,
    make: async () =>
      s3Storage({
        endpoint: process.env.S3_ENDPOINT!,
        bucket: process.env.S3_BUCKET ?? 'lyceum-content',
        region: process.env.S3_REGION,
        accessKeyId: process.env.S3_ACCESS_KEY_ID,
        secretAccessKey: process.env.S3_SECRET_ACCESS_KEY,
        prefix: `contract-${randomBytes(4).toString('hex')}/`,
      }),
  },
];

for (const a of adapters) {
  describe(`content storage contract: ${a.name}`, () => {
    it.skipIf(a.skip)('stores buffers and streams, and answers size, sha256 ETag and content', async () => {
      const s = await a.make();
      const body = randomBytes(100_000);
      const put = await s.put('assets/x/original.pdf', body, 'application/pdf');
      expect(put).toMatchObject({
        key: 'assets/x/original.pdf',
        size: body.length,
        sha256: sha(body),
        etag: sha(body),
      });
      expect(await s.head('assets/x/original.pdf')).toMatchObject({
        size: body.length,
        sha256: sha(body),
        etag: sha(body),
        contentType: 'application/pdf',
      });
      expect((await bytesOf(await s.get('assets/x/original.pdf'))).equals(body)).toBe(true);
      const streamed = await s.put(
        'assets/x/hls/seg-1.m4s',
        Readable.from([body.subarray(0, 10), body.subarray(10)]),
        'video/iso.segment',
      );
      expect(streamed.sha256).toBe(sha(body));
      expect((await bytesOf(await s.get('assets/x/hls/seg-1.m4s'))).equals(body)).toBe(true);
    });

    it.skipIf(a.skip)('reads byte ranges, inclusive at both ends', async () => {
      const s = await a.make();
      const body = randomBytes(5000);
      await s.put('r/file.bin', body, 'application/octet-stream');
      expect(
        (await bytesOf(await s.get('r/file.bin', { start: 10, end: 19 }))).equals(body.subarray(10, 20)),
      ).toBe(true);
      expect(
        (await bytesOf(await s.get('r/file.bin', { start: 4999, end: 4999 }))).equals(body.subarray(4999)),
      ).toBe(true);
    });

    it.skipIf(a.skip)(
      'replaces an object whole, lists by prefix, deletes, and knows absent keys',
      async () => {
        const s = await a.make();
        await s.put('p/a/one.txt', Buffer.from('first'), 'text/plain');
        await s.put('p/a/one.txt', Buffer.from('second version'), 'text/plain');
        expect((await bytesOf(await s.get('p/a/one.txt'))).toString()).toBe('second version');
        await s.put('p/a/deep/two.txt', Buffer.from('2'), 'text/plain');
        await s.put('p/ab/three.txt', Buffer.from('3'), 'text/plain');
        await s.put('q/four.txt', Buffer.from('4'), 'text/plain');
        expect(await s.list('p/a/')).toEqual(['p/a/deep/two.txt', 'p/a/one.txt']);
        expect(await s.list('p/a')).toEqual(['p/a/deep/two.txt', 'p/a/one.txt', 'p/ab/three.txt']);
        await s.delete('p/a/one.txt');
        expect(await s.head('p/a/one.txt')).toBeNull();
        await expect(s.get('p/a/one.txt')).rejects.toBeInstanceOf(ObjectNotFoundError);
        await s.delete('p/a/never-there.txt');
      },
    );

    it.skipIf(a.skip)('refuses keys that could leave the store', async () => {
      const s = await a.make();
      for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a\\..\\x', 'a//b', 'a/./b', '', 'a/\0b'])
        await expect(s.put(key, Buffer.from('x'), 'text/plain'), key).rejects.toThrow(/unsafe storage key/);
      await expect(s.head('../x')).rejects.toThrow(/unsafe/);
    });
  });
}
