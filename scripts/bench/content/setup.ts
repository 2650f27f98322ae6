// bench:content setup: a sync server (child process) on embedded PostgreSQL; an instructor creates a course with a
// video lesson and uploads a 720p video through the chunked upload API; the server's media queue packages it (HLS,
// fMP4, 360p + 720p); the course is published, a student enrolls and asks for the lesson's manifest, whose streamUrl
// is what a player opens. The playlists are then read like a player reads them, to list the requests of a session.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Asset, CourseDetail, LessonManifest, Upload } from '@lyceum/contracts';
import { freePort } from '@lyceum/testing';
import { startEmbeddedPostgres } from '../../../sync-server/src/db/embedded.ts';
import { migrate } from '../../../sync-server/src/db/migrate.ts';
import { accessTokens } from '../../../sync-server/src/modules/identity/tokens.ts';
import { ffmpegPath } from '../../../sync-server/src/modules/media/ffmpeg.ts';
import { parseMediaPlaylist } from '../../../sync-server/src/modules/media/package.ts';
import { repoRoot, startProcess, type Child } from '../lib/processes.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export interface ContentBench {
  dir: string;
  server: Child;
  /** The folder the sync server stores content in (`<dataDir>/content`), which the static server serves too. */
  storageRoot: string;
  /** The packaged video's HLS folder, relative to the storage root (`assets/<id>/hls/`). */
  hlsPrefix: string;
  /** The signed path prefix a player uses for that folder (`/content/t/<exp>/<sig>/assets/<id>/hls/`). */
  signedPrefix: string;
  /** A player session per rendition, as paths relative to the HLS folder (master, media playlist, init, segments). */
  sessions: string[][];
  manifest: LessonManifest;
  packagingSeconds: number;
  stop(): Promise<void>;
}

async function makeVideo(file: string, seconds: number): Promise<void> {
  await promisify(execFile)(ffmpegPath, [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25'],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440', '-t', String(seconds)],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'aac', '-pix_fmt', 'yuv420p', file],
  ]);
}

export async function setUpContentBench(
  videoSeconds: number,
  log: (m: string) => void,
): Promise<ContentBench> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-bench-content-'));
  await fs.chmod(dir, 0o755);
  const db = await startEmbeddedPostgres(path.join(dir, 'postgres'));
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => {});
  let server: Child | null = null;
  const stop = async () => {
    await server?.stop();
    await pool.end();
    await db.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
  try {
    await migrate(pool);
    const users = await pool.query<{ id: string; role: 'instructor' | 'student' }>(
      `INSERT INTO users (id, email, name, password_hash, role) VALUES
         (gen_random_uuid(), 'teacher@bench.test', 'Bench Instructor', 'x', 'instructor'),
         (gen_random_uuid(), 'student@bench.test', 'Bench Student', 'x', 'student')
       RETURNING id, role`,
    );
    const secret = randomBytes(32).toString('hex');
    const tokens = accessTokens(secret, 3600);
    const tokenOf = (role: 'instructor' | 'student') => {
      const u = users.rows.find((r) => r.role === role)!;
      return tokens.sign({ sub: u.id, role });
    };
    const teacher = await tokenOf('instructor');
    const student = await tokenOf('student');

    const port = await freePort();
    server = await startProcess(
      path.join(repoRoot, 'sync-server/src/main.ts'),
      ['start'],
      {
        DATABASE_URL: db.url,
        PORT: String(port),
        LYCEUM_DATA_DIR: dir,
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        JWT_SECRET: secret,
      },
      port,
      '/ready',
    );
    const base = server.url;
    const api = async <T>(method: string, p: string, token: string, body?: unknown): Promise<T> => {
      const res = await fetch(base + p, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };

    const course = await api<CourseDetail>('POST', '/api/v1/courses', teacher, {
      title: 'Content delivery benchmark',
      subject: 'Benchmarks',
      modules: [{ title: 'Week 1', lessons: [{ title: 'Lecture', kind: 'video', durationMinutes: 1 }] }],
    });
    const lessonId = course.modules[0]!.lessons[0]!.id;

    const source = path.join(dir, 'lecture.mp4');
    await makeVideo(source, videoSeconds);
    const bytes = await fs.readFile(source);
    const chunkSize = 8 * 1024 * 1024;
    const upload = await api<Upload>('POST', `/api/v1/courses/${course.id}/uploads`, teacher, {
      kind: 'video',
      name: 'lecture.mp4',
      size: bytes.length,
      sha256: sha256(bytes),
      lessonId,
      chunkSize,
    });
    for (let i = 0; i < upload.chunkCount; i++) {
      const chunk = bytes.subarray(i * chunkSize, (i + 1) * chunkSize);
      const res = await fetch(`${base}/api/v1/uploads/${upload.id}/chunks/${i}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${teacher}`,
          'content-type': 'application/octet-stream',
          'x-chunk-sha256': sha256(chunk),
        },
        body: new Uint8Array(chunk),
      });
      if (res.status !== 200) throw new Error(`chunk ${i}: ${res.status} ${await res.text()}`);
    }
    const t0 = performance.now();
    const asset = await api<Asset>('POST', `/api/v1/uploads/${upload.id}/complete`, teacher);
    for (;;) {
      const a = await api<Asset>('GET', `/api/v1/assets/${asset.id}`, teacher);
      if (a.status === 'ready') break;
      if (a.status === 'failed') throw new Error(`packaging failed: ${a.failureReason}`);
      if (performance.now() - t0 > 600_000) throw new Error('packaging took more than 10 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
    const packagingSeconds = (performance.now() - t0) / 1000;
    log(
      `${videoSeconds} s 720p video (${(bytes.length / 1e6).toFixed(1)} MB) uploaded and packaged by the server in ${packagingSeconds.toFixed(1)} s`,
    );

    await api('POST', `/api/v1/courses/${course.id}/publish`, teacher);
    await api('POST', `/api/v1/courses/${course.id}/enrollment`, student);
    const manifest = await api<LessonManifest>(
      'GET',
      `/api/v1/courses/${course.id}/lessons/${lessonId}/content`,
      student,
    );
    const video = manifest.assets.find((a) => a.kind === 'video');
    if (!video?.streamUrl || !video.entry) throw new Error('the manifest has no stream URL');

    // Read the playlists as a player does, from the signed stream URL.
    const signedMaster = new URL(video.streamUrl, base);
    const signedPrefix = signedMaster.pathname.slice(0, signedMaster.pathname.lastIndexOf('/') + 1);
    const hlsPrefix = `assets/${video.id}/${video.entry.slice(0, video.entry.lastIndexOf('/') + 1)}`;
    const text = async (u: URL) => {
      const r = await fetch(u);
      if (!r.ok) throw new Error(`GET ${u.pathname}: ${r.status}`);
      return r.text();
    };
    const master = await text(signedMaster);
    const variants = master.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    const sessions: string[][] = [];
    for (const v of variants) {
      const media = parseMediaPlaylist(await text(new URL(v, signedMaster)));
      const dirOf = v.includes('/') ? v.slice(0, v.lastIndexOf('/') + 1) : '';
      sessions.push([
        'master.m3u8',
        v.trim(),
        ...(media.map ? [dirOf + media.map] : []),
        ...media.segments.map((s) => dirOf + s.uri),
      ]);
    }
    if (sessions.length < 2) throw new Error(`expected two renditions or more, got ${sessions.length}`);
    return {
      dir,
      server,
      storageRoot: path.join(dir, 'content'),
      hlsPrefix,
      signedPrefix,
      sessions,
      manifest,
      packagingSeconds,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
