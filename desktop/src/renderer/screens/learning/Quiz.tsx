import { useState, type FormEvent } from 'react';
import type { GivenAnswer, QuestionView } from '@lyceum/contracts';
import type { AttemptView, StudyLesson } from '../../../contracts/learning.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { failureMessage } from '../../lib/api.ts';
import { useT } from '../../i18n/use-t.ts';
import { useFormat } from '../../lib/format.ts';
import { learningApi } from '../../lib/learning-api.ts';

type Answers = Record<string, GivenAnswer>;

function Question({
  q,
  n,
  value,
  onChange,
}: {
  q: QuestionView;
  n: number;
  value: GivenAnswer | undefined;
  onChange: (v: GivenAnswer | undefined) => void;
}) {
  const t = useT();
  const name = `q-${q.id}`;
  const legend = (
    <legend>
      <span className="question__number">{t('quiz.question', { n })}</span> {q.prompt}{' '}
      <span className="muted">{t('quiz.points', { count: q.points })}</span>
    </legend>
  );
  switch (q.type) {
    case 'single_choice':
    case 'true_false': {
      const options =
        q.type === 'true_false'
          ? [
              { id: 'true', text: t('quiz.true'), v: true as GivenAnswer },
              { id: 'false', text: t('quiz.false'), v: false as GivenAnswer },
            ]
          : q.options.map((o) => ({ id: o.id, text: o.text, v: o.id as GivenAnswer }));
      return (
        <fieldset className="question">
          {legend}
          {options.map((o) => (
            <label key={o.id} className="choice">
              <input type="radio" name={name} checked={value === o.v} onChange={() => onChange(o.v)} />
              {o.text}
            </label>
          ))}
        </fieldset>
      );
    }
    case 'multiple_choice': {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <fieldset className="question">
          {legend}
          <p className="muted">{t('quiz.chooseEvery')}</p>
          {q.options.map((o) => (
            <label key={o.id} className="choice">
              <input
                type="checkbox"
                name={name}
                checked={chosen.includes(o.id)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...chosen, o.id] : chosen.filter((c) => c !== o.id))
                }
              />
              {o.text}
            </label>
          ))}
        </fieldset>
      );
    }
    case 'short_answer':
    case 'numeric':
      return (
        <fieldset className="question">
          {legend}
          <label className="field">
            <span className="field__label">
              {q.type === 'numeric' ? t('quiz.answerNumber') : t('quiz.answer')}
            </span>
            <input
              className="field__input"
              name={name}
              inputMode={q.type === 'numeric' ? 'decimal' : 'text'}
              value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''}
              onChange={(e) => {
                const text = e.target.value;
                if (q.type === 'numeric') {
                  const num = Number(text.trim().replace(',', '.'));
                  onChange(text.trim() === '' ? undefined : Number.isFinite(num) ? num : text);
                } else onChange(text === '' ? undefined : text);
              }}
            />
          </label>
        </fieldset>
      );
  }
}

export function AttemptResult({
  a,
  online,
  questions,
}: {
  a: AttemptView;
  online: boolean;
  questions: QuestionView[];
}) {
  const t = useT();
  const f = useFormat();
  if (a.state === 'rejected')
    return (
      <Banner tone="error">
        {t('quiz.refused', { reason: a.rejection?.message ?? t('quiz.noReason') })}
      </Banner>
    );
  if (!a.grade)
    return (
      <Banner tone="info">
        <span data-testid="attempt-pending">
          {online ? t('quiz.submittedOnline') : t('quiz.savedOffline')}
        </span>
      </Banner>
    );
  const prompt = new Map(questions.map((q) => [q.id, q.prompt]));
  return (
    <div className="attempt" data-testid="attempt-result">
      <p className={a.grade.passed ? 'badge badge--success' : 'badge'}>
        {t(a.grade.passed ? 'quiz.passed' : 'quiz.notPassed', {
          score: f.number(a.grade.score),
          max: f.number(a.grade.maxScore),
          percent: f.percent(a.grade.percent / 100, 2),
        })}
      </p>
      <p className="muted">
        {a.gradedBy === 'device'
          ? a.state === 'pending'
            ? t('quiz.gradedDevicePending')
            : t('quiz.gradedDevice')
          : a.attemptNumber
            ? t('quiz.gradedServerAttempt', { n: a.attemptNumber })
            : t('quiz.gradedServer')}
      </p>
      <ul className="attempt__results">
        {a.grade.results.map((r) => (
          <li key={r.questionId}>
            {t(r.correct ? 'quiz.correct' : 'quiz.incorrect', {
              prompt: prompt.get(r.questionId) ?? t('quiz.questionFallback'),
            })}
            {r.feedback ? <span className="muted"> — {r.feedback}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A quiz lesson: every question type, submitted through the outbox (graded on the device when the quiz allows it). */
export function Quiz({ data, onSubmitted }: { data: StudyLesson; onSubmitted: (d: StudyLesson) => void }) {
  const t = useT();
  const f = useFormat();
  const quiz = data.lesson.quiz;
  const [answers, setAnswers] = useState<Answers>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [startedAt] = useState(() => new Date().toISOString());
  if (!quiz?.questions) return <Banner tone="warning">{t('quiz.missing')}</Banner>;
  const questions = quiz.questions;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSubmitted(await learningApi.submitAttempt(data.courseId, data.lesson.id, { answers, startedAt }));
      setAnswers({});
    } catch (err) {
      setError(failureMessage(err, t('quiz.saveFailed')));
    } finally {
      setBusy(false);
    }
  };
  const latest = data.attempts[0];
  const exhausted = data.attemptsRemaining === 0;
  return (
    <div className="quiz">
      <p className="muted">
        {t('quiz.summary', {
          graded: String(quiz.graded),
          passMark: f.percent(quiz.passingPercent / 100),
          remaining: data.attemptsRemaining === null ? 'unlimited' : 'limited',
          left: data.attemptsRemaining ?? 0,
        })}
      </p>
      {latest ? <AttemptResult a={latest} online={data.online} questions={questions} /> : null}
      {exhausted ? (
        <Banner tone="warning">{t('quiz.exhausted')}</Banner>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="quiz__form" aria-label={data.lesson.title}>
          {latest ? <h2 className="quiz__again">{t('quiz.again')}</h2> : null}
          {questions.map((q, i) => (
            <Question
              key={q.id}
              q={q}
              n={i + 1}
              value={answers[q.id]}
              onChange={(v) =>
                setAnswers((a) => {
                  const next = { ...a };
                  if (v === undefined) delete next[q.id];
                  else next[q.id] = v;
                  return next;
                })
              }
            />
          ))}
          {error ? <Banner tone="error">{error}</Banner> : null}
          <Button type="submit" variant="primary" busy={busy} busyLabel={t('quiz.submitting')}>
            {t('quiz.submit')}
          </Button>
        </form>
      )}
      {data.attempts.length > 1 ? (
        <details className="quiz__history">
          <summary>{t('quiz.earlier', { count: data.attempts.length - 1 })}</summary>
          <ul>
            {data.attempts.slice(1).map((a) => (
              <li key={a.id}>
                {t('quiz.earlierItem', {
                  when: f.ago(a.submittedAt),
                  result: a.grade
                    ? f.percent(a.grade.percent / 100, 2)
                    : a.state === 'rejected'
                      ? t('quiz.earlierRefused')
                      : t('quiz.earlierWaiting'),
                })}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
