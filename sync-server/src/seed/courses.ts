import type { CourseCreate, QuestionInput } from '@lyceum/contracts';

type Spec = Pick<CourseCreate, 'title' | 'subject' | 'level' | 'type' | 'language' | 'tags' | 'description' | 'price'> & {
  /** Index of the demo instructor who owns it (0 or 1). */
  by: 0 | 1;
  /** Titles of courses (in this list) that must be completed first. */
  after?: string[];
  /** Left as a draft. */
  draft?: boolean;
};

const usd = (dollars: number) => ({ amountCents: dollars * 100, currency: 'USD' });

export const courseSpecs: Spec[] = [
  { by: 0, title: 'Python for Absolute Beginners', subject: 'Programming', level: 'beginner', type: 'self_paced', language: 'en', tags: ['python', 'variables', 'loops'], description: 'Write your first programs in Python: values and variables, decisions, loops and functions, with small exercises you can do offline.', price: null },
  { by: 0, title: 'Intermediate Python: Data Structures', subject: 'Programming', level: 'intermediate', type: 'self_paced', language: 'en', tags: ['python', 'lists', 'dictionaries'], description: 'Lists, dictionaries, sets and tuples; comprehension syntax; choosing the right structure for the job.', price: null, after: ['Python for Absolute Beginners'] },
  { by: 0, title: 'Advanced Python: Concurrency and Performance', subject: 'Programming', level: 'advanced', type: 'instructor_led', language: 'en', tags: ['python', 'asyncio', 'profiling'], description: 'Threads, processes and asyncio; profiling and measuring before optimising; writing fast, correct concurrent code.', price: usd(49), after: ['Intermediate Python: Data Structures'] },
  { by: 1, title: 'JavaScript Fundamentals', subject: 'Programming', level: 'beginner', type: 'self_paced', language: 'en', tags: ['javascript', 'web', 'functions'], description: 'The language of the web from the ground up: types, functions, objects, arrays and the event loop.', price: null },
  { by: 1, title: 'TypeScript in Practice', subject: 'Programming', level: 'intermediate', type: 'cohort', language: 'en', tags: ['typescript', 'types', 'web'], description: 'Static types for JavaScript projects: inference, generics, narrowing and designing types that catch bugs.', price: null, after: ['JavaScript Fundamentals'] },
  { by: 0, title: 'Introduction to Data Science', subject: 'Data Science', level: 'beginner', type: 'self_paced', language: 'en', tags: ['statistics', 'pandas', 'visualisation'], description: 'Ask questions of data: loading, cleaning, summarising and charting real data sets.', price: null },
  { by: 0, title: 'Machine Learning Foundations', subject: 'Data Science', level: 'intermediate', type: 'instructor_led', language: 'en', tags: ['machine learning', 'regression', 'classification'], description: 'Regression and classification, overfitting, validation and the bias–variance trade-off, explained with care.', price: usd(79) },
  { by: 1, title: 'Deep Learning with Neural Networks', subject: 'Data Science', level: 'advanced', type: 'cohort', language: 'en', tags: ['neural networks', 'deep learning', 'gradient descent'], description: 'From the perceptron to convolutional networks: backpropagation, optimisers and regularisation.', price: usd(99), after: ['Machine Learning Foundations'] },
  { by: 1, title: 'Algebra Refresher', subject: 'Mathematics', level: 'beginner', type: 'self_paced', language: 'en', tags: ['algebra', 'equations', 'functions'], description: 'Equations, inequalities, functions and graphs — the algebra you need for everything that follows.', price: null },
  { by: 1, title: 'Calculus I: Limits and Derivatives', subject: 'Mathematics', level: 'intermediate', type: 'self_paced', language: 'en', tags: ['calculus', 'derivatives', 'limits'], description: 'Limits, continuity, derivatives and their applications to rates of change and optimisation.', price: null, after: ['Algebra Refresher'] },
  { by: 0, title: 'Linear Algebra for Engineers', subject: 'Mathematics', level: 'advanced', type: 'instructor_led', language: 'en', tags: ['matrices', 'vectors', 'eigenvalues'], description: 'Vectors, matrices, linear maps, eigenvalues and the singular value decomposition, with engineering examples.', price: null },
  { by: 0, title: 'Probability and Statistics', subject: 'Mathematics', level: 'intermediate', type: 'cohort', language: 'en', tags: ['probability', 'statistics', 'distributions'], description: 'Random variables, distributions, estimation and hypothesis tests for people who work with data.', price: usd(29) },
  { by: 1, title: 'Español para principiantes', subject: 'Languages', level: 'beginner', type: 'self_paced', language: 'es', tags: ['spanish', 'vocabulary', 'grammar'], description: 'Aprende a presentarte, pedir comida y conversar sobre tu día, con audio y ejercicios.', price: null },
  { by: 1, title: 'Français conversationnel', subject: 'Languages', level: 'intermediate', type: 'cohort', language: 'fr', tags: ['french', 'conversation', 'listening'], description: 'Parlez avec aisance : expressions courantes, compréhension orale et prononciation.', price: null },
  { by: 0, title: 'Deutsch Grammatik kompakt', subject: 'Languages', level: 'advanced', type: 'self_paced', language: 'de', tags: ['german', 'grammar', 'cases'], description: 'Die vier Fälle, Satzbau und Zeitformen kompakt erklärt, mit vielen Übungen.', price: usd(19) },
  { by: 1, title: 'Português do Brasil: primeiros passos', subject: 'Languages', level: 'beginner', type: 'self_paced', language: 'pt-BR', tags: ['portuguese', 'vocabulary', 'pronunciation'], description: 'Cumprimentos, números, verbos do dia a dia e pronúncia do português brasileiro.', price: null },
  { by: 0, title: 'Principles of Visual Design', subject: 'Design', level: 'beginner', type: 'self_paced', language: 'en', tags: ['typography', 'colour', 'layout'], description: 'Typography, colour, hierarchy and layout: the principles behind clear and beautiful design.', price: null },
  { by: 1, title: 'User Experience Research', subject: 'Design', level: 'intermediate', type: 'instructor_led', language: 'en', tags: ['ux', 'interviews', 'usability'], description: 'Plan and run interviews and usability tests, and turn what you learn into design decisions.', price: usd(59) },
  { by: 0, title: 'Accounting Basics for Small Business', subject: 'Business', level: 'beginner', type: 'self_paced', language: 'en', tags: ['accounting', 'bookkeeping', 'cash flow'], description: 'Bookkeeping, the balance sheet, profit and loss and cash flow for people running a small business.', price: null },
  { by: 1, title: 'Project Management Essentials', subject: 'Business', level: 'intermediate', type: 'cohort', language: 'en', tags: ['planning', 'agile', 'risk'], description: 'Scope, schedules, risk and communication; agile and classic approaches side by side.', price: null },
  { by: 0, title: 'Introduction to Biology', subject: 'Science', level: 'beginner', type: 'self_paced', language: 'en', tags: ['cells', 'genetics', 'evolution'], description: 'Cells, genetics and evolution: how living things work and change over time.', price: null },
  { by: 1, title: 'Chemistry of Everyday Life', subject: 'Science', level: 'intermediate', type: 'self_paced', language: 'en', tags: ['chemistry', 'reactions', 'molecules'], description: 'The chemistry in cooking, cleaning and the air we breathe, from atoms to reactions.', price: null },
  { by: 0, title: 'Physics: Mechanics', subject: 'Science', level: 'advanced', type: 'instructor_led', language: 'en', tags: ['physics', 'newton', 'energy'], description: "Newton's laws, energy, momentum and rotation, with problem-solving strategies.", price: usd(39), after: ['Calculus I: Limits and Derivatives'] },
  { by: 1, title: 'Music Theory for Songwriters', subject: 'Music', level: 'beginner', type: 'self_paced', language: 'en', tags: ['harmony', 'chords', 'melody'], description: 'Scales, chords, progressions and melody writing, so your songs sound the way you hear them.', price: null },
  { by: 0, title: 'Git and Version Control (draft)', subject: 'Programming', level: 'beginner', type: 'self_paced', language: 'en', tags: ['git', 'branches'], description: 'Work in progress: commits, branches and merges.', price: null, draft: true },
];

