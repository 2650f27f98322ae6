import { Link } from '../../../components/Link.tsx';
import { Spinner } from '../../../components/Spinner.tsx';
import { Banner } from '../../../components/Banner.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { authoringApi } from '../../../lib/authoring-api.ts';
import { useFormat } from '../../../lib/format.ts';
import { useLoad } from '../../../lib/use-load.ts';
import './editor.css';

/** Teach: New course, and the courses this instructor edits on this device (works offline), with what waits to sync. */
export function DraftsList() {
  const t = useT();
  const f = useFormat();
  const { state } = useLoad(() => authoringApi.drafts(), []);
  return (
    <section className="drafts" aria-labelledby="drafts-title">
      <div className="drafts__head">
        <h2 id="drafts-title">{t('author.drafts.title')}</h2>
        <Link href="/teach/new" className="button button--primary">
          {t('author.drafts.new')}
        </Link>
      </div>
      {state.status === 'loading' ? <Spinner label={t('author.drafts.loading')} /> : null}
      {state.status === 'error' ? <Banner tone="error">{state.error.message}</Banner> : null}
      {state.status === 'ready' && state.data.drafts.length === 0 ? (
        <p className="muted">{t('author.drafts.none')}</p>
      ) : null}
      {state.status === 'ready' && state.data.drafts.length ? (
        <ul className="teach-courses" data-testid="drafts">
          {state.data.drafts.map((d) => (
            <li key={d.courseId} className="teach-course-card">
              <h3 className="teach-course-card__title" id={`draft-${d.courseId}`}>
                {d.title}
              </h3>
              <p className="muted">
                <span className="badge">{t(`teach.status.${d.status}`)}</span>{' '}
                {t('author.drafts.updated', { ago: f.ago(d.updatedAt) })}
              </p>
              <p>
                <Link href={`/teach/${d.courseId}/edit`} aria-describedby={`draft-${d.courseId}`}>
                  {t('author.drafts.edit')}
                </Link>
              </p>
              {d.pendingEdits ? <p>{t('author.pending.waiting', { count: d.pendingEdits })}</p> : null}
              {d.conflicts ? (
                <p>
                  <Link href={`/teach/${d.courseId}/edit?tab=conflicts`}>
                    {t('author.conflicts.banner', { count: d.conflicts })}
                  </Link>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
