import type { ReactNode, RefObject } from 'react';
import { Spinner } from './Spinner.tsx';
import { useT } from '../i18n/use-t.ts';

interface Props {
  /** The back link shown above the heading. */
  back: ReactNode;
  /** The page's focus target (from useFocusHeading). */
  heading: RefObject<HTMLHeadingElement | null>;
}

/** A page still loading: a hidden heading for screen readers (focused on arrival) and a spinner. */
export function LoadingPage({ back, heading, what }: Props & { what: 'course' | 'lesson' }) {
  const label = useT()(what === 'course' ? 'page.loading.course' : 'page.loading.lesson');
  return (
    <main id="main" className="page">
      {back}
      <h1 ref={heading} tabIndex={-1} className="visually-hidden">
        {label}
      </h1>
      <Spinner label={label} />
    </main>
  );
}

/** A page that could not be shown: a visible heading and what to do about it. */
export function UnavailablePage({
  back,
  heading,
  title,
  children,
}: Props & { title: string; children: ReactNode }) {
  return (
    <main id="main" className="page">
      {back}
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </main>
  );
}
