import type { AnswerKey, QuestionInput, QuestionType, QuizInput } from '@lyceum/contracts';
import type { MessageKey } from '../../../i18n/catalogues.ts';

/** A question as the quiz editor holds it (the contract's shape, defaults filled in). */
export type EditQuestion = QuestionInput;
export type EditQuiz = QuizInput;

export const QUESTION_TYPES: QuestionType[] = [
  'single_choice',
  'multiple_choice',
  'true_false',
  'short_answer',
  'numeric',
];

export const typeKey = {
  single_choice: 'author.quiz.type.single_choice',
  multiple_choice: 'author.quiz.type.multiple_choice',
  true_false: 'author.quiz.type.true_false',
  short_answer: 'author.quiz.type.short_answer',
  numeric: 'author.quiz.type.numeric',
} as const;

const optionId = () => crypto.randomUUID().slice(0, 8);

export function defaultAnswer(type: QuestionType, options: { id: string }[]): AnswerKey {
  switch (type) {
    case 'single_choice':
      return { type, optionId: options[0]?.id ?? '' };
    case 'multiple_choice':
      return { type, optionIds: options[0] ? [options[0].id] : [] };
    case 'true_false':
      return { type, value: true };
    case 'short_answer':
      return { type, accepted: [''], caseSensitive: false };
    case 'numeric':
      return { type, value: 0, tolerance: 0 };
  }
}

export function newQuestion(type: QuestionType): EditQuestion {
  const options =
    type === 'single_choice' || type === 'multiple_choice'
      ? [
          { id: optionId(), text: '' },
          { id: optionId(), text: '' },
        ]
      : [];
  return {
    id: crypto.randomUUID(),
    type,
    prompt: '',
    options,
    answer: defaultAnswer(type, options),
    points: 1,
    feedback: {},
  };
}

/** The same question as another type (options kept for the choice types). */
export function changeType(q: EditQuestion, type: QuestionType): EditQuestion {
  const choice = type === 'single_choice' || type === 'multiple_choice';
  const options = choice ? (q.options.length ? q.options : newQuestion(type).options) : [];
  return { ...q, type, options, answer: defaultAnswer(type, options) };
}

export const addOption = (q: EditQuestion): EditQuestion => ({
  ...q,
  options: [...q.options, { id: optionId(), text: '' }],
});

export function removeOption(q: EditQuestion, id: string): EditQuestion {
  const options = q.options.filter((o) => o.id !== id);
  const a = q.answer;
  const answer: AnswerKey =
    a.type === 'single_choice' && a.optionId === id
      ? { ...a, optionId: options[0]?.id ?? '' }
      : a.type === 'multiple_choice'
        ? { ...a, optionIds: a.optionIds.filter((x) => x !== id) }
        : a;
  return { ...q, options, answer };
}

/** What must be fixed before the quiz can be saved: [question number (0 = the quiz), message]. */
export function quizProblems(quiz: EditQuiz): [number, MessageKey][] {
  const out: [number, MessageKey][] = [];
  quiz.questions.forEach((q, i) => {
    const n = i + 1;
    if (!q.prompt.trim()) out.push([n, 'author.quiz.problem.prompt']);
    if ((q.type === 'single_choice' || q.type === 'multiple_choice') && q.options.length < 2)
      out.push([n, 'author.quiz.problem.options']);
    if (q.options.some((o) => !o.text.trim())) out.push([n, 'author.quiz.problem.optionText']);
    const a = q.answer;
    if (a.type === 'single_choice' && !q.options.some((o) => o.id === a.optionId))
      out.push([n, 'author.quiz.problem.answer']);
    if (a.type === 'multiple_choice' && a.optionIds.length === 0) out.push([n, 'author.quiz.problem.answer']);
    if (a.type === 'short_answer' && !a.accepted.some((s) => s.trim()))
      out.push([n, 'author.quiz.problem.accepted']);
    if (a.type === 'numeric' && !Number.isFinite(a.value)) out.push([n, 'author.quiz.problem.number']);
  });
  return out;
}

/** The quiz as sent: accepted answers trimmed and empty ones left out. */
export function cleanQuiz(quiz: EditQuiz): EditQuiz {
  return {
    ...quiz,
    questions: quiz.questions.map((q) => ({
      ...q,
      prompt: q.prompt.trim(),
      answer:
        q.answer.type === 'short_answer'
          ? { ...q.answer, accepted: q.answer.accepted.map((s) => s.trim()).filter(Boolean) }
          : q.answer,
    })),
  };
}
