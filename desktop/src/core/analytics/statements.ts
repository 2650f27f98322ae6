import { uuidv7 } from 'uuidv7';
import {
  ACTIVITY_TYPES,
  LYCEUM_ACCOUNT_HOME,
  VERBS,
  VIDEO_EXT,
  activityIri,
  formatPlayedSegments,
  type GivenAnswer,
  type QuestionType,
  type VerbName,
  type XapiActivity,
  type XapiResult,
  type XapiStatement,
} from '@lyceum/contracts';

/**
 * Builders of the xAPI statements the desktop app records (pure: no I/O). Every statement has its own UUIDv7 and the
 * device's clock as `timestamp`; the actor is the signed-in Lyceum account; the course is the context's parent
 * (and the lesson too, for a question).
 */

/** A statement as recorded on the device: id and timestamp are always set. */
export type DeviceStatement = XapiStatement & { id: string; timestamp: string };

/** Where it happened: a lesson of a course (titles become the activities' names when known). */
export interface LessonRef {
  courseId: string;
  lessonId: string;
  lessonTitle?: string;
  courseTitle?: string;
}

export type VideoVerb = 'played' | 'paused' | 'seeked' | 'completed';

export interface VideoFacts {
  verb: VideoVerb;
  /** One viewing of the video (a player session). */
  sessionId: string | null;
  /** Position (s) for played, paused and completed. */
  time: number;
  /** seeked: from → to (s). */
  from?: number;
  to?: number;
  /** Stretches played in this viewing, [start, end] in seconds. */
  segments: readonly (readonly [number, number])[];
  /** Video length (s). */
  length: number;
  /** Share of the video watched, 0..1. */
  progress: number;
}

export interface AnswerFacts {
  questionId: string;
  type: QuestionType | null;
  prompt?: string;
  success: boolean;
  response: GivenAnswer | undefined;
}

export interface QuizOutcome {
  passed: boolean;
  score: number;
  maxScore: number;
  /** 0..100. */
  percent: number;
}

