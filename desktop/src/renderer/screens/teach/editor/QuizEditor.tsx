import { useState } from 'react';
import type { QuestionType } from '@lyceum/contracts';
import { Button } from '../../../components/Button.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { newQuestion, QUESTION_TYPES, typeKey, type EditQuiz } from './quiz-model.ts';
import { QuestionEditor } from './QuestionEditor.tsx';

/** A quiz lesson's settings (pass mark, attempts, shuffling, graded) and its questions of the five types. */
export function QuizEditor({ quiz, onChange }: { quiz: EditQuiz; onChange: (q: EditQuiz) => void }) {
  const t = useT();
  const [type, setType] = useState<QuestionType>('single_choice');
  const [announce, setAnnounce] = useState('');
  const questions = quiz.questions;
  const setQuestions = (qs: EditQuiz['questions']) => onChange({ ...quiz, questions: qs });
  const total = questions.reduce((s, q) => s + q.points, 0);
  return (
    <section className="quiz-editor" aria-labelledby="quiz-editor-title">
      <h2 id="quiz-editor-title">{t('author.quiz.title')}</h2>
      <div className="details-form__row">
        <label className="field">
          <span className="field__label">{t('author.quiz.passMark')}</span>
          <input
            className="field__input"
            type="number"
            min={0}
            max={100}
            value={quiz.passingPercent}
            onChange={(e) =>
              onChange({
                ...quiz,
                passingPercent: Math.min(100, Math.max(0, Math.round(Number(e.target.value) || 0))),
              })
            }
          />
        </label>
        <label className="field">
          <span className="field__label">{t('author.quiz.attempts')}</span>
          <span className="field__hint">{t('author.quiz.attemptsHint')}</span>
          <input
            className="field__input"
            type="number"
            min={1}
            max={100}
            value={quiz.attemptsAllowed ?? ''}
            onChange={(e) =>
              onChange({
                ...quiz,
                attemptsAllowed:
                  e.target.value === ''
                    ? null
                    : Math.min(100, Math.max(1, Math.round(Number(e.target.value) || 1))),
              })
            }
          />
        </label>
      </div>
      <label className="author-check">
        <input
          type="checkbox"
          checked={quiz.shuffle}
          onChange={(e) => onChange({ ...quiz, shuffle: e.target.checked })}
        />
        {t('author.quiz.shuffle')}
      </label>
      <label className="author-check">
        <input
          type="checkbox"
          checked={quiz.graded}
          onChange={(e) => onChange({ ...quiz, graded: e.target.checked })}
        />
        {t('author.quiz.graded')}
      </label>
      <label className="author-check">
        <input
          type="checkbox"
          checked={quiz.deviceGradable}
          onChange={(e) => onChange({ ...quiz, deviceGradable: e.target.checked })}
        />
        {t('author.quiz.deviceGradable')}
      </label>
      <p className="muted" data-testid="quiz-total">
        {t('author.quiz.summary', { count: questions.length, points: total })}
      </p>
      {questions.map((q, i) => (
        <QuestionEditor
          key={q.id ?? i}
          q={q}
          n={i + 1}
          count={questions.length}
          onChange={(next) => setQuestions(questions.map((x, j) => (j === i ? next : x)))}
          onRemove={() => {
            setQuestions(questions.filter((_, j) => j !== i));
            setAnnounce(t('author.quiz.removed', { n: i + 1 }));
          }}
          onMove={(d) => {
            const j = i + d;
            const next = [...questions];
            [next[i], next[j]] = [next[j]!, next[i]!];
            setQuestions(next);
            setAnnounce(t('author.quiz.moved', { from: i + 1, to: j + 1 }));
          }}
        />
      ))}
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
      <div className="quiz-editor__add">
        <label className="field">
          <span className="field__label">{t('author.quiz.newType')}</span>
          <select
            className="field__input"
            value={type}
            onChange={(e) => setType(e.target.value as QuestionType)}
          >
            {QUESTION_TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {t(typeKey[ty])}
              </option>
            ))}
          </select>
        </label>
        <Button
          disabled={questions.length >= 200}
          onClick={() => {
            setQuestions([...questions, newQuestion(type)]);
            setAnnounce(t('author.quiz.added', { n: questions.length + 1 }));
          }}
        >
          {t('author.quiz.addQuestion')}
        </Button>
      </div>
    </section>
  );
}
