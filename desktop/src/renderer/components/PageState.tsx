import type { ReactNode, RefObject } from 'react';
import { Spinner } from './Spinner.tsx';

interface Props {
  /** The back link shown above the heading. */
  back: ReactNode;
  /** The page's focus target (from useFocusHeading). */
  heading: RefObject<HTMLHeadingElement | null>;
}

/** A page still loading: a hidden heading for screen readers (focused on arrival) and a spinner. */
export function LoadingPage({ back, heading, what }: Props & { what: string }) {
  return (
    <main id="main" className="page">
      {back}
      <h1 ref={heading} tabIndex={-1} className="visually-hidden">
        Loading {what}
      </h1>
      <Spinner label={`Loading ${what}…`} />
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
