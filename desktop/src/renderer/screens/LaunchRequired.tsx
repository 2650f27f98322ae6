import { useFocusHeading } from '../lib/use-focus-heading.ts';

/** Shown when the page was opened without this launch's secret (an old tab, a copied URL without ?launch=). */
export function LaunchRequired() {
  const heading = useFocusHeading<HTMLHeadingElement>('Open Lyceum from its link');
  return (
    <main id="main" className="sign-in">
      <div className="sign-in__panel">
        <h1 ref={heading} tabIndex={-1}>
          Open Lyceum from its link
        </h1>
        <p>
          For your safety this page only works when opened with the link Lyceum printed when it started (it
          contains a one-time key). Look for the line “Open this link in your browser” in the terminal, or
          restart Lyceum.
        </p>
      </div>
    </main>
  );
}
