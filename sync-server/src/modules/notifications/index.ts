import { NOTIFICATION_EVENT, type NotificationLiveEvent } from '@lyceum/contracts';
import type { ModuleDeps } from '../deps.ts';
import {
  fanOut,
  type Audience,
  type FanOutResult,
  type NotificationDraft,
  type Queryable,
} from './fanout.ts';

export type { Audience, NotificationDraft, FanOutResult, Queryable } from './fanout.ts';
export { fanOut, notifyUser, UNMUTABLE } from './fanout.ts';

export interface NotificationsModuleDeps extends ModuleDeps {
  /** socket.io emit to rooms (user:<id>); absent in processes that serve no clients. */
  emit?: (rooms: string[], event: string, payload: unknown) => void;
}

/** Rooms per socket.io emit of a fan-out (one emit reaches them all; with Redis, one publish). */
const ROOMS_PER_EMIT = 1000;

/** Notifications (issue 14): inbox, live push, email, digests, announcements. */
export function createNotificationsModule(deps: NotificationsModuleDeps) {
  const emit = deps.emit ?? (() => {});

  /** After commit: tell the recipients' open apps (live badge). */
  async function pushLive(result: FanOutResult, draft: NotificationDraft): Promise<void> {
    if (!result.created) return;
    const base = {
      type: draft.type,
      courseId: draft.courseId ?? null,
      lessonId: draft.lessonId ?? null,
      title: draft.title,
      body: draft.body,
      url: draft.url ?? null,
      createdAt: new Date().toISOString(),
      readAt: null,
      push: true,
    };
    if (result.ids.length === 1 && result.userIds.length === 1) {
      const userId = result.userIds[0]!;
      const { rows } = await deps.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL',
        [userId],
      );
      const event: NotificationLiveEvent = {
        notification: { ...base, id: result.ids[0]!, dedupeKey: draft.dedupeKey.replace('{userId}', userId) },
        unread: rows[0]!.n,
      };
      emit([`user:${userId}`], NOTIFICATION_EVENT, event);
      return;
    }
    const event: NotificationLiveEvent = {
      notification: { ...base, id: null, dedupeKey: draft.dedupeKey },
      unread: null,
    };
    for (let i = 0; i < result.userIds.length; i += ROOMS_PER_EMIT)
      emit(
        result.userIds.slice(i, i + ROOMS_PER_EMIT).map((u) => `user:${u}`),
        NOTIFICATION_EVENT,
        event,
      );
  }

  /**
   * Deliver now (autocommit on the pool): inbox rows, email deliveries, then live push. For a delivery inside your own
   * transaction use `fanOut(client, …)` and call `afterCommit(result, draft)` once it committed.
   */
  async function send(audience: Audience, draft: NotificationDraft): Promise<FanOutResult> {
    const result = await fanOut(deps.pool, audience, draft);
    await afterCommit(result, draft);
    return result;
  }

  async function afterCommit(result: FanOutResult, draft: NotificationDraft): Promise<void> {
    await pushLive(result, draft).catch((err: unknown) =>
      deps.logger.warn({ err }, 'notification live push failed'),
    );
  }

  return {
    routes: [],
    /** Deliver to an audience now (see fanOut). */
    send,
    /** One recipient now. */
    notify: (userId: string, draft: NotificationDraft) => send({ userId }, draft),
    /** Inside a caller's transaction: `fanOut(client, …)`; then this after commit (live push, mail worker). */
    fanOut: (db: Queryable, audience: Audience, draft: NotificationDraft) => fanOut(db, audience, draft),
    afterCommit,
  };
}
export type NotificationsModule = ReturnType<typeof createNotificationsModule>;
