import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import type { MessageKey } from '../../i18n/catalogues.ts';
import { useT } from '../../i18n/use-t.ts';
import { teachApi } from '../../lib/teach-api.ts';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { DraftsList } from './editor/DraftsList.tsx';
import './teach.css';

const statusText: Record<string, MessageKey> = {
  draft: 'teach.status.draft',
  published: 'teach.status.published',
  archived: 'teach.status.archived',
};

/** Teach: the courses the signed-in instructor teaches, to upload their videos and slides. Needs the server. */
export function TeachCourses() {
  const t = useT();
  const { state, reload } = useLoad(() => teachApi.courses(), []);
  const heading = useFocusHeading<HTMLHeadingElement>(t('teach.title'));
  return (
    <main id="main" className="page teach">
      <h1 ref={heading} tabIndex={-1}>
        {t('teach.title')}
      </h1>
      <p className="muted teach__intro">{t('teach.intro')}</p>
      <p className="teach__earnings-link">
        <Link href="/teach/earnings">{t('earnings.link')}</Link>
      </p>
      <DraftsList />
      <h2>{t('author.drafts.files')}</h2>
      {state.status === 'loading' ? <Spinner label={t('teach.loading')} /> : null}
      {state.status === 'error' ? (
        <div className="teach__error">
          <Banner tone="error">
            {state.error.code === 'forbidden' ? t('teach.onlyInstructors') : state.error.message}
          </Banner>
          {state.error.code !== 'forbidden' ? <Button onClick={reload}>{t('common.tryAgain')}</Button> : null}
        </div>
      ) : null}
      {state.status === 'ready' && state.data.items.length === 0 ? (
        <EmptyState title={t('teach.none.title')}>{t('teach.none.body')}</EmptyState>
      ) : null}
      {state.status === 'ready' && state.data.items.length > 0 ? (
        <ul className="teach-courses" data-testid="teach-courses">
          {state.data.items.map((c) => (
            <li key={c.id} className="teach-course-card">
              <h2 className="teach-course-card__title" id={`teach-card-${c.id}`}>
                <Link href={`/teach/${c.id}`}>{c.title}</Link>
              </h2>
              <p className="muted">
                <span className="badge">{statusText[c.status] ? t(statusText[c.status]!) : c.status}</span>{' '}
                {t('course.lessons', { count: c.lessonCount })}
              </p>
              <p>
                <Link href={`/teach/${c.id}/edit`} aria-describedby={`teach-card-${c.id}`}>
                  {t('author.drafts.edit')}
                </Link>
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </main>
  );
}
