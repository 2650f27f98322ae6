import { describe, expect, it } from 'vitest';
import { VERBS, activityIri, gradeQuiz } from '@lyceum/contracts';
import type { CourseStructure } from '../catalog/reader.ts';
import { attemptStatements, lessonCompletedStatement, uuidv5 } from './platform-statements.ts';

const structure: CourseStructure = {
  course: {
    id: 'c1',
    title: 'Course',
    status: 'published',
    ownerId: 'o',
    instructorIds: ['o'],
    priceCents: 0,
    currency: null,
    prerequisiteIds: [],
  },
  lessons: [
    {
      id: 'q1',
      moduleId: 'm',
      title: 'Quiz',
      kind: 'quiz',
      position: 0,
      required: true,
      durationMinutes: 5,
      dueAt: null,
    },
  ],
  quizzes: new Map([
    [
      'q1',
      {
        lessonId: 'q1',
        passingPercent: 50,
        attemptsAllowed: null,
        graded: true,
        weight: 1,
        deviceGradable: true,
        questions: [
          { id: 'a', points: 1, key: { type: 'true_false', value: true } },
          { id: 'b', points: 1, key: { type: 'multiple_choice', optionIds: ['x', 'y'] } },
        ],
      },
    ],
  ]),
};

describe('platform statements of HTTP-recorded progress', () => {
  it('have RFC 9562 version-5 ids, the same for the same business record and distinct otherwise', () => {
    const id = uuidv5('lesson-completed:u:l');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv5('lesson-completed:u:l')).toBe(id);
    expect(uuidv5('lesson-completed:u:m')).not.toBe(id);
    const at = '2026-12-01T10:00:00.000Z';
    const one = lessonCompletedStatement(structure, 'u', 'q1', at);
    expect(lessonCompletedStatement(structure, 'u', 'q1', at)).toEqual(one);
    expect(one).toMatchObject({
      verb: { id: VERBS.completed },
      object: { id: activityIri.lesson('c1', 'q1') },
      result: { completion: true },
      timestamp: at,
    });
  });

  it('describe an attempt as attempted, each answer with success and response, and the outcome with the score', () => {
    const answers = { a: true, b: ['x'] };
    const grade = gradeQuiz(structure.quizzes.get('q1')!.questions, answers, 50);
    const s = attemptStatements(structure, 'u', {
      id: 'att',
      lessonId: 'q1',
      answers,
      startedAt: '2026-12-01T09:59:30.000Z',
      submittedAt: '2026-12-01T10:00:00.000Z',
      grade,
    });
    expect(s.map((x) => x.verb.id)).toEqual([VERBS.attempted, VERBS.answered, VERBS.answered, VERBS.passed]);
    expect(s[0]!.result).toEqual({ duration: 'PT30S' });
    expect(s.slice(1, 3).map((x) => x.result)).toEqual([
      { success: true, response: 'true' },
      { success: false, response: 'x' },
    ]);
    expect(s[3]!.result).toMatchObject({ success: true, score: { raw: 1, max: 2, scaled: 0.5 } });
    expect(new Set(s.map((x) => x.id)).size).toBe(4);
    expect(
      attemptStatements(structure, 'u', {
        id: 'att',
        lessonId: 'q1',
        answers,
        startedAt: null,
        submittedAt: '2026-12-01T10:00:00.000Z',
        grade,
      }).map((x) => x.id),
    ).toEqual(s.map((x) => x.id));
  });
});
