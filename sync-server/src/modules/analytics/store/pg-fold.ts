import type { ActiveChange, Fact } from './port.ts';
import { dayOf } from '../insights/range.ts';
import { makesPresent } from '../processor/facts.ts';

/**
 * The fold of a batch into rollup rows, in memory: one row per rollup key, so each table gets ONE multi-row upsert
 * per batch. New facts add their counts; active-time changes of stored facts add the difference to the keys of the
 * fact they belong to. Rows that concurrent batches share (per course, per second) are sorted by key, so writers lock
 * them in the same order; per-learner rows are guarded by the store's actor locks.
 */

export interface CourseDay {
  course_id: string;
  day: string;
  events: number;
  active_ms: number;
  enrollments: number;
  lesson_opens: number;
  lesson_completions: number;
  course_completions: number;
  video_events: number;
  quiz_answers: number;
  quiz_correct: number;
  quiz_passed: number;
  quiz_failed: number;
  ratings: number;
}
export interface StudentDay {
  actor: string;
  course_id: string;
  day: string;
  events: number;
  active_ms: number;
  lesson_completions: number;
  quiz_attempts: number;
  quiz_answers: number;
  quiz_correct: number;
  last_at: number;
}
export interface StudentCourse {
  actor: string;
  course_id: string;
  first_at: number;
  last_at: number;
  enrolled_at: number | null;
  started_at: number | null;
  lesson_completed_at: number | null;
  completed_at: number | null;
}
export interface StudentLessonDay {
  actor: string;
  course_id: string;
  lesson_id: string;
  day: string;
  events: number;
  active_ms: number;
  completions: number;
  watched: [number, number][];
  video_length: number | null;
}
export interface QuestionAnswer {
  course_id: string;
  lesson_id: string;
  question_id: string;
  actor: string;
  first_at: number;
  first_id: string;
  first_correct: boolean;
  answers: number;
  correct: number;
}
export interface Rating {
  course_id: string;
  actor: string;
  rating: number;
  rated_at: number;
  event_id: string;
}
export interface Presence {
  actor: string;
  course_id: string;
  last_stored: number;
}
export interface Arrival {
  second: number;
  course_id: string;
  events: number;
}

