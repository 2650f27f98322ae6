import type { CourseCreate, QuestionInput } from '@lyceum/contracts';

import type { CourseSpec } from './course-specs.ts';

export { courseSpecs } from './course-specs.ts';

/** A small question bank per subject, so each course's quizzes make sense. */
const banks: Record<string, QuestionInput[]> = {
  default: [
    {
      type: 'true_false',
      prompt: 'Spaced practice helps you remember more than cramming.',
      options: [],
      answer: { type: 'true_false', value: true },
      points: 1,
      feedback: { correct: 'Yes: spacing beats cramming.' },
    },
    {
      type: 'single_choice',
      prompt: 'What should you do when an exercise feels too hard?',
      options: [
        { id: 'a', text: 'Give up' },
        { id: 'b', text: 'Review the lesson and try a smaller step' },
        { id: 'c', text: 'Skip the rest of the course' },
      ],
      answer: { type: 'single_choice', optionId: 'b' },
      points: 1,
      feedback: {},
    },
  ],
  Programming: [
    {
      type: 'single_choice',
      prompt: 'Which value is a string?',
      options: [
        { id: 'a', text: '42' },
        { id: 'b', text: '"42"' },
        { id: 'c', text: 'true' },
      ],
      answer: { type: 'single_choice', optionId: 'b' },
      points: 1,
      feedback: { incorrect: 'Strings are written between quotes.' },
    },
    {
      type: 'multiple_choice',
      prompt: 'Which of these are loops?',
      options: [
        { id: 'a', text: 'for' },
        { id: 'b', text: 'while' },
        { id: 'c', text: 'if' },
      ],
      answer: { type: 'multiple_choice', optionIds: ['a', 'b'] },
      points: 2,
      feedback: {},
    },
    {
      type: 'numeric',
      prompt: 'How many times does `for i in range(3)` run its body?',
      options: [],
      answer: { type: 'numeric', value: 3, tolerance: 0 },
      points: 1,
      feedback: {},
    },
  ],
  Mathematics: [
    {
      type: 'numeric',
      prompt: 'Solve for x: 2x + 6 = 14',
      options: [],
      answer: { type: 'numeric', value: 4, tolerance: 0 },
      points: 1,
      feedback: {},
    },
    {
      type: 'numeric',
      prompt: 'What is the derivative of x² at x = 3?',
      options: [],
      answer: { type: 'numeric', value: 6, tolerance: 0 },
      points: 2,
      feedback: {},
    },
    {
      type: 'true_false',
      prompt: 'Every square matrix has an inverse.',
      options: [],
      answer: { type: 'true_false', value: false },
      points: 1,
      feedback: { incorrect: 'Only matrices with a non-zero determinant do.' },
    },
  ],
  Languages: [
    {
      type: 'short_answer',
      prompt: 'Translate "thank you" into Spanish.',
      options: [],
      answer: { type: 'short_answer', accepted: ['gracias'], caseSensitive: false },
      points: 1,
      feedback: {},
    },
    {
      type: 'single_choice',
      prompt: 'Which greeting is used in the morning in French?',
      options: [
        { id: 'a', text: 'Bonsoir' },
        { id: 'b', text: 'Bonjour' },
        { id: 'c', text: 'Bonne nuit' },
      ],
      answer: { type: 'single_choice', optionId: 'b' },
      points: 1,
      feedback: {},
    },
  ],
  'Data Science': [
    {
      type: 'single_choice',
      prompt: 'Which measure is least affected by outliers?',
      options: [
        { id: 'a', text: 'Mean' },
        { id: 'b', text: 'Median' },
        { id: 'c', text: 'Range' },
      ],
      answer: { type: 'single_choice', optionId: 'b' },
      points: 1,
      feedback: {},
    },
    {
      type: 'true_false',
      prompt: 'A model that fits its training data perfectly always generalises well.',
      options: [],
      answer: { type: 'true_false', value: false },
      points: 1,
      feedback: { incorrect: 'That is overfitting.' },
    },
  ],
  Science: [
    {
      type: 'single_choice',
      prompt: 'What is the powerhouse of the cell?',
      options: [
        { id: 'a', text: 'Nucleus' },
        { id: 'b', text: 'Mitochondrion' },
        { id: 'c', text: 'Ribosome' },
      ],
      answer: { type: 'single_choice', optionId: 'b' },
      points: 1,
      feedback: {},
    },
    {
      type: 'short_answer',
      prompt: 'What is the chemical formula of water?',
      options: [],
      answer: { type: 'short_answer', accepted: ['H2O'], caseSensitive: false },
      points: 1,
      feedback: {},
    },
  ],
};

