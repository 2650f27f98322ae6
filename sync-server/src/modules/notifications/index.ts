import { NOTIFICATION_EVENT, type NotificationLiveEvent } from '@lyceum/contracts';
import type { ModuleDeps } from '../deps.ts';
import type { Mailer } from '../../lib/mailer.ts';
import { announcementService } from './announcements.ts';
import { emailDelivery, type DeliveryOptions } from './delivery.ts';
import { deliveryLogService } from './delivery-log.ts';
import { outboxConsumer } from './events.ts';
import {
  fanOut,
  type Audience,
  type FanOutResult,
  type NotificationDraft,
  type Queryable,
} from './fanout.ts';
import { inboxService } from './inbox.ts';
import { preferenceService } from './preferences.ts';
import { notificationRoutes } from './routes.ts';
import { gradeDrafts, notifyAlert, type AlertInput, type GradedAttempt } from './sources.ts';
import { verifyUnsubscribe } from './tokens.ts';
import type { DueEmail } from './schedule/email-retry.ts';
import { addJob, EMAIL_SWEEP_KEY, TASKS } from './schedule/jobs.ts';

export type { Audience, NotificationDraft, FanOutResult, Queryable } from './fanout.ts';
export { fanOut, notifyUser, UNMUTABLE } from './fanout.ts';
export type { AlertInput, GradedAttempt } from './sources.ts';

export interface NotificationsModuleDeps extends ModuleDeps {
  /** socket.io emit to rooms (user:<id>); absent in processes that serve no clients. */
  emit?: (rooms: string[], event: string, payload: unknown) => void;
  /** Courses: who teaches them, and whether they exist. */
  catalog?: {
    isInstructor(courseId: string, userId: string): Promise<boolean>;
    getCourse(id: string): Promise<{ id: string } | null>;
  };
  /** Signs unsubscribe tokens (default: the JWT secret handed by the app). */
  secret?: string;
  /** Where emails link to (PUBLIC_URL, else the address the server listens on once known). */
  publicUrl?: () => string;
  /** A scheduled announcement was stored: the scheduler sends it at sendAt. */
  scheduleAnnouncement?: (id: string, sendAt: Date) => Promise<unknown>;
  /** Mailer for notification email (default deps.mailer; the SMTP adapter is pooled for bulk). */
  notificationMailer?: Mailer;
  delivery?: DeliveryOptions;
}

/** Rooms per socket.io emit of a fan-out (one emit reaches them all; with Redis, one publish). */
const ROOMS_PER_EMIT = 1000;
/** Outbox poll period when no NOTIFY arrives. */
const OUTBOX_POLL_MS = 1000;

