import { Banner } from '../../components/Banner.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { LoadingPage, UnavailablePage } from '../../components/PageState.tsx';
import { FormattedMessage } from 'react-intl';
import { useT } from '../../i18n/use-t.ts';
import { useFormat } from '../../lib/format.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { useSync } from '../../lib/sync.tsx';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { DownloadPanel } from './DownloadPanel.tsx';
import { ProgressBar } from './ProgressBar.tsx';

/** A course as the enrolled student studies it: outline with what is done, progress, the offline switch. */
export function StudyCourse({ id }: { id: string }) {
  const t = useT();
  const f = useFormat();
  const { version } = useSync();
  const { state, set } = useLoad(() => learningApi.course(id), [id, version]);
  const title = state.status === 'ready' ? state.data.course.title : t('study.fallbackTitle');
  const heading = useFocusHeading<HTMLHeadingElement>(title, `${id}:${state.status}`);
  const back = (
    <Link href="/learning" className="back-link">
      <span aria-hidden="true">← </span>
      {t('study.back')}
    </Link>
  );
  if (state.status === 'loading') return <LoadingPage back={back} heading={heading} what="course" />;
  if (state.status === 'error')
    return (
      <UnavailablePage back={back} heading={heading} title={t('study.unavailable')}>
        <EmptyState
          title={state.error.message}
          action={<Link href={`/courses/${id}`}>{t('study.openCoursePage')}</Link>}
        />
      </UnavailablePage>
    );
  const { course, enrollment, lessons } = state.data;
  return (
    <main id="main" className="page study">
      {back}
      <h1 ref={heading} tabIndex={-1}>
        {course.title}
      </h1>
      {!state.data.online ? <Banner tone="info">{t('study.offline')}</Banner> : null}
      {enrollment ? (
        <ProgressBar
          value={enrollment.progressPercent}
          label={t('learning.progress', {
            done: enrollment.completedLessons,
            required: enrollment.requiredLessons,
          })}
        />
      ) : (
        <Banner tone="warning">
          <FormattedMessage
            id="study.notEnrolled"
            values={{ link: (text) => <Link href={`/courses/${id}`}>{text}</Link> }}
          />
        </Banner>
      )}
      {enrollment ? <DownloadPanel data={state.data} onChange={set} /> : null}
      <section aria-labelledby="outline-h" className="course__section">
        <h2 id="outline-h">{t('study.lessons')}</h2>
        <ol className="modules">
          {course.modules.map((m, mi) => (
            <li key={m.id} className="module">
              <h3 className="module__title">
                <span className="module__number">{t('study.module', { n: mi + 1 })}</span> {m.title}
              </h3>
              <ol className="lessons">
                {m.lessons.map((l) => {
                  const done = lessons[l.id]?.completed ?? false;
                  return (
                    <li key={l.id} className={done ? 'lesson lesson--done' : 'lesson'}>
                      <span className={`lesson__kind lesson__kind--${l.kind}`}>
                        {f.label('kind', l.kind)}
                      </span>
                      <Link href={`/learn/${id}/lessons/${l.id}`} className="lesson__title">
                        {l.title}
                      </Link>
                      <span className="lesson__meta">
                        {done ? (
                          <span className="badge badge--success" data-testid="lesson-done">
                            {t('study.done')}
                          </span>
                        ) : null}
                        {l.dueAt ? (
                          <span className="muted">{t('study.due', { when: f.dateTime(l.dueAt) })}</span>
                        ) : null}
                      </span>
                    </li>
                  );
                })}
              </ol>
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}
