import type { CronItem, TaskList } from 'graphile-worker';

/** Another module's periodic job (e.g. the content retention sweep), run on the durable scheduler. */
export interface PeriodicJob {
  /** Task identifier (unique among the scheduler's tasks). */
  task: string;
  /** Crontab time (UTC): on one node per tick, whichever takes the job. */
  match: string;
  run: () => Promise<unknown>;
}

/**
 * Add periodic jobs to the scheduler's tasks and crontab. A tick missed while every node was down is not run late
 * (the next one does the same work); one attempt per tick, and the job key keeps a slow run from piling up ticks.
 */
export function addPeriodic(tasks: TaskList, cron: CronItem[], jobs: PeriodicJob[]): void {
  for (const job of jobs) {
    if (tasks[job.task]) throw new Error(`A scheduled task named ${job.task} exists already`);
    tasks[job.task] = async () => {
      await job.run();
    };
    cron.push({
      task: job.task,
      match: job.match,
      identifier: job.task,
      options: { maxAttempts: 1, jobKey: `periodic:${job.task}`, jobKeyMode: 'preserve_run_at' },
    });
  }
}
