import { eq } from 'drizzle-orm';
import type { ServerConnection } from '../server/connection.ts';
import type { ConnectivityMonitor } from '../services/connectivity.ts';
import type { SessionService } from '../services/session.ts';
import type { LocalDb } from '../store/open.ts';
import type { SettingsRepo } from '../store/settings.ts';
import { syncState } from '../store/tables.ts';
import { courseInsights } from './insights.ts';
import { analyticsQueueRepo } from './queue.ts';
import { analyticsRecorder } from './recorder.ts';
import { analyticsUploader, type AnalyticsUploaderTuning } from './uploader.ts';

export interface AnalyticsDeps {
  db: LocalDb;
  client: ServerConnection;
  session: SessionService;
  connectivity: ConnectivityMonitor;
  settings: SettingsRepo;
  /** Makes sure the signed-in user's sync state (and so its device id) exists; answers the user id. */
  prepareUser: () => string | null;
  /** The device clock (tests move it). */
  clock?: () => Date;
  onError?: (err: unknown) => void;
  tuning?: AnalyticsUploaderTuning & { autoStart?: boolean };
}

/**
 * Learning analytics on the device: the recorder (statements into the local queue, offline or not), the uploader
 * (queue → server in batches), and instructors' course insights (from the server, the last copy when offline).
 */
export function createAnalytics(d: AnalyticsDeps) {
  const queue = analyticsQueueRepo(d.db);
  /** The sync engine's device id of this installation for the user: the server sees one device for both. */
  const deviceId = (userId: string): string => {
    d.prepareUser();
    const row = d.db.select().from(syncState).where(eq(syncState.userId, userId)).get();
    if (!row) throw new Error('No device id for this account yet');
    return row.deviceId;
  };
  const uploader = analyticsUploader({
    queue,
    client: d.client,
    session: d.session,
    connectivity: d.connectivity,
    settings: d.settings,
    deviceId,
    clock: d.clock,
    onError: d.onError,
    tuning: d.tuning,
  });
  const recorder = analyticsRecorder({
    db: d.db,
    queue,
    currentUserId: () => d.session.currentUserId(),
    clock: d.clock,
    onError: d.onError,
    onRecorded: () => uploader.soon(),
  });
  const insights = courseInsights({ db: d.db, client: d.client, session: d.session, clock: d.clock });
  return {
    queue,
    recorder,
    uploader,
    insights,
    /** After each sync: graded quiz results that arrived get recorded, then the queue goes up. */
    afterSync(ok: boolean): void {
      recorder.settleGrades();
      if (ok) uploader.afterSync();
    },
    start(): void {
      if (d.tuning?.autoStart !== false) uploader.start();
    },
    close: () => uploader.stop(),
  };
}
export type Analytics = ReturnType<typeof createAnalytics>;
