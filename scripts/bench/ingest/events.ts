// Realistic learning statements for bench:ingest, shaped like the desktop app's (desktop/src/core/analytics/
// statements.ts): learners working through real courses — enrolling, opening lessons, watching videos (played,
// paused with the viewing's played-segments, seeked, completed), taking quizzes (attempted, answered per question with
// success, passed/failed), completing lessons and courses, rating courses. Each learner has its own device clock that
// advances 5–90 s per event (now and then a 45-minute break), in the past of the upload.
import {
  ACTIVITY_TYPES,
  LYCEUM_ACCOUNT_HOME,
  VERBS,
  VIDEO_EXT,
  activityIri,
  formatPlayedSegments,
  type VerbName,
  type XapiActivity,
  type XapiAgent,
  type XapiResult,
  type XapiStatement,
} from '@lyceum/contracts';
import { newId } from '../../../sync-server/src/lib/ids.ts';

export interface BenchLessonRef {
  id: string;
  quiz: boolean;
  questionIds: string[];
}
export interface BenchCourseRef {
  id: string;
  title: string;
  lessons: BenchLessonRef[];
}

/** What the aggregates must show for the statements made so far (the store's counting rules, see store/pg-fold.ts). */
export interface Expected {
  events: number;
  enrollments: number;
  lessonCompletions: number;
  courseCompletions: number;
  quizAnswers: number;
  ratings: number;
}
export const emptyExpected = (): Expected => ({
  events: 0,
  enrollments: 0,
  lessonCompletions: 0,
  courseCompletions: 0,
  quizAnswers: 0,
  ratings: 0,
});

export type Statement = XapiStatement & { id: string; timestamp: string };

/** Add a statement to the figures it must move. */
export function tally(e: Expected, s: Statement): void {
  e.events += 1;
  const verb = s.verb.id;
  if (verb === VERBS.enrolled) e.enrollments += 1;
  if (verb === VERBS.completed) {
    if (s.object.id.includes('/lesson/')) e.lessonCompletions += 1;
    else e.courseCompletions += 1;
  }
  if (verb === VERBS.answered) e.quizAnswers += 1;
  if (verb === VERBS.rated) e.ratings += 1;
}

export function addExpected(into: Expected, e: Expected): void {
  for (const k of Object.keys(into) as (keyof Expected)[]) into[k] += e[k];
}

/** Mulberry32: small, seeded, fast. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const DISPLAY: Partial<Record<VerbName, string>> = { enrolled: 'registered', opened: 'launched' };
const sec = (x: number) => Math.round(Math.max(0, x) * 1000) / 1000;

/**
 * One learner's study, statement after statement: a small state machine over the courses (enroll → lessons in order
 * → course completed → rated → next course). Video lessons play in stretches of 20–120 s with pauses, the odd seek,
 * and complete at the end; every tenth lesson is a quiz of 3 questions.
 */
export class Learner {
  private courseIndex: number;
  private course: BenchCourseRef | null = null;
  private lesson = -1;
  private queue: Statement[] = [];
  private clock: number;
  private readonly agent: XapiAgent;

  constructor(
    readonly actor: { userId?: string; mbox?: string },
    private readonly courses: BenchCourseRef[],
    private readonly rand: () => number,
    startMs: number,
    private readonly platform: string,
  ) {
    this.courseIndex = Math.floor(rand() * courses.length);
    this.clock = startMs;
    this.agent = actor.userId
      ? { objectType: 'Agent', account: { homePage: LYCEUM_ACCOUNT_HOME, name: actor.userId } }
      : { objectType: 'Agent', mbox: `mailto:${actor.mbox!}` };
  }

  /** The next statement of this learner (its device clock never passes `nowMs`). */
  next(nowMs: number): Statement {
    if (!this.queue.length) this.plan();
    const s = this.queue.shift()!;
    this.clock += this.rand() < 0.02 ? 45 * 60_000 : 5_000 + this.rand() * 85_000;
    s.timestamp = new Date(Math.min(this.clock, nowMs - 1000)).toISOString();
    return s;
  }

  private make(verb: VerbName, object: XapiActivity, parents: XapiActivity[], more: Partial<Statement> = {}) {
    this.queue.push({
      id: newId(),
      actor: this.agent,
      verb: { id: VERBS[verb], display: { en: DISPLAY[verb] ?? verb } },
      object,
      ...more,
      context: {
        platform: this.platform,
        contextActivities: { parent: parents },
        ...(more.context?.extensions ? { extensions: more.context.extensions } : {}),
      },
      timestamp: '',
      version: '1.0.3',
    });
  }

