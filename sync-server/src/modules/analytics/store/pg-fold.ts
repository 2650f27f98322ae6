import type { ActiveChange, Fact } from './port.ts';
import { dayOf } from '../insights/range.ts';

/**
 * The fold of a batch into rollup rows, in memory: one row per rollup key, so each table gets ONE multi-row upsert
 * per batch. New facts add their counts; active-time changes of stored facts add the difference to the keys of the
 * fact they belong to. Keys are sorted, so concurrent writers lock rollup rows in the same order.
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

class Table<R> {
  private readonly rows = new Map<string, R>();
  constructor(private readonly init: (key: string[]) => R) {}
  get(...key: string[]): R {
    const k = key.join('\u0000');
    let r = this.rows.get(k);
    if (!r) this.rows.set(k, (r = this.init(key)));
    return r;
  }
  sorted(): R[] {
    return [...this.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  }
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
  const courseDays = new Table<CourseDay>(([course_id, day]) => ({
    course_id: course_id!,
    day: day!,
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
  }));
  const studentDays = new Table<StudentDay>(([actor, course_id, day]) => ({
    actor: actor!,
    course_id: course_id!,
    day: day!,
    events: 0,
    active_ms: 0,
    lesson_completions: 0,
    quiz_attempts: 0,
    quiz_answers: 0,
    quiz_correct: 0,
    last_at: -Infinity,
  }));
  const studentCourses = new Table<StudentCourse>(([actor, course_id]) => ({
    actor: actor!,
    course_id: course_id!,
    first_at: Infinity,
    last_at: -Infinity,
    enrolled_at: null,
    started_at: null,
    lesson_completed_at: null,
    completed_at: null,
  }));
  const lessonDays = new Table<StudentLessonDay>(([actor, course_id, lesson_id, day]) => ({
    actor: actor!,
    course_id: course_id!,
    lesson_id: lesson_id!,
    day: day!,
    events: 0,
    active_ms: 0,
    completions: 0,
    watched: [],
    video_length: null,
  }));
  const answers = new Map<string, QuestionAnswer>();
  const ratings = new Map<string, Rating>();
  const presence = new Table<Presence>(([actor, course_id]) => ({
    actor: actor!,
    course_id: course_id!,
    last_stored: -Infinity,
  }));
  const arrivals = new Table<Arrival>(([second, course_id]) => ({
    second: Number(second),
    course_id: course_id!,
    events: 0,
  }));

  for (const f of facts) {
    const e = f.event;
    const course = e.courseId ?? '';
    const day = dayOf(f.at);
    const stored = Date.parse(e.stored);
    arrivals.get(String(Math.floor(stored / 1000) * 1000), course).events += 1;
    const cd = courseDays.get(course, day);
    cd.events += 1;
    cd.active_ms += f.activeMs;
    if (e.verb === 'enrolled' && e.courseId !== null) cd.enrollments += 1;
    if (e.verb === 'opened' && e.lessonId !== null) cd.lesson_opens += 1;
    if (completesLesson(f)) cd.lesson_completions += 1;
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

    presence.get(e.actor, course).last_stored = Math.max(presence.get(e.actor, course).last_stored, stored);
    const sd = studentDays.get(e.actor, course, day);
    sd.events += 1;
    sd.active_ms += f.activeMs;
    sd.last_at = Math.max(sd.last_at, f.at);
    if (completesLesson(f)) sd.lesson_completions += 1;
    if (e.verb === 'passed' || e.verb === 'failed') sd.quiz_attempts += 1;
    if (answered) {
      sd.quiz_answers += 1;
      if (e.success) sd.quiz_correct += 1;
    }
    if (e.courseId === null) continue;

    const sc = studentCourses.get(e.actor, e.courseId);
    sc.first_at = Math.min(sc.first_at, f.at);
    sc.last_at = Math.max(sc.last_at, f.at);
    if (e.verb === 'enrolled') sc.enrolled_at = minOf(sc.enrolled_at, f.at);
    if (e.lessonId !== null) sc.started_at = minOf(sc.started_at, f.at);
    if (completesLesson(f)) sc.lesson_completed_at = minOf(sc.lesson_completed_at, f.at);
    if (completesCourse(f)) sc.completed_at = minOf(sc.completed_at, f.at);
    if (rating !== null) {
      const k = `${e.courseId}\u0000${e.actor}`;
      const r = ratings.get(k);
      if (!r || before({ at: r.rated_at, id: r.event_id }, f))
        ratings.set(k, { course_id: e.courseId, actor: e.actor, rating, rated_at: f.at, event_id: f.id });
    }
    if (e.lessonId === null) continue;

    const ld = lessonDays.get(e.actor, e.courseId, e.lessonId, day);
    ld.events += 1;
    ld.active_ms += f.activeMs;
    if (completesLesson(f)) ld.completions += 1;
    if (e.video) {
      if (e.video.segments.length) ld.watched = unionIntervals([...ld.watched, ...e.video.segments]);
      if (e.video.length !== null && e.video.length > 0)
        ld.video_length = Math.max(ld.video_length ?? 0, e.video.length);
    }
    if (answered && e.questionId !== null) {
      const k = [e.courseId, e.lessonId, e.questionId, e.actor].join('\u0000');
      const a = answers.get(k);
      const correct = e.success === true;
      if (!a) {
        answers.set(k, {
          course_id: e.courseId,
          lesson_id: e.lessonId,
          question_id: e.questionId,
          actor: e.actor,
          first_at: f.at,
          first_id: f.id,
          first_correct: correct,
          answers: 1,
          correct: correct ? 1 : 0,
        });
      } else {
        a.answers += 1;
        a.correct += correct ? 1 : 0;
        if (before(f, { at: a.first_at, id: a.first_id })) {
          a.first_at = f.at;
          a.first_id = f.id;
          a.first_correct = correct;
        }
      }
    }
  }

  for (const { entry, activeMs } of changes) {
    const delta = activeMs - entry.activeMs;
    if (!delta) continue;
    const course = entry.courseId ?? '';
    const day = dayOf(entry.at);
    courseDays.get(course, day).active_ms += delta;
    const sd = studentDays.get(entry.actor, course, day);
    sd.active_ms += delta;
    sd.last_at = Math.max(sd.last_at, entry.at);
    if (entry.courseId !== null && entry.lessonId !== null)
      lessonDays.get(entry.actor, entry.courseId, entry.lessonId, day).active_ms += delta;
  }

  const sortedMap = <R>(m: Map<string, R>) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  return {
    courseDays: courseDays.sorted(),
    studentDays: studentDays.sorted(),
    studentCourses: studentCourses.sorted(),
    studentLessonDays: lessonDays.sorted(),
    questionAnswers: sortedMap(answers),
    ratings: sortedMap(ratings),
    presence: presence.sorted(),
    arrivals: arrivals.sorted(),
  };
}
