import type { QuestionType } from '@lyceum/contracts';
import { Button } from '../../../components/Button.tsx';
import { useT } from '../../../i18n/use-t.ts';
import {
  addOption,
  changeType,
  QUESTION_TYPES,
  removeOption,
  typeKey,
  type EditQuestion,
} from './quiz-model.ts';

/** One question: type, prompt, points, its choices and answer key (by type), and feedback when right or wrong. */
export function QuestionEditor({
  q,
  n,
  count,
  onChange,
  onRemove,
  onMove,
}: {
  q: EditQuestion;
  n: number;
  count: number;
  onChange: (q: EditQuestion) => void;
  onRemove: () => void;
  onMove: (delta: -1 | 1) => void;
}) {
  const t = useT();
  const a = q.answer;
  const name = `answer-${q.id}`;
  return (
    <fieldset className="question-editor" data-testid="question-editor">
      <legend>{t('author.quiz.questionN', { n })}</legend>
      <div className="details-form__row">
        <label className="field">
          <span className="field__label">{t('author.quiz.type')}</span>
          <select
            className="field__input"
            value={q.type}
            onChange={(e) => onChange(changeType(q, e.target.value as QuestionType))}
          >
            {QUESTION_TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {t(typeKey[ty])}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{t('author.quiz.points')}</span>
          <input
            className="field__input"
            type="number"
            min={0}
            max={1000}
            step="any"
            value={q.points}
            onChange={(e) => onChange({ ...q, points: Math.max(0, Number(e.target.value) || 0) })}
          />
        </label>
      </div>
      <label className="field">
        <span className="field__label">{t('author.quiz.prompt')}</span>
        <textarea
          className="field__input"
          rows={2}
          maxLength={5000}
          value={q.prompt}
          onChange={(e) => onChange({ ...q, prompt: e.target.value })}
        />
      </label>
      {a.type === 'single_choice' || a.type === 'multiple_choice' ? (
        <div className="question-editor__options" role="group" aria-label={t('author.quiz.choices')}>
          <p className="field__label">{t('author.quiz.choicesHint')}</p>
          {q.options.map((o, i) => {
            const correct = a.type === 'single_choice' ? a.optionId === o.id : a.optionIds.includes(o.id);
            return (
              <div key={o.id} className="question-editor__option">
                <label className="author-check">
                  <input
                    type={a.type === 'single_choice' ? 'radio' : 'checkbox'}
                    name={name}
                    checked={correct}
                    onChange={(e) =>
                      onChange({
                        ...q,
                        answer:
                          a.type === 'single_choice'
                            ? { ...a, optionId: o.id }
                            : {
                                ...a,
                                optionIds: e.target.checked
                                  ? [...a.optionIds, o.id]
                                  : a.optionIds.filter((x) => x !== o.id),
                              },
                      })
                    }
                  />
                  <span className="visually-hidden">{t('author.quiz.correctN', { n: i + 1 })}</span>
                </label>
                <input
                  className="field__input"
                  aria-label={t('author.quiz.choiceN', { n: i + 1 })}
                  maxLength={2000}
                  value={o.text}
                  onChange={(e) =>
                    onChange({
                      ...q,
                      options: q.options.map((x) => (x.id === o.id ? { ...x, text: e.target.value } : x)),
                    })
                  }
                />
                <Button
                  variant="ghost"
                  aria-label={t('author.quiz.removeChoiceN', { n: i + 1 })}
                  disabled={q.options.length <= 2}
                  onClick={() => onChange(removeOption(q, o.id))}
                >
                  {t('author.details.remove')}
                </Button>
              </div>
            );
          })}
          <Button onClick={() => onChange(addOption(q))} disabled={q.options.length >= 20}>
            {t('author.quiz.addChoice')}
          </Button>
        </div>
      ) : null}
      {a.type === 'true_false' ? (
        <fieldset className="field">
          <legend className="field__label">{t('author.quiz.correctAnswer')}</legend>
          {[true, false].map((value) => (
            <label key={String(value)} className="author-check">
              <input
                type="radio"
                name={name}
                checked={a.value === value}
                onChange={() => onChange({ ...q, answer: { ...a, value } })}
              />
              {t(value ? 'quiz.true' : 'quiz.false')}
            </label>
          ))}
        </fieldset>
      ) : null}
      {a.type === 'short_answer' ? (
        <>
          <label className="field">
            <span className="field__label">{t('author.quiz.accepted')}</span>
            <span className="field__hint">{t('author.quiz.acceptedHint')}</span>
            <textarea
              className="field__input"
              rows={2}
              value={a.accepted.join('\n')}
              onChange={(e) => onChange({ ...q, answer: { ...a, accepted: e.target.value.split('\n') } })}
            />
          </label>
          <label className="author-check">
            <input
              type="checkbox"
              checked={a.caseSensitive}
              onChange={(e) => onChange({ ...q, answer: { ...a, caseSensitive: e.target.checked } })}
            />
            {t('author.quiz.caseSensitive')}
          </label>
        </>
      ) : null}
      {a.type === 'numeric' ? (
        <div className="details-form__row">
          <label className="field">
            <span className="field__label">{t('author.quiz.numberAnswer')}</span>
            <input
              className="field__input"
              type="number"
              step="any"
              value={Number.isFinite(a.value) ? a.value : ''}
              onChange={(e) =>
                onChange({
                  ...q,
                  answer: { ...a, value: e.target.value === '' ? NaN : Number(e.target.value) },
                })
              }
            />
          </label>
          <label className="field">
            <span className="field__label">{t('author.quiz.tolerance')}</span>
            <input
              className="field__input"
              type="number"
              min={0}
              step="any"
              value={a.tolerance}
              onChange={(e) =>
                onChange({ ...q, answer: { ...a, tolerance: Math.max(0, Number(e.target.value) || 0) } })
              }
            />
          </label>
        </div>
      ) : null}
      <div className="details-form__row">
        <label className="field">
          <span className="field__label">{t('author.quiz.feedbackCorrect')}</span>
          <input
            className="field__input"
            maxLength={2000}
            value={q.feedback.correct ?? ''}
            onChange={(e) =>
              onChange({ ...q, feedback: { ...q.feedback, correct: e.target.value || undefined } })
            }
          />
        </label>
        <label className="field">
          <span className="field__label">{t('author.quiz.feedbackIncorrect')}</span>
          <input
            className="field__input"
            maxLength={2000}
            value={q.feedback.incorrect ?? ''}
            onChange={(e) =>
              onChange({ ...q, feedback: { ...q.feedback, incorrect: e.target.value || undefined } })
            }
          />
        </label>
      </div>
      <div className="question-editor__actions">
        <Button variant="ghost" disabled={n === 1} onClick={() => onMove(-1)}>
          {t('author.quiz.moveUp', { n })}
        </Button>
        <Button variant="ghost" disabled={n === count} onClick={() => onMove(1)}>
          {t('author.quiz.moveDown', { n })}
        </Button>
        <Button variant="ghost" onClick={onRemove}>
          {t('author.quiz.removeQuestion', { n })}
        </Button>
      </div>
    </fieldset>
  );
}