export interface Fold {
  courseDays: CourseDay[];
  studentDays: StudentDay[];
  studentCourses: StudentCourse[];
  studentLessonDays: StudentLessonDay[];
  questionAnswers: QuestionAnswer[];
  ratings: Rating[];
  presence: Presence[];
  arrivals: Arrival[];
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const before = (a: { at: number; id: string }, b: { at: number; id: string }) =>
  a.at < b.at || (a.at === b.at && a.id < b.id);

/** Union of intervals, sorted and disjoint (touching ones joined). */
export function unionIntervals(xs: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = xs.filter(([a, b]) => b > a && a >= 0).sort((p, q) => p[0] - q[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

type Level = Map<string, unknown>;
function sub(m: Level, k: string): Level {
  let v = m.get(k) as Level | undefined;
  if (v === undefined) m.set(k, (v = new Map()));
  return v;
}

/**
 * Rows by a key of 2 to 4 strings, in nested maps: looking up the event's own strings (whose hashes V8 caches) is
 * several times faster than building and hashing a joined key for every lookup.
 */
class Table<R> {
  private readonly root: Level = new Map();
  readonly rows: R[] = [];
  get(make: () => R, a: string, b: string, c?: string, d?: string): R {
    let m = sub(this.root, a);
    let last = b;
    if (c !== undefined) {
      m = sub(m, b);
      last = c;
      if (d !== undefined) {
        m = sub(m, c);
        last = d;
      }
    }
    let r = m.get(last) as R | undefined;
    if (r === undefined) {
      r = make();
      m.set(last, r);
      this.rows.push(r);
    }
    return r;
  }
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const DAY_MS = 86_400_000;
/** dayOf, memoised per day number (a batch spans few days). */
function dayCache() {
  const days = new Map<number, string>();
  return (ms: number) => {
    const n = Math.floor(ms / DAY_MS);
    let d = days.get(n);
    if (d === undefined) days.set(n, (d = dayOf(ms)));
    return d;
  };
}

/** A fact of a lesson itself (not one of its questions) that completes it. */
const completesLesson = (f: Fact) =>
  f.event.verb === 'completed' && f.event.lessonId !== null && f.event.questionId === null;
const completesCourse = (f: Fact) =>
  f.event.verb === 'completed' && f.event.courseId !== null && f.event.lessonId === null;
/** A course rating: `rated` on the course itself with a raw score 1..5. */
export const courseRating = (f: Fact): number | null => {
  const e = f.event;
  if (e.verb !== 'rated' || e.courseId === null || e.lessonId !== null || e.scoreRaw === null) return null;
  return e.scoreRaw >= 1 && e.scoreRaw <= 5 ? e.scoreRaw : null;
};

export function foldBatch(facts: readonly Fact[], changes: readonly ActiveChange[]): Fold {
  const courseDays = new Table<CourseDay>();
  const courseDay = (course_id: string, day: string) =>
    courseDays.get(
      () => ({
        course_id,
        day,
        events: 0,
        active_ms: 0,
        enrollments: 0,
        lesson_opens: 0,
        lesson_completions: 0,
        course_completions: 0,
        video_events: 0,
        quiz_answers: 0,
        quiz_correct: 0,
        quiz_passed: 0,
        quiz_failed: 0,
        ratings: 0,
      }),
      course_id,
      day,
    );
  const studentDays = new Table<StudentDay>();
  const studentDay = (actor: string, course_id: string, day: string) =>
    studentDays.get(
      () => ({
        actor,
        course_id,
        day,
        events: 0,
        active_ms: 0,
        lesson_completions: 0,
        quiz_attempts: 0,
        quiz_answers: 0,
        quiz_correct: 0,
        last_at: -Infinity,
      }),
      actor,
      course_id,
      day,
    );
  const studentCourses = new Table<StudentCourse>();
  const lessonDays = new Table<StudentLessonDay>();
  const lessonDay = (actor: string, course_id: string, lesson_id: string, day: string) =>
    lessonDays.get(
      () => ({
        actor,
        course_id,
        lesson_id,
        day,
        events: 0,
        active_ms: 0,
        completions: 0,
        watched: [],
        video_length: null,
      }),
      actor,
      course_id,
      lesson_id,
      day,
    );
  const answers = new Table<QuestionAnswer>();
  const ratings = new Table<Rating>();
  const presence = new Table<Presence>();
  const arrivals = new Table<Arrival>();
  const day = dayCache();

  for (const f of facts) {
    const e = f.event;
    const course = e.courseId ?? '';
    const d = day(f.at);
    const stored = Date.parse(e.stored);
    const second = Math.floor(stored / 1000) * 1000;
    arrivals.get(() => ({ second, course_id: course, events: 0 }), String(second), course).events += 1;
    const cd = courseDay(course, d);
    cd.events += 1;
    cd.active_ms += f.activeMs;
    const lessonDone = completesLesson(f);
    if (e.verb === 'enrolled' && e.courseId !== null) cd.enrollments += 1;
    if (e.verb === 'opened' && e.lessonId !== null) cd.lesson_opens += 1;
    if (lessonDone) cd.lesson_completions += 1;
    if (completesCourse(f)) cd.course_completions += 1;
    if (e.video !== null) cd.video_events += 1;
    const answered = e.verb === 'answered' && e.questionId !== null && e.success !== null;
    if (answered) {
      cd.quiz_answers += 1;
      if (e.success) cd.quiz_correct += 1;
    }
    if (e.verb === 'passed') cd.quiz_passed += 1;
    if (e.verb === 'failed') cd.quiz_failed += 1;
    const rating = courseRating(f);
    if (rating !== null) cd.ratings += 1;
    if (!f.learning) continue;

    if (makesPresent(e)) {
      const p = presence.get(
        () => ({ actor: e.actor, course_id: course, last_stored: stored }),
        e.actor,
        course,
      );
      p.last_stored = Math.max(p.last_stored, stored);
    }
    const sd = studentDay(e.actor, course, d);
    sd.events += 1;
    sd.active_ms += f.activeMs;
    sd.last_at = Math.max(sd.last_at, f.at);
    if (lessonDone) sd.lesson_completions += 1;
    if (e.verb === 'passed' || e.verb === 'failed') sd.quiz_attempts += 1;
    if (answered) {
      sd.quiz_answers += 1;
      if (e.success) sd.quiz_correct += 1;
    }
    const courseId = e.courseId;
    if (courseId === null) continue;

    const sc = studentCourses.get(
      () => ({
        actor: e.actor,
        course_id: courseId,
        first_at: f.at,
        last_at: f.at,
        enrolled_at: null,
        started_at: null,
        lesson_completed_at: null,
        completed_at: null,
      }),
      e.actor,
      courseId,
    );
    sc.first_at = Math.min(sc.first_at, f.at);
    sc.last_at = Math.max(sc.last_at, f.at);
    if (e.verb === 'enrolled') sc.enrolled_at = minOf(sc.enrolled_at, f.at);
    if (e.lessonId !== null) sc.started_at = minOf(sc.started_at, f.at);
    if (lessonDone) sc.lesson_completed_at = minOf(sc.lesson_completed_at, f.at);
    if (completesCourse(f)) sc.completed_at = minOf(sc.completed_at, f.at);
    if (rating !== null) {
      const r = ratings.get(
        () => ({ course_id: courseId, actor: e.actor, rating, rated_at: f.at, event_id: f.id }),
        courseId,
        e.actor,
      );
      if (before({ at: r.rated_at, id: r.event_id }, f)) {
        r.rating = rating;
        r.rated_at = f.at;
        r.event_id = f.id;
      }
    }
    const lessonId = e.lessonId;
    if (lessonId === null) continue;

    const ld = lessonDay(e.actor, courseId, lessonId, d);
    ld.events += 1;
    ld.active_ms += f.activeMs;
    if (lessonDone) ld.completions += 1;
    if (e.video) {
      if (e.video.segments.length) ld.watched = unionIntervals([...ld.watched, ...e.video.segments]);
      if (e.video.length !== null && e.video.length > 0)
        ld.video_length = Math.max(ld.video_length ?? 0, e.video.length);
    }
    const questionId = e.questionId;
    if (answered && questionId !== null) {
      const correct = e.success === true;
      const a = answers.get(
        () => ({
          course_id: courseId,
          lesson_id: lessonId,
          question_id: questionId,
          actor: e.actor,
          first_at: f.at,
          first_id: f.id,
          first_correct: correct,
          answers: 0,
          correct: 0,
        }),
        e.actor,
        courseId,
        lessonId,
        questionId,
      );
      a.answers += 1;
      a.correct += correct ? 1 : 0;
      if (before(f, { at: a.first_at, id: a.first_id })) {
        a.first_at = f.at;
        a.first_id = f.id;
        a.first_correct = correct;
      }
    }
  }

  for (const { entry, activeMs } of changes) {
    const delta = activeMs - entry.activeMs;
    if (!delta) continue;
    const course = entry.courseId ?? '';
    const d = day(entry.at);
    courseDay(course, d).active_ms += delta;
    const sd = studentDay(entry.actor, course, d);
    sd.active_ms += delta;
    sd.last_at = Math.max(sd.last_at, entry.at);
    if (entry.courseId !== null && entry.lessonId !== null)
      lessonDay(entry.actor, entry.courseId, entry.lessonId, d).active_ms += delta;
  }

  return {
    courseDays: courseDays.rows.sort((x, y) => byText(x.course_id, y.course_id) || byText(x.day, y.day)),
    studentDays: studentDays.rows,
    studentCourses: studentCourses.rows,
    studentLessonDays: lessonDays.rows,
    questionAnswers: answers.rows,
    ratings: ratings.rows,
    presence: presence.rows,
    arrivals: arrivals.rows.sort((x, y) => x.second - y.second || byText(x.course_id, y.course_id)),
  };
}
