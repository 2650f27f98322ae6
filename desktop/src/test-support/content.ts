import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Asset, Upload } from '@lyceum/contracts';
import type { SyncServerProcess } from './sync-server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const sha256 = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The ffmpeg binary the sync server packages with (@ffmpeg-installer/ffmpeg, a dependency of sync-server). */
export function ffmpegPath(): string {
  const req = createRequire(path.join(repoRoot, 'sync-server', 'package.json'));
  return (req('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

/** A short 720p test video with sound (H.264/AAC in MP4), made by ffmpeg. */
export async function makeVideo(seconds = 3): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-video-'));
  const out = path.join(dir, 'clip.mp4');
  try {
    await promisify(execFile)(ffmpegPath(), [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=25'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440'],
      ...[
        '-t',
        String(seconds),
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-c:a',
        'aac',
        '-pix_fmt',
        'yuv420p',
      ],
      out,
    ]);
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A small, valid one-page PDF. */
export const tinyPdf = (text = 'Hello'): Buffer => pagesPdf([text]);

/** A valid PDF with one line of text on each page (cross-reference offsets computed). */
export function pagesPdf(pages: string[]): Buffer {
  const font = 3 + pages.length * 2;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${3 + i * 2} 0 R`).join(' ')}] /Count ${pages.length} >>`,
  ];
  pages.forEach((text, i) => {
    const content = `BT /F1 36 Tf 30 120 Td (${text}) Tj ET 0 0 1 rg 30 40 240 30 re f`;
    objs.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 320 180] /Contents ${4 + i * 2} 0 R /Resources << /Font << /F1 ${font} 0 R >> >> >>`,
      `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    );
  });
  objs.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * Upload a file for a lesson as an instructor through the chunked-upload API (start, every chunk with its sha256,
 * complete); answers the asset as `complete` returned it.
 */
export async function uploadFile(
  srv: SyncServerProcess,
  token: string,
  courseId: string,
  f: { lessonId: string; kind: Asset['kind']; name: string; bytes: Buffer },
  chunkSize = 256 * 1024,
): Promise<Asset> {
  const s = await srv.api<Upload>('POST', `/api/v1/courses/${courseId}/uploads`, {
    token,
    body: {
      kind: f.kind,
      name: f.name,
      size: f.bytes.length,
      sha256: sha256(f.bytes),
      lessonId: f.lessonId,
      chunkSize,
    },
  });
  if (s.status !== 201) throw new Error(`start upload: ${s.status} ${JSON.stringify(s.body)}`);
  for (let i = 0; i < s.body.chunkCount; i++) {
    const chunk = f.bytes.subarray(i * chunkSize, (i + 1) * chunkSize);
    const res = await fetch(`${srv.url}/api/v1/uploads/${s.body.id}/chunks/${i}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'x-chunk-sha256': sha256(chunk),
      },
      body: new Uint8Array(chunk),
    });
    if (res.status !== 200) throw new Error(`chunk ${i}: ${res.status} ${await res.text()}`);
  }
  const done = await srv.api<Asset>('POST', `/api/v1/uploads/${s.body.id}/complete`, { token });
  if (done.status !== 200) throw new Error(`complete upload: ${done.status} ${JSON.stringify(done.body)}`);
  return done.body;
}

/** Poll an asset until packaging is over: answers it when ready, throws with the reason when it failed. */
export async function waitAssetReady(
  srv: SyncServerProcess,
  token: string,
  assetId: string,
  timeoutMs = 45_000,
): Promise<Asset> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await srv.api<Asset>('GET', `/api/v1/assets/${assetId}`, { token });
    if (r.status !== 200) throw new Error(`get asset: ${r.status} ${JSON.stringify(r.body)}`);
    if (r.body.status === 'ready') return r.body;
    if (r.body.status === 'failed') throw new Error(`packaging failed: ${r.body.failureReason}`);
    if (Date.now() > deadline)
      throw new Error(`asset ${assetId} still ${r.body.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 250));
  }
}
