import type { CourseDraftDoc } from '@lyceum/contracts';
import type { AuthoringConflict, ConflictTarget } from '../../contracts/authoring.ts';
import type { AuthoringRow } from './store.ts';

/**
 * A refused edit (version_conflict) as the side-by-side view shows it: what it targets, my value, and the server's
 * value of the same thing (from the refusal's `current`, else from the server's draft this device holds).
 */
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const lessonIn = (doc: CourseDraftDoc | null, id: string) =>
  doc?.modules.flatMap((m) => m.lessons).find((l) => l.id === id) ?? null;
const moduleIn = (doc: CourseDraftDoc | null, id: string) => doc?.modules.find((m) => m.id === id) ?? null;

/** What a refused edit targets, and which field when it sets only one. */
export function targetOf(row: AuthoringRow): ConflictTarget {
  const a = row.args;
  const patchField = () => {
    const keys = isObject(a.patch) ? Object.keys(a.patch) : [];
    return keys.length === 1 ? keys[0] : undefined;
  };
  switch (row.name) {
    case 'updateCourse':
      return { kind: 'details', id: String(a.courseId), field: patchField() };
    case 'addModule':
    case 'moveModule':
    case 'deleteModule':
      return { kind: 'module', id: String(a.moduleId) };
    case 'updateModule':
      return { kind: 'module', id: String(a.moduleId), field: 'title' };
    case 'addLesson':
      return { kind: 'lesson', id: String(isObject(a.lesson) ? a.lesson.id : '') };
    case 'updateLesson':
      return { kind: 'lesson', id: String(a.lessonId), field: patchField() };
    case 'putQuiz':
      return { kind: 'quiz', id: String(a.lessonId) };
    default:
      return { kind: 'lesson', id: String(a.lessonId) };
  }
}

/** My value: a field's value, the patch, the quiz, or the edit's arguments (without courseId and baseVersion). */
export function mineOf(row: AuthoringRow, t: ConflictTarget): unknown {
  const { courseId: _c, baseVersion: _b, ...rest } = row.args;
  if (row.name === 'updateModule') return row.args.title;
  if (row.name === 'updateCourse' || row.name === 'updateLesson') {
    const patch = isObject(row.args.patch) ? row.args.patch : {};
    return t.field ? patch[t.field] : patch;
  }
  if (row.name === 'putQuiz') return row.args.quiz;
  return rest;
}

/** The server's value of the same thing (null: it is gone there). */
export function theirsOf(
  row: AuthoringRow,
  t: ConflictTarget,
  current: unknown,
  serverDoc: CourseDraftDoc | null,
): unknown {
  // The server's copy of what the edit touched (it may hold only the parts that changed), over this device's copy.
  const stored: unknown =
    t.kind === 'details'
      ? (serverDoc?.details ?? null)
      : t.kind === 'module'
        ? moduleIn(serverDoc, t.id)
        : lessonIn(serverDoc, t.id);
  const sent = isObject(current) && (t.kind === 'details' || current.id === t.id) ? current : null;
  if (current === null && t.kind !== 'details') return null;
  const whole: unknown = sent ? { ...(isObject(stored) ? stored : {}), ...sent } : stored;
  if (!isObject(whole)) return null;
  if (row.name === 'putQuiz') return whole.quiz ?? null;
  if (row.name === 'updateCourse' || row.name === 'updateLesson') {
    const patch = isObject(row.args.patch) ? row.args.patch : {};
    if (t.field) return whole[t.field] ?? null;
    return Object.fromEntries(Object.keys(patch).map((k) => [k, whole[k] ?? null]));
  }
  if (row.name === 'updateModule') return whole.title ?? null;
  return whole;
}

/** The conflict of a refused edit (its details as the server sent them). */
export function conflictOf(
  row: AuthoringRow,
  courseId: string,
  serverDoc: CourseDraftDoc | null,
): AuthoringConflict {
  const details = isObject(row.result?.details) ? row.result.details : {};
  const target = targetOf(row);
  const by = typeof details.updatedBy === 'string' ? details.updatedBy : null;
  return {
    id: row.id,
    courseId,
    edit: row.name,
    target,
    mine: mineOf(row, target),
    theirs: theirsOf(row, target, details.current, serverDoc),
    theirsBy: { id: by },
    theirsAt: typeof details.updatedAt === 'string' ? details.updatedAt : (row.settledAt ?? row.createdAt),
    mineAt: row.createdAt,
  };
}

/** The arguments (without courseId and baseVersion) that issue `value` for the refused edit's target. */
export function argsWith(row: AuthoringRow, t: ConflictTarget, value: unknown): Record<string, unknown> {
  const { courseId: _c, baseVersion: _b, ...rest } = row.args;
  switch (row.name) {
    case 'updateModule':
      return { ...rest, title: value };
    case 'updateCourse':
    case 'updateLesson':
      return { ...rest, patch: t.field ? { [t.field]: value } : value };
    case 'putQuiz':
      return { ...rest, quiz: value };
    default:
      return isObject(value) ? value : {};
  }
}
