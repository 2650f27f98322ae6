import type { ModuleDeps } from '../deps.ts';
import type { ContentStorage } from '../content/storage.ts';
import { mediaQueue, type MediaJob } from './queue.ts';
import { MediaProgressEvent, type MediaProgress, type PackagingResult } from './types.ts';
import { mediaWorker } from './worker.ts';

export {
  MediaProgressEvent,
  PackagingResult,
  MediaProgress,
  PackagingOutput,
  Rendition,
  PackagedFile,
} from './types.ts';
export { ffmpegPath, ffprobePath } from './ffmpeg.ts';
import { mediaTools } from './binaries.ts';

export interface MediaModuleDeps extends ModuleDeps {
  /** Where sources are read and packaged files written (the content module's storage); a getter may be lazy. */
  storage: ContentStorage | (() => ContentStorage | null) | null;
  /** Send a socket.io event to a user's room (`user:<id>`); a no-op until the gateway is listening. */
  emit?: (userId: string, event: string, payload: unknown) => void;
  /** Jobs packaged at once by this process; default 1 (ffmpeg already uses every core). */
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  progressIntervalMs?: number;
  /** Told when an asset's packaging ended for good (the content module marks the asset ready or failed). */
  onPackaged?: (outcome: {
    assetId: string;
    status: 'succeeded' | 'failed';
    error: string | null;
  }) => Promise<void>;
}

/**
 * Media processing (issue 4): a persisted job queue in media_jobs and a worker packaging uploaded videos into HLS
 * (fMP4, 360p/720p) with a poster, reporting progress to the uploader over socket.io (`media:progress`).
 * The server process starts the worker (start/stop); a standalone `worker` command can do the same.
 */
export function createMediaModule(deps: MediaModuleDeps) {
  const storage =
    typeof deps.storage === 'function' ? deps.storage : () => deps.storage as ContentStorage | null;
  const queue = mediaQueue(deps.pool);
  const tools = mediaTools();
  if (tools.warning)
    deps.logger.warn({ ffmpeg: tools.ffmpeg, version: tools.version }, `media: ${tools.warning}`);
  else deps.logger.debug({ ffmpeg: tools.ffmpeg, version: tools.version }, 'media: using the system ffmpeg');
  const c = deps.config;
  const worker = mediaWorker({
    limits: {
      timeoutBaseSeconds: c.MEDIA_FFMPEG_TIMEOUT_BASE_SECONDS,
      timeoutPerSourceSecond: c.MEDIA_FFMPEG_TIMEOUT_PER_SOURCE_SECOND,
      memoryBytes: c.MEDIA_FFMPEG_MEMORY_MB * 1024 * 1024,
    },
    queue,
    storage,
    logger: deps.logger,
    concurrency: deps.concurrency,
    leaseMs: deps.leaseMs,
    pollMs: deps.pollMs,
    progressIntervalMs: deps.progressIntervalMs,
    onFinished: async (job, status, error) => {
      await deps.onPackaged?.({ assetId: job.assetId, status, error });
    },
    onProgress: (job: MediaJob, percent, status, error) => {
      if (!job.ownerId || !deps.emit) return;
      const payload: MediaProgress = { assetId: job.assetId, percent, status, ...(error ? { error } : {}) };
      try {
        deps.emit(job.ownerId, MediaProgressEvent, payload);
      } catch (err) {
        deps.logger.warn({ err }, 'media: progress event not sent');
      }
    },
  });

  return {
    routes: [],
    queue,
    worker,
    /**
     * The content module calls this when a video upload completes: the packaging job is queued (replacing any
     * earlier one for the asset) and a worker picks it up.
     */
    async onVideoUploaded(input: {
      assetId: string;
      sourceKey: string;
      uploaderId?: string | null;
    }): Promise<void> {
      await queue.enqueue({
        assetId: input.assetId,
        sourceKey: input.sourceKey,
        ownerId: input.uploaderId ?? null,
      });
      worker.kick();
    },
    /** Status, progress and output of an asset's packaging; null when none was ever queued. */
    async packagingResult(assetId: string): Promise<PackagingResult | null> {
      const job = await queue.byAsset(assetId);
      if (!job) return null;
      const r = job.status === 'succeeded' ? job.result : null;
      return {
        status: job.status,
        progressPercent: job.progressPercent,
        durationSeconds: r?.durationSeconds ?? null,
        renditions: r?.renditions ?? [],
        master: r?.master ?? null,
        poster: r?.poster ?? null,
        files: r?.files ?? [],
        error: job.error,
      };
    },
    start: () => worker.start(),
    stop: () => worker.stop(),
  };
}
export type MediaModule = ReturnType<typeof createMediaModule>;