/** A small question bank per subject, so each course's quizzes make sense. */
const banks: Record<string, QuestionInput[]> = {
  default: [
    { type: 'true_false', prompt: 'Spaced practice helps you remember more than cramming.', options: [], answer: { type: 'true_false', value: true }, points: 1, feedback: { correct: 'Yes: spacing beats cramming.' } },
    { type: 'single_choice', prompt: 'What should you do when an exercise feels too hard?', options: [{ id: 'a', text: 'Give up' }, { id: 'b', text: 'Review the lesson and try a smaller step' }, { id: 'c', text: 'Skip the rest of the course' }], answer: { type: 'single_choice', optionId: 'b' }, points: 1, feedback: {} },
  ],
  Programming: [
    { type: 'single_choice', prompt: 'Which value is a string?', options: [{ id: 'a', text: '42' }, { id: 'b', text: '"42"' }, { id: 'c', text: 'true' }], answer: { type: 'single_choice', optionId: 'b' }, points: 1, feedback: { incorrect: 'Strings are written between quotes.' } },
    { type: 'multiple_choice', prompt: 'Which of these are loops?', options: [{ id: 'a', text: 'for' }, { id: 'b', text: 'while' }, { id: 'c', text: 'if' }], answer: { type: 'multiple_choice', optionIds: ['a', 'b'] }, points: 2, feedback: {} },
    { type: 'numeric', prompt: 'How many times does `for i in range(3)` run its body?', options: [], answer: { type: 'numeric', value: 3, tolerance: 0 }, points: 1, feedback: {} },
  ],
  Mathematics: [
    { type: 'numeric', prompt: 'Solve for x: 2x + 6 = 14', options: [], answer: { type: 'numeric', value: 4, tolerance: 0 }, points: 1, feedback: {} },
    { type: 'numeric', prompt: 'What is the derivative of x² at x = 3?', options: [], answer: { type: 'numeric', value: 6, tolerance: 0 }, points: 2, feedback: {} },
    { type: 'true_false', prompt: 'Every square matrix has an inverse.', options: [], answer: { type: 'true_false', value: false }, points: 1, feedback: { incorrect: 'Only matrices with a non-zero determinant do.' } },
  ],
  Languages: [
    { type: 'short_answer', prompt: 'Translate "thank you" into Spanish.', options: [], answer: { type: 'short_answer', accepted: ['gracias'], caseSensitive: false }, points: 1, feedback: {} },
    { type: 'single_choice', prompt: 'Which greeting is used in the morning in French?', options: [{ id: 'a', text: 'Bonsoir' }, { id: 'b', text: 'Bonjour' }, { id: 'c', text: 'Bonne nuit' }], answer: { type: 'single_choice', optionId: 'b' }, points: 1, feedback: {} },
  ],
  'Data Science': [
    { type: 'single_choice', prompt: 'Which measure is least affected by outliers?', options: [{ id: 'a', text: 'Mean' }, { id: 'b', text: 'Median' }, { id: 'c', text: 'Range' }], answer: { type: 'single_choice', optionId: 'b' }, points: 1, feedback: {} },
    { type: 'true_false', prompt: 'A model that fits its training data perfectly always generalises well.', options: [], answer: { type: 'true_false', value: false }, points: 1, feedback: { incorrect: 'That is overfitting.' } },
  ],
  Science: [
    { type: 'single_choice', prompt: 'What is the powerhouse of the cell?', options: [{ id: 'a', text: 'Nucleus' }, { id: 'b', text: 'Mitochondrion' }, { id: 'c', text: 'Ribosome' }], answer: { type: 'single_choice', optionId: 'b' }, points: 1, feedback: {} },
    { type: 'short_answer', prompt: 'What is the chemical formula of water?', options: [], answer: { type: 'short_answer', accepted: ['H2O'], caseSensitive: false }, points: 1, feedback: {} },
  ],
};

