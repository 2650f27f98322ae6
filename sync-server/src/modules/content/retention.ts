import type pg from 'pg';
import type { Logger } from 'pino';
import { assetPrefix } from './assets.ts';
import type { ContentStorage } from './storage.ts';

export const DEFAULT_RETENTION_GRACE_HOURS = 7 * 24;

export interface RetentionDeps {
  pool: pg.Pool;
  storage: ContentStorage;
  logger: Logger;
  /** How long a file stays after it stopped being used (ms; default 7 days). */
  graceMs?: number;
  /** The clock (tests). */
  now?: () => Date;
  /** Files removed per transaction. */
  batchSize?: number;
}

export interface RemovedAsset {
  id: string;
  courseId: string;
  lessonId: string | null;
  reason: 'replaced' | 'failed' | 'orphaned';
  files: number;
}

/**
 * Why an asset is no longer used, or null while it is. Replaced: a newer ready file of the same kind is the lesson's
 * video or slides. Failed: it never became usable. Orphaned: no lesson of the course (published or in the draft) is
 * its lesson, and neither a lesson body, the draft nor the cover names it. Files still uploading or being packaged
 * are left alone (unfinished uploads have their own expiry).
 */
const CANDIDATE = `
  CASE
    WHEN a.status = 'failed' THEN 'failed'
    WHEN a.status <> 'ready' THEN NULL
    WHEN a.lesson_id IS NULL
      OR (NOT EXISTS (SELECT 1 FROM lessons l WHERE l.id = a.lesson_id)
          AND NOT EXISTS (SELECT 1 FROM course_drafts d
                          WHERE d.course_id = a.course_id AND strpos(d.doc::text, a.lesson_id::text) > 0))
      THEN 'orphaned'
    WHEN a.kind IN ('video', 'slides') AND EXISTS (
      SELECT 1 FROM content_assets b
      WHERE b.lesson_id = a.lesson_id AND b.kind = a.kind AND b.status = 'ready' AND b.id <> a.id
        AND (b.created_at, b.id) > (a.created_at, a.id)) THEN 'replaced'
  END`;
/** Named by something of its course (only asked of candidates: the documents are read for those alone). */
const REFERENCED = `
  EXISTS (SELECT 1 FROM lessons l WHERE l.course_id = a.course_id AND strpos(l.body, a.id::text) > 0)
  OR EXISTS (SELECT 1 FROM courses c WHERE c.id = a.course_id AND strpos(coalesce(c.cover_image_url, ''), a.id::text) > 0)
  OR EXISTS (SELECT 1 FROM course_drafts d WHERE d.course_id = a.course_id AND strpos(d.doc::text, a.id::text) > 0)`;
const REASON = `CASE WHEN (${CANDIDATE}) IS NULL THEN NULL WHEN ${REFERENCED} THEN NULL ELSE (${CANDIDATE}) END`;

/**
 * The content retention job (issue 15): replaced and orphaned uploads are removed from content storage once they
 * have been unused for the grace period. Each run first notes what became unused (and forgets what is used again, an
 * undone delete), then removes what has been unused long enough: its files, then its row, under a row lock taken
 * with SKIP LOCKED (two nodes never remove one file twice; a run that died half way is finished by the next: removing
 * is idempotent). Run by the scheduler hourly, on one node per tick.
 */
export function contentRetention(deps: RetentionDeps) {
  const graceMs = deps.graceMs ?? DEFAULT_RETENTION_GRACE_HOURS * 3_600_000;
  const now = deps.now ?? (() => new Date());
  const batchSize = deps.batchSize ?? 100;
  const log = deps.logger.child({ job: 'content_retention' });

  async function note(at: Date): Promise<{ noted: number; used: number }> {
    const used = await deps.pool.query(
      `DELETE FROM content_asset_unreferenced u USING content_assets a
       WHERE a.id = u.asset_id AND (${REASON}) IS NULL`,
    );
    const noted = await deps.pool.query(
      `INSERT INTO content_asset_unreferenced (asset_id, since, reason)
       SELECT id, $1, reason FROM (SELECT a.id, (${REASON}) AS reason FROM content_assets a) x
       WHERE reason IS NOT NULL
       ON CONFLICT (asset_id) DO NOTHING`,
      [at],
    );
    return { noted: noted.rowCount ?? 0, used: used.rowCount ?? 0 };
  }

  /** Remove one batch of assets unused since before `cutoff`; answers what it removed. */
  async function removeBatch(cutoff: Date): Promise<RemovedAsset[]> {
    const client = await deps.pool.connect();
    try {
      await client.query('BEGIN');
      const due = await client.query<{
        id: string;
        course_id: string;
        lesson_id: string | null;
        reason: RemovedAsset['reason'];
      }>(
        `SELECT a.id, a.course_id, a.lesson_id, u.reason
         FROM content_asset_unreferenced u JOIN content_assets a ON a.id = u.asset_id
         WHERE u.since <= $1 AND (${REASON}) IS NOT NULL
         ORDER BY u.since, a.id LIMIT $2
         FOR UPDATE OF a SKIP LOCKED`,
        [cutoff, batchSize],
      );
      const removed: RemovedAsset[] = [];
      for (const r of due.rows) {
        const keys = await deps.storage.list(assetPrefix(r.id));
        for (const key of keys) await deps.storage.delete(key);
        removed.push({
          id: r.id,
          courseId: r.course_id,
          lessonId: r.lesson_id,
          reason: r.reason,
          files: keys.length,
        });
      }
      if (removed.length)
        await client.query('DELETE FROM content_assets WHERE id = ANY($1::uuid[])', [
          removed.map((r) => r.id),
        ]);
      await client.query('COMMIT');
      return removed;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  return {
    graceMs,
    /** One sweep; logs each file removed. */
    async run(): Promise<{ noted: number; used: number; removed: RemovedAsset[] }> {
      const at = now();
      const { noted, used } = await note(at);
      const cutoff = new Date(at.getTime() - graceMs);
      const removed: RemovedAsset[] = [];
      for (;;) {
        const batch = await removeBatch(cutoff);
        for (const r of batch) log.info(r, 'content retention: removed an unused upload');
        removed.push(...batch);
        if (batch.length < batchSize) break;
      }
      if (noted || used || removed.length)
        log.info({ noted, used, removed: removed.length }, 'content retention sweep');
      return { noted, used, removed };
    },
  };
}
export type ContentRetention = ReturnType<typeof contentRetention>;
