import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, LessonManifest } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../test/harness.ts';
import { courseInput, courseSpecs } from './courses.ts';
import { seedDemoIfEmpty } from './demo.ts';

describe('demo quizzes', () => {
  it('no demo quiz asks the same question twice', () => {
    for (const spec of courseSpecs) {
      const { modules = [] } = courseInput(spec, []);
      const quizzes = modules.flatMap((m) => m.lessons).filter((l) => l.kind === 'quiz');
      expect(quizzes.length).toBeGreaterThan(0);
      for (const quiz of quizzes) {
        const prompts = quiz.quiz!.questions.map((q) => q.prompt);
        expect(prompts.length, `${spec.title} / ${quiz.title}`).toBeGreaterThan(1);
        expect(new Set(prompts).size, `${spec.title} / ${quiz.title} repeats a question`).toBe(
          prompts.length,
        );
      }
    }
  });
});

// Two courses of the demo (real PostgreSQL, real ffmpeg): enough for every kind of lesson, small enough to package fast.
const TITLES = ['Python for Absolute Beginners', 'Principles of Visual Design'];

describe('demo media (seeded like a first start)', () => {
  let t: TestServer;
  let adminToken: string;
  let courses: CourseDetail[];

  beforeAll(async () => {
    t = await startTestServer();
    expect(await seedDemoIfEmpty(t.server, { courses: TITLES })).toBe(true);
    const admin = (await t.server.identity.accounts.findByEmail('admin@lyceum.demo'))!;
    adminToken = (await t.server.identity.sessions.issue(admin)).accessToken;
    const { rows } = await t.server.database.pool.query<{ id: string }>('SELECT id FROM courses');
    courses = await Promise.all(
      rows.map(async (r) => (await t.api<CourseDetail>('GET', `/api/v1/courses/${r.id}`)).body),
    );
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  const manifest = async (courseId: string, lessonId: string, token?: string) =>
    (
      await t.api<LessonManifest>('GET', `/api/v1/courses/${courseId}/lessons/${lessonId}/content`, {
        token,
      })
    ).body;
  const lessonsOf = (kind: string) =>
    courses.flatMap((c) =>
      c.modules.flatMap((m) =>
        m.lessons.filter((l) => l.kind === kind).map((l) => ({ course: c, lesson: l })),
      ),
    );

  it('seeds only the courses asked for', () => {
    expect(courses.map((c) => c.title).sort()).toEqual([...TITLES].sort());
  });

  it('packages a video for every video lesson into HLS, as an upload is', async () => {
    const videos = lessonsOf('video');
    expect(videos.length).toBe(4);
    const ready = async () => {
      let n = 0;
      for (const { course, lesson } of videos) {
        const m = await manifest(course.id, lesson.id, adminToken);
        if (m.assets.length === 1 && m.assets[0]!.status === 'ready') n += 1;
      }
      return n;
    };
    await expect.poll(ready, { timeout: 60_000, interval: 250 }).toBe(videos.length);
    for (const { course, lesson } of videos) {
      const [asset] = (await manifest(course.id, lesson.id, adminToken)).assets;
      expect(asset).toMatchObject({ kind: 'video', entry: 'hls/master.m3u8' });
      const packaging = await t.server.media.packagingResult(asset!.id);
      expect(packaging).toMatchObject({ status: 'succeeded', error: null });
      expect(packaging!.durationSeconds).toBeGreaterThan(3);
      expect(packaging!.renditions.length).toBeGreaterThan(0);
      // The HLS playlists are served: the master names its renditions, each rendition lists fMP4 segments.
      const master = await (await fetch(new URL(asset!.streamUrl!, t.url))).text();
      expect(master).toMatch(/^#EXTM3U/);
      for (const r of packaging!.renditions) {
        expect(master).toContain(`${r.name}/index.m3u8`);
        const file = asset!.files.find((f) => f.path === `hls/${r.name}/index.m3u8`)!;
        const playlist = await (await fetch(new URL(file.url, t.url))).text();
        expect(playlist).toMatch(/#EXT-X-MAP:URI="init.mp4"/);
        expect(playlist).toMatch(/seg-0000\.m4s/);
      }
      expect(asset!.files.some((f) => f.path === 'hls/poster.jpg')).toBe(true);
      // The upload itself stays on the server: students get the packaged files only.
      expect(asset!.files.every((f) => f.path.startsWith('hls/'))).toBe(true);
    }
  }, 90_000);

  it('attaches a multi-page PDF to every slides lesson', async () => {
    const slides = lessonsOf('slides');
    expect(slides.length).toBe(2);
    for (const { course, lesson } of slides) {
      const { assets } = await manifest(course.id, lesson.id, adminToken);
      expect(assets).toHaveLength(1);
      expect(assets[0]).toMatchObject({ kind: 'slides', status: 'ready', mimeType: 'application/pdf' });
      const file = assets[0]!.files.find((f) => f.path === assets[0]!.entry)!;
      const bytes = Buffer.from(await (await fetch(new URL(file.url, t.url))).arrayBuffer());
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = bytes.toString('latin1');
      expect(text).toContain('/Count 4');
      expect(text).toContain(`(${lesson.title})`);
      expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    }
  });

  it("serves a preview lesson's video to a visitor who is not signed in", async () => {
    const { course, lesson } = lessonsOf('video').find((v) => v.lesson.isPreview)!;
    const { assets } = await manifest(course.id, lesson.id);
    expect(assets[0]).toMatchObject({ status: 'ready', entry: 'hls/master.m3u8' });
  });
});
