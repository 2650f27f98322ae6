import { eq } from 'drizzle-orm';
import { type Mutation, type MutationResult, type PushResponse } from '@lyceum/contracts';
import { ServerError, ServerUnreachable } from '../server/errors.ts';
import type { ConnectivityMonitor } from '../services/connectivity.ts';
import type { SessionService } from '../services/session.ts';
import type { CatalogCache } from '../store/catalog-cache.ts';
import type { LocalDb } from '../store/open.ts';
import { quizAttempts, syncState } from '../store/tables.ts';
import type { AccountData } from './account-data.ts';
import { applyChange, GradedAttempt, putGradedAttempt } from './apply-changes.ts';
import { lockCourse } from '../payments/local-voucher.ts';
import { resetReadToServer } from '../notifications/inbox.ts';
import { applyMutationLocally, resetLessonToServer, resetPreferencesToServer } from './local-state.ts';
import { outboxRepo, rowToMutation, type NewMutation } from './outbox.ts';
import type { SyncStatus } from '../../contracts/sync-status.ts';
import { syncStatusOf } from './status.ts';
import { pokeSocket, type PokeSocket, type SyncTransport } from './transport.ts';

export interface SyncEngineOptions {
  db: LocalDb;
  cache: CatalogCache;
  /** The signed-in account's local data and its cursor (account-data.ts). */
  account: AccountData;
  session: SessionService;
  connectivity: ConnectivityMonitor;
  transport: SyncTransport;
  serverUrl: string;
  /** Mutations per push request (the protocol allows 500). */
  pushBatch?: number;
  /** Changes per pull page. */
  pullLimit?: number;
  /** Periodic sync while online (30 s). */
  intervalMs?: number;
  /** Health ping while offline, to notice the server coming back. */
  offlinePingMs?: number;
  /** Wait after a local change before pushing it, so a burst goes in one request. */
  debounceMs?: number;
  /** Listen for server pokes over socket.io (default true). */
  socket?: boolean;
  onError?: (err: unknown) => void;
}

/**
 * The client side of the sync protocol (ARCHITECTURE.md §4): an outbox of mutations applied optimistically, pushed in
 * order and settled one by one; paged pulls applied a page per transaction, the cursor stored with the page; pending
 * mutations replayed on top of pulled state. Every step survives a crash or a cut connection: the outbox keeps
 * unanswered mutations (resent with the same ids), the cursor only moves after its page is applied.
 */
