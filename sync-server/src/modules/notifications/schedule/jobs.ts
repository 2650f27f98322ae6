import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** The app's database or one of its transactions: a job added in a transaction exists only if it commits. */
export type Executor = Db | Tx;

/** The jobs this module runs (task identifiers). */
export const TASKS = {
  deadlineReminder: 'deadline_reminder',
  contentRelease: 'content_release',
  announcement: 'announcement_send',
  digest: 'digest',
  emailDeliver: 'email_deliver',
  plan: 'plan_lesson_jobs',
} as const;

/** The email delivery sweep's job key: one waiting sweep at most (adding it again brings it forward to now). */
export const EMAIL_SWEEP_KEY = 'email:sweep';

/** Job keys: one pending job per key, so adding again moves the job (a new due date) instead of adding a second. */
export const jobKeys = {
  deadline: (lessonId: string, before: '24h' | '1h') => `deadline:${lessonId}:${before}`,
  release: (lessonId: string) => `release:${lessonId}`,
  announcement: (announcementId: string) => `announcement:${announcementId}`,
  email: (deliveryId: string) => `email:${deliveryId}`,
};

export interface AddJob {
  task: string;
  payload: Record<string, unknown>;
  /** Now when absent. */
  runAt?: Date;
  jobKey?: string;
  /** Attempts before the job is given up (graphile-worker's default: 25). */
  maxAttempts?: number;
}

/** Add (or, with a job key, replace) one job, in the caller's transaction when given one. */
export async function addJob(db: Executor, job: AddJob): Promise<void> {
  await db.execute(sql`SELECT graphile_worker.add_job(
    ${job.task}::text,
    payload := ${JSON.stringify(job.payload)}::json,
    run_at := ${job.runAt ? job.runAt.toISOString() : null}::timestamptz,
    job_key := ${job.jobKey ?? null}::text,
    max_attempts := ${job.maxAttempts ?? 25}::int)`);
}

/** Drop a pending job by its key (a cancelled scheduled announcement). */
export async function removeJob(db: Executor, jobKey: string): Promise<void> {
  await db.execute(sql`SELECT graphile_worker.remove_job(${jobKey}::text)`);
}

const lessonFilter = (courseId: string, lessonIds?: string[]): SQL =>
  lessonIds
    ? sql`l.course_id = ${courseId} AND l.id = ANY(${sql.param(lessonIds)}::uuid[])`
    : sql`l.course_id = ${courseId}`;

/**
 * (Re)schedule a course's reminders (24 h and 1 h before each future due date) and releases (each future release
 * time), set-based. Called in the catalog's write transaction after the lessons are written. Jobs keep their key per
 * lesson: a changed date moves the job; a job whose lesson changed again or went away finds that out when it runs
 * (the payload carries the date it was made for).
 */
export async function scheduleLessonJobs(
  db: Executor,
  courseId: string,
  lessonIds?: string[],
): Promise<void> {
  await db.execute(sql`
    SELECT graphile_worker.add_job(
      ${TASKS.deadlineReminder}::text,
      payload := json_build_object('lessonId', l.id, 'before', w.before, 'dueAt', l.due_at),
      run_at := GREATEST(l.due_at - w.lead, now()),
      job_key := 'deadline:' || l.id || ':' || w.before,
      max_attempts := 10)
    FROM lessons l
    CROSS JOIN (VALUES ('24h', interval '24 hours'), ('1h', interval '1 hour')) AS w(before, lead)
    WHERE ${lessonFilter(courseId, lessonIds)} AND l.due_at > now()`);
  await db.execute(sql`
    SELECT graphile_worker.add_job(
      ${TASKS.contentRelease}::text,
      payload := json_build_object('lessonId', l.id, 'releaseAt', l.release_at),
      run_at := l.release_at,
      job_key := 'release:' || l.id,
      max_attempts := 10)
    FROM lessons l
    WHERE ${lessonFilter(courseId, lessonIds)} AND l.release_at > now()`);
}

/**
 * Every lesson's upcoming reminders and releases, for lessons written before the scheduler existed (an upgraded
 * deployment) or by a path that did not schedule them: only jobs still ahead, and an existing job keeps its time.
 */
export async function scheduleAllLessonJobs(db: Executor): Promise<void> {
  await db.execute(sql`
    SELECT graphile_worker.add_job(
      ${TASKS.deadlineReminder}::text,
      payload := json_build_object('lessonId', l.id, 'before', w.before, 'dueAt', l.due_at),
      run_at := l.due_at - w.lead,
      job_key := 'deadline:' || l.id || ':' || w.before,
      job_key_mode := 'preserve_run_at',
      max_attempts := 10)
    FROM lessons l
    CROSS JOIN (VALUES ('24h', interval '24 hours'), ('1h', interval '1 hour')) AS w(before, lead)
    WHERE l.due_at - w.lead > now()`);
  await db.execute(sql`
    SELECT graphile_worker.add_job(
      ${TASKS.contentRelease}::text,
      payload := json_build_object('lessonId', l.id, 'releaseAt', l.release_at),
      run_at := l.release_at,
      job_key := 'release:' || l.id,
      job_key_mode := 'preserve_run_at',
      max_attempts := 10)
    FROM lessons l
    WHERE l.release_at > now()`);
}