const lessonText = (title: string, course: string) =>
  `# ${title}\n\nThis lesson of *${course}* introduces the key ideas step by step.\n\n1. Read the explanation.\n2. Try the worked example.\n3. Check yourself with the short exercise at the end.\n`;

/** The full CourseCreate payload of a demo course: three modules with video, slides, text and quiz lessons. */
export function courseInput(spec: Spec, prerequisiteIds: string[]): CourseCreate {
  const bank = banks[spec.subject] ?? banks.default!;
  const quizQuestions = [...bank, ...banks.default!].slice(0, 4);
  const due = new Date(Date.now() + 21 * 86_400_000).toISOString();
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
          { title: 'Welcome and course overview', kind: 'video', durationMinutes: 6, isPreview: true, required: true, dueAt: null, body: 'Transcript: welcome!' },
          { title: 'How to study this course', kind: 'text', durationMinutes: 8, isPreview: true, required: true, dueAt: null, body: lessonText('How to study this course', spec.title) },
        ],
      },
      {
        title: 'Core ideas',
        lessons: [
          { title: 'Key concepts', kind: 'slides', durationMinutes: 15, isPreview: false, required: true, dueAt: null, body: '' },
          { title: 'Worked examples', kind: 'text', durationMinutes: 20, isPreview: false, required: true, dueAt: null, body: lessonText('Worked examples', spec.title) },
          {
            title: 'Practice check', kind: 'quiz', durationMinutes: 10, isPreview: false, required: true, dueAt: null, body: '',
            quiz: { passingPercent: 60, attemptsAllowed: null, graded: false, weight: 0, deviceGradable: true, shuffle: false, questions: quizQuestions.slice(0, 2) },
          },
        ],
      },
      {
        title: 'Putting it together',
        lessons: [
          { title: 'Case study', kind: 'video', durationMinutes: 18, isPreview: false, required: true, dueAt: null, body: 'Transcript: a case study.' },
          { title: 'Further reading', kind: 'text', durationMinutes: 10, isPreview: false, required: false, dueAt: null, body: lessonText('Further reading', spec.title) },
          {
            title: 'Final quiz', kind: 'quiz', durationMinutes: 15, isPreview: false, required: true, dueAt: due, body: '',
            quiz: { passingPercent: 70, attemptsAllowed: 3, graded: true, weight: 1, deviceGradable: false, shuffle: true, questions: quizQuestions },
          },
        ],
      },
    ],
  };
}
