import fs from 'node:fs';
import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import type { LocalDb } from '../store/open.ts';
import type { PlannedFile } from './select.ts';
import { downloadItems, type DownloadItem } from './tables.ts';

const now = () => new Date().toISOString();

/** Upsert the planned files of one lesson; files no longer in it are dropped (rows and bytes). */
export function applyPlan(
  db: LocalDb,
  fileOf: (courseId: string, relPath: string) => string,
  courseId: string,
  lessonId: string,
  plan: PlannedFile[],
  expiresAt: string,
  queue: boolean,
) {
  const existing = db
    .select()
    .from(downloadItems)
    .where(and(eq(downloadItems.courseId, courseId), eq(downloadItems.lessonId, lessonId)))
    .all();
  const byPath = new Map(existing.map((r) => [r.relPath, r]));
  const keep = new Set(plan.map((p) => p.relPath));
  db.transaction((tx) => {
    for (const p of plan) {
      const row = byPath.get(p.relPath);
      if (!row) {
        tx.insert(downloadItems)
          .values({
            courseId,
            lessonId,
            assetId: p.assetId,
            relPath: p.relPath,
            url: p.url,
            urlExpiresAt: expiresAt,
            size: p.size,
            sha256: p.sha256,
            bytesDone: 0,
            status: queue ? 'queued' : 'paused',
            attempts: 0,
            updatedAt: now(),
          })
          .run();
      } else if (row.sha256 !== p.sha256 || row.size !== p.size) {
        // The file changed on the server: start it over.
        fs.rmSync(`${fileOf(courseId, row.relPath)}.part`, { force: true });
        fs.rmSync(fileOf(courseId, row.relPath), { force: true });
        tx.update(downloadItems)
          .set({
            url: p.url,
            urlExpiresAt: expiresAt,
            size: p.size,
            sha256: p.sha256,
            bytesDone: 0,
            status: queue ? 'queued' : 'paused',
            attempts: 0,
            error: null,
            updatedAt: now(),
          })
          .where(eq(downloadItems.id, row.id))
          .run();
      } else {
        const retry = queue && row.status === 'failed';
        tx.update(downloadItems)
          .set({
            url: p.url,
            urlExpiresAt: expiresAt,
            ...(retry ? { status: 'queued' as const, attempts: 0, error: null } : {}),
            updatedAt: now(),
          })
          .where(eq(downloadItems.id, row.id))
          .run();
      }
    }
    const gone = existing.filter((r) => !keep.has(r.relPath));
    if (gone.length)
      tx.delete(downloadItems)
        .where(
          inArray(
            downloadItems.id,
            gone.map((r) => r.id),
          ),
        )
        .run();
    for (const r of gone) {
      fs.rmSync(fileOf(courseId, r.relPath), { force: true });
      fs.rmSync(`${fileOf(courseId, r.relPath)}.part`, { force: true });
    }
  });
}

/** How a lesson's planned files differ from what its offline copy holds. */
export interface PlanDiff {
  /** Files not stored yet, and stored files the server changed (other sha256 or size). */
  added: PlannedFile[];
  changed: PlannedFile[];
  /** Stored files no longer in the lesson. */
  removed: DownloadItem[];
  /** Assets new to the lesson, and assets gone from it. */
  newAssets: string[];
  goneAssets: string[];
}

export function diffPlan(existing: DownloadItem[], plan: PlannedFile[]): PlanDiff {
  const byPath = new Map(existing.map((r) => [r.relPath, r]));
  const planned = new Set(plan.map((p) => p.relPath));
  const hadAssets = new Set(existing.map((r) => r.assetId));
  const hasAssets = new Set(plan.map((p) => p.assetId));
  return {
    added: plan.filter((p) => !byPath.has(p.relPath)),
    changed: plan.filter((p) => {
      const r = byPath.get(p.relPath);
      return r !== undefined && (r.sha256 !== p.sha256 || r.size !== p.size);
    }),
    removed: existing.filter((r) => !planned.has(r.relPath)),
    newAssets: [...hasAssets].filter((a) => !hadAssets.has(a)),
    goneAssets: [...hadAssets].filter((a) => !hasAssets.has(a)),
  };
}

/** Bytes under a folder (0 when it does not exist). */
export function dirSize(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += dirSize(p);
    else if (e.isFile()) total += fs.statSync(p).size;
  }
  return total;
}
