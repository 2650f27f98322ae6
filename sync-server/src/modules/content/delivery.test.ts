import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Asset, LessonManifest } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, enrollDirectly, type CreatedCourse } from '../../../test/factories.ts';
import { newId } from '../../lib/ids.ts';
import { contentPath, querySuffix } from './signing.ts';
import { mp4Like, rawGet, sha256, tinyPdf, uploadClient } from './test-support.ts';

let t: TestServer;
let owner: Awaited<ReturnType<TestServer['user']>>;
let course: CreatedCourse;
let pdf: Buffer;
let pdfAsset: Asset;
let videoAsset: Asset;
const hls: Record<string, Buffer> = {};

const lessonOf = (title: string) => course.lesson(title).id;
const manifest = (lesson: string, token?: string) =>
  t.api<LessonManifest & { error?: { code: string } }>(
    'GET',
    `/api/v1/courses/${course.id}/lessons/${lessonOf(lesson)}/content`,
    { token },
  );
const get = (url: string, headers: Record<string, string> = {}) => fetch(new URL(url, t.url), { headers });

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.user('instructor');
  course = await createCourse(t.server.database.pool, {
    ownerId: owner.id,
    status: 'published',
    modules: [
      [
        { title: 'Intro', kind: 'video' },
        { title: 'Slides', kind: 'slides' },
      ],
    ],
  });
  await t.server.database.pool.query('UPDATE lessons SET is_preview = true WHERE id = $1', [
    lessonOf('Intro'),
  ]);
  t.server.catalog.reader.invalidate(course.id);

  const up = uploadClient(t, owner.token);
  pdf = Buffer.concat([tinyPdf('slides'), Buffer.alloc(100_000, 0x20)]);
  const p = await up.uploadAll(course.id, 'slides', 'week1.pdf', pdf);
  pdfAsset = p.body as unknown as Asset;
  // A video as packaging leaves it: ready, with HLS files beside the upload (the media module does this for real;
  // here the row and files are written directly so the test does not depend on ffmpeg).
  const original = mp4Like(5000);
  const videoId = newId();
  await t.server.database.pool.query(
    `INSERT INTO content_assets (id, course_id, kind, original_name, mime_type, size, sha256, status, storage_key, created_by)
     VALUES ($1, $2, 'video', 'intro.mp4', 'video/mp4', $3, $4, 'ready', $5, $6)`,
    [videoId, course.id, original.length, sha256(original), `assets/${videoId}/original.mp4`, owner.id],
  );
  await t.server.content.storage.put(`assets/${videoId}/original.mp4`, original, 'video/mp4');
  videoAsset = (await t.api<Asset>('GET', `/api/v1/assets/${videoId}`, { token: owner.token })).body;
  for (const [a, lesson] of [
    [pdfAsset, 'Slides'],
    [videoAsset, 'Intro'],
  ] as const) {
    const r = await t.api('PUT', `/api/v1/assets/${a.id}/lesson`, {
      token: owner.token,
      body: { lessonId: lessonOf(lesson) },
    });
    expect(r.status).toBe(200);
  }
  hls['hls/master.m3u8'] = Buffer.from(
    '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n',
  );
  hls['hls/360p/index.m3u8'] = Buffer.from(
    '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4.0,\nseg-00001.m4s\n#EXT-X-ENDLIST\n',
  );
  hls['hls/360p/init.mp4'] = mp4Like(700);
  hls['hls/360p/seg-00001.m4s'] = mp4Like(30_000);
  hls['poster.jpg'] = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
  for (const [rel, bytes] of Object.entries(hls))
    await t.server.content.storage.put(`assets/${videoAsset.id}/${rel}`, bytes, 'application/octet-stream');
});
afterAll(() => t.close());

