import type { QuestionInput } from '@lyceum/contracts';

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
  Design: [
    {
      type: 'single_choice',
      prompt: 'Which principle groups related items close together?',
      options: [
        { id: 'a', text: 'Proximity' },
        { id: 'b', text: 'Contrast' },
        { id: 'c', text: 'Repetition' },
      ],
      answer: { type: 'single_choice', optionId: 'a' },
      points: 1,
      feedback: {},
    },
    {
      type: 'true_false',
      prompt: 'Low colour contrast between text and background makes text easier to read.',
      options: [],
      answer: { type: 'true_false', value: false },
      points: 1,
      feedback: { incorrect: 'Strong contrast makes text readable for everyone.' },
    },
  ],
  Business: [
    {
      type: 'numeric',
      prompt: 'Revenue is 500 and costs are 320. What is the profit?',
      options: [],
      answer: { type: 'numeric', value: 180, tolerance: 0 },
      points: 1,
      feedback: {},
    },
    {
      type: 'single_choice',
      prompt: 'Which document lists what a business owns and owes on one date?',
      options: [
        { id: 'a', text: 'Income statement' },
        { id: 'b', text: 'Balance sheet' },
        { id: 'c', text: 'Project charter' },
      ],
      answer: { type: 'single_choice', optionId: 'b' },
      points: 1,
      feedback: {},
    },
  ],
  Music: [
    {
      type: 'numeric',
      prompt: 'How many semitones are there in an octave?',
      options: [],
      answer: { type: 'numeric', value: 12, tolerance: 0 },
      points: 1,
      feedback: {},
    },
    {
      type: 'single_choice',
      prompt: 'Which chord is built on the fifth degree of a major key?',
      options: [
        { id: 'a', text: 'The tonic' },
        { id: 'b', text: 'The subdominant' },
        { id: 'c', text: 'The dominant' },
      ],
      answer: { type: 'single_choice', optionId: 'c' },
      points: 1,
      feedback: {},
    },
  ],
};

/**
 * The questions of a subject's quizzes: its own bank first, then the general ones, never the same question twice.
 * The practice check takes the first two, the final quiz the first four.
 */
export function quizQuestionsFor(subject: string): QuestionInput[] {
  const all = [...(banks[subject] ?? []), ...banks.default!];
  return all.filter((q, i) => all.findIndex((o) => o.prompt === q.prompt) === i);
}
