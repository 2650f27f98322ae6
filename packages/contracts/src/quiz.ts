import { z } from 'zod';
import { Id, Text } from './common.ts';

export const QuestionType = z.enum([
  'single_choice',
  'multiple_choice',
  'true_false',
  'short_answer',
  'numeric',
]);
export type QuestionType = z.infer<typeof QuestionType>;

export const QuestionOption = z.object({
  id: Text().min(1).max(64),
  text: Text().min(1).max(2000),
  /** Shown after answering when this option was chosen. */
  feedback: Text().max(2000).optional(),
});

/** The answer key of a question, by type. */
export const AnswerKey = z.discriminatedUnion('type', [
  z.object({ type: z.literal('single_choice'), optionId: Text() }).strict(),
  z.object({ type: z.literal('multiple_choice'), optionIds: z.array(Text()).min(1) }).strict(),
  z.object({ type: z.literal('true_false'), value: z.boolean() }).strict(),
  z
    .object({
      type: z.literal('short_answer'),
      accepted: z.array(Text().min(1)).min(1),
      caseSensitive: z.boolean().default(false),
    })
    .strict(),
  z
    .object({ type: z.literal('numeric'), value: z.number(), tolerance: z.number().min(0).default(0) })
    .strict(),
]);
export type AnswerKey = z.infer<typeof AnswerKey>;

/** A student's answer to one question: an option id, several option ids, true/false, text or a number. */
export const GivenAnswer = z.union([
  Text().max(2000),
  z.array(Text().max(64)).max(50),
  z.boolean(),
  z.number(),
]);
export type GivenAnswer = z.infer<typeof GivenAnswer>;
export const GivenAnswers = z.record(Id, GivenAnswer);
export type GivenAnswers = z.infer<typeof GivenAnswers>;

export interface GradableQuestion {
  id: string;
  points: number;
  key: AnswerKey;
  /** Feedback when right / wrong (optional). */
  feedback?: { correct?: string; incorrect?: string };
}

export const QuestionResult = z.object({
  questionId: Id,
  correct: z.boolean(),
  points: z.number(),
  maxPoints: z.number(),
  feedback: Text().optional(),
});
export type QuestionResult = z.infer<typeof QuestionResult>;

export const QuizGrade = z.object({
  score: z.number(),
  maxScore: z.number(),
  percent: z.number(),
  passed: z.boolean(),
  results: z.array(QuestionResult),
});
export type QuizGrade = z.infer<typeof QuizGrade>;

const norm = (s: string, caseSensitive: boolean) => {
  const t = s.trim().replace(/\s+/g, ' ');
  return caseSensitive ? t : t.toLowerCase();
};

export function isCorrect(key: AnswerKey, given: GivenAnswer | undefined): boolean {
  if (given === undefined) return false;
  switch (key.type) {
    case 'single_choice':
      return given === key.optionId;
    case 'multiple_choice': {
      if (!Array.isArray(given)) return false;
      const a = new Set(given);
      return a.size === key.optionIds.length && key.optionIds.every((id) => a.has(id));
    }
    case 'true_false':
      return given === key.value;
    case 'short_answer':
      return (
        typeof given === 'string' &&
        key.accepted.some((acc) => norm(acc, key.caseSensitive) === norm(given, key.caseSensitive))
      );
    case 'numeric': {
      const n = typeof given === 'number' ? given : typeof given === 'string' ? Number(given.trim()) : NaN;
      return Number.isFinite(n) && Math.abs(n - key.value) <= key.tolerance + 1e-9;
    }
  }
}

/**
 * Grade a quiz attempt. Shared by the server (graded quizzes) and the desktop app (device-gradable quizzes),
 * so both give the same score for the same answers.
 */
export function gradeQuiz(
  questions: GradableQuestion[],
  answers: GivenAnswers,
  passingPercent: number,
): QuizGrade {
  let score = 0;
  let maxScore = 0;
  const results: QuestionResult[] = questions.map((q) => {
    const correct = isCorrect(q.key, answers[q.id]);
    const points = correct ? q.points : 0;
    score += points;
    maxScore += q.points;
    const feedback = correct ? q.feedback?.correct : q.feedback?.incorrect;
    return { questionId: q.id, correct, points, maxPoints: q.points, ...(feedback ? { feedback } : {}) };
  });
  const percent = maxScore === 0 ? 100 : Math.round((score / maxScore) * 10000) / 100;
  return { score, maxScore, percent, passed: percent >= passingPercent, results };
}