  private plan(): void {
    if (!this.course || this.lesson >= this.course.lessons.length) {
      if (this.course) {
        const c = this.courseActivity();
        this.make('completed', c, [], { result: { completion: true } });
        this.make('rated', c, [], {
          result: { score: { raw: 1 + Math.floor(this.rand() * 5), min: 1, max: 5 } },
        });
      }
      this.course = this.courses[this.courseIndex++ % this.courses.length]!;
      this.lesson = 0;
      this.make('enrolled', this.courseActivity(), []);
      return;
    }
    const lesson = this.course.lessons[this.lesson++]!;
    // Some lessons are skipped (already known, not interesting).
    if (!lesson.quiz && this.rand() < 0.25) return this.plan();
    const course = [this.courseActivity()];
    if (lesson.quiz) this.quiz(lesson, course);
    else this.video(lesson, course);
  }

  private courseActivity(): XapiActivity {
    return {
      objectType: 'Activity',
      id: activityIri.course(this.course!.id),
      definition: { type: ACTIVITY_TYPES.course, name: { en: this.course!.title } },
    };
  }

  private lessonActivity(lesson: BenchLessonRef, type: string): XapiActivity {
    return {
      objectType: 'Activity',
      id: activityIri.lesson(this.course!.id, lesson.id),
      definition: { type, name: { en: `Lesson ${lesson.id.slice(0, 8)}` } },
    };
  }

  private quiz(lesson: BenchLessonRef, course: XapiActivity[]): void {
    const assessment = this.lessonActivity(lesson, ACTIVITY_TYPES.assessment);
    this.make('opened', this.lessonActivity(lesson, ACTIVITY_TYPES.lesson), course);
    this.make('attempted', assessment, course, {
      result: { duration: `PT${Math.round(60 + this.rand() * 600)}S` },
    });
    let score = 0;
    lesson.questionIds.forEach((q, i) => {
      const success = this.rand() < 0.85 - i * 0.2;
      if (success) score += 1;
      this.make(
        'answered',
        {
          objectType: 'Activity',
          id: activityIri.question(this.course!.id, lesson.id, q),
          definition: {
            type: ACTIVITY_TYPES.question,
            interactionType: 'true-false',
            name: { en: `Question ${i + 1}` },
          },
        },
        [assessment, course[0]!],
        { result: { success, response: success ? 'true' : 'false' } },
      );
    });
    const max = lesson.questionIds.length || 1;
    const passed = score / max >= 0.6;
    const result: XapiResult = {
      success: passed,
      completion: true,
      score: { scaled: Math.round((score / max) * 10_000) / 10_000, raw: score, min: 0, max },
    };
    this.make(passed ? 'passed' : 'failed', assessment, course, { result });
    if (passed)
      this.make('completed', this.lessonActivity(lesson, ACTIVITY_TYPES.lesson), course, {
        result: { completion: true },
      });
  }

  private video(lesson: BenchLessonRef, course: XapiActivity[]): void {
    const length = 240 + Math.floor(this.rand() * 720);
    const video = this.lessonActivity(lesson, ACTIVITY_TYPES.video);
    const session = newId();
    const ctx = { extensions: { [VIDEO_EXT.length]: length, [VIDEO_EXT.sessionId]: session } };
    this.make('opened', this.lessonActivity(lesson, ACTIVITY_TYPES.lesson), course);
    const segments: [number, number][] = [];
    let pos = 0;
    this.make('played', video, course, { result: { extensions: { [VIDEO_EXT.time]: 0 } }, context: ctx });
    while (pos < length) {
      if (this.rand() < 0.1) {
        // Drop off: the learner leaves the video here.
        return;
      }
      if (this.rand() < 0.12) {
        const to = Math.min(length - 1, pos + Math.floor(this.rand() * 120));
        this.make('seeked', video, course, {
          result: { extensions: { [VIDEO_EXT.timeFrom]: sec(pos), [VIDEO_EXT.timeTo]: sec(to) } },
          context: ctx,
        });
        pos = to;
      }
      const end = Math.min(length, pos + 20 + this.rand() * 100);
      segments.push([sec(pos), sec(end)]);
      pos = end;
      const progress =
        Math.round(Math.min(1, segments.reduce((t, [a, b]) => t + b - a, 0) / length) * 1000) / 1000;
      const ext = {
        [VIDEO_EXT.time]: sec(pos),
        [VIDEO_EXT.progress]: progress,
        [VIDEO_EXT.playedSegments]: formatPlayedSegments(segments),
      };
      if (pos >= length) {
        const watched = segments.reduce((t, [a, b]) => t + b - a, 0);
        this.make('completed', video, course, {
          result: { completion: true, duration: `PT${sec(watched)}S`, extensions: ext },
          context: ctx,
        });
      } else {
        this.make('paused', video, course, { result: { extensions: ext }, context: ctx });
        if (this.rand() < 0.8)
          this.make('played', video, course, {
            result: { extensions: { [VIDEO_EXT.time]: sec(pos) } },
            context: ctx,
          });
      }
    }
  }
}
