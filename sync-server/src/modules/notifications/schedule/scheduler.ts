import type pg from 'pg';
import type { Logger as PinoLogger } from 'pino';
import {
  Logger,
  parseCronItems,
  run,
  runMigrations,
  type CronItem,
  type Runner,
  type TaskList,
} from 'graphile-worker';

/**
 * The durable job scheduler: graphile-worker (jobs in PostgreSQL, schema `graphile_worker`). Jobs are rows: they
 * survive restarts, each is locked by one worker (`FOR UPDATE SKIP LOCKED`) so several API nodes run it once, a job
 * whose run_at passed while every node was down runs when one comes back, and a failing job is retried with
 * exponential backoff. Jobs are added with SQL (`graphile_worker.add_job`, see jobs.ts), so the write that makes them
 * and the job commit together.
 */

/** graphile-worker's log lines through the server's pino logger (its info lines at debug: they are chatty). */
export function workerLogger(logger: PinoLogger): Logger {
  return new Logger((scope) => (level, message, meta) => {
    const line = { scope, ...meta };
    if (level === 'error') logger.error(line, message);
    else if (level === 'warning') logger.warn(line, message);
    else logger.debug(line, message);
  });
}

/** Install or upgrade the graphile_worker schema (called by migrate(): every database has it, even with the worker off). */
export async function installScheduler(pool: pg.Pool, logger?: PinoLogger): Promise<void> {
  // graphile-worker warns about pools without an error listener (a dropped idle connection would crash the process).
  if (pool.listenerCount('error') === 0) pool.on('error', () => {});
  if (pool.listenerCount('connect') === 0)
    pool.on('connect', (client: pg.PoolClient) => client.on('error', () => {}));
  await runMigrations({ pgPool: pool, ...(logger ? { logger: workerLogger(logger) } : { logger: quiet }) });
}

const quiet = new Logger(() => () => {});

export interface SchedulerOptions {
  /** A pool of its own (the worker keeps one connection for LISTEN and locks jobs on others). */
  pool: pg.Pool;
  logger: PinoLogger;
  tasks: TaskList;
  /** Recurring jobs (digests); each fires once per period across every node, and missed periods are backfilled. */
  cron?: CronItem[];
  /** Jobs run at the same time (default 4). */
  concurrency?: number;
  /** How often to look for jobs that became due (ms, default 1000); new jobs due now wake it at once (NOTIFY). */
  pollIntervalMs?: number;
}

export interface Scheduler {
  start(): Promise<void>;
  /** Stop taking jobs and wait for the running ones (they are given 5 s, then aborted and released). */
  stop(): Promise<void>;
  readonly running: boolean;
}

export function createScheduler(o: SchedulerOptions): Scheduler {
  let runner: Runner | null = null;
  let starting: Promise<void> | null = null;
  return {
    get running() {
      return runner !== null;
    },
    async start() {
      starting ??= (async () => {
        runner = await run({
          pgPool: o.pool,
          logger: workerLogger(o.logger),
          taskList: o.tasks,
          parsedCronItems: parseCronItems(o.cron ?? []),
          concurrency: o.concurrency ?? 4,
          pollInterval: o.pollIntervalMs ?? 1000,
          // The server's own SIGINT/SIGTERM handling stops us (app.close()); the worker must not exit the process.
          noHandleSignals: true,
          gracefulShutdownAbortTimeout: 5000,
        });
        runner.promise.catch((err: unknown) =>
          o.logger.error({ err }, 'job scheduler stopped with an error'),
        );
      })();
      return starting;
    },
    async stop() {
      if (starting) await starting.catch(() => {});
      const r = runner;
      runner = null;
      starting = null;
      if (r) await r.stop();
    },
  };
}
