import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Asset, AssetStatus } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import { contentAssets, type AssetRow } from './tables.ts';

export const toAsset = (r: AssetRow): Asset => ({
  id: r.id,
  courseId: r.courseId,
  lessonId: r.lessonId,
  kind: r.kind,
  originalName: r.originalName,
  mimeType: r.mimeType,
  size: r.size,
  sha256: r.sha256,
  status: r.status,
  failureReason: r.failureReason,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** The folder of an asset in the storage port; the upload and everything packaged from it live under it. */
export const assetPrefix = (assetId: string) => `assets/${assetId}/`;

/** Uploaded files of courses: who may manage them, attaching them to lessons, and their status. */
export function assetService(db: Db, catalog: CatalogReader) {
  /** Instructors of the course and admins manage its content; 404 when the course does not exist. */
  async function requireManager(caller: Caller, courseId: string): Promise<void> {
    const course = await catalog.getCourse(courseId);
    if (!course) throw new ApiError('not_found', 'Course not found');
    if (caller.role === 'admin') return;
    if (!(await catalog.isInstructor(courseId, caller.id)))
      throw new ApiError('forbidden', "Only the course's instructors may manage its content");
  }

  async function row(id: string): Promise<AssetRow | undefined> {
    return (await db.select().from(contentAssets).where(eq(contentAssets.id, id)))[0];
  }

  async function managed(caller: Caller, id: string): Promise<AssetRow> {
    const r = await row(id);
    if (!r) throw new ApiError('not_found', 'Asset not found');
    await requireManager(caller, r.courseId);
    return r;
  }

  async function requireLessonOf(courseId: string, lessonId: string): Promise<void> {
    if (!(await catalog.hasLesson(courseId, lessonId)))
      throw new ApiError('validation_failed', 'The lesson is not part of this course', {
        issues: [{ path: 'body.lessonId', message: 'not a lesson of the course' }],
      });
  }

  async function setStatus(
    id: string,
    status: AssetStatus,
    failureReason: string | null = null,
  ): Promise<void> {
    await db
      .update(contentAssets)
      .set({
        status,
        failureReason: status === 'failed' ? (failureReason ?? 'failed') : null,
        updatedAt: new Date(),
      })
      .where(eq(contentAssets.id, id));
  }

  return {
    requireManager,
    requireLessonOf,
    row,
    async get(caller: Caller, id: string): Promise<Asset> {
      return toAsset(await managed(caller, id));
    },
    async listForCourse(caller: Caller, courseId: string): Promise<Asset[]> {
      await requireManager(caller, courseId);
      const rows = await db
        .select()
        .from(contentAssets)
        .where(eq(contentAssets.courseId, courseId))
        .orderBy(asc(contentAssets.createdAt), asc(contentAssets.id));
      return rows.map(toAsset);
    },
    /** Attach an asset to a lesson of its course, or detach it (null). */
    async attach(caller: Caller, id: string, lessonId: string | null): Promise<Asset> {
      const r = await managed(caller, id);
      if (lessonId) await requireLessonOf(r.courseId, lessonId);
      const [updated] = await db
        .update(contentAssets)
        .set({ lessonId, updatedAt: new Date() })
        .where(eq(contentAssets.id, id))
        .returning();
      return toAsset(updated!);
    },
    /** Assets attached to a lesson (any status), oldest first. */
    async forLesson(courseId: string, lessonId: string): Promise<AssetRow[]> {
      return db
        .select()
        .from(contentAssets)
        .where(and(eq(contentAssets.courseId, courseId), eq(contentAssets.lessonId, lessonId)))
        .orderBy(asc(contentAssets.createdAt), asc(contentAssets.id));
    },
    async byIds(ids: string[]): Promise<AssetRow[]> {
      if (!ids.length) return [];
      return db.select().from(contentAssets).where(inArray(contentAssets.id, ids));
    },
    /** For the media module: packaging started, finished, or failed with a readable reason. */
    markProcessing: (id: string) => setStatus(id, 'processing'),
    markReady: (id: string) => setStatus(id, 'ready'),
    markFailed: (id: string, reason: string) => setStatus(id, 'failed', reason),
  };
}
export type AssetService = ReturnType<typeof assetService>;
