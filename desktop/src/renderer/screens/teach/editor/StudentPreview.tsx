import { useState } from 'react';
import type { CourseDraft } from '@lyceum/contracts';
import { Banner } from '../../../components/Banner.tsx';
import { Button } from '../../../components/Button.tsx';
import { Markdown } from '../../../components/Markdown.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { useFormat } from '../../../lib/format.ts';

/**
 * The draft as a student would see it once published: the course's description and outline, and a lesson at a time
 * as the lesson page shows it (text, quiz questions without their answers, the file of a video or slides lesson).
 * Read-only.
 */
export function StudentPreview({ draft }: { draft: CourseDraft }) {
  const t = useT();
  const f = useFormat();
  const { details, modules } = draft.doc;
  const lessons = modules.flatMap((m) => m.lessons.map((l) => ({ ...l, moduleTitle: m.title })));
  const [lessonId, setLessonId] = useState(lessons[0]?.id ?? null);
  const lesson = lessons.find((l) => l.id === lessonId) ?? null;
  return (
    <section className="student-preview" aria-labelledby="preview-title" data-testid="student-preview">
      <h2 id="preview-title">{t('author.preview.title')}</h2>
      <Banner tone="info">{t('author.preview.note')}</Banner>
      <div className="student-preview__course">
        <p className="course__eyebrow">
          {details.subject} · {f.label('level', details.level ?? 'beginner')} ·{' '}
          {f.label('type', details.type ?? 'self_paced')}
        </p>
        <h3 className="course__title">{details.title}</h3>
        {details.description ? <Markdown source={details.description} headingOffset={3} /> : null}
        <p className="muted">{f.price(details.price ?? null)}</p>
      </div>
      <nav aria-label={t('author.preview.lessons')}>
        <ol className="modules">
          {modules.map((m, mi) => (
            <li key={m.id ?? mi} className="module">
              <h4 className="module__title">
                <span className="module__number">{t('study.module', { n: mi + 1 })}</span> {m.title}
              </h4>
              <ol className="lessons">
                {m.lessons.map((l) => (
                  <li key={l.id} className="lesson">
                    <span className={`lesson__kind lesson__kind--${l.kind}`}>{f.label('kind', l.kind)}</span>
                    <Button
                      variant="ghost"
                      aria-pressed={l.id === lessonId}
                      onClick={() => setLessonId(l.id ?? null)}
                    >
                      {l.title}
                    </Button>
                    {l.dueAt ? (
                      <span className="muted">{t('author.tree.due', { when: f.dateTime(l.dueAt) })}</span>
                    ) : null}
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ol>
      </nav>
      {lesson ? (
        <article className="lesson-player student-preview__lesson" aria-labelledby="preview-lesson-title">
          <p className="course__eyebrow">
            {lesson.moduleTitle} · {f.label('kind', lesson.kind)}
          </p>
          <h3 id="preview-lesson-title">{lesson.title}</h3>
          {lesson.kind === 'video' || lesson.kind === 'slides' ? (
            <p className="muted">
              {t(lesson.kind === 'video' ? 'author.preview.video' : 'author.preview.slides')}
            </p>
          ) : null}
          {lesson.kind === 'quiz' ? (
            <ol className="student-preview__questions">
              {(lesson.quiz?.questions ?? []).map((q, i) => (
                <li key={q.id ?? i}>
                  <p>
                    <strong>{t('quiz.question', { n: i + 1 })}</strong> {q.prompt}{' '}
                    <span className="muted">{t('quiz.points', { count: q.points ?? 1 })}</span>
                  </p>
                  {q.type === 'true_false' ? (
                    <ul>
                      <li>{t('quiz.true')}</li>
                      <li>{t('quiz.false')}</li>
                    </ul>
                  ) : (q.options ?? []).length ? (
                    <ul>
                      {(q.options ?? []).map((o) => (
                        <li key={o.id}>{o.text}</li>
                      ))}
                    </ul>
                  ) : (
                    <p className="muted">{t(q.type === 'numeric' ? 'quiz.answerNumber' : 'quiz.answer')}</p>
                  )}
                </li>
              ))}
            </ol>
          ) : null}
          {lesson.body ? (
            <div className="lesson-player__body">
              <Markdown source={lesson.body} headingOffset={3} />
            </div>
          ) : null}
        </article>
      ) : (
        <p className="muted">{t('author.tree.empty')}</p>
      )}
    </section>
  );
}
