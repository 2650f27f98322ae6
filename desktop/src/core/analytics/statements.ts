import { uuidv7 } from 'uuidv7';
import {
  ACTIVITY_TYPES,
  VIDEO_EXT,
  courseActivity,
  formatPlayedSegments,
  isoDuration,
  learningStatement,
  learningStatements,
  lessonActivity,
  responseText,
  xapiSeconds as sec,
  type AnswerFacts,
  type LearningRef,
  type QuizOutcomeFacts,
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
export type LessonRef = LearningRef;

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

export type { AnswerFacts };
export type QuizOutcome = QuizOutcomeFacts;
export { isoDuration, responseText };

export function statementsFor(userId: string, clock: () => Date = () => new Date()) {
  const PLATFORM = 'Lyceum desktop';
  /** This device's statement: its own UUIDv7, its clock unless told when. */
  const meta = (at?: Date) => ({
    id: uuidv7(),
    timestamp: (at ?? clock()).toISOString(),
    platform: PLATFORM,
  });
  function make(
    verb: VerbName,
    object: XapiActivity,
    parents: XapiActivity[],
    more: { result?: XapiResult; contextExtensions?: Record<string, unknown>; at?: Date } = {},
  ): DeviceStatement {
    return learningStatement(userId, verb, object, parents, meta(more.at), more);
  }

  const course = (r: LessonRef) => [courseActivity(r)];

  return {
    lessonOpened: (r: LessonRef) => make('opened', lessonActivity(r), course(r)),

    /** A lesson completed by marking it done or passing its quiz (videos complete through `video`). */
    lessonCompleted: (r: LessonRef, at?: Date): DeviceStatement =>
      learningStatements.lessonCompleted(userId, r, meta(at)),

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
    quizAttempted: (r: LessonRef, a: { startedAt?: string; submittedAt: string }): DeviceStatement =>
      learningStatements.quizAttempted(userId, r, a, meta(new Date(a.submittedAt))),

    /** One question's answer, right or wrong, with the response given. */
    answered: (r: LessonRef, q: AnswerFacts, at: Date): DeviceStatement =>
      learningStatements.answered(userId, r, q, meta(at)),

    /** The quiz's outcome: passed or failed, with the score. */
    quizOutcome: (r: LessonRef, o: QuizOutcome, at: Date): DeviceStatement =>
      learningStatements.quizOutcome(userId, r, o, meta(at)),
  };
}
export type StatementBuilders = ReturnType<typeof statementsFor>;
