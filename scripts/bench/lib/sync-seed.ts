import { randomUUID } from 'node:crypto';
import type pg from 'pg';

export interface BenchLesson {
  id: string;
  quiz: boolean;
  questionIds: string[];
}

export interface BenchCourse {
  id: string;
  lessons: BenchLesson[];
}

/**
 * `count` published courses of `modules` × `perModule` lessons; every 10th lesson is a practice quiz (unlimited
 * attempts, three true/false questions). Written with a few set-based INSERTs.
 */
export async function seedStructuredCourses(
  pool: pg.Pool,
  ownerId: string,
  count: number,
  modules = 5,
  perModule = 20,
): Promise<BenchCourse[]> {
  const courses: BenchCourse[] = [];
  const courseRows: unknown[] = [];
  const moduleRows: unknown[] = [];
  const lessonRows: unknown[] = [];
  const quizRows: unknown[] = [];
  const questionRows: unknown[] = [];
  for (let c = 0; c < count; c++) {
    const courseId = randomUUID();
    courseRows.push({ id: courseId, title: `Sync bench course ${c + 1}`, lesson_count: modules * perModule });
    const lessons: BenchLesson[] = [];
    for (let m = 0; m < modules; m++) {
      const moduleId = randomUUID();
      moduleRows.push({ id: moduleId, course_id: courseId, position: m, title: `Module ${m + 1}` });
      for (let l = 0; l < perModule; l++) {
        const id = randomUUID();
        const quiz = l % 10 === 9;
        lessonRows.push({
          id,
          course_id: courseId,
          module_id: moduleId,
          position: l,
          title: `Lesson ${m + 1}.${l + 1}`,
          kind: quiz ? 'quiz' : 'video',
          body: 'Lorem ipsum '.repeat(20),
        });
        const questionIds: string[] = [];
        if (quiz) {
          quizRows.push({ lesson_id: id, course_id: courseId });
          for (let q = 0; q < 3; q++) {
            const qid = randomUUID();
            questionIds.push(qid);
            questionRows.push({
              id: qid,
              lesson_id: id,
              position: q,
              prompt: `Is statement ${q + 1} true?`,
              answer: { type: 'true_false', value: q % 2 === 0 },
            });
          }
        }
        lessons.push({ id, quiz, questionIds });
      }
    }
    courses.push({ id: courseId, lessons });
  }
  const insert = async (sql: string, rows: unknown[]) => {
    for (let i = 0; i < rows.length; i += 2000)
      await pool.query(sql, [JSON.stringify(rows.slice(i, i + 2000))]);
  };
  await pool.query(
    `INSERT INTO courses (id, owner_id, title, description, subject, type, level, status, published_at, lesson_count, duration_minutes, instructors, instructor_names)
     SELECT x.id, $2, x.title, 'A course for the sync benchmark', 'Benchmarks', 'self_paced', 'beginner', 'published', now(), x.lesson_count, x.lesson_count * 10,
       jsonb_build_array(jsonb_build_object('id', $2::uuid, 'name', 'Bench Instructor')), 'Bench Instructor'
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, title text, lesson_count int)`,
    [JSON.stringify(courseRows), ownerId],
  );
  await pool.query(
    `INSERT INTO course_instructors (course_id, user_id, position) SELECT x.id, $2, 0 FROM jsonb_to_recordset($1::jsonb) AS x(id uuid)`,
    [JSON.stringify(courseRows), ownerId],
  );
  await insert(
    `INSERT INTO course_modules (id, course_id, position, title) SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, course_id uuid, position int, title text)`,
    moduleRows,
  );
  await insert(
    `INSERT INTO lessons (id, course_id, module_id, position, title, kind, duration_minutes, body)
     SELECT x.id, x.course_id, x.module_id, x.position, x.title, x.kind, 10, x.body
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, course_id uuid, module_id uuid, position int, title text, kind text, body text)`,
    lessonRows,
  );
  await insert(
    `INSERT INTO quizzes (lesson_id, course_id, passing_percent, attempts_allowed, graded, device_gradable)
     SELECT x.lesson_id, x.course_id, 60, NULL, false, true FROM jsonb_to_recordset($1::jsonb) AS x(lesson_id uuid, course_id uuid)`,
    quizRows,
  );
  await insert(
    `INSERT INTO quiz_questions (id, lesson_id, position, type, prompt, options, answer, points)
     SELECT x.id, x.lesson_id, x.position, 'true_false', x.prompt, '[]'::jsonb, x.answer, 1
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, lesson_id uuid, position int, prompt text, answer jsonb)`,
    questionRows,
  );
  return courses;
}

/** Students with a known id (no password logins: the benchmark signs their access tokens with the server's secret). */
export async function seedStudents(pool: pg.Pool, count: number, prefix: string): Promise<string[]> {
  const r = await pool.query<{ id: string }>(
    `INSERT INTO users (id, email, name, password_hash, role)
     SELECT gen_random_uuid(), $2 || g || '@bench.test', 'Student ' || g, 'x', 'student' FROM generate_series(1, $1::int) g
     RETURNING id`,
    [count, prefix],
  );
  return r.rows.map((x) => x.id);
}

export async function enrollAll(pool: pg.Pool, pairs: { userId: string; courseId: string }[]): Promise<void> {
  for (let i = 0; i < pairs.length; i += 5000)
    await pool.query(
      `INSERT INTO enrollments (id, course_id, user_id, status, source)
       SELECT gen_random_uuid(), x."courseId", x."userId", 'active', 'instructor' FROM jsonb_to_recordset($1::jsonb) AS x("userId" uuid, "courseId" uuid)`,
      [JSON.stringify(pairs.slice(i, i + 5000))],
    );
}
