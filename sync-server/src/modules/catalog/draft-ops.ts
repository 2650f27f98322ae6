import type { z } from 'zod';
import type { AuthoringArgs, CourseDraftDoc, LessonInput, ModuleInput } from '@lyceum/contracts';
import { ApiError } from '../../http/errors.ts';

/**
 * Edits of a course draft as pure functions of the document: each returns the new document and the part of the old
 * one it touched (the server's copy answered with a version conflict). Ids are the device's own.
 */
type Args<N extends keyof typeof AuthoringArgs> = z.output<(typeof AuthoringArgs)[N]>;
type Lesson = LessonInput;
type Module = ModuleInput;
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

const gone = (what: string, id: string) =>
  new ApiError('not_found', `No ${what} ${id} in this course's draft`);
const clampInsert = <T>(list: T[], item: T, at: number | undefined): T[] => {
  const i = at === undefined ? list.length : Math.min(at, list.length);
  return [...list.slice(0, i), item, ...list.slice(i)];
};

function findLesson(doc: CourseDraftDoc, lessonId: string): { mi: number; li: number; lesson: Lesson } {
  for (let mi = 0; mi < doc.modules.length; mi++) {
    const li = doc.modules[mi]!.lessons.findIndex((l) => l.id === lessonId);
    if (li >= 0) return { mi, li, lesson: doc.modules[mi]!.lessons[li]! };
  }
  throw gone('lesson', lessonId);
}
function findModule(doc: CourseDraftDoc, moduleId: string): number {
  const mi = doc.modules.findIndex((m) => m.id === moduleId);
  if (mi < 0) throw gone('module', moduleId);
  return mi;
}
const withModules = (doc: CourseDraftDoc, modules: Module[]): CourseDraftDoc => ({ ...doc, modules });
const replaceAt = <T>(list: T[], i: number, item: T): T[] => list.map((x, j) => (j === i ? item : x));

/** What the edit touches in `doc`, as it is there now (null: not there). */
export function touched(doc: CourseDraftDoc, e: Edit): unknown {
  switch (e.name) {
    case 'updateCourse':
      return doc.details;
    case 'addModule':
    case 'updateModule':
    case 'moveModule':
    case 'deleteModule':
      return doc.modules.find((m) => m.id === e.args.moduleId) ?? null;
    case 'addLesson':
      return doc.modules.flatMap((m) => m.lessons).find((l) => l.id === e.args.lesson.id) ?? null;
    default:
      return doc.modules.flatMap((m) => m.lessons).find((l) => l.id === e.args.lessonId) ?? null;
  }
}

/** Apply one edit; throws not_found / validation errors as ApiError. */
export function applyEdit(doc: CourseDraftDoc, e: Edit): CourseDraftDoc {
  switch (e.name) {
    case 'updateCourse':
      return { ...doc, details: { ...doc.details, ...e.args.patch } };
    case 'addModule': {
      if (doc.modules.some((m) => m.id === e.args.moduleId))
        throw new ApiError('conflict', 'A module with this id already exists');
      return withModules(
        doc,
        clampInsert(doc.modules, { id: e.args.moduleId, title: e.args.title, lessons: [] }, e.args.position),
      );
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
        throw new ApiError('conflict', 'A lesson with this id already exists');
      const m = doc.modules[mi]!;
      return withModules(
        doc,
        replaceAt(doc.modules, mi, { ...m, lessons: clampInsert(m.lessons, e.args.lesson, e.args.position) }),
      );
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
      return withModules(
        doc,
        replaceAt(removed, to, { ...target, lessons: clampInsert(target.lessons, lesson, e.args.position) }),
      );
    }
    case 'deleteLesson': {
      const { mi, li } = findLesson(doc, e.args.lessonId);
      const m = doc.modules[mi]!;
      return withModules(
        doc,
        replaceAt(doc.modules, mi, { ...m, lessons: m.lessons.filter((_, k) => k !== li) }),
      );
    }
    case 'putQuiz': {
      const { mi, li, lesson } = findLesson(doc, e.args.lessonId);
      if (lesson.kind !== 'quiz') throw new ApiError('validation_failed', 'Only quiz lessons have a quiz');
      const m = doc.modules[mi]!;
      return withModules(
        doc,
        replaceAt(doc.modules, mi, {
          ...m,
          lessons: replaceAt(m.lessons, li, { ...lesson, quiz: e.args.quiz }),
        }),
      );
    }
  }
}
