import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canOpenRead, filesystemStorage } from './storage-fs.ts';

// openRead: what the delivery route serves files with (one open, one fstat, bytes from the same descriptor).
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
async function bytesOf(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
const openFds = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : null);

let dir: string;
let storage: ReturnType<typeof filesystemStorage>;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-storage-fs-'));
  storage = filesystemStorage(dir);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('filesystem storage openRead', () => {
  it('describes an object as head() does and streams all of it or a range', async () => {
    expect(canOpenRead(storage)).toBe(true);
    const bytes = randomBytes(700_000); // several read chunks
    await storage.put('assets/a/hls/720p/seg-0001.m4s', bytes, 'video/iso.segment');
    const head = await storage.head('assets/a/hls/720p/seg-0001.m4s');
    const whole = await storage.openRead('assets/a/hls/720p/seg-0001.m4s');
    expect(whole!.object).toEqual(head);
    expect(whole!.object.etag).toBe(sha(bytes));
    expect((await bytesOf(whole!.stream())).equals(bytes)).toBe(true);
    const part = await storage.openRead('assets/a/hls/720p/seg-0001.m4s');
    expect(
      (await bytesOf(part!.stream({ start: 300_000, end: 300_099 }))).equals(
        bytes.subarray(300_000, 300_100),
      ),
    ).toBe(true);
  });

  it('hashes a file it did not write (e.g. after a restart) for its ETag', async () => {
    const bytes = Buffer.from('#EXTM3U\n#EXT-X-ENDLIST\n');
    await fs.mkdir(path.join(dir, 'assets/b'), { recursive: true });
    await fs.writeFile(path.join(dir, 'assets/b/index.m3u8'), bytes);
    const o = await storage.openRead('assets/b/index.m3u8');
    expect(o!.object).toMatchObject({
      size: bytes.length,
      etag: sha(bytes),
      contentType: 'application/vnd.apple.mpegurl',
    });
    expect((await bytesOf(o!.stream())).equals(bytes)).toBe(true);
  });

  it('keeps serving the bytes it described when the key is replaced meanwhile', async () => {
    const before = randomBytes(50_000);
    const after = randomBytes(20_000);
    await storage.put('assets/c/master.m3u8', before, 'application/vnd.apple.mpegurl');
    const o = await storage.openRead('assets/c/master.m3u8');
    await storage.put('assets/c/master.m3u8', after, 'application/vnd.apple.mpegurl');
    expect(o!.object).toMatchObject({ size: before.length, etag: sha(before) });
    expect((await bytesOf(o!.stream())).equals(before)).toBe(true);
    expect((await storage.openRead('assets/c/master.m3u8'))!.object.etag).toBe(sha(after));
  });

  it('answers null for missing keys and folders, and refuses unsafe keys', async () => {
    expect(await storage.openRead('assets/nothing/here.m4s')).toBeNull();
    expect(await storage.openRead('assets/a/hls')).toBeNull();
    expect(await storage.openRead('assets/a/hls/720p/seg-0001.m4s/x')).toBeNull();
    await expect(storage.openRead('assets/../../etc/passwd')).rejects.toThrow(/unsafe/);
  });

  it.skipIf(spawnSync('mkfifo', ['--version']).status !== 0)(
    'answers null, without waiting, for a FIFO',
    async () => {
      await fs.mkdir(path.join(dir, 'assets/e'), { recursive: true });
      expect(spawnSync('mkfifo', [path.join(dir, 'assets/e/pipe.m4s')]).status).toBe(0);
      expect(await storage.openRead('assets/e/pipe.m4s')).toBeNull();
    },
  );

  it.skipIf(openFds() === null)(
    'releases the file whether it was streamed, closed unread or the stream destroyed',
    async () => {
      await storage.put('assets/d/seg.m4s', randomBytes(600_000), 'video/iso.segment');
      const before = openFds()!;
      for (let i = 0; i < 50; i++) {
        const o = (await storage.openRead('assets/d/seg.m4s'))!;
        if (i % 3 === 0) o.close();
        else if (i % 3 === 1) await bytesOf(o.stream());
        else {
          const s = o.stream({ start: 0, end: 599_999 });
          await new Promise((r) => s.once('readable', r));
          s.destroy();
          await new Promise((r) => s.once('close', r));
        }
        o.close(); // harmless after stream() or a first close()
      }
      await new Promise((r) => setTimeout(r, 50)); // closes are asynchronous
      expect(openFds()).toBeLessThanOrEqual(before);
    },
  );
});
