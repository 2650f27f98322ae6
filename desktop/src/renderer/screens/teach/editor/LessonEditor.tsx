import { useState, type FormEvent } from 'react';
import { QuizInput, type LessonInput, type LessonPatch } from '@lyceum/contracts';
import type { z } from 'zod';
import type { DraftEditBody, DraftView } from '../../../../contracts/authoring.ts';
import { Banner } from '../../../components/Banner.tsx';
import { Button } from '../../../components/Button.tsx';
import { MarkdownEditor } from '../../../components/MarkdownEditor.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { useFormat } from '../../../lib/format.ts';
import { fromLocalInput, toLocalInput } from './dates.ts';
import { LessonFiles } from './LessonFiles.tsx';
import { cleanQuiz, quizProblems, type EditQuiz } from './quiz-model.ts';
import { QuizEditor } from './QuizEditor.tsx';

type Patch = z.infer<typeof LessonPatch>;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * One lesson of the draft: title, length, preview and required flags, due date and release date, its text (Markdown
 * with a live preview), its quiz (quiz lessons) or its file (video and slides lessons). Saved on this device.
 */
export function LessonEditor({
  courseId,
  lesson,
  view,
  edit,
  onSettled,
}: {
  courseId: string;
  lesson: LessonInput & { id: string };
  view: DraftView;
  edit: (body: DraftEditBody) => Promise<boolean>;
  onSettled: () => void;
}) {
  const t = useT();
  const f = useFormat();
  const [title, setTitle] = useState(lesson.title);
  const [minutes, setMinutes] = useState(String(lesson.durationMinutes ?? 0));
  const [isPreview, setIsPreview] = useState(lesson.isPreview ?? false);
  const [required, setRequired] = useState(lesson.required ?? true);
  const [dueAt, setDueAt] = useState(toLocalInput(lesson.dueAt));
  const [releaseAt, setReleaseAt] = useState(toLocalInput(lesson.releaseAt));
  const [body, setBody] = useState(lesson.body ?? '');
  const initialQuiz = QuizInput.parse(lesson.quiz ?? {});
  const [quiz, setQuiz] = useState<EditQuiz>(initialQuiz);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    if (!title.trim()) return setMessage({ tone: 'error', text: t('author.error.lessonTitle') });
    const next: Patch = {
      title: title.trim(),
      durationMinutes: Math.min(10_000, Math.max(0, Math.round(Number(minutes) || 0))),
      isPreview,
      required,
      dueAt: fromLocalInput(dueAt),
      releaseAt: fromLocalInput(releaseAt),
      body,
    };
    const patch: Patch = {};
    for (const k of Object.keys(next) as (keyof Patch)[])
      if (!same(next[k], lesson[k])) Object.assign(patch, { [k]: next[k] });
    const quizChanged = lesson.kind === 'quiz' && !same(cleanQuiz(quiz), QuizInput.parse(lesson.quiz ?? {}));
    if (quizChanged) {
      const problems = quizProblems(quiz);
      if (problems.length) {
        const [n, key] = problems[0]!;
        return setMessage({ tone: 'error', text: t('author.quiz.problemAt', { n, problem: t(key) }) });
      }
    }
    setBusy(true);
    let ok = true;
    if (Object.keys(patch).length)
      ok = await edit({ name: 'updateLesson', args: { lessonId: lesson.id, patch } });
    if (ok && quizChanged)
      ok = await edit({ name: 'putQuiz', args: { lessonId: lesson.id, quiz: cleanQuiz(quiz) } });
    setBusy(false);
    setMessage(
      ok
        ? { tone: 'success', text: t('author.lesson.saved') }
        : { tone: 'error', text: t('author.lesson.saveFailed') },
    );
  };

  return (
    <form
      className="lesson-editor"
      onSubmit={(e) => void save(e)}
      aria-label={t('author.lesson.formLabel', { title: lesson.title })}
    >
      <p className="muted">{t('author.lesson.kind', { kind: f.label('kind', lesson.kind) })}</p>
      <label className="field">
        <span className="field__label">{t('author.lesson.title')}</span>
        <input
          className="field__input"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <div className="details-form__row">
        <label className="field">
          <span className="field__label">{t('author.lesson.minutes')}</span>
          <input
            className="field__input"
            type="number"
            min={0}
            max={10_000}
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field__label">{t('author.lesson.dueAt')}</span>
          <span className="field__hint">{t('author.lesson.dueHint')}</span>
          <input
            className="field__input"
            type="datetime-local"
            value={dueAt}
            onChange={(e) => setDueAt(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field__label">{t('author.lesson.releaseAt')}</span>
          <span className="field__hint">{t('author.lesson.releaseHint')}</span>
          <input
            className="field__input"
            type="datetime-local"
            value={releaseAt}
            onChange={(e) => setReleaseAt(e.target.value)}
          />
        </label>
      </div>
      <label className="author-check">
        <input type="checkbox" checked={isPreview} onChange={(e) => setIsPreview(e.target.checked)} />
        {t('author.lesson.isPreview')}
      </label>
      <label className="author-check">
        <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} />
        {t('author.lesson.required')}
      </label>
      {lesson.kind === 'video' || lesson.kind === 'slides' ? (
        <LessonFiles
          courseId={courseId}
          lesson={{ id: lesson.id, title: lesson.title, kind: lesson.kind }}
          uploads={view.uploads}
          onSettled={onSettled}
        />
      ) : null}
      {lesson.kind === 'quiz' ? <QuizEditor quiz={quiz} onChange={setQuiz} /> : null}
      <MarkdownEditor
        label={t(lesson.kind === 'text' ? 'author.lesson.body' : 'author.lesson.notes')}
        value={body}
        rows={lesson.kind === 'text' ? 16 : 6}
        maxLength={200_000}
        testId="lesson-body"
        onChange={setBody}
      />
      {message ? <Banner tone={message.tone}>{message.text}</Banner> : null}
      <div className="details-form__actions">
        <Button type="submit" variant="primary" busy={busy}>
          {t('author.lesson.save')}
        </Button>
      </div>
    </form>
  );
}
