import { useState } from 'react';
import type { DraftDetails, DraftView } from '../../../../contracts/authoring.ts';
import { Banner } from '../../../components/Banner.tsx';
import { Button } from '../../../components/Button.tsx';
import { Link } from '../../../components/Link.tsx';
import { LoadingPage, UnavailablePage } from '../../../components/PageState.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { useLocation } from '../../../lib/router.ts';
import { useFocusHeading } from '../../../lib/use-focus-heading.ts';
import { ConflictsView } from './ConflictsView.tsx';
import { detailsPatch, fromDetails } from './details-model.ts';
import { DetailsForm } from './DetailsForm.tsx';
import { EDITOR_TABS, EditorTabs, type EditorTab } from './EditorTabs.tsx';
import { LessonEditor } from './LessonEditor.tsx';
import { PendingEdits } from './PendingEdits.tsx';
import { PublishPanel } from './PublishPanel.tsx';
import { StructureTree } from './StructureTree.tsx';
import { StudentPreview } from './StudentPreview.tsx';
import { useDraft, type DraftEditor } from './use-draft.ts';
import '../teach.css';
import './editor.css';

/**
 * Teach → a course's editor (`/teach/:id/edit`): details, structure, a lesson (`?lesson=`), preview as a student,
 * publish, and conflicts (`?tab=`). Works offline: every edit is kept on this device and synced when online.
 */
export function CourseEditor({ courseId }: { courseId: string }) {
  const t = useT();
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const lessonId = params.get('lesson');
  const asked = params.get('tab') as EditorTab | null;
  const tab: EditorTab | null = lessonId ? null : asked && EDITOR_TABS.includes(asked) ? asked : 'structure';
  const editor = useDraft(courseId);
  const { state } = editor;
  const title =
    state.status === 'ready'
      ? state.view.draft.doc.details.title
      : state.status === 'error'
        ? t('author.unavailable')
        : t('courseDetail.loading');
  const heading = useFocusHeading<HTMLHeadingElement>(
    title,
    `${courseId}:${state.status}:${tab}:${lessonId}`,
  );
  const back = (
    <Link href="/teach" className="back-link">
      <span aria-hidden="true">← </span>
      {t('teach.backToCourses')}
    </Link>
  );
  if (state.status === 'loading') return <LoadingPage back={back} heading={heading} what="course" />;
  if (state.status === 'error')
    return (
      <UnavailablePage back={back} heading={heading} title={t('author.unavailable')}>
        <Banner tone="error">
          {state.error.code === 'not_found' ? t('author.notFound') : state.error.message}
        </Banner>
        <p>
          <Button onClick={() => void editor.refresh()}>{t('common.tryAgain')}</Button>
        </p>
      </UnavailablePage>
    );
  const { view } = state;
  const lesson = lessonId
    ? view.draft.doc.modules.flatMap((m) => m.lessons).find((l) => l.id === lessonId)
    : undefined;
  return (
    <main id="main" className="page teach course-editor">
      {back}
      <h1 ref={heading} tabIndex={-1}>
        {lesson ? t('author.lesson.heading', { title: lesson.title }) : view.draft.doc.details.title}
      </h1>
      <div className="course-editor__bar">
        <span className="badge">{t(`teach.status.${view.draft.status}`)}</span>
        <PendingEdits count={view.pendingEdits} saving={editor.saving} />
        {view.draft.status === 'published' ? (
          <Link href={`/courses/${courseId}`}>{t('author.viewCoursePage')}</Link>
        ) : null}
      </div>
      <EditorTabs courseId={courseId} current={tab} conflicts={view.conflicts.length} />
      {view.conflicts.length && tab !== 'conflicts' ? (
        <Banner tone="warning">
          {t('author.conflicts.banner', { count: view.conflicts.length })}{' '}
          <Link href={`/teach/${courseId}/edit?tab=conflicts`}>{t('author.conflicts.review')}</Link>
        </Banner>
      ) : null}
      {editor.editError ? <Banner tone="error">{editor.editError.message}</Banner> : null}
      {lessonId ? (
        lesson ? (
          <>
            <p>
              <Link href={`/teach/${courseId}/edit?tab=structure`}>{t('author.lesson.back')}</Link>
            </p>
            <LessonEditor
              key={lesson.id}
              courseId={courseId}
              lesson={{ ...lesson, id: lesson.id! }}
              view={view}
              edit={editor.edit}
              onSettled={() => void editor.refresh()}
            />
          </>
        ) : (
          <Banner tone="warning">{t('author.lesson.gone')}</Banner>
        )
      ) : null}
      {tab === 'details' ? <DetailsPage view={view} editor={editor} /> : null}
      {tab === 'structure' ? (
        <StructureTree courseId={courseId} modules={view.draft.doc.modules} edit={editor.edit} />
      ) : null}
      {tab === 'preview' ? <StudentPreview draft={view.draft} /> : null}
      {tab === 'publish' ? (
        <PublishPanel view={view} onChanged={(publish) => editor.setView({ ...view, publish })} />
      ) : null}
      {tab === 'conflicts' ? <ConflictsView view={view} onResolved={() => void editor.refresh()} /> : null}
    </main>
  );
}

function DetailsPage({ view, editor }: { view: DraftView; editor: DraftEditor }) {
  const t = useT();
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (details: DraftDetails) => {
    setMessage(null);
    const patch = detailsPatch(view.draft.doc.details, details);
    if (Object.keys(patch).length === 0) return setMessage(t('author.details.unchanged'));
    setBusy(true);
    const ok = await editor.edit({ name: 'updateCourse', args: { patch } });
    setBusy(false);
    if (ok) setMessage(t('author.details.saved'));
  };
  return (
    <section aria-labelledby="details-title">
      <h2 id="details-title">{t('author.tab.details')}</h2>
      <DetailsForm
        key={view.draft.courseId}
        initial={fromDetails(view.draft.doc.details)}
        courseId={view.draft.courseId}
        submitLabel={t('author.details.save')}
        busy={busy}
        onSubmit={save}
        footer={
          <span role="status" className="muted">
            {message}
          </span>
        }
      />
    </section>
  );
}
