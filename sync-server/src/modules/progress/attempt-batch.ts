import { gradeQuiz, type QuizAttemptInput, type QuizAttemptResult } from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';
import type { CatalogReader, CourseStructure } from '../catalog/reader.ts';
import { remaining, toAttemptResult, type StoredAttempt } from './attempts.ts';
import { lessonOf, normalizeTime, statementName, type CompletionChecker } from './completion.ts';
import type { Queryable } from './queryable.ts';
import { attemptHash } from './content-hash.ts';

/**
 * Many quiz attempts of one student in ONE statement: the set form of the progress module's single-attempt write
 * (attempts.ts): graded here with the server's keys, numbered per quiz in push order after the attempts
 * already stored, refused past the attempts limit, a passed attempt completing the quiz's lesson (monotonic).
 * Unlike the HTTP write, it records NO analytics statement: this is the sync push's path, and the desktop app uploads
 * its own xAPI statements for what it records (see platform-statements.ts), so emitting here would count it twice.
 */
const statement = `
WITH input AS (
  SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::float8[], $7::float8[], $8::float8[], $9::boolean[],
    $10::text[], $11::timestamptz[], $12::timestamptz[], $13::text[], $14::int[]) WITH ORDINALITY
    AS t(id, course_id, lesson_id, answers, score, max_score, percent, passed, results, started_at, submitted_at, hash, allowed, ord)
),
enr AS (SELECT course_id, status FROM enrollments WHERE user_id = $1::uuid AND course_id IN (SELECT course_id FROM input)),
orig AS (SELECT * FROM quiz_attempts WHERE id IN (SELECT id FROM input)),
prior AS (
  SELECT lesson_id, count(*)::int AS n, bool_or(passed) AS any_passed FROM quiz_attempts
  WHERE user_id = $1::uuid AND lesson_id IN (SELECT lesson_id FROM input) GROUP BY lesson_id
),
cur AS (SELECT lesson_id, completed FROM lesson_progress WHERE user_id = $1::uuid AND lesson_id IN (SELECT lesson_id FROM input)),
cand AS (
  SELECT i.*, coalesce(p.n, 0) + row_number() OVER (PARTITION BY i.lesson_id ORDER BY i.ord) AS attempt_no
  FROM input i JOIN enr e ON e.course_id = i.course_id AND e.status IN ('active', 'completed')
  LEFT JOIN prior p ON p.lesson_id = i.lesson_id
  WHERE NOT EXISTS (SELECT 1 FROM orig o WHERE o.id = i.id)
),
ins AS (
  INSERT INTO quiz_attempts (id, user_id, course_id, lesson_id, attempt_no, answers, score, max_score, percent, passed,
    results, started_at, submitted_at, content_hash)
  SELECT id, $1::uuid, course_id, lesson_id, attempt_no, answers::jsonb, score, max_score, percent, passed, results::jsonb,
    started_at, submitted_at, hash
  FROM cand WHERE allowed IS NULL OR attempt_no <= allowed
  ON CONFLICT DO NOTHING
  RETURNING id, course_id, lesson_id, attempt_no, passed, recorded_at, LEAST(submitted_at, recorded_at) AS at
),
agg AS (
  SELECT course_id, lesson_id, bool_or(passed) AS completed, min(at) FILTER (WHERE passed) AS completed_at, max(at) AS last_at
  FROM ins GROUP BY course_id, lesson_id
),
up AS (
  INSERT INTO lesson_progress AS lp (user_id, course_id, lesson_id, completed, completed_at, last_activity_at)
  SELECT $1::uuid, course_id, lesson_id, completed, completed_at, last_at FROM agg
  ON CONFLICT (user_id, course_id, lesson_id) DO UPDATE SET
    completed = lp.completed OR excluded.completed,
    completed_at = CASE WHEN excluded.completed THEN LEAST(lp.completed_at, excluded.completed_at) ELSE lp.completed_at END,
    last_activity_at = GREATEST(lp.last_activity_at, excluded.last_activity_at),
    updated_at = now()
  RETURNING lesson_id
)
SELECT i.id, e.status AS enrollment_status, cand.attempt_no AS candidate_no, ins.attempt_no, ins.recorded_at AS inserted_at,
  coalesce(p.any_passed, false) AS any_passed, c.completed AS was_completed,
  (SELECT row_to_json(o) FROM orig o WHERE o.id = i.id) AS orig
FROM input i
LEFT JOIN enr e ON e.course_id = i.course_id
LEFT JOIN cand ON cand.id = i.id
LEFT JOIN ins ON ins.id = i.id
LEFT JOIN prior p ON p.lesson_id = i.lesson_id
LEFT JOIN cur c ON c.lesson_id = i.lesson_id
ORDER BY i.ord`;

interface Row {
  id: string;
  enrollment_status: string | null;
  candidate_no: number | null;
  attempt_no: number | null;
  inserted_at: Date | null;
  any_passed: boolean;
  was_completed: boolean | null;
  orig: StoredAttempt | null;
}

