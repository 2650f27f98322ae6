import type pg from 'pg';
import type { Logger } from 'pino';
import type { CronItem, JobHelpers, TaskList } from 'graphile-worker';
import { z } from 'zod';
import type { Db } from '../../../db/client.ts';
import type { AnyRoute } from '../../../http/route.ts';
import { calendarRoutes } from '../calendar/routes.ts';
import { calendarTokens } from '../calendar/token.ts';
import { deliverDueEmails, type DueEmail } from './email-retry.ts';
import { addJob, jobKeys, removeJob, scheduleAllLessonJobs, TASKS, type Executor } from './jobs.ts';
import { releaseLesson, sendDeadlineReminder, type Send } from './reminders.ts';
import { scheduleRoutes } from './routes.ts';
import { createScheduler } from './scheduler.ts';

export { addJob, removeJob, jobKeys, scheduleLessonJobs, TASKS } from './jobs.ts';
export type { Executor } from './jobs.ts';

/** What the scheduled jobs call in the notifications module (read lazily: it may be composed after this). */
export interface ScheduleHooks {
  /** Deliver to an audience (fan-out, then live push). */
  send: Send;
  /** Send a scheduled announcement whose time has come (idempotent: it is 'sent' once). */
  deliverAnnouncement?: (announcementId: string) => Promise<void>;
  /** Compose and send the digests due at this hour (users whose local time is their digest hour). */
  runDigests?: (at: Date) => Promise<void>;
  /** Compose and hand one email delivery to the mailer; throw to have it retried with backoff. */
  sendEmail?: (row: DueEmail) => Promise<void>;
}

export interface ScheduleModuleDeps {
  /** The app's pool (the jobs' own queries and fan-outs). */
  pool: pg.Pool;
  /** The app's drizzle database on that pool. */
  db: Db;
  /** A small pool of its own for graphile-worker (LISTEN and job locking). */
  workerPool: pg.Pool;
  logger: Logger;
  /** Signing secret the calendar tokens' key is derived from. */
  secret: string;
  publicUrl: string;
  hooks: () => ScheduleHooks;
  /** Email retries: base of the backoff (ms; default 30 s) and attempts before failed (default 5). */
  emailBackoffMs?: number;
  emailMaxAttempts?: number;
  pollIntervalMs?: number;
}

const ReminderJob = z.object({
  lessonId: z.string().uuid(),
  before: z.enum(['24h', '1h']),
  dueAt: z.string(),
});
const ReleaseJob = z.object({ lessonId: z.string().uuid(), releaseAt: z.string() });
const AnnouncementJob = z.object({ announcementId: z.string().uuid() });
const CronPayload = z.object({ _cron: z.object({ ts: z.string() }).optional() }).passthrough();

/**
 * Scheduled work of the notifications (issue 14): deadline reminders, scheduled releases, scheduled announcements,
 * hourly digests, and email delivery with retries — jobs on the durable scheduler (scheduler.ts), started and stopped
 * with the server. Plus GET /api/v1/me/deadlines and the calendar feed.
 */
