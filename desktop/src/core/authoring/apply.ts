import type { z } from 'zod';
import type { AuthoringArgs, CourseDraftDoc, LessonInput, ModuleInput } from '@lyceum/contracts';

/**
 * This device's edits applied to a draft document, as the server applies them (sync-server catalog/draft-ops.ts):
 * pure functions of the document. An edit that no longer fits (its lesson is gone) throws EditDoesNotFit and is
 * left out of the local view; the server decides when it is pushed.
 */
type Args<N extends keyof typeof AuthoringArgs> = z.output<(typeof AuthoringArgs)[N]>;
export type EditName =
  | 'updateCourse'
  | 'addModule'
  | 'updateModule'
  | 'moveModule'
  | 'deleteModule'
  | 'addLesson'
  | 'updateLesson'
  | 'moveLesson'
  | 'deleteLesson'
  | 'putQuiz';
export type Edit = { [N in EditName]: { name: N; args: Args<N> } }[EditName];
export const editNames: ReadonlySet<string> = new Set<EditName>([
  'updateCourse',
  'addModule',
  'updateModule',
  'moveModule',
  'deleteModule',
  'addLesson',
  'updateLesson',
  'moveLesson',
  'deleteLesson',
  'putQuiz',
]);

export class EditDoesNotFit extends Error {}

type Lesson = LessonInput;
type Module = ModuleInput;
const clampInsert = <T>(list: T[], item: T, at: number | undefined): T[] => {
  const i = at === undefined ? list.length : Math.min(at, list.length);
  return [...list.slice(0, i), item, ...list.slice(i)];
};
function findLesson(doc: CourseDraftDoc, lessonId: string): { mi: number; li: number; lesson: Lesson } {
  for (let mi = 0; mi < doc.modules.length; mi++) {
    const li = doc.modules[mi]!.lessons.findIndex((l) => l.id === lessonId);
    if (li >= 0) return { mi, li, lesson: doc.modules[mi]!.lessons[li]! };
  }
  throw new EditDoesNotFit(`No lesson ${lessonId}`);
}
function findModule(doc: CourseDraftDoc, moduleId: string): number {
  const mi = doc.modules.findIndex((m) => m.id === moduleId);
  if (mi < 0) throw new EditDoesNotFit(`No module ${moduleId}`);
  return mi;
}
const withModules = (doc: CourseDraftDoc, modules: Module[]): CourseDraftDoc => ({ ...doc, modules });
const replaceAt = <T>(list: T[], i: number, item: T): T[] => list.map((x, j) => (j === i ? item : x));

/** Apply one edit (structural sharing: the parts it does not touch are the same objects). */
export function applyEdit(doc: CourseDraftDoc, e: Edit): CourseDraftDoc {
  switch (e.name) {
    case 'updateCourse':
      return { ...doc, details: { ...doc.details, ...e.args.patch } };
    case 'addModule': {
      if (doc.modules.some((m) => m.id === e.args.moduleId)) throw new EditDoesNotFit('Module exists');
      const m: Module = { id: e.args.moduleId, title: e.args.title, lessons: [] };
      return withModules(doc, clampInsert(doc.modules, m, e.args.position));
    }
    case 'updateModule': {
      const mi = findModule(doc, e.args.moduleId);
      return withModules(doc, replaceAt(doc.modules, mi, { ...doc.modules[mi]!, title: e.args.title }));
    }
    case 'moveModule': {
      const mi = findModule(doc, e.args.moduleId);
      const rest = doc.modules.filter((_, j) => j !== mi);
      return withModules(doc, clampInsert(rest, doc.modules[mi]!, e.args.position));
    }
    case 'deleteModule': {
      const mi = findModule(doc, e.args.moduleId);
      return withModules(
        doc,
        doc.modules.filter((_, j) => j !== mi),
      );
    }
    case 'addLesson': {
      const mi = findModule(doc, e.args.moduleId);
      if (doc.modules.some((m) => m.lessons.some((l) => l.id === e.args.lesson.id)))
        throw new EditDoesNotFit('Lesson exists');
      const m = doc.modules[mi]!;
      const lessons = clampInsert(m.lessons, e.args.lesson, e.args.position);
      return withModules(doc, replaceAt(doc.modules, mi, { ...m, lessons }));
    }
    case 'updateLesson': {
      const { mi, li, lesson } = findLesson(doc, e.args.lessonId);
      const next: Lesson = { ...lesson, ...e.args.patch };
      if (next.kind !== 'quiz') delete next.quiz;
      const m = doc.modules[mi]!;
      return withModules(doc, replaceAt(doc.modules, mi, { ...m, lessons: replaceAt(m.lessons, li, next) }));
    }
    case 'moveLesson': {
      const { mi, li, lesson } = findLesson(doc, e.args.lessonId);
      const to = findModule(doc, e.args.moduleId);
      const removed = doc.modules.map((m, j) =>
        j === mi ? { ...m, lessons: m.lessons.filter((_, k) => k !== li) } : m,
      );
      const target = removed[to]!;
      const lessons = clampInsert(target.lessons, lesson, e.args.position);
      return withModules(doc, replaceAt(removed, to, { ...target, lessons }));
    }
    case 'deleteLesson': {
      const { mi, li } = findLesson(doc, e.args.lessonId);
      const m = doc.modules[mi]!;
      const lessons = m.lessons.filter((_, k) => k !== li);
      return withModules(doc, replaceAt(doc.modules, mi, { ...m, lessons }));
    }
    case 'putQuiz': {
      const { mi, li, lesson } = findLesson(doc, e.args.lessonId);
      if (lesson.kind !== 'quiz') throw new EditDoesNotFit('Only quiz lessons have a quiz');
      const m = doc.modules[mi]!;
      const lessons = replaceAt(m.lessons, li, { ...lesson, quiz: e.args.quiz });
      return withModules(doc, replaceAt(doc.modules, mi, { ...m, lessons }));
    }
  }
}

/** Apply edits in order, leaving out those that no longer fit. */
export function applyEdits(doc: CourseDraftDoc, edits: Iterable<Edit>): CourseDraftDoc {
  let d = doc;
  for (const e of edits) {
    try {
      d = applyEdit(d, e);
    } catch (err) {
      if (!(err instanceof EditDoesNotFit)) throw err;
    }
  }
  return d;
}
