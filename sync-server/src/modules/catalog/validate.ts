import type { ModuleInput, PublishProblem, QuestionInput } from '@lyceum/contracts';
import type { Issue } from './access.ts';

export const MAX_LESSONS = 1000;

/** Check that an answer key fits its question: same type, existing option ids, sensible options. */
export function questionIssues(q: QuestionInput, path: string): Issue[] {
  const out: Issue[] = [];
  const key = q.answer;
  if (key.type !== q.type)
    out.push({ path: `${path}.answer.type`, message: `The answer key must be of type ${q.type}` });
  const choice = q.type === 'single_choice' || q.type === 'multiple_choice';
  const ids = new Set(q.options.map((o) => o.id));
  if (choice) {
    if (q.options.length < 2)
      out.push({ path: `${path}.options`, message: 'Choice questions need at least two options' });
    if (ids.size !== q.options.length)
      out.push({ path: `${path}.options`, message: 'Option ids must be unique within a question' });
  } else if (q.options.length > 0) {
    out.push({ path: `${path}.options`, message: 'Only choice questions have options' });
  }
  if (key.type === 'single_choice' && q.type === 'single_choice' && !ids.has(key.optionId))
    out.push({ path: `${path}.answer.optionId`, message: `No option has the id ${key.optionId}` });
  if (key.type === 'multiple_choice' && q.type === 'multiple_choice') {
    key.optionIds.forEach((id, i) => {
      if (!ids.has(id))
        out.push({ path: `${path}.answer.optionIds.${i}`, message: `No option has the id ${id}` });
    });
    if (new Set(key.optionIds).size !== key.optionIds.length)
      out.push({ path: `${path}.answer.optionIds`, message: 'Each correct option is listed once' });
  }
  if (key.type === 'short_answer' && key.accepted.some((a) => a.trim() === ''))
    out.push({ path: `${path}.answer.accepted`, message: 'Accepted answers cannot be blank' });
  return out;
}

/** Problems of a course structure that a schema cannot express: duplicate ids, quiz settings on non-quiz lessons, answer keys. */
export function structureIssues(modules: ModuleInput[], base = 'body.modules'): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const unique = (id: string | undefined, path: string) => {
    if (!id) return;
    if (seen.has(id)) issues.push({ path: `${path}.id`, message: 'This id is used twice' });
    seen.add(id);
  };
  let lessonCount = 0;
  modules.forEach((m, mi) => {
    const mp = `${base}.${mi}`;
    unique(m.id, mp);
    m.lessons.forEach((l, li) => {
      lessonCount += 1;
      const lp = `${mp}.lessons.${li}`;
      unique(l.id, lp);
      if (l.kind !== 'quiz' && l.quiz)
        issues.push({ path: `${lp}.quiz`, message: 'Only quiz lessons have quiz settings' });
      l.quiz?.questions.forEach((q, qi) => {
        const qp = `${lp}.quiz.questions.${qi}`;
        unique(q.id, qp);
        issues.push(...questionIssues(q, qp));
      });
    });
  });
  if (lessonCount > MAX_LESSONS)
    issues.push({ path: base, message: `A course has at most ${MAX_LESSONS} lessons` });
  return issues;
}

/** Normalize tags: trimmed, lower case, each once, in the order given. */
export function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean))];
}

interface OutlineLesson {
  id?: string | undefined;
  kind: string;
  quiz?: { questions: { points: number }[] } | null;
}

/**
 * Why a course cannot be published yet (empty when it can): a title, at least one lesson, quizzes with questions worth
 * points, and (given `readyMedia`, the lesson ids with a ready file of their kind) video and slides lessons with their file.
 */
export function publishProblems(
  title: string,
  modules: { lessons: OutlineLesson[] }[],
  readyMedia?: Set<string>,
): PublishProblem[] {
  const out: PublishProblem[] = [];
  if (!title.trim()) out.push({ code: 'title_missing', path: 'title', message: 'A course needs a title' });
  if (!modules.some((m) => m.lessons.length > 0))
    out.push({ code: 'no_lessons', path: 'modules', message: 'A course needs at least one lesson' });
  modules.forEach((m, mi) =>
    m.lessons.forEach((l, li) => {
      const at = { path: `modules.${mi}.lessons.${li}`, ...(l.id ? { lessonId: l.id } : {}) };
      if ((l.kind === 'video' || l.kind === 'slides') && readyMedia && !(l.id && readyMedia.has(l.id)))
        out.push({
          ...at,
          code: l.kind === 'video' ? 'video_not_ready' : 'slides_not_ready',
          message: `This ${l.kind} lesson has no ready ${l.kind === 'video' ? 'video' : 'slides'} yet`,
        });
      if (l.kind !== 'quiz') return;
      const questions = l.quiz?.questions ?? [];
      const path = `${at.path}.quiz.questions`;
      if (!questions.length)
        out.push({
          ...at,
          path,
          code: 'quiz_without_questions',
          message: 'A quiz needs at least one question',
        });
      else if (questions.reduce((s, q) => s + q.points, 0) <= 0)
        out.push({
          ...at,
          path,
          code: 'quiz_without_points',
          message: 'A quiz needs questions worth points',
        });
    }),
  );
  return out;
}
