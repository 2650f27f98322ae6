import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AssetKind, type LessonManifest } from '@lyceum/contracts';

/**
 * What each lesson of an offline copy holds (asset kinds, names, entry files), kept beside the files so the app can
 * show a lesson's media without the server. Stored under `<contentDir>/.lessons/<courseId>/<lessonId>.json`, apart
 * from the course's files (their disk usage is the files' own).
 */
export const LessonIndex = z.object({
  assets: z.array(
    z.object({
      id: z.string(),
      kind: AssetKind,
      originalName: z.string(),
      mimeType: z.string().nullable(),
      entry: z.string().nullable(),
    }),
  ),
});
export type LessonIndex = z.infer<typeof LessonIndex>;

const dirOf = (contentDir: string, courseId: string) => path.join(contentDir, '.lessons', courseId);

export function writeLessonIndex(contentDir: string, courseId: string, m: LessonManifest): void {
  const index: LessonIndex = {
    assets: m.assets
      .filter((a) => a.status === 'ready')
      .map((a) => ({
        id: a.id,
        kind: a.kind,
        originalName: a.originalName,
        mimeType: a.mimeType,
        entry: a.entry,
      })),
  };
  const dir = dirOf(contentDir, courseId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${m.lessonId}.json`), JSON.stringify(index));
}

export function readLessonIndex(contentDir: string, courseId: string, lessonId: string): LessonIndex | null {
  try {
    const text = fs.readFileSync(path.join(dirOf(contentDir, courseId), `${lessonId}.json`), 'utf8');
    const r = LessonIndex.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export function removeLessonIndex(contentDir: string, courseId: string, lessonId: string): void {
  fs.rmSync(path.join(dirOf(contentDir, courseId), `${lessonId}.json`), { force: true });
}

export function removeLessonIndexes(contentDir: string, courseId: string): void {
  fs.rmSync(dirOf(contentDir, courseId), { recursive: true, force: true });
}
