import { describe, expect, it } from 'vitest';
import type { CourseDraftDoc } from './authoring.ts';
import { applyEdit, applyEdits, EditDoesNotFit, type Edit } from './authoring-apply.ts';

/** A small deterministic random source (the same sequence every run). */
function rng(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
}
const lesson = (id: string, kind: 'text' | 'quiz' = 'text') => ({
  id,
  title: `L ${id}`,
  kind,
  durationMinutes: 0,
  isPreview: false,
  required: true,
  dueAt: null,
  body: '',
});

describe('replaying edits on a draft', () => {
  it('applyEdits (in place on a copy) gives what applyEdit one by one gives, and leaves the document alone', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = rng(seed);
      const doc: CourseDraftDoc = {
        details: { title: 'T', subject: 'S' },
        modules: [
          { id: 'm0', title: 'M0', lessons: [lesson('a'), lesson('b', 'quiz')] },
          { id: 'm1', title: 'M1', lessons: [lesson('c')] },
        ],
      };
      const frozen = JSON.stringify(doc);
      const mods = ['m0', 'm1', 'm2', 'm3'];
      const lessons = ['a', 'b', 'c', 'd', 'e', 'f'];
      const pick = <T>(xs: T[]) => xs[r(xs.length)]!;
      const edits: Edit[] = Array.from({ length: 60 }, (_, i): Edit => {
        const base = { courseId: 'c', baseVersion: 1 };
        switch (r(10)) {
          case 0:
            return { name: 'updateCourse', args: { ...base, patch: { title: `T${i}` } } };
          case 1:
            return {
              name: 'addModule',
              args: { ...base, moduleId: pick(mods), title: `M${i}`, position: r(4) },
            };
          case 2:
            return { name: 'updateModule', args: { ...base, moduleId: pick(mods), title: `M${i}` } };
          case 3:
            return { name: 'moveModule', args: { ...base, moduleId: pick(mods), position: r(4) } };
          case 4:
            return { name: 'deleteModule', args: { ...base, moduleId: pick(mods) } };
          case 5:
            return {
              name: 'addLesson',
              args: {
                ...base,
                moduleId: pick(mods),
                lesson: lesson(pick(lessons), r(2) ? 'quiz' : 'text'),
                position: r(3),
              },
            };
          case 6:
            return {
              name: 'updateLesson',
              args: {
                ...base,
                lessonId: pick(lessons),
                patch: r(3) ? { body: `B${i}` } : { kind: r(2) ? 'quiz' : 'text' },
              },
            };
          case 7:
            return {
              name: 'moveLesson',
              args: { ...base, lessonId: pick(lessons), moduleId: pick(mods), position: r(3) },
            };
          case 8:
            return { name: 'deleteLesson', args: { ...base, lessonId: pick(lessons) } };
          default:
            return {
              name: 'putQuiz',
              args: {
                ...base,
                lessonId: pick(lessons),
                quiz: {
                  passingPercent: 50,
                  attemptsAllowed: null,
                  graded: true,
                  weight: 1,
                  deviceGradable: false,
                  shuffle: false,
                  questions: [],
                },
              },
            };
        }
      });
      let one = doc;
      for (const e of edits) {
        try {
          one = applyEdit(one, e);
        } catch (err) {
          if (!(err instanceof EditDoesNotFit)) throw err;
        }
      }
      expect(applyEdits(doc, edits), `seed ${seed}`).toEqual(one);
      expect(JSON.stringify(doc)).toBe(frozen);
    }
  });
});
