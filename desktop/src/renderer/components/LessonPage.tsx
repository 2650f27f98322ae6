import type { ReactNode, RefObject } from 'react';
import { useT } from '../i18n/use-t.ts';
import { useFormat } from '../lib/format.ts';
import { useFocusHeading } from '../lib/use-focus-heading.ts';
import type { Loaded } from '../lib/use-load.ts';
import { Link } from './Link.tsx';
import { Markdown } from './Markdown.tsx';

// What the lesson player and the preview of a lesson share: the way back, the title, the text and the way on.

/** The link back to the course (its title once known). */
function LessonBackLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className="back-link">
      <span aria-hidden="true">← </span>
      {children}
    </Link>
  );
}

/**
 * A lesson page's heading (focused when the lesson opens or `focusKey` changes; the page named after the lesson once
 * loaded, else `fallbackTitle`) and its link back to the course (`fallbackCourse` until the course title is known).
 */
export function useLessonFrame(
  state: Loaded<{ lesson: { title: string }; courseTitle: string }>,
  {
    backHref,
    fallbackTitle,
    fallbackCourse,
    focusKey,
  }: { backHref: string; fallbackTitle: string; fallbackCourse: string; focusKey: unknown },
) {
  const heading = useFocusHeading<HTMLHeadingElement>(
    state.status === 'ready' ? state.data.lesson.title : fallbackTitle,
    focusKey,
  );
  const back = (
    <LessonBackLink href={backHref}>
      {state.status === 'ready' ? state.data.courseTitle : fallbackCourse}
    </LessonBackLink>
  );
  return { heading, back };
}

/** The lesson's module and kind above its title; the title takes focus when the lesson opens. */
export function LessonTitle({
  moduleTitle,
  kind,
  title,
  heading,
}: {
  moduleTitle: string;
  kind: string;
  title: string;
  heading: RefObject<HTMLHeadingElement | null>;
}) {
  const f = useFormat();
  return (
    <>
      <p className="course__eyebrow">
        {moduleTitle} · {f.label('kind', kind)}
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
    </>
  );
}

/** A lesson's text (safe Markdown). */
export function LessonText({ source }: { source: string }) {
  return (
    <article className="lesson-player__body">
      <Markdown source={source} />
    </article>
  );
}

/** Links to the previous and next lessons (where there are any); `lessonHref` builds a lesson's address. */
export function NeighbourLessons({
  previousLessonId,
  nextLessonId,
  lessonHref,
}: {
  previousLessonId: string | null | undefined;
  nextLessonId: string | null | undefined;
  lessonHref: (lessonId: string) => string;
}) {
  const t = useT();
  return (
    <>
      {previousLessonId ? (
        <Link href={lessonHref(previousLessonId)} className="button button--secondary">
          {t('lesson.previous')}
        </Link>
      ) : null}
      {nextLessonId ? (
        <Link href={lessonHref(nextLessonId)} className="button button--secondary">
          {t('lesson.next')}
        </Link>
      ) : null}
    </>
  );
}
