import type { ModuleDeps } from '../deps.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import type { UserDirectory } from '../enrollment/users.ts';
import { quizAttemptRecorder } from './attempts.ts';
import { completionChecker, type EnrollmentPort } from './completion.ts';
import { progressRecorder } from './record.ts';
import { reportService } from './reports.ts';
import { progressRoutes } from './routes.ts';
import { progressSummaries } from './summary.ts';

export interface ProgressModuleDeps extends ModuleDeps {
  catalog: CatalogReader;
  users: UserDirectory;
  enrollment: EnrollmentPort;
}

export function createProgressModule(deps: ProgressModuleDeps) {
  const { pool, catalog, users, enrollment } = deps;
  const completeIfDone = completionChecker(pool, enrollment);
  const record = progressRecorder(pool, catalog, enrollment, completeIfDone);
  const submitQuizAttempt = quizAttemptRecorder(pool, catalog, enrollment, completeIfDone);
  const summaries = progressSummaries(pool);
  const reports = reportService({ pool, catalog, users, enrollment, summaries });
  return {
    routes: progressRoutes(record, submitQuizAttempt, reports, users),
    /** Record one progress event (the sync push reuses it). */
    record,
    /** Grade and record one quiz attempt (the sync push reuses it). */
    submitQuizAttempt,
    summaries,
    reports,
  };
}
export type ProgressModule = ReturnType<typeof createProgressModule>;
