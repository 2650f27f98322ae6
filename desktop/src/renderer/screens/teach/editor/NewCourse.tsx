import { useState } from 'react';
import type { DraftDetails } from '../../../../contracts/authoring.ts';
import { Banner } from '../../../components/Banner.tsx';
import { Link } from '../../../components/Link.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { failureMessage } from '../../../lib/api.ts';
import { authoringApi } from '../../../lib/authoring-api.ts';
import { navigate } from '../../../lib/router.ts';
import { useFocusHeading } from '../../../lib/use-focus-heading.ts';
import { emptyDetails } from './details-model.ts';
import { DetailsForm } from './DetailsForm.tsx';
import '../teach.css';
import './editor.css';

/** Teach → New course: its details, kept on this device (works offline); then on to its structure. */
export function NewCourse() {
  const t = useT();
  const heading = useFocusHeading<HTMLHeadingElement>(t('author.new.title'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const create = async (details: DraftDetails) => {
    setBusy(true);
    setError(null);
    try {
      const { courseId } = await authoringApi.create(details);
      navigate(`/teach/${courseId}/edit?tab=structure`);
    } catch (err) {
      setError(failureMessage(err));
      setBusy(false);
    }
  };
  return (
    <main id="main" className="page teach course-editor">
      <Link href="/teach" className="back-link">
        <span aria-hidden="true">← </span>
        {t('teach.backToCourses')}
      </Link>
      <h1 ref={heading} tabIndex={-1}>
        {t('author.new.title')}
      </h1>
      <p className="muted teach__intro">{t('author.new.intro')}</p>
      {error ? <Banner tone="error">{error}</Banner> : null}
      <DetailsForm
        initial={emptyDetails}
        submitLabel={t('author.new.create')}
        busy={busy}
        onSubmit={create}
      />
    </main>
  );
}
