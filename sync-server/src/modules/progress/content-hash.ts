import type { GivenAnswers, ProgressEventInput, QuizAttemptInput } from '@lyceum/contracts';
import { sha256 } from './completion.ts';

/**
 * Content hashes that tell a retry (same id, same content) from a reused id (same id, other content). The single
 * and batch writers both use these, so a retry through either path is recognized.
 */

/** Sorted keys, so the same answers always hash the same. */
const canonicalAnswers = (answers: GivenAnswers) =>
  Object.keys(answers)
    .map((k) => [k.toLowerCase(), answers[k]] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));

export const progressHash = (input: ProgressEventInput, occurredAt: string): string =>
  sha256([
    input.courseId.toLowerCase(),
    input.lessonId.toLowerCase(),
    input.positionSeconds ?? null,
    input.watchedIntervals ?? null,
    input.completed ?? null,
    occurredAt,
  ]);

export const attemptHash = (input: QuizAttemptInput, startedAt: string | null, submittedAt: string): string =>
  sha256([
    input.courseId.toLowerCase(),
    input.lessonId.toLowerCase(),
    canonicalAnswers(input.answers),
    startedAt,
    submittedAt,
  ]);
