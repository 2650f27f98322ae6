import { useFocusHeading } from '../lib/use-focus-heading.ts';
import { useT } from '../i18n/use-t.ts';

/** Shown when the page was opened without this launch's secret (an old tab, a copied URL without ?launch=). */
export function LaunchRequired() {
  const t = useT();
  const heading = useFocusHeading<HTMLHeadingElement>(t('launch.title'));
  return (
    <main id="main" className="sign-in">
      <div className="sign-in__panel">
        <h1 ref={heading} tabIndex={-1}>
          {t('launch.title')}
        </h1>
        <p>{t('launch.body')}</p>
      </div>
    </main>
  );
}
