import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { Link } from '../../components/Link.tsx';
import { LoadingPage, UnavailablePage } from '../../components/PageState.tsx';
import { useLocation } from '../../lib/router.ts';
import { useT } from '../../i18n/use-t.ts';
import { teachApi } from '../../lib/teach-api.ts';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { Insights, TeachTabs } from './Insights.tsx';
import { LessonMedia } from './LessonMedia.tsx';
import { Announcements } from './Announcements.tsx';
import './teach.css';

/** One course on the Teach screen: its lessons and files, (`?view=insights`) its learning insights, or its announcements. */
export function TeachCourse({ id }: { id: string }) {
  const { search } = useLocation();
  const view = new URLSearchParams(search).get('view');
  return view === 'announcements' ? (
    <Announcements courseId={id} />
  ) : view === 'insights' ? (
    <Insights courseId={id} />
  ) : (
    <TeachCourseFiles id={id} />
  );
}

/** The course's modules and lessons, each with its file and an upload control. */
function TeachCourseFiles({ id }: { id: string }) {
  const t = useT();
  const { state, reload } = useLoad(() => teachApi.course(id), [id]);
  const title =
    state.status === 'ready'
      ? state.data.course.title
      : state.status === 'error'
        ? t('courseDetail.unavailable')
        : t('courseDetail.loading');
  const heading = useFocusHeading<HTMLHeadingElement>(title, `${id}:${state.status}`);
  const back = (
    <Link href="/teach" className="back-link">
      <span aria-hidden="true">← </span>
      {t('teach.backToCourses')}
    </Link>
  );

  if (state.status === 'loading') return <LoadingPage back={back} heading={heading} what="course" />;
  if (state.status === 'error') {
    const { code, message } = state.error;
    return (
      <UnavailablePage back={back} heading={heading} title={t('courseDetail.unavailable')}>
        <TeachTabs courseId={id} current="files" />
        <Banner tone="error">
          {code === 'forbidden'
            ? t('teach.course.forbidden')
            : code === 'not_found'
              ? t('teach.course.notFound')
              : message}
        </Banner>
        {code !== 'forbidden' && code !== 'not_found' ? (
          <p>
            <Button onClick={reload}>{t('common.tryAgain')}</Button>
          </p>
        ) : null}
      </UnavailablePage>
    );
  }

  const { course, modules, limits } = state.data;
  return (
    <main id="main" className="page teach">
      {back}
      <h1 ref={heading} tabIndex={-1}>
        {course.title}
      </h1>
      <TeachTabs courseId={course.id} current="files" />
      <p className="muted teach__intro">{t('teach.course.intro')}</p>
      {modules.length === 0 ? (
        <EmptyState title={t('teach.course.noLessons.title')}>{t('teach.course.noLessons.body')}</EmptyState>
      ) : null}
      {modules.map((m, i) => (
        <section key={m.id} className="teach-module" aria-labelledby={`teach-module-${m.id}`}>
          <h2 id={`teach-module-${m.id}`} className="teach-module__title">
            <span className="muted">{t('study.module', { n: i + 1 })}</span> {m.title}
          </h2>
          {m.lessons.length === 0 ? <p className="muted">{t('teach.module.noLessons')}</p> : null}
          <ul className="teach-lessons">
            {m.lessons.map((l) => (
              <LessonMedia key={l.id} courseId={course.id} lesson={l} limits={limits} onSettled={reload} />
            ))}
          </ul>
        </section>
      ))}
    </main>
  );
}
