import { useState } from 'react';
import type { PublishProblem } from '@lyceum/contracts';
import type { DraftView, PublishState } from '../../../../contracts/authoring.ts';
import { Banner } from '../../../components/Banner.tsx';
import { Button } from '../../../components/Button.tsx';
import { Link } from '../../../components/Link.tsx';
import type { MessageKey } from '../../../i18n/catalogues.ts';
import { useT } from '../../../i18n/use-t.ts';
import { failureMessage } from '../../../lib/api.ts';
import { authoringApi } from '../../../lib/authoring-api.ts';
import { useFormat } from '../../../lib/format.ts';

const problemKey: Record<PublishProblem['code'], MessageKey> = {
  title_missing: 'author.problem.title_missing',
  no_lessons: 'author.problem.no_lessons',
  quiz_without_questions: 'author.problem.quiz_without_questions',
  quiz_without_points: 'author.problem.quiz_without_points',
  video_not_ready: 'author.problem.video_not_ready',
  slides_not_ready: 'author.problem.slides_not_ready',
  prerequisite_not_published: 'author.problem.prerequisite_not_published',
};

type Action = 'publish' | 'unpublish' | 'archive';

/**
 * Publish, unpublish or archive: a request the server decides on. Offline it waits ("Will publish when online"); a
 * refusal lists what to fix, each a link to the page where it is fixed.
 */
export function PublishPanel({ view, onChanged }: { view: DraftView; onChanged: (p: PublishState) => void }) {
  const t = useT();
  const f = useFormat();
  const { draft, publish } = view;
  const courseId = draft.courseId;
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lessons = draft.doc.modules.flatMap((m) => m.lessons);
  const lessonTitle = (id?: string) => lessons.find((l) => l.id === id)?.title ?? '';

  const run = async (action: Action) => {
    setBusy(action);
    setError(null);
    try {
      const r = await authoringApi[action](courseId);
      onChanged(r.publish);
    } catch (err) {
      setError(failureMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const problemHref = (p: PublishProblem) =>
    p.lessonId
      ? `/teach/${courseId}/edit?lesson=${p.lessonId}`
      : p.code === 'no_lessons'
        ? `/teach/${courseId}/edit?tab=structure`
        : `/teach/${courseId}/edit?tab=details`;

  const action = publish.action ?? 'publish';
  return (
    <section className="publish-panel" aria-labelledby="publish-title">
      <h2 id="publish-title">{t('author.publish.title')}</h2>
      <p>{t('author.publish.status', { status: t(`teach.status.${draft.status}`) })}</p>
      <div role="status" aria-live="polite" data-testid="publish-state">
        {publish.state === 'queued' ? (
          <Banner tone="warning">{t(`author.publish.queued.${action}`)}</Banner>
        ) : null}
        {publish.state === 'applied' ? (
          <Banner tone="success">
            {t(`author.publish.applied.${action}`, { when: publish.at ? f.dateTime(publish.at) : '' })}
          </Banner>
        ) : null}
      </div>
      {publish.state === 'rejected' ? (
        <div className="publish-panel__problems" role="alert" data-testid="publish-problems">
          <p>
            <strong>{t(`author.publish.rejected.${action}`)}</strong>
          </p>
          {publish.problems?.length ? (
            <ul>
              {publish.problems.map((p, i) => (
                <li key={`${p.code}-${p.lessonId ?? i}`}>
                  <Link href={problemHref(p)}>
                    {t(problemKey[p.code], { lesson: lessonTitle(p.lessonId) })}
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p>{publish.message ?? t('author.publish.noReason')}</p>
          )}
        </div>
      ) : null}
      {error ? <Banner tone="error">{error}</Banner> : null}
      <div className="details-form__actions">
        {draft.status !== 'archived' ? (
          <Button
            variant="primary"
            busy={busy === 'publish'}
            disabled={busy !== null}
            onClick={() => void run('publish')}
          >
            {t(draft.status === 'published' ? 'author.publish.republish' : 'author.publish.publish')}
          </Button>
        ) : null}
        {draft.status === 'published' ? (
          <Button busy={busy === 'unpublish'} disabled={busy !== null} onClick={() => void run('unpublish')}>
            {t('author.publish.unpublish')}
          </Button>
        ) : null}
        {draft.status !== 'archived' ? (
          <Button busy={busy === 'archive'} disabled={busy !== null} onClick={() => void run('archive')}>
            {t('author.publish.archive')}
          </Button>
        ) : null}
      </div>
      <p className="muted">{t('author.publish.hint')}</p>
    </section>
  );
}
