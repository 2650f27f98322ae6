import type pg from 'pg';
import type { Logger } from 'pino';
import type { CronItem, JobHelpers, TaskList } from 'graphile-worker';
import { z } from 'zod';
import type { Db } from '../../../db/client.ts';
import type { AnyRoute } from '../../../http/route.ts';
import { calendarRoutes } from '../calendar/routes.ts';
import { calendarTokens } from '../calendar/token.ts';
import { deliverDueEmails, type DueEmail, type SweepResult } from './email-retry.ts';
import {
  addJob,
  EMAIL_SWEEP_KEY,
  jobKeys,
  removeJob,
  scheduleAllLessonJobs,
  TASKS,
  type Executor,
} from './jobs.ts';
import { addPeriodic, type PeriodicJob } from './periodic.ts';
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
  /** Compose and hand one claimed email delivery to the mailer; throw to have it retried with backoff. */
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
  /** Other modules' periodic jobs (content retention). */
  periodic?: PeriodicJob[];
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
  let emailsRunning: Promise<SweepResult> | null = null;
  let emailsAgain = false;

  /**
   * The email delivery sweep (email-retry.ts), one at a time in this process (the rows' locks keep other nodes
   * apart). Asked for while one runs, it runs once more after it, so emails queued during its last batch wait no
   * longer than that. Answers what the sweep (the last one) did.
   */
  const deliverEmails = async (): Promise<SweepResult> => {
    const sendEmail = hooks().sendEmail;
    if (!sendEmail) return { sent: 0, failed: 0, retried: 0 };
    if (emailsRunning) {
      emailsAgain = true;
      return emailsRunning;
    }
    emailsRunning = (async () => {
      const total: SweepResult = { sent: 0, failed: 0, retried: 0 };
      do {
        emailsAgain = false;
        const r = await deliverDueEmails(deps.pool, sendEmail, {
          ...(deps.emailBackoffMs !== undefined ? { baseBackoffMs: deps.emailBackoffMs } : {}),
          ...(deps.emailMaxAttempts !== undefined ? { maxAttempts: deps.emailMaxAttempts } : {}),
        });
        total.sent += r.sent;
        total.failed += r.failed;
        total.retried += r.retried;
      } while (emailsAgain);
      if (total.sent || total.failed || total.retried) log.debug(total, 'email deliveries');
      return total;
    })().finally(() => (emailsRunning = null));
    return emailsRunning;
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
    [TASKS.emailDeliver]: async () => void (await deliverEmails()),
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
      options: { maxAttempts: 1, jobKey: EMAIL_SWEEP_KEY, jobKeyMode: 'replace' },
    },
  ];
  addPeriodic(tasks, cron, deps.periodic ?? []);
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
      addJob(db, { task: TASKS.emailDeliver, payload: {}, jobKey: EMAIL_SWEEP_KEY, maxAttempts: 1 }),
    /** The delivery sweep in this process now (tests, the bench): what the job runs. */
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
