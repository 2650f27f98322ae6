import {
  gradeQuiz,
  type QuestionResult,
  type QuizAttemptInput,
  type QuizAttemptResult,
} from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import {
  lessonOf,
  normalizeTime,
  statementName,
  type CompletionChecker,
  type EnrollmentPort,
} from './completion.ts';
import type { Queryable } from './queryable.ts';
import { attemptHash } from './content-hash.ts';
import { attemptStatements, lessonCompletedStatement } from './platform-statements.ts';

interface StoredAttempt {
  id: string;
  user_id: string;
  course_id: string;
  lesson_id: string;
  attempt_no: number;
  score: number;
  max_score: number;
  percent: number;
  passed: boolean;
  results: QuestionResult[];
  started_at: string | Date | null;
  submitted_at: string | Date;
  recorded_at: string | Date;
  content_hash: string;
}

interface Row {
  enrollment_status: string | null;
  prior_attempts: number;
  any_passed: boolean;
  attempt_no: number | null;
  inserted_at: Date | null;
  was_completed: boolean | null;
  orig: StoredAttempt | null;
}

/**
 * Insert the graded attempt with the next attempt number, unless the id exists, the student is not enrolled or
 * the attempts are used up; the unique (user, quiz, attempt_no) makes the limit hold under concurrent submissions.
 * A passed attempt completes the quiz's lesson (monotonic), any attempt counts as activity.
 * A recorded attempt's analytics statements ($15: attempted, each answer, passed/failed; $16: the lesson completed,
 * only when this attempt newly completes it) go to the transactional outbox in the same statement, one INSERT
 * (see platform-statements.ts for why their ids are deterministic).
 */
function attemptStatement(enrollmentStatus: string): string {
  return `
WITH enr AS (SELECT ${enrollmentStatus} AS status),
orig AS (SELECT * FROM quiz_attempts WHERE id = $1::uuid),
prior AS (
  SELECT count(*)::int AS n, coalesce(bool_or(passed), false) AS any_passed
  FROM quiz_attempts WHERE user_id = $3::uuid AND lesson_id = $4::uuid
),
cur AS (SELECT completed FROM lesson_progress WHERE user_id = $3::uuid AND course_id = $2::uuid AND lesson_id = $4::uuid),
ins AS (
  INSERT INTO quiz_attempts (id, user_id, course_id, lesson_id, attempt_no, answers, score, max_score, percent, passed,
    results, started_at, submitted_at, content_hash)
  SELECT $1::uuid, $3::uuid, $2::uuid, $4::uuid, prior.n + 1, $5::jsonb, $6::float8, $7::float8, $8::float8, $9::boolean,
    $10::jsonb, $11::timestamptz, $12::timestamptz, $13::text
  FROM enr, prior
  WHERE enr.status IN ('active', 'completed') AND NOT EXISTS (SELECT 1 FROM orig)
    AND ($14::int IS NULL OR prior.n < $14::int)
  ON CONFLICT DO NOTHING
  RETURNING attempt_no, recorded_at
),
up AS (
  INSERT INTO lesson_progress AS lp (user_id, course_id, lesson_id, completed, completed_at, last_activity_at)
  SELECT $3::uuid, $2::uuid, $4::uuid, $9::boolean,
    CASE WHEN $9::boolean THEN LEAST($12::timestamptz, ins.recorded_at) END, LEAST($12::timestamptz, ins.recorded_at)
  FROM ins
  ON CONFLICT (user_id, course_id, lesson_id) DO UPDATE SET
    completed = lp.completed OR excluded.completed,
    completed_at = CASE WHEN excluded.completed THEN LEAST(lp.completed_at, excluded.completed_at) ELSE lp.completed_at END,
    last_activity_at = GREATEST(lp.last_activity_at, excluded.last_activity_at),
    updated_at = now()
  RETURNING completed
),
ob AS (
  INSERT INTO event_outbox (id, statement)
  SELECT (s->>'id')::uuid, s FROM ins, jsonb_array_elements($15::jsonb) s
  UNION ALL
  SELECT ($16::jsonb->>'id')::uuid, $16::jsonb FROM ins
  WHERE $9::boolean AND $16::jsonb IS NOT NULL AND NOT coalesce((SELECT completed FROM cur), false)
  ON CONFLICT (id) DO NOTHING
)
SELECT enr.status AS enrollment_status, prior.n AS prior_attempts, prior.any_passed,
  ins.attempt_no, ins.recorded_at AS inserted_at, cur.completed AS was_completed,
  (SELECT row_to_json(orig) FROM orig) AS orig
FROM enr CROSS JOIN prior LEFT JOIN ins ON true LEFT JOIN cur ON true`;
}

