import type { z } from 'zod';
import type { AuthoringArgs, CourseDraftDoc } from './authoring.ts';
import type { LessonInput, ModuleInput } from './catalog.ts';

/**
 * Authoring edits applied to a course draft document: pure functions of the document, ONE copy for the server (which
 * applies pushed edits to the draft: sync-server catalog/authoring-batch.ts) and the desktop (which replays its
 * pending edits on the server's copy for its local view). An edit that does not fit the document (its lesson is gone,
 * its id is taken, a quiz on a lesson that is not one) throws EditDoesNotFit with the code the server answers.
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

export class EditDoesNotFit extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'conflict' | 'validation_failed' = 'not_found',
  ) {
    super(message);
    this.name = 'EditDoesNotFit';
  }
}

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
  throw new EditDoesNotFit(`No lesson ${lessonId} in this course's draft`);
}
function findModule(doc: CourseDraftDoc, moduleId: string): number {
  const mi = doc.modules.findIndex((m) => m.id === moduleId);
  if (mi < 0) throw new EditDoesNotFit(`No module ${moduleId} in this course's draft`);
  return mi;
}
const withModules = (doc: CourseDraftDoc, modules: Module[]): CourseDraftDoc => ({ ...doc, modules });
const replaceAt = <T>(list: T[], i: number, item: T): T[] => list.map((x, j) => (j === i ? item : x));

/** A lesson with a patch applied (a lesson that is not a quiz has no quiz). */
function updated(lesson: Lesson, patch: Partial<Lesson>): Lesson {
  const { quiz, ...rest } = { ...lesson, ...patch };
  return rest.kind === 'quiz' && quiz ? { ...rest, quiz } : rest;
}

/** What the edit touches in `doc`, as it is there now (null: not there): the server's copy in a conflict's answer. */
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

/** Apply one edit (structural sharing: the parts it does not touch are the same objects). */
export function applyEdit(doc: CourseDraftDoc, e: Edit): CourseDraftDoc {
  switch (e.name) {
    case 'updateCourse':
      return { ...doc, details: { ...doc.details, ...e.args.patch } };
    case 'addModule': {
      if (doc.modules.some((m) => m.id === e.args.moduleId))
        throw new EditDoesNotFit('A module with this id already exists', 'conflict');
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
        throw new EditDoesNotFit('A lesson with this id already exists', 'conflict');
      const m = doc.modules[mi]!;
      const lessons = clampInsert(m.lessons, e.args.lesson, e.args.position);
      return withModules(doc, replaceAt(doc.modules, mi, { ...m, lessons }));
    }
    case 'updateLesson': {
      const { mi, li, lesson } = findLesson(doc, e.args.lessonId);
      const next = updated(lesson, e.args.patch);
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
      if (lesson.kind !== 'quiz')
        throw new EditDoesNotFit('Only quiz lessons have a quiz', 'validation_failed');
      const m = doc.modules[mi]!;
      const lessons = replaceAt(m.lessons, li, { ...lesson, quiz: e.args.quiz });
      return withModules(doc, replaceAt(doc.modules, mi, { ...m, lessons }));
    }
  }
}

/**
 * Apply edits in order, leaving out those that no longer fit: the same results as applyEdit one by one, on a working
 * copy changed in place (opening a course with thousands of pending edits must stay fast). `doc` is not changed.
 */
export function applyEdits(doc: CourseDraftDoc, edits: Iterable<Edit>): CourseDraftDoc {
  const work: CourseDraftDoc = {
    details: doc.details,
    modules: doc.modules.map((m) => ({ ...m, lessons: [...m.lessons] })),
  };
  const where = new Map<string, Module>();
  for (const m of work.modules) for (const l of m.lessons) where.set(l.id!, m);
  for (const e of edits) {
    try {
      applyInPlace(work, where, e);
    } catch (err) {
      if (!(err instanceof EditDoesNotFit)) throw err;
    }
  }
  return work;
}

const insertAt = <T>(list: T[], item: T, at: number | undefined) =>
  list.splice(at === undefined ? list.length : Math.min(at, list.length), 0, item);

function applyInPlace(work: CourseDraftDoc, where: Map<string, Module>, e: Edit): void {
  const moduleAt = (id: string) => {
    const mi = work.modules.findIndex((m) => m.id === id);
    if (mi < 0) throw new EditDoesNotFit(`No module ${id}`);
    return mi;
  };
  const lessonAt = (id: string) => {
    const m = where.get(id);
    if (!m) throw new EditDoesNotFit(`No lesson ${id}`);
    return { m, li: m.lessons.findIndex((l) => l.id === id) };
  };
  switch (e.name) {
    case 'updateCourse':
      work.details = { ...work.details, ...e.args.patch };
      return;
    case 'addModule':
      if (work.modules.some((m) => m.id === e.args.moduleId))
        throw new EditDoesNotFit('A module with this id already exists', 'conflict');
      insertAt(work.modules, { id: e.args.moduleId, title: e.args.title, lessons: [] }, e.args.position);
      return;
    case 'updateModule':
      work.modules[moduleAt(e.args.moduleId)]!.title = e.args.title;
      return;
    case 'moveModule': {
      const [m] = work.modules.splice(moduleAt(e.args.moduleId), 1);
      insertAt(work.modules, m!, e.args.position);
      return;
    }
    case 'deleteModule': {
      const [m] = work.modules.splice(moduleAt(e.args.moduleId), 1);
      for (const l of m!.lessons) where.delete(l.id!);
      return;
    }
    case 'addLesson': {
      const m = work.modules[moduleAt(e.args.moduleId)]!;
      if (where.has(e.args.lesson.id))
        throw new EditDoesNotFit('A lesson with this id already exists', 'conflict');
      insertAt(m.lessons, e.args.lesson, e.args.position);
      where.set(e.args.lesson.id, m);
      return;
    }
    case 'updateLesson': {
      const { m, li } = lessonAt(e.args.lessonId);
      m.lessons[li] = updated(m.lessons[li]!, e.args.patch);
      return;
    }
    case 'moveLesson': {
      const { m, li } = lessonAt(e.args.lessonId);
      const target = work.modules[moduleAt(e.args.moduleId)]!;
      const [lesson] = m.lessons.splice(li, 1);
      insertAt(target.lessons, lesson!, e.args.position);
      where.set(e.args.lessonId, target);
      return;
    }
    case 'deleteLesson': {
      const { m, li } = lessonAt(e.args.lessonId);
      m.lessons.splice(li, 1);
      where.delete(e.args.lessonId);
      return;
    }
    case 'putQuiz': {
      const { m, li } = lessonAt(e.args.lessonId);
      const lesson = m.lessons[li]!;
      if (lesson.kind !== 'quiz')
        throw new EditDoesNotFit('Only quiz lessons have a quiz', 'validation_failed');
      m.lessons[li] = { ...lesson, quiz: e.args.quiz };
      return;
    }
  }
}
