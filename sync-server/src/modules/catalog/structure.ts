import { and, asc, eq, inArray, ne, notInArray, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { ModuleInput } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import { newId } from '../../lib/ids.ts';
import { invalid, type Issue } from './access.ts';
import { courseModules, lessons, quizQuestions, quizzes } from './tables.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Exec = Db | Tx;

type ModuleRow = typeof courseModules.$inferInsert;
type LessonRow = typeof lessons.$inferSelect;
type QuizRow = typeof quizzes.$inferSelect;
type QuestionRow = typeof quizQuestions.$inferSelect;

const excluded = (column: string) => sql.raw(`excluded.${column}`);

async function chunked<T>(rows: T[], size: number, fn: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await fn(rows.slice(i, i + size));
}

/** Sent ids that belong to another course: refused, so nobody can move (or overwrite) another course's lessons. */
async function foreignIds(
  tx: Exec,
  courseId: string,
  moduleIds: string[],
  lessonIds: string[],
  questionIds: string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  if (moduleIds.length) {
    const r = await tx
      .select({ id: courseModules.id })
      .from(courseModules)
      .where(and(inArray(courseModules.id, moduleIds), ne(courseModules.courseId, courseId)));
    r.forEach((x) => found.add(x.id));
  }
  if (lessonIds.length) {
    const r = await tx
      .select({ id: lessons.id })
      .from(lessons)
      .where(and(inArray(lessons.id, lessonIds), ne(lessons.courseId, courseId)));
    r.forEach((x) => found.add(x.id));
  }
  if (questionIds.length) {
    const r = await tx
      .select({ id: quizQuestions.id })
      .from(quizQuestions)
      .innerJoin(quizzes, eq(quizzes.lessonId, quizQuestions.lessonId))
      .where(and(inArray(quizQuestions.id, questionIds), ne(quizzes.courseId, courseId)));
    r.forEach((x) => found.add(x.id));
  }
  return found;
}

/**
 * Replace a course's structure with `modules`. Items sent with an id keep it (lessons may move between modules,
 * questions between quizzes); new items get fresh ids; items left out are deleted. Upserts run before deletes,
 * so nothing that is kept is ever removed by a cascade. Call inside a transaction; `modules` is already validated.
 */
export async function replaceStructure(tx: Tx, courseId: string, modules: ModuleInput[]): Promise<void> {
  const moduleRows: ModuleRow[] = [];
  const lessonRows: (typeof lessons.$inferInsert)[] = [];
  const quizRows: (typeof quizzes.$inferInsert)[] = [];
  const questionRows: (typeof quizQuestions.$inferInsert)[] = [];
  const sent = { modules: [] as string[], lessons: [] as string[], questions: [] as string[] };
  const issues: Issue[] = [];

  modules.forEach((m, mi) => {
    if (m.id) sent.modules.push(m.id);
    const moduleId = m.id ?? newId();
    moduleRows.push({ id: moduleId, courseId, position: mi, title: m.title });
    m.lessons.forEach((l, li) => {
      if (l.id) sent.lessons.push(l.id);
      const lessonId = l.id ?? newId();
      lessonRows.push({
        id: lessonId,
        courseId,
        moduleId,
        position: li,
        title: l.title,
        kind: l.kind,
        durationMinutes: l.durationMinutes,
        isPreview: l.isPreview,
        required: l.required,
        dueAt: l.dueAt ? new Date(l.dueAt) : null,
        releaseAt: l.releaseAt ? new Date(l.releaseAt) : null,
        body: l.body,
      });
      if (l.kind !== 'quiz') return;
      const quiz = l.quiz ?? {
        passingPercent: 70,
        attemptsAllowed: null,
        graded: true,
        weight: 1,
        deviceGradable: false,
        shuffle: false,
        questions: [],
      };
      quizRows.push({
        lessonId,
        courseId,
        passingPercent: quiz.passingPercent,
        attemptsAllowed: quiz.attemptsAllowed,
        graded: quiz.graded,
        weight: quiz.weight,
        deviceGradable: quiz.deviceGradable,
        shuffle: quiz.shuffle,
      });
      quiz.questions.forEach((q, qi) => {
        if (q.id) sent.questions.push(q.id);
        questionRows.push({
          id: q.id ?? newId(),
          lessonId,
          position: qi,
          type: q.type,
          prompt: q.prompt,
          options: q.options,
          answer: q.answer,
          points: q.points,
          feedback: q.feedback,
        });
      });
    });
  });

  const foreign = await foreignIds(tx, courseId, sent.modules, sent.lessons, sent.questions);
  if (foreign.size) {
    modules.forEach((m, mi) => {
      if (m.id && foreign.has(m.id))
        issues.push({ path: `body.modules.${mi}.id`, message: 'This id belongs to another course' });
      m.lessons.forEach((l, li) => {
        if (l.id && foreign.has(l.id))
          issues.push({
            path: `body.modules.${mi}.lessons.${li}.id`,
            message: 'This id belongs to another course',
          });
        l.quiz?.questions.forEach((q, qi) => {
          if (q.id && foreign.has(q.id))
            issues.push({
              path: `body.modules.${mi}.lessons.${li}.quiz.questions.${qi}.id`,
              message: 'This id belongs to another course',
            });
        });
      });
    });
    invalid('Some ids belong to another course', issues);
  }

  if (moduleRows.length)
    await tx
      .insert(courseModules)
      .values(moduleRows)
      .onConflictDoUpdate({
        target: courseModules.id,
        set: { position: excluded('position'), title: excluded('title') },
      });
  await chunked(lessonRows, 500, (part) =>
    tx
      .insert(lessons)
      .values(part)
      .onConflictDoUpdate({
        target: lessons.id,
        set: {
          moduleId: excluded('module_id'),
          position: excluded('position'),
          title: excluded('title'),
          kind: excluded('kind'),
          durationMinutes: excluded('duration_minutes'),
          isPreview: excluded('is_preview'),
          required: excluded('required'),
          dueAt: excluded('due_at'),
          releaseAt: excluded('release_at'),
          body: excluded('body'),
        },
      }),
  );
  await chunked(quizRows, 500, (part) =>
    tx
      .insert(quizzes)
      .values(part)
      .onConflictDoUpdate({
        target: quizzes.lessonId,
        set: {
          passingPercent: excluded('passing_percent'),
          attemptsAllowed: excluded('attempts_allowed'),
          graded: excluded('graded'),
          weight: excluded('weight'),
          deviceGradable: excluded('device_gradable'),
          shuffle: excluded('shuffle'),
        },
      }),
  );
  await chunked(questionRows, 500, (part) =>
    tx
      .insert(quizQuestions)
      .values(part)
      .onConflictDoUpdate({
        target: quizQuestions.id,
        set: {
          lessonId: excluded('lesson_id'),
          position: excluded('position'),
          type: excluded('type'),
          prompt: excluded('prompt'),
          options: excluded('options'),
          answer: excluded('answer'),
          points: excluded('points'),
          feedback: excluded('feedback'),
        },
      }),
  );

  const keep = (col: AnyPgColumn, ids: string[]) => (ids.length ? notInArray(col, ids) : undefined);
  const questionIds = questionRows.map((q) => q.id!);
  await tx.execute(sql`
    DELETE FROM quiz_questions qq USING quizzes q
    WHERE qq.lesson_id = q.lesson_id AND q.course_id = ${courseId}
      ${questionIds.length ? sql`AND NOT (qq.id = ANY(${sql.param(questionIds)}::uuid[]))` : sql``}`);
  await tx.delete(quizzes).where(
    and(
      eq(quizzes.courseId, courseId),
      keep(
        quizzes.lessonId,
        quizRows.map((q) => q.lessonId),
      ),
    ),
  );
  await tx.delete(lessons).where(
    and(
      eq(lessons.courseId, courseId),
      keep(
        lessons.id,
        lessonRows.map((l) => l.id),
      ),
    ),
  );
  await tx.delete(courseModules).where(
    and(
      eq(courseModules.courseId, courseId),
      keep(
        courseModules.id,
        moduleRows.map((m) => m.id),
      ),
    ),
  );
}

export interface FullStructure {
  modules: {
    id: string;
    title: string;
    lessons: (LessonRow & { quiz: (QuizRow & { questions: QuestionRow[] }) | null })[];
  }[];
}

/** Everything under a course, in order, answer keys included (callers decide what to show). */
export async function loadFullStructure(db: Exec, courseId: string): Promise<FullStructure> {
  const [mods, lsns, qzs, qs] = await Promise.all([
    db
      .select()
      .from(courseModules)
      .where(eq(courseModules.courseId, courseId))
      .orderBy(asc(courseModules.position)),
    db.select().from(lessons).where(eq(lessons.courseId, courseId)).orderBy(asc(lessons.position)),
    db.select().from(quizzes).where(eq(quizzes.courseId, courseId)),
    db
      .select({ q: quizQuestions })
      .from(quizQuestions)
      .innerJoin(quizzes, eq(quizzes.lessonId, quizQuestions.lessonId))
      .where(eq(quizzes.courseId, courseId))
      .orderBy(asc(quizQuestions.position)),
  ]);
  const questionsBy = new Map<string, QuestionRow[]>();
  for (const { q } of qs) {
    const list = questionsBy.get(q.lessonId) ?? [];
    list.push(q);
    questionsBy.set(q.lessonId, list);
  }
  const quizBy = new Map(
    qzs.map((q) => [q.lessonId, { ...q, questions: questionsBy.get(q.lessonId) ?? [] }]),
  );
  const byModule = new Map<string, FullStructure['modules'][number]['lessons']>();
  for (const l of lsns) {
    const list = byModule.get(l.moduleId) ?? [];
    list.push({ ...l, quiz: quizBy.get(l.id) ?? null });
    byModule.set(l.moduleId, list);
  }
  return { modules: mods.map((m) => ({ id: m.id, title: m.title, lessons: byModule.get(m.id) ?? [] })) };
}

/** Keep the derived columns (total duration, lesson count) in step with the lessons. */
export async function refreshDerived(tx: Exec, courseId: string): Promise<void> {
  await tx.execute(sql`
    UPDATE courses c SET
      duration_minutes = COALESCE((SELECT sum(l.duration_minutes) FROM lessons l WHERE l.course_id = c.id), 0),
      lesson_count = (SELECT count(*) FROM lessons l WHERE l.course_id = c.id)
    WHERE c.id = ${courseId}`);
}
