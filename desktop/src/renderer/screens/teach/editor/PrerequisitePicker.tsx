import { useEffect, useState } from 'react';
import type { CourseSummary } from '@lyceum/contracts';
import { Button } from '../../../components/Button.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { api } from '../../../lib/api.ts';

/**
 * Prerequisites: the chosen courses (each with Remove) and a search over the catalog (the copy saved on this device
 * when offline) whose results are Add buttons. The result count is announced.
 */
export function PrerequisitePicker({
  value,
  onChange,
  excludeId,
}: {
  value: string[];
  onChange: (ids: string[]) => void;
  excludeId?: string;
}) {
  const t = useT();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<CourseSummary[] | null>(null);
  const [titles, setTitles] = useState<Record<string, string>>({});

  useEffect(() => {
    const missing = value.filter((id) => !titles[id]);
    for (const id of missing)
      api.course(id).then(
        (v) => setTitles((m) => ({ ...m, [id]: v.course.title })),
        () => undefined,
      );
  }, [value, titles]);

  useEffect(() => {
    const query = q.trim();
    if (!query) return setResults(null);
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      api.catalog({ q: query, limit: 8 }, ctrl.signal).then(
        (page) => {
          setResults(page.items.filter((c) => c.id !== excludeId));
          setTitles((m) => ({ ...m, ...Object.fromEntries(page.items.map((c) => [c.id, c.title])) }));
        },
        () => !ctrl.signal.aborted && setResults([]),
      );
    }, 200);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [q, excludeId]);

  return (
    <fieldset className="field prereq-picker">
      <legend className="field__label">{t('author.details.prerequisites')}</legend>
      {value.length ? (
        <ul className="prereq-picker__chosen" data-testid="prereq-chosen">
          {value.map((id) => (
            <li key={id}>
              <span>{titles[id] ?? t('author.details.prereqUnknown')}</span>{' '}
              <Button
                variant="ghost"
                aria-label={t('author.details.prereqRemove', { title: titles[id] ?? id })}
                onClick={() => onChange(value.filter((x) => x !== id))}
              >
                {t('author.details.remove')}
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('author.details.prereqNone')}</p>
      )}
      <label className="field">
        <span className="field__label">{t('author.details.prereqSearch')}</span>
        <input className="field__input" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      <p className="visually-hidden" aria-live="polite">
        {results ? t('author.details.prereqFound', { count: results.length }) : ''}
      </p>
      {results && results.length ? (
        <ul className="prereq-picker__results" data-testid="prereq-results">
          {results.map((c) => (
            <li key={c.id}>
              <Button
                disabled={value.includes(c.id) || value.length >= 20}
                aria-label={t('author.details.prereqAdd', { title: c.title })}
                onClick={() => onChange([...value, c.id])}
              >
                {c.title}
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