export function syncEngine(o: SyncEngineOptions) {
  const { db } = o;
  const outbox = outboxRepo(db);
  const pushBatch = o.pushBatch ?? 200;
  let running: Promise<void> | null = null;
  let again = false;
  let lastError: string | null = null;
  let lastAttemptAt: string | null = null;
  /** The last sync that reached the server and finished (this run of the app): when, and for whom. */
  let confirmed: { at: number; userId: string; session: number } | null = null;
  let timer: NodeJS.Timeout | null = null;
  let pingTimer: NodeJS.Timeout | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let socket: PokeSocket | null = null;
  let socketUser: string | null = null;
  /** Triggers (timers, socket) are on. */
  let started = false;
  /** stop() was called: nothing new starts. */
  let closed = false;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  /** Told which courses' structure or content a pulled page changed (offline copies follow them). */
  const courseListeners = new Set<(courseIds: string[]) => void>();

  /** This device's sync state for the user, created on first use; another account's local data is cleared first. */
  const stateFor = (userId: string) => o.account.stateFor(userId);

  function setState(userId: string, values: Partial<typeof syncState.$inferInsert>): void {
    db.update(syncState)
      .set({ ...values, updatedAt: new Date().toISOString() })
      .where(eq(syncState.userId, userId))
      .run();
  }

  /** Re-apply every pending mutation on top of what the tables hold now (idempotent). */
  function replayPending(userId: string): void {
    for (const m of outbox.pending(userId)) applyMutationLocally(db, m);
  }

  function requireUser(): string {
    const userId = o.session.currentUserId();
    if (!userId) throw new Error('Nobody is signed in');
    stateFor(userId);
    return userId;
  }

  /** After a rejection: the lesson (or preferences) go back to the server's state, then pending ones replay. */
  function undoRejected(
    userId: string,
    m: Mutation | null,
    result: Extract<MutationResult, { status: 'rejected' }>,
  ): void {
    if (!m) return;
    if (m.name === 'recordProgress') resetLessonToServer(db, m.args.lessonId);
    if (m.name === 'putPreferences') resetPreferencesToServer(db);
    if (m.name === 'redeemVoucher') lockCourse(db, userId, m.args.courseId, result);
    if (m.name === 'markNotificationsRead') resetReadToServer(db);
    if (m.name === 'submitQuizAttempt') {
      db.update(quizAttempts)
        .set({
          state: 'rejected',
          resultJson: JSON.stringify({ code: result.code, message: result.message }),
        })
        .where(eq(quizAttempts.id, m.args.id))
        .run();
      resetLessonToServer(db, m.args.lessonId);
    }
  }

  function settle(userId: string, res: PushResponse): number {
    let settled = 0;
    db.transaction(() => {
      let rejected = false;
      for (const r of res.results) {
        const row = outbox.get(r.id);
        if (!row || row.status !== 'pending') continue;
        const m = rowToMutation(row);
        outbox.settle(r);
        settled += 1;
        if (r.status === 'applied' && m?.name === 'submitQuizAttempt') {
          const graded = GradedAttempt.safeParse(r.result);
          if (graded.success) putGradedAttempt(db, graded.data);
        }
        if (r.status === 'rejected') {
          undoRejected(userId, m, r);
          rejected = true;
        }
      }
      if (rejected) replayPending(userId);
    });
    return settled;
  }

  /** A request the server refuses as a whole (it cannot read a mutation): find the culprit by sending one at a time. */
  async function pushOne(userId: string, deviceId: string, m: Mutation): Promise<void> {
    try {
      settle(userId, await o.transport.push({ deviceId, mutations: [m] }));
    } catch (err) {
      if (err instanceof ServerError && err.status >= 400 && err.status < 500 && err.status !== 401) {
        settle(userId, {
          results: [
            { id: m.id, status: 'rejected', code: err.code, message: err.message, details: err.details },
          ],
        });
        return;
      }
      throw err;
    }
  }

  /** Push the outbox; answers why some changes are still waiting when the server left some unanswered (else null). */
  async function push(userId: string, deviceId: string): Promise<string | null> {
    for (;;) {
      let rows = outbox.sendableRows(userId, pushBatch);
      if (rows.length === 0) return null;
      // A voucher goes up on its own: refused, the course locks and its later changes wait (not refused with it).
      const voucher = rows.findIndex((r) => r.name === 'redeemVoucher');
      if (voucher >= 0) rows = rows.slice(0, voucher + 1);
      const mutations: Mutation[] = [];
      for (const row of rows) {
        const m = rowToMutation(row);
        if (m) mutations.push(m);
        else
          settle(userId, {
            results: [
              {
                id: row.id,
                status: 'rejected',
                code: 'unreadable',
                message: 'This change could not be read back from the device.',
              },
            ],
          });
      }
      if (mutations.length === 0) continue;
      let settled: number;
      try {
        settled = settle(userId, await o.transport.push({ deviceId, mutations }));
      } catch (err) {
        if (!(err instanceof ServerError) || err.status < 400 || err.status >= 500 || err.status === 401)
          throw err;
        for (const m of mutations) await pushOne(userId, deviceId, m);
        continue;
      }
      changed();
      if (settled === 0) {
        // The server answered none of them (it stopped at an unexpected error on the first): send the others one at a
        // time so one bad change cannot hold back the rest, then stop pushing for this run (no spinning) and pull all
        // the same; the unanswered ones stay pending and are tried again at the next sync.
        for (const m of mutations.slice(1)) await pushOne(userId, deviceId, m);
        changed();
        return outbox.pendingCount(userId) > 0
          ? 'Some changes could not be sent yet; they will be tried again'
          : null;
      }
    }
  }

  async function pull(userId: string, deviceId: string, startCursor: string | null): Promise<void> {
    let cursor = startCursor;
    let resynced = false;
    let restarts = 0;
    for (;;) {
      const page = await o.transport.pull({ deviceId, cursor, limit: o.pullLimit ?? 500 });
      if (page.resyncRequired) {
        if (resynced) throw new Error('The server asked for a resync twice in a row');
        resynced = true;
        // The next page comes from null and replaces the synced tables (the outbox stays).
        o.account.restart(userId);
        cursor = null;
        continue;
      }
      const now = new Date().toISOString();
      const applied = o.account.applyPage(userId, cursor, page.cursor, () => {
        const ctx = {
          db,
          cache: o.cache,
          userId,
          now,
          onUnreadable: (c: { entity: string; id: string }, why: string) =>
            o.onError?.(new Error(`Skipped an unreadable ${c.entity} ${c.id}: ${why}`)),
        };
        for (const change of page.changes) applyChange(ctx, change);
        replayPending(userId);
      });
      if (!applied) {
        // The stored cursor changed under this pull (a sign-in asked for a full pull): go on from the stored one.
        if (++restarts > 2) throw new Error('The sync cursor kept changing during the sync');
        cursor = o.account.cursor(userId);
        continue;
      }
      cursor = page.cursor;
      changed();
      const courses = page.changes.filter((c) => c.entity === 'course_detail' && c.op === 'upsert');
      if (courses.length) for (const l of courseListeners) l(courses.map((c) => c.id));
      if (!page.hasMore) return;
    }
  }

  async function runOnce(): Promise<void> {
    const userId = o.session.currentUserId();
    if (!userId) return;
    const state = stateFor(userId);
    const session = o.account.signIns();
    lastAttemptAt = new Date().toISOString();
    try {
      const held = await push(userId, state.deviceId);
      await pull(userId, state.deviceId, o.account.cursor(userId));
      lastError = held;
      setState(userId, { lastSyncAt: new Date().toISOString(), lastError: held });
      confirmed = held ? null : { at: Date.now(), userId, session };
      ensureSocket(userId);
    } catch (err) {
      confirmed = null;
      lastError =
        err instanceof ServerUnreachable ? 'offline' : err instanceof Error ? err.message : String(err);
      if (!(err instanceof ServerUnreachable)) {
        setState(userId, { lastError });
        o.onError?.(err);
      }
    } finally {
      changed();
    }
  }

  /** Sync now (single flight: a request during a run makes one more run after it). */
  function syncNow(): Promise<void> {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again && !closed);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  function syncSoon(delay = o.debounceMs ?? 400): void {
    if (!started || closed) return;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = null;
      void syncNow();
    }, delay);
    debounce.unref();
  }

  function ensureSocket(userId: string): void {
    if (o.socket === false || !started || closed) return;
    if (socket && socketUser === userId) return;
    socket?.close();
    socketUser = userId;
    socket = pokeSocket({
      serverUrl: o.serverUrl,
      token: () => o.session.accessToken().catch(() => null),
      onPoke: () => syncSoon(50),
      onConnect: () => syncSoon(50),
    });
  }

  return {
    /** Record a local change: written to the outbox and applied to the local tables in one transaction. */
    record(m: NewMutation): Mutation {
      const userId = requireUser();
      const mutation = db.transaction(() => {
        const made = outbox.append(userId, m);
        applyMutationLocally(db, made);
        return made;
      });
      changed();
      syncSoon();
      return mutation;
    },
    syncNow,
    syncSoon,
    /** Make sure the local tables belong to the signed-in user (call before reading them). */
    prepare(): string | null {
      const userId = o.session.currentUserId();
      if (userId) stateFor(userId);
      return userId;
    },
    status(): SyncStatus {
      const userId = o.session.currentUserId();
      const since = o.connectivity.onlineSince();
      // The connection came back (noticed by any request) since the last try: find out now rather than at the next tick.
      if (
        userId &&
        since !== null &&
        running === null &&
        (lastAttemptAt === null || Date.parse(lastAttemptAt) < since)
      )
        syncSoon(0);
      const row = userId ? db.select().from(syncState).where(eq(syncState.userId, userId)).get() : undefined;
      return syncStatusOf({
        outbox,
        userId,
        online: o.connectivity.snapshot().online,
        syncing: running !== null,
        lastSyncAt: row?.lastSyncAt ?? null,
        lastAttemptAt,
        lastError: lastError === 'offline' ? null : lastError,
        socketConnected: socket?.connected() ?? false,
        // Known only when a sync finished for this user, since their last sign-in and since the connection came back.
        confirmed:
          confirmed !== null &&
          confirmed.userId === userId &&
          confirmed.session === o.account.signIns() &&
          since !== null &&
          confirmed.at >= since,
      });
    },
    dismiss(id: string): boolean {
      const userId = o.session.currentUserId();
      const ok = userId ? outbox.dismiss(userId, id) : false;
      changed();
      return ok;
    },
    outbox,
    onChange(l: () => void): () => void {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    /** Be told after a pulled page changed the structure or content of courses (their ids). */
    onCoursesChanged(l: (courseIds: string[]) => void): () => void {
      courseListeners.add(l);
      return () => courseListeners.delete(l);
    },
    /** Triggers: now, every interval while online, a health ping while offline (a reconnect syncs), server pokes. */
    start(): void {
      if (started || closed) return;
      started = true;
      // Data left by an earlier version (or a crash) that does not match the cursor is pulled again in full.
      const userId = o.session.currentUserId();
      if (userId) o.account.verify(userId);
      void syncNow();
      timer = setInterval(() => {
        if (o.connectivity.snapshot().online) void syncNow();
      }, o.intervalMs ?? 30_000);
      timer.unref();
      pingTimer = setInterval(() => {
        if (o.connectivity.snapshot().online) return;
        void o.connectivity.check(0).then((c) => {
          if (c.online) void syncNow();
        });
      }, o.offlinePingMs ?? 5000);
      pingTimer.unref();
    },
    async stop(): Promise<void> {
      started = false;
      closed = true;
      for (const t of [timer, pingTimer]) if (t) clearInterval(t);
      if (debounce) clearTimeout(debounce);
      timer = pingTimer = debounce = null;
      socket?.close();
      socket = null;
      socketUser = null;
      await running?.catch(() => undefined);
    },
  };
}
export type SyncEngine = ReturnType<typeof syncEngine>;