const DISPLAY: Record<VerbName, string> = {
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

/** Seconds as the Video Profile wants them: at most 3 decimals. */
const sec = (x: number) => Math.round(Math.max(0, x) * 1000) / 1000;
const name = (text: string | undefined) => (text ? { name: { en: text.slice(0, 200) } } : {});

/** ISO 8601 duration of a span in seconds (PT12.5S). */
export const isoDuration = (seconds: number) => `PT${sec(seconds)}S`;

const courseActivity = (r: LessonRef): XapiActivity => ({
  objectType: 'Activity',
  id: activityIri.course(r.courseId),
  definition: { type: ACTIVITY_TYPES.course, ...name(r.courseTitle) },
});
const lessonActivity = (r: LessonRef, type: string = ACTIVITY_TYPES.lesson): XapiActivity => ({
  objectType: 'Activity',
  id: activityIri.lesson(r.courseId, r.lessonId),
  definition: { type, ...name(r.lessonTitle) },
});

const INTERACTION: Record<QuestionType, string> = {
  single_choice: 'choice',
  multiple_choice: 'choice',
  true_false: 'true-false',
  short_answer: 'fill-in',
  numeric: 'numeric',
};

/** A given answer as an xAPI response string (choices joined by "[,]"). */
export function responseText(a: GivenAnswer | undefined): string {
  if (a === undefined) return '';
  const text = Array.isArray(a) ? a.join('[,]') : String(a);
  return text.slice(0, 10_000);
}

export function statementsFor(userId: string, clock: () => Date = () => new Date()) {
  function make(
    verb: VerbName,
    object: XapiActivity,
    parents: XapiActivity[],
    more: { result?: XapiResult; contextExtensions?: Record<string, unknown>; at?: Date } = {},
  ): DeviceStatement {
    return {
      id: uuidv7(),
      actor: { objectType: 'Agent', account: { homePage: LYCEUM_ACCOUNT_HOME, name: userId } },
      verb: { id: VERBS[verb], display: { en: DISPLAY[verb] } },
      object,
      ...(more.result ? { result: more.result } : {}),
      context: {
        platform: 'Lyceum desktop',
        contextActivities: { parent: parents },
        ...(more.contextExtensions ? { extensions: more.contextExtensions } : {}),
      },
      timestamp: (more.at ?? clock()).toISOString(),
      version: '1.0.3',
    };
  }

  const course = (r: LessonRef) => [courseActivity(r)];

  return {
    lessonOpened: (r: LessonRef) => make('opened', lessonActivity(r), course(r)),

    /** A lesson completed by marking it done or passing its quiz (videos complete through `video`). */
    lessonCompleted: (r: LessonRef, at?: Date) =>
      make('completed', lessonActivity(r), course(r), { result: { completion: true }, at }),

    /** xAPI Video Profile: played / paused / seeked / completed, with positions and the viewing's segments. */
    video(r: LessonRef, v: VideoFacts): DeviceStatement {
      const ext: Record<string, unknown> = {};
      if (v.verb === 'seeked') {
        ext[VIDEO_EXT.timeFrom] = sec(v.from ?? v.time);
        ext[VIDEO_EXT.timeTo] = sec(v.to ?? v.time);
      } else ext[VIDEO_EXT.time] = sec(v.time);
      if (v.verb === 'paused' || v.verb === 'completed') {
        ext[VIDEO_EXT.progress] = Math.round(Math.min(1, Math.max(0, v.progress)) * 1000) / 1000;
        ext[VIDEO_EXT.playedSegments] = formatPlayedSegments(v.segments.map(([a, b]) => [sec(a), sec(b)]));
      }
      const watched = v.segments.reduce((t, [a, b]) => t + Math.max(0, b - a), 0);
      const result: XapiResult = {
        extensions: ext,
        ...(v.verb === 'completed' ? { completion: true, duration: isoDuration(watched) } : {}),
      };
      return make(v.verb, lessonActivity(r, ACTIVITY_TYPES.video), course(r), {
        result,
        contextExtensions: {
          [VIDEO_EXT.length]: sec(v.length),
          ...(v.sessionId ? { [VIDEO_EXT.sessionId]: v.sessionId } : {}),
        },
      });
    },

    /** A quiz submitted (the assessment attempted), with the time spent on it when known. */
    quizAttempted: (r: LessonRef, a: { startedAt?: string; submittedAt: string }) => {
      const spent = a.startedAt ? (Date.parse(a.submittedAt) - Date.parse(a.startedAt)) / 1000 : NaN;
      return make('attempted', lessonActivity(r, ACTIVITY_TYPES.assessment), course(r), {
        ...(Number.isFinite(spent) && spent >= 0 ? { result: { duration: isoDuration(spent) } } : {}),
        at: new Date(a.submittedAt),
      });
    },

    /** One question's answer, right or wrong, with the response given. */
    answered: (r: LessonRef, q: AnswerFacts, at: Date) =>
      make(
        'answered',
        {
          objectType: 'Activity',
          id: activityIri.question(r.courseId, r.lessonId, q.questionId),
          definition: {
            type: ACTIVITY_TYPES.question,
            ...(q.type ? { interactionType: INTERACTION[q.type] } : {}),
            ...name(q.prompt),
          },
        },
        [lessonActivity(r, ACTIVITY_TYPES.assessment), courseActivity(r)],
        { result: { success: q.success, response: responseText(q.response) }, at },
      ),

    /** The quiz's outcome: passed or failed, with the score. */
    quizOutcome: (r: LessonRef, o: QuizOutcome, at: Date) =>
      make(o.passed ? 'passed' : 'failed', lessonActivity(r, ACTIVITY_TYPES.assessment), course(r), {
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
        at,
      }),
  };
}
export type StatementBuilders = ReturnType<typeof statementsFor>;