const isoOf = (v: string | Date) => new Date(v).toISOString();

export const remaining = (allowed: number | null, used: number): number | null =>
  allowed === null ? null : Math.max(0, allowed - used);

/** A stored attempt as the API shows it. */
export function toAttemptResult(a: StoredAttempt, attemptsAllowed: number | null) {
  return {
    id: a.id,
    courseId: a.course_id,
    lessonId: a.lesson_id,
    attemptNumber: a.attempt_no,
    attemptsAllowed,
    attemptsRemaining: remaining(attemptsAllowed, a.attempt_no),
    score: a.score,
    maxScore: a.max_score,
    percent: a.percent,
    passed: a.passed,
    results: a.results,
    startedAt: a.started_at === null ? null : isoOf(a.started_at),
    submittedAt: isoOf(a.submitted_at),
    recordedAt: isoOf(a.recorded_at),
  };
}
export type { StoredAttempt };

export function quizAttemptRecorder(
  pool: Queryable,
  catalog: CatalogReader,
  enrollment: EnrollmentPort,
  completeIfDone: CompletionChecker,
) {
  const text = attemptStatement(enrollment.statusSubquery('$2::uuid', '$3::uuid'));
  const name = statementName('quiz_attempt', text);

  return async function submit(userId: string, input: QuizAttemptInput): Promise<QuizAttemptResult> {
    const { structure } = await lessonOf(catalog, input.courseId, input.lessonId);
    const quiz = structure.quizzes.get(input.lessonId);
    if (!quiz) throw new ApiError('not_found', 'This lesson has no quiz');
    const submittedAt = normalizeTime(input.submittedAt);
    const startedAt = input.startedAt ? normalizeTime(input.startedAt) : null;
    const hash = attemptHash(input, startedAt, submittedAt);
    // Graded on the server with the keys it holds, whatever the device computed.
    const grade = gradeQuiz(quiz.questions, input.answers, quiz.passingPercent);
    const values = [
      input.id,
      input.courseId,
      userId,
      input.lessonId,
      JSON.stringify(input.answers),
      grade.score,
      grade.maxScore,
      grade.percent,
      grade.passed,
      JSON.stringify(grade.results),
      startedAt,
      submittedAt,
      hash,
      quiz.attemptsAllowed,
      JSON.stringify(
        attemptStatements(structure, userId, {
          id: input.id,
          lessonId: input.lessonId,
          answers: input.answers,
          startedAt,
          submittedAt,
          grade,
        }),
      ),
      grade.passed
        ? JSON.stringify(lessonCompletedStatement(structure, userId, input.lessonId, submittedAt))
        : null,
    ];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { rows } = await pool.query<Row>({ name, text, values });
      const r = rows[0]!;
      if (r.orig) {
        if (r.orig.user_id !== userId || r.orig.content_hash !== hash)
          throw new ApiError(
            'idempotency_conflict',
            'This quiz attempt id was already used for different answers',
          );
        return {
          ...toAttemptResult(r.orig, quiz.attemptsAllowed),
          duplicate: true,
          courseCompleted: r.enrollment_status === 'completed',
        };
      }
      if (r.attempt_no !== null && r.inserted_at) {
        let courseCompleted = r.enrollment_status === 'completed';
        if (!courseCompleted && grade.passed && (!r.any_passed || !r.was_completed))
          courseCompleted = await completeIfDone(structure, userId);
        return {
          id: input.id,
          courseId: input.courseId,
          lessonId: input.lessonId,
          attemptNumber: r.attempt_no,
          attemptsAllowed: quiz.attemptsAllowed,
          attemptsRemaining: remaining(quiz.attemptsAllowed, r.attempt_no),
          ...grade,
          startedAt,
          submittedAt,
          recordedAt: r.inserted_at.toISOString(),
          duplicate: false,
          courseCompleted,
        };
      }
      if (r.enrollment_status !== 'active' && r.enrollment_status !== 'completed')
        throw new ApiError('not_enrolled', 'Enroll in this course to take its quizzes');
      if (quiz.attemptsAllowed !== null && r.prior_attempts >= quiz.attemptsAllowed)
        throw new ApiError(
          'attempts_exhausted',
          `All ${quiz.attemptsAllowed} attempts at this quiz are used`,
          {
            attemptsAllowed: quiz.attemptsAllowed,
            attemptsUsed: r.prior_attempts,
          },
        );
      // Lost a race for the attempt number or the id: run again.
    }
    throw new ApiError('conflict', 'Another attempt at this quiz is being recorded; retry');
  };
}
export type QuizAttemptRecorder = ReturnType<typeof quizAttemptRecorder>;