/** Notifications (issue 14): inbox, live push, email, digests, announcements, unsubscribe, the delivery log. */
export function createNotificationsModule(deps: NotificationsModuleDeps) {
  const emit = deps.emit ?? (() => {});
  const { pool, logger } = deps;
  const secret = deps.secret ?? deps.config.JWT_SECRET ?? 'lyceum-dev-unsubscribe';
  const publicUrl =
    deps.publicUrl ?? (() => deps.config.PUBLIC_URL ?? `http://${deps.config.HOST}:${deps.config.PORT}`);
  const inbox = inboxService(pool);
  const preferences = preferenceService(pool);
  const log = deliveryLogService(pool);
  const mailer = () => deps.notificationMailer ?? deps.mailer;
  const delivery = emailDelivery(pool, mailer, () => ({ publicUrl: publicUrl(), secret }), deps.delivery);
  /** Immediate emails were queued: the scheduler's delivery job runs now (on whichever node takes it). */
  const wakeEmails = () =>
    addJob(deps.db, { task: TASKS.emailDeliver, payload: {}, jobKey: EMAIL_SWEEP_KEY, maxAttempts: 1 });

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
      const event: NotificationLiveEvent = {
        notification: { ...base, id: result.ids[0]!, dedupeKey: draft.dedupeKey.replace('{userId}', userId) },
        unread: await inbox.unreadCount(userId),
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

  /** After a fan-out committed: live push, and wake the email delivery job when immediate emails wait. */
  async function afterCommit(result: FanOutResult, draft: NotificationDraft): Promise<void> {
    if (result.immediateEmails)
      await wakeEmails().catch((err: unknown) =>
        logger.warn({ err }, 'waking the email delivery failed (the minute sweep sends them)'),
      );
    await pushLive(result, draft).catch((err: unknown) =>
      logger.warn({ err }, 'notification live push failed'),
    );
  }

  /**
   * Deliver now (autocommit on the pool): inbox rows and email deliveries in one statement, then live push. Inside
   * your own transaction use `fanOut(client, …)` and call `afterCommit(result, draft)` once it committed.
   */
  async function send(audience: Audience, draft: NotificationDraft): Promise<FanOutResult> {
    const result = await fanOut(pool, audience, draft);
    await afterCommit(result, draft);
    return result;
  }

  const announcements = announcementService({
    pool,
    fanOut,
    afterCommit,
    logger,
    isInstructor: async (courseId, userId) =>
      deps.catalog ? deps.catalog.isInstructor(courseId, userId) : false,
    courseExists: async (courseId) => {
      const { rows } = await pool.query('SELECT 1 FROM courses WHERE id = $1', [courseId]);
      return rows.length > 0;
    },
    onScheduled: async (id, sendAt) => {
      await deps.scheduleAnnouncement?.(id, sendAt);
    },
  });

  const outbox = outboxConsumer(
    pool,
    async ({ audience, draft }) => void (await send(audience, draft)),
    logger,
  );
  let outboxTimer: NodeJS.Timeout | null = null;
  let outboxRun: Promise<unknown> | null = null;
  const pollOutbox = () => {
    outboxRun ??= outbox
      .drain()
      .catch((err: unknown) => logger.warn({ err }, 'notifications: reading the outbox failed'))
      .finally(() => (outboxRun = null));
  };

  const routes = notificationRoutes({
    inbox,
    preferences,
    announcements,
    log,
    async checkToken(token) {
      const check = verifyUnsubscribe(secret, token);
      if (!check.ok) return check;
      const { rows } = await pool.query('SELECT 1 FROM users WHERE id = $1', [check.claims.userId]);
      return rows.length ? check : { ok: false, reason: 'invalid' };
    },
    onRetry: () => wakeEmails(),
    onRead: (userId, unread) => emit([`user:${userId}`], 'notification:read', { unread }),
  });

  return {
    routes,
    /** Deliver to an audience now (see fanOut). */
    send,
    /** One recipient now. */
    notify: (userId: string, draft: NotificationDraft) => send({ userId }, draft),
    /** Inside a caller's transaction: `fanOut(client, …)`; then afterCommit (live push, mail worker) once committed. */
    fanOut: (db: Queryable, audience: Audience, draft: NotificationDraft) => fanOut(db, audience, draft),
    afterCommit,
    /**
     * grade_posted for quiz attempts just graded, on `conn` (the progress writers' connection: in the sync push's
     * transaction the notifications commit with the attempts; their live push is then the device's next pull).
     */
    async gradesPosted(conn: Queryable, userId: string, attempts: GradedAttempt[]): Promise<void> {
      for (const draft of await gradeDrafts(conn, attempts)) {
        const result = await fanOut(conn, { userId }, draft);
        if (conn === pool) await afterCommit(result, draft);
      }
    },
    /** alert: to some accounts or a role (the analytics alerts call this); 400 validation_failed on bad input. */
    notifyAlert: (input: AlertInput) => notifyAlert(send, input),
    inbox,
    preferences,
    announcements,
    delivery,
    outbox,
    /** The scheduler's hooks (N-schedule's jobs call these). */
    hooks: {
      send,
      deliverAnnouncement: async (id: string) => void (await announcements.deliver(id)),
      runDigests: async (at: Date) => {
        await delivery.sendDigests('daily', { at });
        await delivery.sendDigests('weekly', { at });
      },
      sendEmail: (row: DueEmail) => delivery.sendOne(row),
    },
    start(): void {
      pollOutbox();
      outboxTimer = setInterval(pollOutbox, OUTBOX_POLL_MS);
      outboxTimer.unref();
    },
    async stop(): Promise<void> {
      if (outboxTimer) clearInterval(outboxTimer);
      await outboxRun;
    },
  };
}
export type NotificationsModule = ReturnType<typeof createNotificationsModule>;
