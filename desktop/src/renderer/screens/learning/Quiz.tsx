import { useState, type FormEvent } from 'react';
import type { GivenAnswer, QuestionView } from '@lyceum/contracts';
import type { AttemptView, StudyLesson } from '../../../core/learning-schemas.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { failureMessage } from '../../lib/api.ts';
import { formatAgo } from '../../lib/format.ts';
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
  const name = `q-${q.id}`;
  const legend = (
    <legend>
      <span className="question__number">Question {n}</span> {q.prompt}{' '}
      <span className="muted">
        ({q.points} {q.points === 1 ? 'point' : 'points'})
      </span>
    </legend>
  );
  switch (q.type) {
    case 'single_choice':
    case 'true_false': {
      const options =
        q.type === 'true_false'
          ? [
              { id: 'true', text: 'True', v: true as GivenAnswer },
              { id: 'false', text: 'False', v: false as GivenAnswer },
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
          <p className="muted">Choose every answer that applies.</p>
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
              {q.type === 'numeric' ? 'Your answer (a number)' : 'Your answer'}
            </span>
            <input
              className="field__input"
              name={name}
              inputMode={q.type === 'numeric' ? 'decimal' : 'text'}
              value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''}
              onChange={(e) => {
                const t = e.target.value;
                if (q.type === 'numeric') {
                  const num = Number(t.trim().replace(',', '.'));
                  onChange(t.trim() === '' ? undefined : Number.isFinite(num) ? num : t);
                } else onChange(t === '' ? undefined : t);
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
  if (a.state === 'rejected')
    return (
      <Banner tone="error">
        This attempt was refused by the server: {a.rejection?.message ?? 'no reason given'}
      </Banner>
    );
  if (!a.grade)
    return (
      <Banner tone="info">
        <span data-testid="attempt-pending">
          {online
            ? 'Submitted. Your result appears as soon as the server has graded it.'
            : "Saved on this device. It will be graded when you're back online."}
        </span>
      </Banner>
    );
  const prompt = new Map(questions.map((q) => [q.id, q.prompt]));
  return (
    <div className="attempt" data-testid="attempt-result">
      <p className={a.grade.passed ? 'badge badge--success' : 'badge'}>
        {a.grade.passed ? 'Passed' : 'Not passed'}: {a.grade.score} / {a.grade.maxScore} ({a.grade.percent}%)
      </p>
      <p className="muted">
        {a.gradedBy === 'device'
          ? a.state === 'pending'
            ? 'Graded on this device; it syncs to the server later.'
            : 'Graded on this device.'
          : `Graded by the server${a.attemptNumber ? ` (attempt ${a.attemptNumber})` : ''}.`}
      </p>
      <ul className="attempt__results">
        {a.grade.results.map((r) => (
          <li key={r.questionId}>
            {r.correct ? '✓ Correct' : '✗ Incorrect'}: {prompt.get(r.questionId) ?? 'Question'}
            {r.feedback ? <span className="muted"> — {r.feedback}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A quiz lesson: every question type, submitted through the outbox (graded on the device when the quiz allows it). */
export function Quiz({ data, onSubmitted }: { data: StudyLesson; onSubmitted: (d: StudyLesson) => void }) {
  const quiz = data.lesson.quiz;
  const [answers, setAnswers] = useState<Answers>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [startedAt] = useState(() => new Date().toISOString());
  if (!quiz?.questions)
    return <Banner tone="warning">The questions of this quiz are not on this device.</Banner>;
  const questions = quiz.questions;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSubmitted(await learningApi.submitAttempt(data.courseId, data.lesson.id, { answers, startedAt }));
      setAnswers({});
    } catch (err) {
      setError(failureMessage(err, 'The attempt could not be saved.'));
    } finally {
      setBusy(false);
    }
  };
  const latest = data.attempts[0];
  const exhausted = data.attemptsRemaining === 0;
  return (
    <div className="quiz">
      <p className="muted">
        {quiz.graded ? 'Graded quiz' : 'Practice quiz'} · pass mark {quiz.passingPercent}% ·{' '}
        {data.attemptsRemaining === null ? 'unlimited attempts' : `${data.attemptsRemaining} attempts left`}
      </p>
      {latest ? <AttemptResult a={latest} online={data.online} questions={questions} /> : null}
      {exhausted ? (
        <Banner tone="warning">You have used every attempt this quiz allows.</Banner>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="quiz__form" aria-label={data.lesson.title}>
          {latest ? <h2 className="quiz__again">Take it again</h2> : null}
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
          <Button type="submit" variant="primary" busy={busy} busyLabel="Submitting…">
            Submit answers
          </Button>
        </form>
      )}
      {data.attempts.length > 1 ? (
        <details className="quiz__history">
          <summary>Earlier attempts ({data.attempts.length - 1})</summary>
          <ul>
            {data.attempts.slice(1).map((a) => (
              <li key={a.id}>
                {formatAgo(a.submittedAt)}:{' '}
                {a.grade
                  ? `${a.grade.percent}%`
                  : a.state === 'rejected'
                    ? 'refused'
                    : 'waiting to be graded'}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
