import type pg from 'pg';
import type { AnswerKey } from '@lyceum/contracts';
import { newId } from '../src/lib/ids.ts';
import type { TestServer } from './harness.ts';

/**
 * Test data written straight into the catalog tables with SQL, so enrollment and progress tests do not depend on
 * the catalog module's write API. Everything not given gets a sensible default.
 */

export interface QuestionSpec {
  answer: AnswerKey;
  prompt?: string;
  /** Option ids for choice questions; defaults to the ids the answer mentions plus 'x'. */
  options?: string[];
  points?: number;
  feedback?: { correct?: string; incorrect?: string };
}

export interface QuizSpec {
  passingPercent?: number;
  attemptsAllowed?: number | null;
  graded?: boolean;
  weight?: number;
  questions: QuestionSpec[];
}

export interface LessonSpec {
  title?: string;
  kind?: 'video' | 'slides' | 'text' | 'quiz';
  required?: boolean;
  durationMinutes?: number;
  dueAt?: Date | null;
  /** Makes it a quiz lesson (kind 'quiz'). */
  quiz?: QuizSpec;
}

export interface CourseSpec {
  ownerId: string;
  title?: string;
  status?: 'draft' | 'published' | 'archived';
  priceCents?: number;
  /** Extra instructors besides the owner. */
  instructorIds?: string[];
  prerequisiteIds?: string[];
  /** Lessons per module, in order. Default: one module with one video lesson. */
  modules?: LessonSpec[][];
}

export interface CreatedLesson {
  id: string;
  title: string;
  moduleId: string;
  required: boolean;
  /** Question ids in order, for quiz lessons. */
  questionIds: string[];
}

export interface CreatedCourse {
  id: string;
  title: string;
  lessons: CreatedLesson[];
  /** The lesson with this title. */
  lesson(title: string): CreatedLesson;
}

let n = 0;

function defaultOptions(key: AnswerKey): { id: string; text: string }[] {
  const ids =
    key.type === 'single_choice'
      ? [key.optionId, 'x']
      : key.type === 'multiple_choice'
        ? [...key.optionIds, 'x']
        : [];
  return [...new Set(ids)].map((id) => ({ id, text: `Option ${id}` }));
}

export async function createCourse(pool: pg.Pool, spec: CourseSpec): Promise<CreatedCourse> {
  n += 1;
  const id = newId();
  const title = spec.title ?? `Course ${n}`;
  const status = spec.status ?? 'published';
  await pool.query(
    `INSERT INTO courses (id, owner_id, title, subject, type, level, price_cents, currency, status, published_at)
     VALUES ($1, $2, $3, 'testing', 'self_paced', 'beginner', $4, $5, $6, CASE WHEN $6 = 'draft' THEN NULL ELSE now() END)`,
    [id, spec.ownerId, title, spec.priceCents ?? 0, spec.priceCents ? 'USD' : null, status],
  );
  const instructors = [spec.ownerId, ...(spec.instructorIds ?? [])];
  for (const [i, userId] of instructors.entries())
    await pool.query('INSERT INTO course_instructors (course_id, user_id, position) VALUES ($1, $2, $3)', [
      id,
      userId,
      i,
    ]);
  for (const pre of spec.prerequisiteIds ?? [])
    await pool.query('INSERT INTO course_prerequisites (course_id, prerequisite_id) VALUES ($1, $2)', [
      id,
      pre,
    ]);

  const lessons: CreatedLesson[] = [];
  for (const [mi, moduleLessons] of (spec.modules ?? [[{}]]).entries()) {
    const moduleId = newId();
    await pool.query('INSERT INTO course_modules (id, course_id, position, title) VALUES ($1, $2, $3, $4)', [
      moduleId,
      id,
      mi,
      `Module ${mi + 1}`,
    ]);
    for (const [li, l] of moduleLessons.entries()) {
      const lessonId = newId();
      const lessonTitle = l.title ?? `Lesson ${mi + 1}.${li + 1}`;
      const required = l.required ?? true;
      await pool.query(
        `INSERT INTO lessons (id, course_id, module_id, position, title, kind, duration_minutes, required, due_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          lessonId,
          id,
          moduleId,
          li,
          lessonTitle,
          l.quiz ? 'quiz' : (l.kind ?? 'video'),
          l.durationMinutes ?? 10,
          required,
          l.dueAt ?? null,
        ],
      );
      const questionIds: string[] = [];
      if (l.quiz) {
        const q = l.quiz;
        await pool.query(
          `INSERT INTO quizzes (lesson_id, course_id, passing_percent, attempts_allowed, graded, weight)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [lessonId, id, q.passingPercent ?? 70, q.attemptsAllowed ?? null, q.graded ?? true, q.weight ?? 1],
        );
        for (const [qi, question] of q.questions.entries()) {
          const qid = newId();
          questionIds.push(qid);
          const options =
            question.options?.map((o) => ({ id: o, text: `Option ${o}` })) ?? defaultOptions(question.answer);
          await pool.query(
            `INSERT INTO quiz_questions (id, lesson_id, position, type, prompt, options, answer, points, feedback)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [
              qid,
              lessonId,
              qi,
              question.answer.type,
              question.prompt ?? `Question ${qi + 1}`,
              JSON.stringify(options),
              JSON.stringify(question.answer),
              question.points ?? 1,
              JSON.stringify(question.feedback ?? {}),
            ],
          );
        }
      }
      lessons.push({ id: lessonId, title: lessonTitle, moduleId, required, questionIds });
    }
  }
  return {
    id,
    title,
    lessons,
    lesson(t: string) {
      const l = lessons.find((x) => x.title === t);
      if (!l) throw new Error(`No lesson titled ${t}`);
      return l;
    },
  };
}

/** A course by a new instructor on a test server (`startTestServer()`), as `spec` describes it. */
export async function instructorCourse(
  t: Pick<TestServer, 'user' | 'server'>,
  spec: Omit<CourseSpec, 'ownerId'> = {},
): Promise<CreatedCourse> {
  const owner = await t.user('instructor');
  return createCourse(t.server.database.pool, { ...spec, ownerId: owner.id });
}

/** Enroll directly (for tests that are not about enrollment rules). */
export async function enrollDirectly(
  pool: pg.Pool,
  courseId: string,
  userId: string,
  opts: { status?: 'active' | 'completed' | 'dropped'; enrolledAt?: Date } = {},
): Promise<void> {
  const status = opts.status ?? 'active';
  await pool.query(
    `INSERT INTO enrollments (id, course_id, user_id, status, source, enrolled_at, completed_at, dropped_at)
     VALUES ($1, $2, $3, $4, 'instructor', $5, CASE WHEN $4 = 'completed' THEN now() END, CASE WHEN $4 = 'dropped' THEN now() END)`,
    [newId(), courseId, userId, status, opts.enrolledAt ?? new Date()],
  );
}
