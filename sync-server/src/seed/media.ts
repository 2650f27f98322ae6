import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { UploadStart, type AssetKind, type CourseDetail } from '@lyceum/contracts';
import type { LyceumServer } from '../app.ts';
import type { Caller } from '../http/route.ts';
import { runFfmpeg } from '../modules/media/ffmpeg.ts';
import { slidesPdf } from './pdf.ts';

/** The demo's source clips: small and short, so that packaging every demo video fits the first start. */
export const DEMO_CLIP = { width: 426, height: 240, seconds: 4 } as const;

const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf',
  '/Library/Fonts/Arial.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
];

const isFile = (f: string) =>
  fs.stat(f).then(
    (s) => s.isFile(),
    () => false,
  );

async function fontFile(): Promise<string | null> {
  for (const f of FONT_CANDIDATES) if (await isFile(f)) return f;
  return null;
}

/** A title at the top and the running time at the bottom (drawtext; the font from fontconfig when no file is known). */
function captions(title: string, font: string | null): string {
  const face = font ? `fontfile=${font}:` : '';
  const box = 'fontcolor=white:box=1:boxcolor=black@0.6';
  return [
    `drawtext=${face}text='${title}':fontsize=22:${box}:boxborderw=8:x=(w-text_w)/2:y=h*0.12`,
    `drawtext=${face}text='%{pts\\:hms}':fontsize=18:${box}:boxborderw=6:x=(w-text_w)/2:y=h*0.78`,
  ].join(',');
}

/** One clip from ffmpeg's own sources (a test pattern and a tone), H.264 + AAC in MP4, like a camera's file. */
async function makeClip(
  file: string,
  source: 'testsrc2' | 'smptebars',
  title: string,
  hz: number,
): Promise<void> {
  const { width, height, seconds } = DEMO_CLIP;
  const args = (filter: string | null) => [
    ...['-f', 'lavfi', '-i', `${source}=size=${width}x${height}:rate=25:duration=${seconds}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=${hz}:duration=${seconds}`],
    ...(filter ? ['-vf', filter] : []),
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file],
  ];
  try {
    await runFfmpeg(args(captions(title, await fontFile())));
  } catch {
    // An ffmpeg built without drawtext (or without any font): the picture and tone alone.
    await runFfmpeg(args(null));
  }
}

/** The demo's two source clips (a welcome and a case study), made once and uploaded for every video lesson. */
export async function makeDemoClips(): Promise<{ welcome: Buffer; caseStudy: Buffer }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lyceum-demo-clips-'));
  try {
    const welcome = path.join(dir, 'welcome.mp4');
    const caseStudy = path.join(dir, 'case-study.mp4');
    await makeClip(welcome, 'testsrc2', 'Lyceum demo - welcome', 440);
    await makeClip(caseStudy, 'smptebars', 'Lyceum demo - case study', 330);
    return { welcome: await fs.readFile(welcome), caseStudy: await fs.readFile(caseStudy) };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** A slides lesson's deck: the lesson and course titles, then a few slides of the lesson's outline. */
export function demoSlides(course: string, lesson: string): Buffer {
  return slidesPdf([
    { heading: lesson, lines: [course, 'Demo slides made by Lyceum on first start'] },
    { heading: 'What you will learn', lines: ['The key ideas of this module', 'How they fit together'] },
    { heading: 'Try it yourself', lines: ['Work through the example', 'Then take the practice check'] },
    { heading: 'Summary', lines: ['Review the ideas above', 'Move on to the worked examples'] },
  ]);
}

/**
 * Upload a file for a lesson exactly as an instructor's app does — start, one chunk with its sha256, complete — so
 * the type is checked from the bytes and a video goes to the media module's packaging queue.
 */
async function uploadForLesson(
  server: LyceumServer,
  caller: Caller,
  courseId: string,
  lessonId: string,
  file: { kind: AssetKind; name: string; bytes: Buffer },
): Promise<void> {
  const { uploads } = server.content;
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const body = UploadStart.parse({
    kind: file.kind,
    name: file.name,
    size: file.bytes.length,
    sha256: sha256(file.bytes),
    lessonId,
  });
  const started = await uploads.start(caller, courseId, body);
  for (let i = 0; i < started.chunkCount; i++) {
    const chunk = file.bytes.subarray(i * started.chunkSize, (i + 1) * started.chunkSize);
    await uploads.putChunk(caller, started.id, i, sha256(chunk), Readable.from([chunk]));
  }
  await uploads.complete(caller, started.id);
}

/** Give every video lesson of a demo course a clip and every slides lesson a PDF; answers how many of each. */
export async function attachDemoMedia(
  server: LyceumServer,
  course: CourseDetail,
  ownerId: string,
  clips: { welcome: Buffer; caseStudy: Buffer },
): Promise<{ videos: number; slides: number }> {
  const caller: Caller = { id: ownerId, role: 'instructor' };
  let videos = 0;
  let slides = 0;
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  for (const lesson of course.modules.flatMap((m) => m.lessons)) {
    if (lesson.kind === 'video') {
      const bytes = videos % 2 === 0 ? clips.welcome : clips.caseStudy;
      await uploadForLesson(server, caller, course.id, lesson.id, {
        kind: 'video',
        name: `${slug(lesson.title)}.mp4`,
        bytes,
      });
      videos += 1;
    } else if (lesson.kind === 'slides') {
      await uploadForLesson(server, caller, course.id, lesson.id, {
        kind: 'slides',
        name: `${slug(lesson.title)}.pdf`,
        bytes: demoSlides(course.title, lesson.title),
      });
      slides += 1;
    }
  }
  return { videos, slides };
}