const lessonText = (title: string, course: string) =>
  `# ${title}\n\nThis lesson of *${course}* introduces the key ideas step by step.\n\n1. Read the explanation.\n2. Try the worked example.\n3. Check yourself with the short exercise at the end.\n`;

/** The full CourseCreate payload of a demo course: three modules with video, slides, text and quiz lessons. */
export function courseInput(spec: CourseSpec, prerequisiteIds: string[]): CourseCreate {
  const bank = banks[spec.subject] ?? banks.default!;
  const quizQuestions = [...bank, ...banks.default!].slice(0, 4);
  const due = new Date(Date.now() + 21 * 86_400_000).toISOString();
  // Vary lesson lengths between courses (a stable factor from the title), so durations differ in the catalog.
  const factor = 0.6 + ([...spec.title].reduce((a, c) => a + c.charCodeAt(0), 0) % 9) * 0.2;
  const minutes = (m: number) => Math.max(3, Math.round(m * factor));
  return {
    title: spec.title,
    subject: spec.subject,
    level: spec.level,
    type: spec.type,
    language: spec.language,
    tags: spec.tags,
    description: spec.description,
    price: spec.price,
    prerequisiteIds,
    modules: [
      {
        title: 'Getting started',
        lessons: [
          {
            title: 'Welcome and course overview',
            kind: 'video',
            durationMinutes: minutes(6),
            isPreview: true,
            required: true,
            dueAt: null,
            body: 'Transcript: welcome!',
          },
          {
            title: 'How to study this course',
            kind: 'text',
            durationMinutes: minutes(8),
            isPreview: true,
            required: true,
            dueAt: null,
            body: lessonText('How to study this course', spec.title),
          },
        ],
      },
      {
        title: 'Core ideas',
        lessons: [
          {
            title: 'Key concepts',
            kind: 'slides',
            durationMinutes: minutes(15),
            isPreview: false,
            required: true,
            dueAt: null,
            body: '',
          },
          {
            title: 'Worked examples',
            kind: 'text',
            durationMinutes: minutes(20),
            isPreview: false,
            required: true,
            dueAt: null,
            body: lessonText('Worked examples', spec.title),
          },
          {
            title: 'Practice check',
            kind: 'quiz',
            durationMinutes: minutes(10),
            isPreview: false,
            required: true,
            dueAt: null,
            body: '',
            quiz: {
              passingPercent: 60,
              attemptsAllowed: null,
              graded: false,
              weight: 0,
              deviceGradable: true,
              shuffle: false,
              questions: quizQuestions.slice(0, 2),
            },
          },
        ],
      },
      {
        title: 'Putting it together',
        lessons: [
          {
            title: 'Case study',
            kind: 'video',
            durationMinutes: minutes(18),
            isPreview: false,
            required: true,
            dueAt: null,
            body: 'Transcript: a case study.',
          },
          {
            title: 'Further reading',
            kind: 'text',
            durationMinutes: minutes(10),
            isPreview: false,
            required: false,
            dueAt: null,
            body: lessonText('Further reading', spec.title),
          },
          {
            title: 'Final quiz',
            kind: 'quiz',
            durationMinutes: minutes(15),
            isPreview: false,
            required: true,
            dueAt: due,
            body: '',
            quiz: {
              passingPercent: 70,
              attemptsAllowed: 3,
              graded: true,
              weight: 1,
              deviceGradable: false,
              shuffle: true,
              questions: quizQuestions,
            },
          },
        ],
      },
    ],
  };
}
