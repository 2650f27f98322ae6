import type { ModuleDeps } from '../deps.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import type { UserDirectory } from '../enrollment/users.ts';
import type { ProgressEventInput, QuizAttemptInput, QuizAttemptResult } from '@lyceum/contracts';
import { submitAttemptBatch } from './attempt-batch.ts';
import { quizAttemptRecorder } from './attempts.ts';
import { completionChecker, type EnrollmentPort } from './completion.ts';
import type { Queryable } from './queryable.ts';
import { recordProgressBatch } from './record-batch.ts';
import { progressRecorder } from './record.ts';
import { reportService } from './reports.ts';
import { progressRoutes } from './routes.ts';
import { progressSummaries } from './summary.ts';

export interface ProgressModuleDeps extends ModuleDeps {
  catalog: CatalogReader;
  users: UserDirectory;
  enrollment: EnrollmentPort;
  /**
   * Quiz attempts were just graded and recorded (duplicates flagged), on `conn`: the pool, or the sync push's
   * transaction client. The notifications' grade_posted source (issue 14).
   */
  onGraded?: (conn: Queryable, userId: string, attempts: QuizAttemptResult[]) => Promise<void>;
}

export function createProgressModule(deps: ProgressModuleDeps) {
  const { pool, catalog, users, enrollment } = deps;
  /**
   * The progress writers bound to a connection: the pool, or a client inside an open transaction (the sync push), so
   * that every write, and the course completion check that reads them, runs in that transaction.
   */
  const writers = (conn: Queryable) => {
    const completeIfDone = completionChecker(conn, enrollment);
    const submitOne = quizAttemptRecorder(conn, catalog, enrollment, completeIfDone);
    const graded = async (userId: string, attempts: QuizAttemptResult[]) => {
      if (deps.onGraded && attempts.some((a) => !a.duplicate)) await deps.onGraded(conn, userId, attempts);
    };
    return {
      /** Record one progress event. */
      record: progressRecorder(conn, catalog, enrollment, completeIfDone),
      /** Grade and record one quiz attempt. */
      submitQuizAttempt: async (userId: string, input: QuizAttemptInput) => {
        const result = await submitOne(userId, input);
        await graded(userId, [result]);
        return result;
      },
      /** Many progress events of one student (distinct ids) in one statement; one outcome each, in order. */
      recordBatch: (userId: string, inputs: ProgressEventInput[]) =>
        recordProgressBatch(conn, catalog, completeIfDone, userId, inputs),
      /** Many quiz attempts of one student (distinct ids) in one statement; one outcome each, in order. */
      submitBatch: async (userId: string, inputs: QuizAttemptInput[]) => {
        const out = await submitAttemptBatch(conn, catalog, completeIfDone, userId, inputs);
        await graded(
          userId,
          out.flatMap((o) => (o.ok === true ? [o.result] : [])),
        );
        return out;
      },
    };
  };
  const { record, submitQuizAttempt } = writers(pool);
  const summaries = progressSummaries(pool);
  const reports = reportService({ pool, catalog, users, enrollment, summaries });
  return {
    routes: progressRoutes(record, submitQuizAttempt, reports, users),
    /** Record one progress event. */
    record,
    /** Grade and record one quiz attempt. */
    submitQuizAttempt,
    /** The writers on a given connection (the sync push passes its transaction's client). */
    writers,
    summaries,
    reports,
  };
}
export type ProgressModule = ReturnType<typeof createProgressModule>;
