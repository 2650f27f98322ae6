import type { TeachLesson, TeachLimits, TeachUpload } from '../../../../contracts/teaching.ts';
import { useT } from '../../../i18n/use-t.ts';
import { teachApi } from '../../../lib/teach-api.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { LessonMedia } from '../LessonMedia.tsx';

/** The server's default size limits (as the core's DEFAULT_TEACH_LIMITS), shown while the server cannot be asked. */
const MiB = 1024 * 1024;
const FALLBACK_LIMITS: TeachLimits = { video: 4096 * MiB, slides: 200 * MiB, document: 200 * MiB };

/**
 * A video or slides lesson's file in the editor: the existing upload piece (choose or drop a file, progress,
 * processing), with the file the server has when it can be reached and this device's latest upload for the lesson.
 */
export function LessonFiles({
  courseId,
  lesson,
  uploads,
  onSettled,
}: {
  courseId: string;
  lesson: { id: string; title: string; kind: 'video' | 'slides' };
  uploads: TeachUpload[];
  onSettled: () => void;
}) {
  const t = useT();
  const server = useLoad(() => teachApi.course(courseId), [courseId]);
  const fromServer =
    server.state.status === 'ready'
      ? server.state.data.modules.flatMap((m) => m.lessons).find((l) => l.id === lesson.id)
      : undefined;
  const mine = uploads
    .filter((u) => u.lessonId === lesson.id)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  const teachLesson: TeachLesson = {
    id: lesson.id,
    title: lesson.title,
    kind: lesson.kind,
    accepts: lesson.kind === 'video' ? 'video' : 'slides',
    assets: fromServer?.assets ?? [],
    upload: mine ?? fromServer?.upload ?? null,
  };
  const limits = server.state.status === 'ready' ? server.state.data.limits : FALLBACK_LIMITS;
  return (
    <section className="lesson-files" aria-labelledby="lesson-files-title">
      <h2 id="lesson-files-title">
        {t(lesson.kind === 'video' ? 'author.lesson.video' : 'author.lesson.slides')}
      </h2>
      {server.state.status === 'error' ? <p className="muted">{t('author.lesson.filesOffline')}</p> : null}
      <ul className="teach-lessons">
        <LessonMedia
          key={`${lesson.id}:${mine?.id ?? ''}`}
          courseId={courseId}
          lesson={teachLesson}
          limits={limits}
          onSettled={() => {
            server.reload();
            onSettled();
          }}
        />
      </ul>
    </section>
  );
}
