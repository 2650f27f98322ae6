import type { CourseDraftDoc } from '@lyceum/contracts';

/**
 * Where a keyboard move puts a module or lesson, as the arguments of moveModule / moveLesson (positions are indexes
 * in the list after the item is taken out, as the server applies them). Null: it cannot go further that way.
 */
type Modules = CourseDraftDoc['modules'];

export interface LessonPlace {
  moduleIndex: number;
  lessonIndex: number;
}

export function findLesson(modules: Modules, lessonId: string): LessonPlace | null {
  for (let mi = 0; mi < modules.length; mi++) {
    const li = modules[mi]!.lessons.findIndex((l) => l.id === lessonId);
    if (li >= 0) return { moduleIndex: mi, lessonIndex: li };
  }
  return null;
}

/** One step up (-1) or down (+1); past the first or last lesson of a module it goes to the next module's end or start. */
export function lessonStep(
  modules: Modules,
  lessonId: string,
  delta: -1 | 1,
): { moduleId: string; position: number } | null {
  const at = findLesson(modules, lessonId);
  if (!at) return null;
  const m = modules[at.moduleIndex]!;
  const next = at.lessonIndex + delta;
  if (next >= 0 && next < m.lessons.length) return { moduleId: m.id!, position: next };
  const other = modules[at.moduleIndex + delta];
  if (!other) return null;
  return { moduleId: other.id!, position: delta < 0 ? other.lessons.length : 0 };
}

export function moduleStep(modules: Modules, moduleId: string, delta: -1 | 1): number | null {
  const mi = modules.findIndex((m) => m.id === moduleId);
  const next = mi + delta;
  return mi < 0 || next < 0 || next >= modules.length ? null : next;
}

/** Dropping a lesson before `beforeLessonId` (or at the end of `moduleId` when null): its moveLesson position. */
export function lessonDrop(
  modules: Modules,
  lessonId: string,
  moduleId: string,
  beforeLessonId: string | null,
): number {
  const target = modules.find((m) => m.id === moduleId);
  const rest = (target?.lessons ?? []).filter((l) => l.id !== lessonId);
  if (beforeLessonId === null) return rest.length;
  const i = rest.findIndex((l) => l.id === beforeLessonId);
  return i < 0 ? rest.length : i;
}

/** Dropping a module on another one: it takes that module's place. */
export function moduleDrop(modules: Modules, moduleId: string, ontoModuleId: string): number {
  return Math.max(
    0,
    modules.findIndex((m) => m.id === ontoModuleId),
  );
}

/** Apply a move to a copy of the modules (what the screen shows until the core answers). */
export function applyLessonMove(
  modules: Modules,
  lessonId: string,
  moduleId: string,
  position: number,
): Modules {
  const at = findLesson(modules, lessonId);
  if (!at) return modules;
  const lesson = modules[at.moduleIndex]!.lessons[at.lessonIndex]!;
  const removed = modules.map((m, j) =>
    j === at.moduleIndex ? { ...m, lessons: m.lessons.filter((_, k) => k !== at.lessonIndex) } : m,
  );
  return removed.map((m) =>
    m.id === moduleId
      ? { ...m, lessons: [...m.lessons.slice(0, position), lesson, ...m.lessons.slice(position)] }
      : m,
  );
}