export type AttemptOutcome =
  { ok: true; result: QuizAttemptResult } | { ok: false; error: ApiError } | { ok: 'retry' };

/** Grade and record a student's quiz attempts at once, inside the caller's transaction. Inputs must have distinct ids. */
export async function submitAttemptBatch(
  conn: Queryable,
  catalog: CatalogReader,
  completeIfDone: CompletionChecker,
  userId: string,
  inputs: QuizAttemptInput[],
): Promise<AttemptOutcome[]> {
  const out: AttemptOutcome[] = new Array<AttemptOutcome>(inputs.length);
  const valid: {
    index: number;
    input: QuizAttemptInput;
    structure: CourseStructure;
    allowed: number | null;
    hash: string;
    grade: ReturnType<typeof gradeQuiz>;
    startedAt: string | null;
    submittedAt: string;
  }[] = [];
  for (const [index, input] of inputs.entries()) {
    try {
      const { structure } = await lessonOf(catalog, input.courseId, input.lessonId);
      const quiz = structure.quizzes.get(input.lessonId);
      if (!quiz) throw new ApiError('not_found', 'This lesson has no quiz');
      const submittedAt = normalizeTime(input.submittedAt);
      const startedAt = input.startedAt ? normalizeTime(input.startedAt) : null;
      const hash = attemptHash(input, startedAt, submittedAt);
      const grade = gradeQuiz(quiz.questions, input.answers, quiz.passingPercent);
      valid.push({
        index,
        input,
        structure,
        allowed: quiz.attemptsAllowed,
        hash,
        grade,
        startedAt,
        submittedAt,
      });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      out[index] = { ok: false, error: err };
    }
  }
  if (valid.length === 0) return out;
  const { rows } = await conn.query<Row>({
    name: statementName('sync_attempt_batch', statement),
    text: statement,
    values: [
      userId,
      valid.map((v) => v.input.id),
      valid.map((v) => v.input.courseId),
      valid.map((v) => v.input.lessonId),
      valid.map((v) => JSON.stringify(v.input.answers)),
      valid.map((v) => v.grade.score),
      valid.map((v) => v.grade.maxScore),
      valid.map((v) => v.grade.percent),
      valid.map((v) => v.grade.passed),
      valid.map((v) => JSON.stringify(v.grade.results)),
      valid.map((v) => v.startedAt),
      valid.map((v) => v.submittedAt),
      valid.map((v) => v.hash),
      valid.map((v) => v.allowed),
    ],
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const toCheck = new Map<string, CourseStructure>();
  for (const v of valid) {
    const r = byId.get(v.input.id)!;
    if (
      r.inserted_at &&
      r.enrollment_status !== 'completed' &&
      v.grade.passed &&
      (!r.any_passed || !r.was_completed)
    )
      toCheck.set(v.input.courseId, v.structure);
  }
  const completedCourses = new Set<string>();
  for (const [courseId, structure] of toCheck)
    if (await completeIfDone(structure, userId)) completedCourses.add(courseId);

  for (const v of valid) {
    const r = byId.get(v.input.id)!;
    const courseCompleted = r.enrollment_status === 'completed' || completedCourses.has(v.input.courseId);
    if (r.orig) {
      out[v.index] =
        r.orig.user_id !== userId || r.orig.content_hash !== v.hash
          ? {
              ok: false,
              error: new ApiError(
                'idempotency_conflict',
                'This quiz attempt id was already used for different answers',
              ),
            }
          : { ok: true, result: { ...toAttemptResult(r.orig, v.allowed), duplicate: true, courseCompleted } };
    } else if (r.attempt_no !== null && r.inserted_at) {
      out[v.index] = {
        ok: true,
        result: {
          id: v.input.id,
          courseId: v.input.courseId,
          lessonId: v.input.lessonId,
          attemptNumber: r.attempt_no,
          attemptsAllowed: v.allowed,
          attemptsRemaining: remaining(v.allowed, r.attempt_no),
          ...v.grade,
          startedAt: v.startedAt,
          submittedAt: v.submittedAt,
          recordedAt: r.inserted_at.toISOString(),
          duplicate: false,
          courseCompleted,
        },
      };
    } else if (r.enrollment_status !== 'active' && r.enrollment_status !== 'completed') {
      out[v.index] = {
        ok: false,
        error: new ApiError('not_enrolled', 'Enroll in this course to take its quizzes'),
      };
    } else if (v.allowed !== null && r.candidate_no !== null && r.candidate_no > v.allowed) {
      out[v.index] = {
        ok: false,
        error: new ApiError('attempts_exhausted', `All ${v.allowed} attempts at this quiz are used`, {
          attemptsAllowed: v.allowed,
          attemptsUsed: v.allowed,
        }),
      };
    } else {
      out[v.index] = { ok: 'retry' };
    }
  }
  return out;
}
