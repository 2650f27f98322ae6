import { createHash } from 'node:crypto';
import {
  learningStatementKeys as keys,
  learningStatements as build,
  type GivenAnswers,
  type LearningRef,
  type LearningStatement,
  type QuizGrade,
} from '@lyceum/contracts';
import type { CourseStructure } from '../catalog/reader.ts';

/**
 * The analytics statements of progress recorded over HTTP (/api/v1/progress, /api/v1/quiz-attempts), written to the
 * transactional outbox in the same statement as the progress row or the attempt (see record.ts, attempts.ts).
 *
 * Exactly once, whatever the path:
 * - each statement's id is a UUIDv5 of its business key (`lesson-completed:<user>:<lesson>`,
 *   `quiz-attempt:<attempt>[:<question>|:outcome]`), so a completion or an attempt that reaches analytics again
 *   (a replay, a race) is the collector's duplicate (or a `conflict` dead letter), never a second count;
 * - a lesson's completion is emitted only by the write that newly completes it;
 * - the sync path (sync push → record-batch.ts, attempt-batch.ts) emits NOTHING: the desktop app uploads its own
 *   xAPI statements for what it records (desktop/src/core/analytics), and emitting here too would count it twice.
 */

/** The namespace of Lyceum's deterministic platform statement ids (a fixed random UUID). */
const NAMESPACE = Buffer.from('5b0f3c1e8a4d4e2f9c7b6a5d4e3f2a1b', 'hex');
const PLATFORM = 'Lyceum';

/** RFC 9562 UUIDv5 (SHA-1) of a name in Lyceum's namespace. */
export function uuidv5(name: string): string {
  const h = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const meta = (key: string, timestamp: string) => ({ id: uuidv5(key), timestamp, platform: PLATFORM });

function refOf(structure: CourseStructure, lessonId: string): LearningRef {
  const lesson = structure.lessons.find((l) => l.id === lessonId);
  return {
    courseId: structure.course.id,
    lessonId,
    ...(lesson?.title ? { lessonTitle: lesson.title } : {}),
    ...(structure.course.title ? { courseTitle: structure.course.title } : {}),
  };
}

/** A lesson newly completed by `userId` at `at` (ISO). */
export function lessonCompletedStatement(
  structure: CourseStructure,
  userId: string,
  lessonId: string,
  at: string,
): LearningStatement {
  return build.lessonCompleted(
    userId,
    refOf(structure, lessonId),
    meta(keys.lessonCompleted(userId, lessonId), at),
  );
}

export interface GradedAttempt {
  id: string;
  lessonId: string;
  answers: GivenAnswers;
  startedAt: string | null;
  submittedAt: string;
  grade: QuizGrade;
}

/** An attempt's statements: attempted, each answer, passed/failed with the score (all at its submission time). */
export function attemptStatements(
  structure: CourseStructure,
  userId: string,
  a: GradedAttempt,
): LearningStatement[] {
  const r = refOf(structure, a.lessonId);
  const at = a.submittedAt;
  const questions = new Map(
    (structure.quizzes.get(a.lessonId)?.questions ?? []).map((q) => [q.id, q] as const),
  );
  return [
    build.quizAttempted(userId, r, a, meta(keys.quizAttempted(a.id), at)),
    ...a.grade.results.map((res) => {
      const q = questions.get(res.questionId);
      return build.answered(
        userId,
        r,
        {
          questionId: res.questionId,
          type: q?.key.type ?? null,
          success: res.correct,
          response: a.answers[res.questionId],
        },
        meta(keys.answered(a.id, res.questionId), at),
      );
    }),
    build.quizOutcome(userId, r, a.grade, meta(keys.quizOutcome(a.id), at)),
  ];
}
