import { useState } from 'react';
import type { AuthoringConflict, ConflictResolveBody, DraftView } from '../../../../contracts/authoring.ts';
import { Banner } from '../../../components/Banner.tsx';
import { Button } from '../../../components/Button.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { api, failureMessage } from '../../../lib/api.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { authoringApi } from '../../../lib/authoring-api.ts';
import { useFormat } from '../../../lib/format.ts';

/** A side of a conflict as text: strings as they are, anything else as indented JSON. */
const asText = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, 2);

/**
 * Edits of this device that met newer ones from elsewhere: per field or lesson, mine and theirs side by side (with
 * who and when), and Keep mine / Take theirs / Edit a merge. Nothing is lost until the instructor chooses.
 */
export function ConflictsView({ view, onResolved }: { view: DraftView; onResolved: () => void }) {
  const t = useT();
  const session = useLoad(() => api.session(), []);
  const me = session.state.status === 'ready' ? (session.state.data.user?.id ?? null) : null;
  if (view.conflicts.length === 0)
    return (
      <section aria-labelledby="conflicts-title">
        <h2 id="conflicts-title">{t('author.conflicts.title')}</h2>
        <p className="muted">{t('author.conflicts.none')}</p>
      </section>
    );
  return (
    <section aria-labelledby="conflicts-title" className="conflicts">
      <h2 id="conflicts-title">{t('author.conflicts.title')}</h2>
      <p className="muted">{t('author.conflicts.intro')}</p>
      {view.conflicts.map((c) => (
        <ConflictCard key={c.id} c={c} view={view} me={me} onResolved={onResolved} />
      ))}
    </section>
  );
}

function ConflictCard({
  c,
  view,
  me,
  onResolved,
}: {
  c: AuthoringConflict;
  view: DraftView;
  /** The signed-in user: their own edit from another device says so. */
  me: string | null;
  onResolved: () => void;
}) {
  const t = useT();
  const f = useFormat();
  const [merging, setMerging] = useState(false);
  const [merge, setMerge] = useState(asText(c.mine));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const lesson = view.draft.doc.modules.flatMap((m) => m.lessons).find((l) => l.id === c.target.id);
  const module = view.draft.doc.modules.find((m) => m.id === c.target.id);
  const what =
    c.target.kind === 'details'
      ? t('author.conflicts.details', { field: c.target.field ?? '' })
      : c.target.kind === 'module'
        ? t('author.conflicts.module', { title: module?.title ?? '' })
        : t(c.target.kind === 'quiz' ? 'author.conflicts.quiz' : 'author.conflicts.lesson', {
            title: lesson?.title ?? '',
            field: c.target.field ?? '',
          });
  const headingId = `conflict-${c.id}`;

  const resolve = async (body: ConflictResolveBody) => {
    setBusy(true);
    setError(null);
    try {
      await authoringApi.resolve(c.courseId, c.id, body);
      onResolved();
    } catch (err) {
      setError(failureMessage(err));
      setBusy(false);
    }
  };
  const saveMerge = () => {
    if (typeof c.mine === 'string') return void resolve({ choice: 'merge', value: merge });
    try {
      void resolve({ choice: 'merge', value: JSON.parse(merge) as unknown });
    } catch {
      setError(t('author.conflicts.badJson'));
    }
  };

  return (
    <article className="conflict" aria-labelledby={headingId} data-testid="conflict">
      <h3 id={headingId}>{what}</h3>
      <div className="conflict__sides">
        <section className="conflict__side" aria-label={t('author.conflicts.mine')}>
          <h4>{t('author.conflicts.mine')}</h4>
          <p className="muted">{t('author.conflicts.mineWhen', { when: f.dateTime(c.mineAt) })}</p>
          <pre className="conflict__value" tabIndex={0} data-testid="conflict-mine">
            {asText(c.mine) || t('author.conflicts.empty')}
          </pre>
        </section>
        <section className="conflict__side" aria-label={t('author.conflicts.theirs')}>
          <h4>{t('author.conflicts.theirs')}</h4>
          <p className="muted">
            {t('author.conflicts.theirsWhen', {
              who:
                c.theirsBy.name ??
                (c.theirsBy.id && c.theirsBy.id === me
                  ? t('author.conflicts.you')
                  : t('author.conflicts.someone')),
              when: f.dateTime(c.theirsAt),
            })}
          </p>
          <pre className="conflict__value" tabIndex={0} data-testid="conflict-theirs">
            {c.theirs === null ? t('author.conflicts.gone') : asText(c.theirs) || t('author.conflicts.empty')}
          </pre>
        </section>
      </div>
      {merging ? (
        <label className="field">
          <span className="field__label">{t('author.conflicts.mergeLabel')}</span>
          <textarea
            className="field__input"
            rows={8}
            value={merge}
            onChange={(e) => setMerge(e.target.value)}
          />
        </label>
      ) : null}
      {error ? <Banner tone="error">{error}</Banner> : null}
      <div className="details-form__actions">
        {merging ? (
          <>
            <Button variant="primary" busy={busy} onClick={saveMerge}>
              {t('author.conflicts.saveMerge')}
            </Button>
            <Button variant="ghost" onClick={() => setMerging(false)}>
              {t('common.cancel')}
            </Button>
          </>
        ) : (
          <>
            <Button variant="primary" disabled={busy} onClick={() => void resolve({ choice: 'mine' })}>
              {t('author.conflicts.keepMine')}
            </Button>
            <Button disabled={busy} onClick={() => void resolve({ choice: 'theirs' })}>
              {t('author.conflicts.takeTheirs')}
            </Button>
            <Button disabled={busy} onClick={() => setMerging(true)}>
              {t('author.conflicts.editMerge')}
            </Button>
          </>
        )}
      </div>
    </article>
  );
}
