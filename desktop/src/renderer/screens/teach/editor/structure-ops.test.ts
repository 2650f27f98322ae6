import { describe, expect, it } from 'vitest';
import type { CourseDraftDoc } from '@lyceum/contracts';
import { applyLessonMove, lessonDrop, lessonStep, moduleDrop, moduleStep } from './structure-ops.ts';

const lesson = (id: string) => ({
  id,
  title: id,
  kind: 'text' as const,
  durationMinutes: 0,
  isPreview: false,
  required: true,
  dueAt: null,
  body: '',
});
const modules: CourseDraftDoc['modules'] = [
  { id: 'm1', title: 'One', lessons: [lesson('a'), lesson('b')] },
  { id: 'm2', title: 'Two', lessons: [lesson('c')] },
  { id: 'm3', title: 'Three', lessons: [] },
];

describe('keyboard and drop moves of the structure tree (positions as the server applies them)', () => {
  it('steps a lesson within its module, then across to the next or previous module', () => {
    expect(lessonStep(modules, 'b', -1)).toEqual({ moduleId: 'm1', position: 0 });
    expect(lessonStep(modules, 'a', 1)).toEqual({ moduleId: 'm1', position: 1 });
    expect(lessonStep(modules, 'b', 1)).toEqual({ moduleId: 'm2', position: 0 });
    expect(lessonStep(modules, 'c', -1)).toEqual({ moduleId: 'm1', position: 2 });
    expect(lessonStep(modules, 'c', 1)).toEqual({ moduleId: 'm3', position: 0 });
    expect(lessonStep(modules, 'a', -1)).toBeNull();
    expect(lessonStep(modules, 'nope', 1)).toBeNull();
  });

  it('steps modules and stops at the ends', () => {
    expect(moduleStep(modules, 'm2', -1)).toBe(0);
    expect(moduleStep(modules, 'm1', -1)).toBeNull();
    expect(moduleStep(modules, 'm3', 1)).toBeNull();
    expect(moduleDrop(modules, 'm3', 'm1')).toBe(0);
  });

  it('a drop before a lesson or at a module end is the index in the list without the dragged lesson', () => {
    expect(lessonDrop(modules, 'a', 'm1', null)).toBe(1);
    expect(lessonDrop(modules, 'c', 'm1', 'b')).toBe(1);
    expect(lessonDrop(modules, 'a', 'm2', 'c')).toBe(0);
    const moved = applyLessonMove(modules, 'c', 'm1', 2);
    expect(moved.map((m) => m.lessons.map((l) => l.id))).toEqual([['a', 'b', 'c'], [], []]);
  });
});
