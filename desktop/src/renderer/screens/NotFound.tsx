import { EmptyState } from '../components/EmptyState.tsx';
import { Link } from '../components/Link.tsx';
import { useFocusHeading } from '../lib/use-focus-heading.ts';
import { useT } from '../i18n/use-t.ts';

export function NotFound() {
  const t = useT();
  const heading = useFocusHeading<HTMLHeadingElement>(t('notFound.title'));
  return (
    <main id="main" className="page">
      <h1 ref={heading} tabIndex={-1}>
        {t('notFound.title')}
      </h1>
      <EmptyState title={t('notFound.body')} action={<Link href="/">{t('notFound.back')}</Link>} />
    </main>
  );
}
