import type { CourseDetail } from '@lyceum/contracts';
import type { Caller } from '../../http/route.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import type { ModuleDeps } from '../deps.ts';
import { assetService } from './assets.ts';
import { deliveryRouter } from './delivery.ts';
import { manifestService } from './manifest.ts';
import { contentRetention } from './retention.ts';
import { contentRoutes } from './routes.ts';
import {
  readContentSettings,
  signingKeyOf,
  sizeLimits,
  storageFromSettings,
  type ContentSettings,
} from './settings.ts';
import { urlSigner } from './signing.ts';
import type { ContentStorage } from './storage.ts';
import { uploadService } from './uploads.ts';

export type { ContentStorage, StoredObject } from './storage.ts';

export interface ContentDeps extends ModuleDeps {
  catalog: {
    reader: CatalogReader;
    /** The catalog's per-viewer course view: decides who may read a lesson's content (enrolled, instructor, preview). */
    service: { getCourse(caller: Caller | null, id: string): Promise<CourseDetail> };
  };
  /** Settings from the environment by default (CONTENT_*, S3_*). */
  settings?: Partial<ContentSettings>;
  /** Another storage adapter (tests); picked from the settings otherwise. */
  storage?: ContentStorage;
  /** Called when a video upload completes; the media module packages it (wired at the composition root). */
  onVideoUploaded?: (asset: { id: string; courseId: string; storageKey: string }) => Promise<void>;
  now?: () => number;
}

/** Content: storage port, resumable uploads, assets of courses, lesson manifests, and signed delivery at /content. */
export async function createContentModule(deps: ContentDeps) {
  const settings = { ...readContentSettings(process.env), ...deps.settings };
  const storage = deps.storage ?? storageFromSettings(settings, deps.config.dataDir);
  const signer = urlSigner(await signingKeyOf(settings, deps.config.dataDir));
  const assets = assetService(deps.db, deps.catalog.reader);
  const uploads = uploadService({
    db: deps.db,
    storage,
    assets,
    limits: sizeLimits(settings),
    defaultChunkSize: settings.CONTENT_CHUNK_BYTES,
    ttlHours: settings.CONTENT_UPLOAD_TTL_HOURS,
    onVideoUploaded: deps.onVideoUploaded,
    onHookError: (err, assetId) => deps.logger.error({ err, assetId }, 'video packaging hook failed'),
  });
  const manifests = manifestService({
    assets,
    storage,
    signer,
    ttlSeconds: settings.CONTENT_URL_TTL_SECONDS,
    publicBase: settings.CONTENT_PUBLIC_URL?.replace(/\/$/, '') ?? '',
    getCourse: (caller, id) => deps.catalog.service.getCourse(caller, id),
    now: deps.now,
  });
  return {
    routes: contentRoutes(assets, uploads, manifests),
    /** Mount at /content (the http app's `mounts`). */
    delivery: { path: '/content', router: deliveryRouter(storage, signer, deps.now) },
    storage,
    signer,
    assets,
    uploads,
    manifests,
    /** Removes replaced and orphaned uploads after the grace period (run hourly by the scheduler). */
    retention: contentRetention({
      pool: deps.pool,
      storage,
      logger: deps.logger,
      graceMs: settings.CONTENT_RETENTION_GRACE_HOURS * 3_600_000,
    }),
  };
}
export type ContentModule = Awaited<ReturnType<typeof createContentModule>>;
