import os from 'node:os';
import type { Logger } from 'pino';
import { newId } from '../../lib/ids.ts';
import type { ContentStorage } from '../content/storage.ts';
import { UnpackableSourceError } from './ffmpeg.ts';
import { redactPaths } from './messages.ts';
import { packageVideo, type PackagingLimits } from './package.ts';
import type { MediaJob, MediaQueue } from './queue.ts';
import type { JobStatus } from './types.ts';

export interface WorkerOptions {
  queue: MediaQueue;
  storage: () => ContentStorage | null;
  logger: Logger;
  /** Jobs run at once; default 1 (an encode already uses every core). */
  concurrency?: number;
  /** Lease on a claimed job (ms), renewed every third of it; default 30 s. */
  leaseMs?: number;
  /** How often an idle worker looks for jobs (ms); default 2 s (enqueue also kicks it). */
  pollMs?: number;
  /** Progress is written and announced at most this often (ms); default 500. */
  progressIntervalMs?: number;
  /** Time and memory limits of each ffmpeg run (defaults: DEFAULT_PACKAGING_LIMITS). */
  limits?: Partial<PackagingLimits>;
  onProgress?: (job: MediaJob, percent: number, status: JobStatus, error?: string | null) => void;
  /** A job ended for good (succeeded, or failed with no attempt left). */
  onFinished?: (job: MediaJob, status: 'succeeded' | 'failed', error: string | null) => Promise<void>;
}

/** Runs queued media jobs until stopped. Stop releases running jobs back to the queue (ffmpeg is killed). */
export function mediaWorker(opts: WorkerOptions) {
  const workerId = `${os.hostname()}:${process.pid}:${newId().slice(-12)}`;
  const concurrency = opts.concurrency ?? 1;
  const leaseMs = opts.leaseMs ?? 30_000;
  const pollMs = opts.pollMs ?? 2_000;
  const progressMs = opts.progressIntervalMs ?? 500;
  const running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  let timer: NodeJS.Timeout | null = null;
  let started = false;
  let stopping = false;
  let looking: Promise<void> | null = null;

  async function execute(job: MediaJob, abort: AbortController): Promise<void> {
    const { queue, logger } = opts;
    const storage = opts.storage();
    let lastWrite = 0;
    let lastPercent = -1;
    let writing: Promise<unknown> = Promise.resolve();
    const announce = (percent: number, status: JobStatus, error?: string | null) =>
      opts.onProgress?.(job, percent, status, error);
    const renew = setInterval(() => {
      writing = writing.then(() =>
        queue.heartbeat(job.id, workerId, leaseMs).then(
          (held) => {
            if (!held) abort.abort(new Error('lease lost'));
          },
          (err: unknown) => logger.warn({ err, jobId: job.id }, 'media: lease renewal failed'),
        ),
      );
    }, leaseMs / 3);
    const finished = (status: 'succeeded' | 'failed', error: string | null) =>
      notifyFinished(job, status, error);
    announce(0, 'running');
    try {
      if (!storage) throw new Error('No content storage is configured');
      const output = await packageVideo({
        storage,
        assetId: job.assetId,
        sourceKey: job.sourceKey,
        signal: abort.signal,
        limits: opts.limits,
        onProgress: (percent) => {
          const now = Date.now();
          if (percent <= lastPercent || now - lastWrite < progressMs) return;
          lastWrite = now;
          lastPercent = percent;
          writing = writing
            .then(() => queue.heartbeat(job.id, workerId, leaseMs, percent))
            .catch((err: unknown) => logger.warn({ err, jobId: job.id }, 'media: progress write failed'));
          announce(percent, 'running');
        },
      });
      clearInterval(renew);
      await writing;
      if (!(await queue.succeed(job.id, workerId, output))) return;
      announce(100, 'succeeded');
      await finished('succeeded', null);
      logger.info(
        { jobId: job.id, assetId: job.assetId, duration: output.durationSeconds },
        'media: video packaged',
      );
    } catch (err) {
      clearInterval(renew);
      await writing;
      if (abort.signal.aborted && stopping) {
        await queue.release(job.id, workerId);
        return;
      }
      const permanent = err instanceof UnpackableSourceError;
      // Shown to the uploader and in the console: no server paths (a failed run named /…/original.mp4).
      const message = redactPaths(err instanceof Error ? err.message : String(err));
      const status = await queue.fail(job.id, workerId, message, permanent);
      logger.warn({ err, jobId: job.id, assetId: job.assetId, status }, 'media: packaging failed');
      if (status) announce(Math.max(lastPercent, 0), status, message);
      if (status === 'failed') await finished('failed', message);
    }
  }

  const notifyFinished = (job: MediaJob, status: 'succeeded' | 'failed', error: string | null) =>
    opts
      .onFinished?.(job, status, error)
      .catch((err: unknown) => opts.logger.warn({ err, jobId: job.id }, 'media: completion hook failed'));

  async function fill(): Promise<void> {
    for (const job of await opts.queue.giveUp()) {
      opts.onProgress?.(job, job.progressPercent, 'failed', job.error);
      await notifyFinished(job, 'failed', job.error);
    }
    // Without a storage (no content module wired) jobs stay queued rather than failing.
    while (!stopping && running.size < concurrency && opts.storage()) {
      const job = await opts.queue.claim(workerId, leaseMs);
      if (!job) return;
      const abort = new AbortController();
      const done = execute(job, abort)
        .catch((err: unknown) => opts.logger.error({ err, jobId: job.id }, 'media: job crashed'))
        .finally(() => {
          running.delete(job.id);
          kick();
        });
      running.set(job.id, { abort, done });
    }
  }

  /** Look for work now (after an enqueue, or when a slot frees). */
  function kick(): void {
    if (!started || stopping || looking) return;
    looking = fill()
      .catch((err: unknown) => opts.logger.warn({ err }, 'media: claiming jobs failed'))
      .finally(() => {
        looking = null;
      });
  }

  return {
    workerId,
    kick,
    /** Jobs this worker is running now. */
    get active(): number {
      return running.size;
    },
    start(): void {
      if (started) return;
      started = true;
      stopping = false;
      timer = setInterval(kick, pollMs);
      timer.unref();
      kick();
    },
    /** Stop claiming, kill running encodes and hand their jobs back to the queue. */
    async stop(): Promise<void> {
      if (!started) return;
      stopping = true;
      if (timer) clearInterval(timer);
      await looking;
      for (const r of running.values()) r.abort.abort(new Error('worker stopping'));
      await Promise.all([...running.values()].map((r) => r.done));
      started = false;
    },
  };
}
export type MediaWorker = ReturnType<typeof mediaWorker>;