describe('lesson manifests', () => {
  it('list every file with size, sha256 and a signed URL that serves exactly those bytes', async () => {
    const r = await manifest('Slides', owner.token);
    expect(r.status).toBe(200);
    const [a] = r.body.assets;
    expect(a).toMatchObject({
      id: pdfAsset.id,
      kind: 'slides',
      status: 'ready',
      mimeType: 'application/pdf',
      entry: 'original.pdf',
    });
    expect(a!.files).toHaveLength(1);
    const f = a!.files[0]!;
    expect(f).toMatchObject({
      path: 'original.pdf',
      size: pdf.length,
      sha256: sha256(pdf),
      contentType: 'application/pdf',
    });
    const res = await get(f.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    expect(new Date(r.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('describe a packaged video by its HLS files (not the upload), each verifiable, and stream through the path-signed URL', async () => {
    const r = await manifest('Intro', owner.token);
    const [a] = r.body.assets;
    expect(a!.entry).toBe('hls/master.m3u8');
    expect(a!.files.map((f) => f.path).sort()).toEqual(Object.keys(hls).sort());
    for (const f of a!.files) {
      expect(f.sha256).toBe(sha256(hls[f.path]!));
      expect(f.size).toBe(hls[f.path]!.length);
      const body = Buffer.from(await (await get(f.url)).arrayBuffer());
      expect(sha256(body)).toBe(f.sha256);
    }
    expect(a!.files.find((f) => f.path.endsWith('.m3u8'))!.contentType).toBe('application/vnd.apple.mpegurl');
    // A player resolves the playlists' relative URIs against the stream URL; they stay signed.
    const master = new URL(a!.streamUrl!, t.url);
    expect((await get(master.href)).status).toBe(200);
    const rendition = new URL('360p/index.m3u8', master);
    expect((await get(rendition.href)).status).toBe(200);
    const seg = await get(new URL('seg-00001.m4s', rendition).href);
    expect(seg.status).toBe(200);
    expect(Buffer.from(await seg.arrayBuffer()).equals(hls['hls/360p/seg-00001.m4s']!)).toBe(true);
    // The path signature is bound to its asset.
    const elsewhere = master.href
      .replace(videoAsset.id, pdfAsset.id)
      .replace('hls/master.m3u8', 'original.pdf');
    expect((await get(elsewhere)).status).toBe(403);
  });

  it('are for enrolled students, instructors and admins, and for anyone when the lesson is a preview', async () => {
    const student = await t.user('student');
    const other = await t.user('instructor');
    const admin = await t.user('admin');
    expect((await manifest('Slides')).status).toBe(401);
    const refused = await manifest('Slides', student.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('not_enrolled');
    expect((await manifest('Slides', other.token)).status).toBe(403);
    expect((await manifest('Slides', admin.token)).status).toBe(200);
    expect((await manifest('Intro')).status).toBe(200);
    expect((await manifest('Intro', student.token)).status).toBe(200);
    await enrollDirectly(t.server.database.pool, course.id, student.id);
    const ok = await manifest('Slides', student.token);
    expect(ok.status).toBe(200);
    expect(ok.body.assets[0]!.files[0]!.sha256).toBe(sha256(pdf));
  });
});

describe('delivery', () => {
  let url: string;
  let segUrl: string;
  beforeAll(async () => {
    url = (await manifest('Slides', owner.token)).body.assets[0]!.files[0]!.url;
    segUrl = (await manifest('Intro', owner.token)).body.assets[0]!.files.find((f) =>
      f.path.endsWith('.m4s'),
    )!.url;
  });

  it('answers byte ranges: first bytes, open-ended, suffix; 416 for a range outside the file', async () => {
    const first = await get(url, { range: 'bytes=0-99' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${pdf.length}`);
    expect(Buffer.from(await first.arrayBuffer()).equals(pdf.subarray(0, 100))).toBe(true);
    const open = await get(url, { range: `bytes=${pdf.length - 10}-` });
    expect(Buffer.from(await open.arrayBuffer()).equals(pdf.subarray(pdf.length - 10))).toBe(true);
    const suffix = await get(url, { range: 'bytes=-50' });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe(
      `bytes ${pdf.length - 50}-${pdf.length - 1}/${pdf.length}`,
    );
    expect(Buffer.from(await suffix.arrayBuffer()).equals(pdf.subarray(pdf.length - 50))).toBe(true);
    const bad = await get(url, { range: `bytes=${pdf.length}-` });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe(`bytes */${pdf.length}`);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('range_not_satisfiable');
    expect((await get(url, { range: 'bytes=20-10' })).status).toBe(416);
    expect((await get(url)).headers.get('accept-ranges')).toBe('bytes');
  });

  it('answers 304 to a matching If-None-Match, and caches segments for a year as immutable', async () => {
    const full = await get(url);
    const etag = full.headers.get('etag')!;
    expect(etag).toBe(`"${sha256(pdf)}"`);
    expect(full.headers.get('cache-control')).not.toContain('immutable');
    const again = await get(url, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect((await get(url, { 'if-none-match': '"other"' })).status).toBe(200);
    const seg = await get(segUrl);
    expect(seg.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers HEAD with the headers only, and refuses other methods', async () => {
    const head = await fetch(new URL(url, t.url), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(pdf.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const post = await fetch(new URL(url, t.url), { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('refuses expired and tampered signatures', async () => {
    const key = `assets/${pdfAsset.id}/original.pdf`;
    const signer = t.server.content.signer;
    const past = signer.sign(key, Math.floor(Date.now() / 1000) - 5);
    const expired = await get(`${contentPath(key)}?${querySuffix(past)}`);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('signature_expired');
    const u = new URL(url, t.url);
    const sig = u.searchParams.get('sig')!;
    const variants = [
      (x: URL) => x.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)),
      (x: URL) => x.searchParams.set('exp', String(Number(x.searchParams.get('exp')) + 3600)),
      (x: URL) => x.searchParams.set('scope', 'assets/'),
      (x: URL) => x.searchParams.delete('sig'),
      (x: URL) =>
        (x.pathname = x.pathname.replace(pdfAsset.id, videoAsset.id).replace('original.pdf', 'poster.jpg')),
    ];
    for (const change of variants) {
      const v = new URL(u);
      change(v);
      const r = await get(v.href);
      expect(r.status, v.href).toBe(403);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('signature_invalid');
    }
  });

  it('never serves a file outside the store, whatever the path', async () => {
    // A file just outside the content store (<dataDir>/content).
    const secret = `canary-${sha256(Buffer.from(String(Math.random())))}`;
    writeFileSync(path.join(t.server.config.dataDir, 'canary.txt'), secret);
    // Even a signature over a broad scope does not let a path climb out.
    const q = querySuffix(t.server.content.signer.sign('assets/', Math.floor(Date.now() / 1000) + 60));
    const attempts = [
      `/content/../canary.txt?${q}`,
      `/content/assets/../../canary.txt?${q}`,
      `/content/assets/%2e%2e/%2e%2e/canary.txt?${q}`,
      `/content/assets/%2e%2e%2f%2e%2e%2fcanary.txt?${q}`,
      `/content/t/9999999999/x/assets/../../canary.txt`,
      `/content/assets/../../secrets/jwt-secret?${q}`,
      `/content/assets/%2e%2e/%2e%2e/secrets/jwt-secret?${q}`,
      `/content/assets/%2E%2E%2F%2E%2E%2Fsecrets%2Fjwt-secret?${q}`,
      `/content/assets/..%5c..%5csecrets%5cjwt-secret?${q}`,
      `/content/%2Fetc%2Fpasswd?${q}`,
      `/content//etc/passwd?${q}`,
      `/content/assets/%00/x?${q}`,
      `/content/t/9999999999/abc/../../secrets/jwt-secret`,
      `/content/assets/%E0%A4%A?${q}`,
    ];
    for (const p of attempts) {
      const r = await rawGet(t.url, p);
      expect([400, 403, 404], p).toContain(r.status);
      expect(r.body.toString('latin1')).not.toContain(secret);
      expect(r.body.toString('latin1')).not.toContain('root:');
    }
    const r = await rawGet(t.url, `/content/assets/%2e%2e/%2e%2e/secrets/jwt-secret?${q}`);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body.toString()).error.code).toBe('invalid_path');
  });
});
