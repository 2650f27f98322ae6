import type pg from 'pg';
import { newId } from '../../lib/ids.ts';
import type { JobStatus, PackagingOutput } from './types.ts';

export interface MediaJob {
  id: string;
  assetId: string;
  kind: 'package_video';
  sourceKey: string;
  ownerId: string | null;
  status: JobStatus;
  progressPercent: number;
  attempts: number;
  maxAttempts: number;
  error: string | null;
  lockedBy: string | null;
  lockedUntil: Date | null;
  result: PackagingOutput | null;
}

const COLUMNS = `id, asset_id AS "assetId", kind, source_key AS "sourceKey", owner_id AS "ownerId", status,
  progress_percent AS "progressPercent", attempts, max_attempts AS "maxAttempts", error, locked_by AS "lockedBy",
  locked_until AS "lockedUntil", result`;

/**
 * The media_jobs queue. A worker claims the oldest claimable job — queued, or running with an expired lease (its
 * worker died) — with FOR UPDATE SKIP LOCKED, so concurrent claimers never take the same job, and holds it with a
 * lease it renews while working. Every write after the claim is guarded by locked_by, so a worker that lost its
 * lease cannot overwrite the job.
 */
export function mediaQueue(pool: pg.Pool) {
  return {
    /** Queue (or re-queue, for a replaced upload) the packaging of an asset. */
    async enqueue(input: {
      assetId: string;
      sourceKey: string;
      ownerId?: string | null;
      maxAttempts?: number;
    }): Promise<MediaJob> {
      const { rows } = await pool.query<MediaJob>(
        `INSERT INTO media_jobs (id, asset_id, kind, source_key, owner_id, max_attempts)
         VALUES ($1, $2, 'package_video', $3, $4, $5)
         ON CONFLICT (asset_id, kind) DO UPDATE SET source_key = EXCLUDED.source_key, owner_id = EXCLUDED.owner_id,
           status = 'queued', progress_percent = 0, attempts = 0, max_attempts = EXCLUDED.max_attempts, error = NULL,
           locked_by = NULL, locked_until = NULL, result = NULL, finished_at = NULL, updated_at = now()
         RETURNING ${COLUMNS}`,
        [newId(), input.assetId, input.sourceKey, input.ownerId ?? null, input.maxAttempts ?? 3],
      );
      return rows[0]!;
    },

    /** Fail the jobs whose lease expired after their last attempt (their worker died every time); answers them. */
    async giveUp(): Promise<MediaJob[]> {
      const { rows } = await pool.query<MediaJob>(
        `UPDATE media_jobs SET status = 'failed', locked_by = NULL, locked_until = NULL, finished_at = now(), updated_at = now(),
           error = 'Packaging was interrupted ' || attempts || ' times; giving up'
         WHERE status = 'running' AND locked_until < now() AND attempts >= max_attempts
         RETURNING ${COLUMNS}`,
      );
      return rows;
    },

    /** Take the next job for this worker, or null: the oldest queued one, or one whose worker's lease expired. */
    async claim(workerId: string, leaseMs: number): Promise<MediaJob | null> {
      const { rows } = await pool.query<MediaJob>(
        `UPDATE media_jobs SET status = 'running', attempts = attempts + 1, locked_by = $1,
           locked_until = now() + make_interval(secs => $2::float8 / 1000), updated_at = now()
         WHERE id = (
           SELECT id FROM media_jobs
           WHERE (status = 'queued' OR (status = 'running' AND locked_until < now())) AND attempts < max_attempts
           ORDER BY created_at
           FOR UPDATE SKIP LOCKED
           LIMIT 1)
         RETURNING ${COLUMNS}`,
        [workerId, leaseMs],
      );
      return rows[0] ?? null;
    },

    /** Extend the lease and record progress; false when this worker no longer holds the job. */
    async heartbeat(jobId: string, workerId: string, leaseMs: number, percent?: number): Promise<boolean> {
      const { rowCount } = await pool.query(
        `UPDATE media_jobs SET locked_until = now() + make_interval(secs => $3::float8 / 1000),
           progress_percent = coalesce($4, progress_percent), updated_at = now()
         WHERE id = $1 AND locked_by = $2 AND status = 'running'`,
        [jobId, workerId, leaseMs, percent ?? null],
      );
      return rowCount === 1;
    },

    async succeed(jobId: string, workerId: string, result: PackagingOutput): Promise<boolean> {
      const { rowCount } = await pool.query(
        `UPDATE media_jobs SET status = 'succeeded', progress_percent = 100, result = $3, error = NULL,
           locked_by = NULL, locked_until = NULL, finished_at = now(), updated_at = now()
         WHERE id = $1 AND locked_by = $2 AND status = 'running'`,
        [jobId, workerId, JSON.stringify(result)],
      );
      return rowCount === 1;
    },

    /** Fail for good (permanent) or put back in the queue while attempts remain. Answers the resulting status. */
    async fail(
      jobId: string,
      workerId: string,
      error: string,
      permanent: boolean,
    ): Promise<JobStatus | null> {
      const { rows } = await pool.query<{ status: JobStatus }>(
        `UPDATE media_jobs SET
           status = CASE WHEN $4::boolean OR attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
           finished_at = CASE WHEN $4::boolean OR attempts >= max_attempts THEN now() END,
           error = $3, locked_by = NULL, locked_until = NULL, updated_at = now()
         WHERE id = $1 AND locked_by = $2 AND status = 'running'
         RETURNING status`,
        [jobId, workerId, error, permanent],
      );
      return rows[0]?.status ?? null;
    },

    /** Hand a job back untouched (the worker is stopping): it does not count as an attempt. */
    async release(jobId: string, workerId: string): Promise<void> {
      await pool.query(
        `UPDATE media_jobs SET status = 'queued', attempts = greatest(attempts - 1, 0), locked_by = NULL,
           locked_until = NULL, updated_at = now()
         WHERE id = $1 AND locked_by = $2 AND status = 'running'`,
        [jobId, workerId],
      );
    },

    async byAsset(assetId: string): Promise<MediaJob | null> {
      const { rows } = await pool.query<MediaJob>(
        `SELECT ${COLUMNS} FROM media_jobs WHERE asset_id = $1 AND kind = 'package_video'`,
        [assetId],
      );
      return rows[0] ?? null;
    },
  };
}
export type MediaQueue = ReturnType<typeof mediaQueue>;
