import type { GivenAnswer, QuestionType } from '../quiz.ts';
import type { XapiActivity, XapiResult, XapiStatement } from './statement.ts';
import { ACTIVITY_TYPES, LYCEUM_ACCOUNT_HOME, VERBS, activityIri, type VerbName } from './verbs.ts';

/**
 * The shapes of the learning statements (a lesson completed, a quiz attempted, answered, passed/failed) that every
 * recorder writes — the desktop app's own uploads and the server's platform events for progress recorded over HTTP —
 * so the processor derives the same figures from either. Pure: the caller gives the id, the time and the platform.
 */

/** A learning statement with its id and timestamp set. */
export type LearningStatement = XapiStatement & { id: string; timestamp: string };

/** Who recorded it and when: the statement id, its time, the `context.platform`. */
export interface StatementMeta {
  id: string;
  timestamp: string;
  platform: string;
}

/** Where it happened: a lesson of a course (titles become the activities' names when known). */
export interface LearningRef {
  courseId: string;
  lessonId: string;
  lessonTitle?: string;
  courseTitle?: string;
}

export interface AnswerFacts {
  questionId: string;
  type: QuestionType | null;
  prompt?: string;
  success: boolean;
  response: GivenAnswer | undefined;
}

export interface QuizOutcomeFacts {
  passed: boolean;
  score: number;
  maxScore: number;
  /** 0..100. */
  percent: number;
}

export const VERB_DISPLAY: Record<VerbName, string> = {
  enrolled: 'registered',
  opened: 'launched',
  completed: 'completed',
  attempted: 'attempted',
  answered: 'answered',
  passed: 'passed',
  failed: 'failed',
  played: 'played',
  paused: 'paused',
  seeked: 'seeked',
  rated: 'rated',
  published: 'published',
};

const INTERACTION: Record<QuestionType, string> = {
  single_choice: 'choice',
  multiple_choice: 'choice',
  true_false: 'true-false',
  short_answer: 'fill-in',
  numeric: 'numeric',
};

/** Seconds as xAPI wants them: at most 3 decimals. */
export const xapiSeconds = (x: number) => Math.round(Math.max(0, x) * 1000) / 1000;
/** ISO 8601 duration of a span in seconds (PT12.5S). */
export const isoDuration = (seconds: number) => `PT${xapiSeconds(seconds)}S`;
const named = (text: string | undefined) => (text ? { name: { en: text.slice(0, 200) } } : {});

/** A given answer as an xAPI response string (choices joined by "[,]"). */
export function responseText(a: GivenAnswer | undefined): string {
  if (a === undefined) return '';
  const text = Array.isArray(a) ? a.join('[,]') : String(a);
  return text.slice(0, 10_000);
}

export const courseActivity = (r: LearningRef): XapiActivity => ({
  objectType: 'Activity',
  id: activityIri.course(r.courseId),
  definition: { type: ACTIVITY_TYPES.course, ...named(r.courseTitle) },
});
export const lessonActivity = (r: LearningRef, type: string = ACTIVITY_TYPES.lesson): XapiActivity => ({
  objectType: 'Activity',
  id: activityIri.lesson(r.courseId, r.lessonId),
  definition: { type, ...named(r.lessonTitle) },
});

/** A statement by a Lyceum account about an activity within its parents. */
export function learningStatement(
  userId: string,
  verb: VerbName,
  object: XapiActivity,
  parents: XapiActivity[],
  meta: StatementMeta,
  more: { result?: XapiResult; contextExtensions?: Record<string, unknown> } = {},
): LearningStatement {
  return {
    id: meta.id,
    actor: { objectType: 'Agent', account: { homePage: LYCEUM_ACCOUNT_HOME, name: userId } },
    verb: { id: VERBS[verb], display: { en: VERB_DISPLAY[verb] } },
    object,
    ...(more.result ? { result: more.result } : {}),
    context: {
      platform: meta.platform,
      contextActivities: { parent: parents },
      ...(more.contextExtensions ? { extensions: more.contextExtensions } : {}),
    },
    timestamp: meta.timestamp,
    version: '1.0.3',
  };
}

/** The learning statements of lessons and quizzes for one learner. */
export const learningStatements = {
  /** A lesson completed by marking it done or passing its quiz (videos complete through the Video Profile). */
  lessonCompleted: (userId: string, r: LearningRef, meta: StatementMeta) =>
    learningStatement(userId, 'completed', lessonActivity(r), [courseActivity(r)], meta, {
      result: { completion: true },
    }),

  /** A quiz submitted (the assessment attempted), with the time spent on it when known. */
  quizAttempted: (
    userId: string,
    r: LearningRef,
    a: { startedAt?: string | null; submittedAt: string },
    meta: StatementMeta,
  ) => {
    const spent = a.startedAt ? (Date.parse(a.submittedAt) - Date.parse(a.startedAt)) / 1000 : NaN;
    return learningStatement(
      userId,
      'attempted',
      lessonActivity(r, ACTIVITY_TYPES.assessment),
      [courseActivity(r)],
      meta,
      Number.isFinite(spent) && spent >= 0 ? { result: { duration: isoDuration(spent) } } : {},
    );
  },

  /** One question's answer, right or wrong, with the response given. */
  answered: (userId: string, r: LearningRef, q: AnswerFacts, meta: StatementMeta) =>
    learningStatement(
      userId,
      'answered',
      {
        objectType: 'Activity',
        id: activityIri.question(r.courseId, r.lessonId, q.questionId),
        definition: {
          type: ACTIVITY_TYPES.question,
          ...(q.type ? { interactionType: INTERACTION[q.type] } : {}),
          ...named(q.prompt),
        },
      },
      [lessonActivity(r, ACTIVITY_TYPES.assessment), courseActivity(r)],
      meta,
      { result: { success: q.success, response: responseText(q.response) } },
    ),

  /** The quiz's outcome: passed or failed, with the score. */
  quizOutcome: (userId: string, r: LearningRef, o: QuizOutcomeFacts, meta: StatementMeta) =>
    learningStatement(
      userId,
      o.passed ? 'passed' : 'failed',
      lessonActivity(r, ACTIVITY_TYPES.assessment),
      [courseActivity(r)],
      meta,
      {
        result: {
          success: o.passed,
          completion: true,
          score: {
            scaled: Math.round(Math.min(1, Math.max(0, o.percent / 100)) * 10_000) / 10_000,
            raw: o.score,
            min: 0,
            max: o.maxScore,
          },
        },
      },
    ),
};

/**
 * The business keys of learning statements, from which a recorder derives a deterministic statement id (the server
 * takes a UUIDv5 of the key): the same completion or attempt always has the same id, whichever path records it, so
 * the collector counts it once (a repeat is a duplicate, not a second count).
 */
export const learningStatementKeys = {
  lessonCompleted: (userId: string, lessonId: string) => `lesson-completed:${userId}:${lessonId}`,
  quizAttempted: (attemptId: string) => `quiz-attempt:${attemptId}`,
  answered: (attemptId: string, questionId: string) => `quiz-attempt:${attemptId}:${questionId}`,
  quizOutcome: (attemptId: string) => `quiz-attempt:${attemptId}:outcome`,
};
