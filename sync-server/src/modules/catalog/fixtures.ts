import type { z } from 'zod';
import type { CourseCreate, CourseDetail, ModuleInput } from '@lyceum/contracts';

type CreateInput = z.input<typeof CourseCreate>;

/** A complete course: a preview video, a text lesson, a graded quiz and a device-gradable quiz (30 minutes in all). */
export function sampleCourse(over: Partial<CreateInput> = {}): CreateInput {
  return {
    title: 'Python Basics',
    subject: 'Programming',
    description: 'Learn Python from scratch.',
    tags: ['Python', 'beginners'],
    level: 'beginner',
    type: 'self_paced',
    language: 'en',
    modules: [
      {
        title: 'Start',
        lessons: [
          { title: 'Welcome', kind: 'text', durationMinutes: 10, isPreview: true, body: 'Welcome notes' },
          { title: 'Reading', kind: 'text', durationMinutes: 15, body: 'The secret body' },
        ],
      },
      {
        title: 'Check',
        lessons: [
          {
            title: 'Quiz 1',
            kind: 'quiz',
            durationMinutes: 5,
            quiz: {
              passingPercent: 60,
              attemptsAllowed: 3,
              questions: [
                {
                  type: 'single_choice',
                  prompt: '2 + 2?',
                  options: [
                    { id: 'a', text: '3', feedback: 'Count again' },
                    { id: 'b', text: '4', feedback: 'Yes' },
                  ],
                  answer: { type: 'single_choice', optionId: 'b' },
                  points: 2,
                  feedback: { correct: 'Right', incorrect: 'Wrong' },
                },
                {
                  type: 'true_false',
                  prompt: 'Is Python a language?',
                  answer: { type: 'true_false', value: true },
                },
              ],
            },
          },
          {
            title: 'Self check',
            kind: 'quiz',
            quiz: {
              deviceGradable: true,
              graded: false,
              questions: [
                {
                  type: 'numeric',
                  prompt: 'Pi to two places?',
                  answer: { type: 'numeric', value: 3.14, tolerance: 0.001 },
                },
              ],
            },
          },
        ],
      },
    ],
    ...over,
  };
}

/** The structure of a course detail as input again, ids included: what an editor sends back after a change. */
export function modulesOf(d: CourseDetail): z.input<typeof ModuleInput>[] {
  return d.modules.map((m) => ({
    id: m.id,
    title: m.title,
    lessons: m.lessons.map((l) => ({
      id: l.id,
      title: l.title,
      kind: l.kind,
      durationMinutes: l.durationMinutes,
      isPreview: l.isPreview,
      required: l.required,
      dueAt: l.dueAt,
      body: l.body ?? '',
      ...(l.quiz
        ? {
            quiz: {
              passingPercent: l.quiz.passingPercent,
              attemptsAllowed: l.quiz.attemptsAllowed,
              graded: l.quiz.graded,
              weight: l.quiz.weight,
              deviceGradable: l.quiz.deviceGradable,
              shuffle: l.quiz.shuffle,
              questions: (l.quiz.questions ?? []).map((q) => ({
                id: q.id,
                type: q.type,
                prompt: q.prompt,
                options: q.options,
                answer: q.answer!,
                points: q.points,
                feedback: q.feedback ?? {},
              })),
            },
          }
        : {}),
    })),
  }));
}

/** Every key anywhere in a JSON value (to prove something is absent at any depth). */
export function allKeys(v: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => allKeys(x, into));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      into.add(k);
      allKeys(x, into);
    }
  return into;
}