export function createScheduleModule(deps: ScheduleModuleDeps) {
  const log = deps.logger.child({ module: 'schedule' });
  const hooks = deps.hooks;
  let emailsRunning: Promise<unknown> | null = null;

  const deliverEmails = async () => {
    const sendEmail = hooks().sendEmail;
    if (!sendEmail) return;
    // One sweep at a time in this process (the rows' locks keep other nodes apart).
    emailsRunning ??= deliverDueEmails(deps.pool, sendEmail, {
      ...(deps.emailBackoffMs !== undefined ? { baseBackoffMs: deps.emailBackoffMs } : {}),
      ...(deps.emailMaxAttempts !== undefined ? { maxAttempts: deps.emailMaxAttempts } : {}),
    })
      .then((r) => {
        if (r.sent || r.failed || r.retried) log.debug(r, 'email deliveries');
      })
      .finally(() => (emailsRunning = null));
    await emailsRunning;
  };

  const tasks: TaskList = {
    [TASKS.deadlineReminder]: async (payload: unknown, h: JobHelpers) => {
      const r = await sendDeadlineReminder(deps.pool, hooks().send, ReminderJob.parse(payload));
      h.logger.debug(`deadline reminder: ${r.outcome} (${r.created})`);
    },
    [TASKS.contentRelease]: async (payload: unknown, h: JobHelpers) => {
      const r = await releaseLesson(deps.pool, hooks().send, ReleaseJob.parse(payload));
      h.logger.debug(`release: ${r.outcome} (${r.created})`);
    },
    [TASKS.announcement]: async (payload: unknown) => {
      const deliver = hooks().deliverAnnouncement;
      if (!deliver) throw new Error('Announcements are not wired');
      await deliver(AnnouncementJob.parse(payload).announcementId);
    },
    [TASKS.digest]: async (payload: unknown) => {
      const run = hooks().runDigests;
      const ts = CronPayload.parse(payload ?? {})._cron?.ts;
      if (run) await run(ts ? new Date(ts) : new Date());
    },
    [TASKS.emailDeliver]: () => deliverEmails(),
    [TASKS.plan]: () => scheduleAllLessonJobs(deps.db),
  };
  const cron: CronItem[] = [
    // Every hour, for the users whose local digest hour it is; hours missed while every node was down are run late.
    {
      task: TASKS.digest,
      match: '0 * * * *',
      identifier: 'digest-hourly',
      options: { backfillPeriod: 6 * 3_600_000, maxAttempts: 5 },
    },
    // Retries whose wait is over (new immediate emails wake the sweep at once through wakeEmails()).
    {
      task: TASKS.emailDeliver,
      match: '* * * * *',
      identifier: 'email-retries',
      options: { maxAttempts: 1, jobKey: 'email:sweep', jobKeyMode: 'replace' },
    },
  ];
  const scheduler = createScheduler({
    pool: deps.workerPool,
    logger: log,
    tasks,
    cron,
    // Jobs are short (one set-based statement each); two at a time, within the worker pool's four connections.
    concurrency: 2,
    ...(deps.pollIntervalMs ? { pollIntervalMs: deps.pollIntervalMs } : {}),
  });
  const tokens = calendarTokens(deps.secret);
  const routes: AnyRoute[] = [
    ...scheduleRoutes({ pool: deps.pool }),
    ...calendarRoutes({ pool: deps.pool, tokens, publicUrl: deps.publicUrl }),
  ];

  return {
    routes,
    scheduler,
    tokens,
    /** Send a course or platform announcement at `sendAt` (in the caller's transaction when given one). */
    scheduleAnnouncement: (db: Executor, announcementId: string, sendAt: Date) =>
      addJob(db, {
        task: TASKS.announcement,
        payload: { announcementId },
        runAt: sendAt,
        jobKey: jobKeys.announcement(announcementId),
        maxAttempts: 10,
      }),
    cancelAnnouncement: (db: Executor, announcementId: string) =>
      removeJob(db, jobKeys.announcement(announcementId)),
    /** New immediate emails are waiting: run the delivery sweep now (once, on whichever node takes the job). */
    wakeEmails: (db: Executor) =>
      addJob(db, { task: TASKS.emailDeliver, payload: {}, jobKey: 'email:sweep', maxAttempts: 1 }),
    /** In-process sweep (tests, and the scheduler-less processor). */
    deliverEmails,
    /** Start the worker; one node (whichever takes the job) also schedules lessons that have no jobs yet. */
    async start() {
      await scheduler.start();
      await addJob(deps.db, { task: TASKS.plan, payload: {}, jobKey: 'plan:lessons', maxAttempts: 3 });
    },
    stop: () => scheduler.stop(),
  };
}
export type ScheduleModule = ReturnType<typeof createScheduleModule>;
