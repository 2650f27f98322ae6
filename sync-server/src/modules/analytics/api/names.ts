import type { InsightNames } from '@lyceum/contracts';
import type { CatalogReader } from '../../catalog/reader.ts';

export interface NameSources {
  catalog: Pick<CatalogReader, 'getStructure'>;
  /** Display names of users (missing ids are left out). */
  userNames: (ids: string[]) => Promise<Map<string, string>>;
}

/**
 * Display names for the courses, lessons, questions and learners an answer mentions: course and lesson titles from
 * the catalog, questions as "Lesson title · Q3", learners by name. Ids of outside tools stay as they are.
 */
export async function insightNames(
  src: NameSources,
  ids: { courses: Iterable<string>; learners: Iterable<string> },
): Promise<InsightNames> {
  const names: InsightNames = { courses: {}, lessons: {}, questions: {}, learners: {} };
  const courseIds = [...new Set(ids.courses)].filter((id) => /^[0-9a-f-]{36}$/i.test(id)).slice(0, 200);
  const structures = await Promise.all(courseIds.map((id) => src.catalog.getStructure(id).catch(() => null)));
  for (const s of structures) {
    if (!s) continue;
    names.courses[s.course.id] = s.course.title;
    for (const l of s.lessons) names.lessons[l.id] = l.title;
    for (const [lessonId, quiz] of s.quizzes) {
      const title = s.lessons.find((l) => l.id === lessonId)?.title ?? 'Quiz';
      quiz.questions.forEach((q, i) => {
        names.questions[q.id] = `${title} · Q${i + 1}`;
      });
    }
  }
  const learnerIds = [...new Set(ids.learners)].filter((id) => /^[0-9a-f-]{36}$/i.test(id)).slice(0, 200);
  for (const [id, name] of await src.userNames(learnerIds)) names.learners[id] = name;
  return names;
}
