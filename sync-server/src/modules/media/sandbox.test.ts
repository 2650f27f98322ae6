import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesystemStorage } from '../content/storage-fs.ts';
import { MIN_FFMPEG_MAJOR, mediaTools, parseFfmpegVersion, resolveMediaTools } from './binaries.ts';
import { FfmpegTimeoutError, UnpackableSourceError, ffmpegPath, probe, runSandboxed } from './ffmpeg.ts';
import { packageVideo } from './package.ts';
import { makeTestVideo } from './test-video.ts';

/**
 * ffmpeg decodes untrusted uploads (issue 12, defect 10): a current build, files only (no network, no other
 * protocol), a probe that refuses what is not an ordinary video before decoding, and time and memory limits.
 */
let dir: string;
let listener: http.Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-sandbox-'));
  listener = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('#EXTM3U\n');
  });
  // Raw TCP connections count too, not only complete HTTP requests.
  listener.on('connection', () => hits.push('connection'));
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  port = (listener.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => listener.close(r));
  await fs.rm(dir, { recursive: true, force: true });
});

async function write(name: string, body: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, body);
  return file;
}

describe('the ffmpeg in use', () => {
  it('is the system build when it is current, the bundled one only as a fallback with a warning', () => {
    expect(parseFfmpegVersion('ffmpeg version 5.1.8-0+deb12u1 Copyright (c) 2000-2025')).toEqual({
      text: '5.1.8-0+deb12u1',
      major: 5,
    });
    expect(parseFfmpegVersion('ffmpeg version n7.1 Copyright')?.major).toBe(7);
    expect(parseFfmpegVersion('ffmpeg version 4.1 Copyright')?.major).toBe(4);
    expect(parseFfmpegVersion('nonsense')).toBeNull();
    const tools = mediaTools();
    expect(tools.source).toBe('system');
    expect(tools.warning).toBeNull();
    expect(parseFfmpegVersion(`ffmpeg version ${tools.version}`)!.major).toBeGreaterThanOrEqual(
      MIN_FFMPEG_MAJOR,
    );
    const fallback = resolveMediaTools({ FFMPEG_PATH: path.join(dir, 'missing-ffmpeg') });
    expect(fallback.source).toBe('bundled');
    expect(fallback.warning).toMatch(/falling back to the bundled ffmpeg/);
  });
});

describe('probing an upload', () => {
  it('refuses an HLS playlist that points at a URL, without any request reaching the listener', async () => {
    // No extension, as packaging names a source fetched from object storage: ffmpeg detects HLS from the bytes.
    const playlist = await write(
      'evil-source',
      `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nhttp://127.0.0.1:${port}/secret.ts\n#EXT-X-ENDLIST\n`,
    );
    await expect(probe(playlist)).rejects.toBeInstanceOf(UnpackableSourceError);
    const concatList = await write(
      'list.mp4',
      `ffconcat version 1.0\nfile 'http://127.0.0.1:${port}/a.mp4'\nfile 'subfile,,start,0,end,0,,:/etc/passwd'\n`,
    );
    await expect(probe(concatList)).rejects.toBeInstanceOf(UnpackableSourceError);
    // A playlist of a local file the server can read (a classic exfiltration trick) is not a video upload either.
    const local = path.join(dir, 'server-side.mp4');
    await makeTestVideo(local, 1);
    const localList = await write(
      'local-source',
      `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n${local}\n#EXT-X-ENDLIST\n`,
    );
    await expect(probe(localList)).rejects.toBeInstanceOf(UnpackableSourceError);
    // The packaging run itself, through the storage port, as the worker does it.
    const root = path.join(dir, 'store');
    await fs.mkdir(path.join(root, 'assets/x'), { recursive: true });
    await fs.copyFile(playlist, path.join(root, 'assets/x/original.mp4'));
    await expect(
      packageVideo({ storage: filesystemStorage(root), assetId: 'x', sourceKey: 'assets/x/original.mp4' }),
    ).rejects.toBeInstanceOf(UnpackableSourceError);
    // Give a late connection a moment to show up before judging.
    await new Promise((r) => setTimeout(r, 200));
    expect(hits).toEqual([]);
  });

  it('refuses bytes that are not a video and pictures of absurd size, with a readable reason', async () => {
    const bogus = await write(
      'bogus.mp4',
      Buffer.from('This is not a video at all, only text.\n'.repeat(50)),
    );
    await expect(probe(bogus)).rejects.toThrow(/could not be read as a video/);
    const huge = path.join(dir, 'huge.mp4');
    await promisify(execFile)(ffmpegPath, [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=black:s=8192x16:d=0.5'],
      ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', huge],
    ]);
    await expect(probe(huge)).rejects.toThrow(/8192×16; at most 7680×4320/);
    const wav = path.join(dir, 'tone.wav');
    await promisify(execFile)(ffmpegPath, [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=d=0.5', wav],
    ]);
    await expect(probe(wav)).rejects.toThrow(/not a video container this server accepts \(wav\)/);
  }, 30_000);
});

describe('limits on a run', () => {
  it('kills a run that outlasts its time limit', async () => {
    const started = Date.now();
    await expect(
      runSandboxed(
        ffmpegPath,
        ['-hide_banner', '-f', 'lavfi', '-i', 'testsrc=size=320x240', '-f', 'null', '-'],
        { timeoutMs: 400, memoryBytes: 0 },
      ),
    ).rejects.toBeInstanceOf(FfmpegTimeoutError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops packaging a real video when the configured limit is too short, with the reason', async () => {
    const root = path.join(dir, 'store2');
    await fs.mkdir(path.join(root, 'assets/v'), { recursive: true });
    await makeTestVideo(path.join(root, 'assets/v/original.mp4'), 6);
    await expect(
      packageVideo({
        storage: filesystemStorage(root),
        assetId: 'v',
        sourceKey: 'assets/v/original.mp4',
        limits: { timeoutBaseSeconds: 0.05, timeoutPerSourceSecond: 0.01 },
      }),
    ).rejects.toThrow(/took longer than/);
  }, 60_000);

  it('caps the memory a run may take', async () => {
    const r = await runSandboxed(
      ffmpegPath,
      ['-hide_banner', '-f', 'lavfi', '-i', 'testsrc=size=1280x720:d=1', '-f', 'null', '-'],
      { timeoutMs: 20_000, memoryBytes: 16 * 1024 * 1024 },
    );
    expect(r.code).not.toBe(0);
    const ok = await runSandboxed(
      ffmpegPath,
      ['-hide_banner', '-f', 'lavfi', '-i', 'testsrc=size=320x240:d=0.2', '-f', 'null', '-'],
      { timeoutMs: 20_000, memoryBytes: 1024 ** 3 },
    );
    expect(ok.code).toBe(0);
  });
});
