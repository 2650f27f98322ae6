import { useState } from 'react';
import type { CalendarView } from '../../../contracts/notifications.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { useT } from '../../i18n/use-t.ts';
import { failureMessage } from '../../lib/api.ts';
import { calendarApi } from '../../lib/notifications-api.ts';

/** Deadlines in a calendar app: a subscription link (signed, no sign-in needed) and a download of the same file. */
export function CalendarPanel() {
  const t = useT();
  const [link, setLink] = useState<CalendarView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      setLink(await calendarApi.link());
    } catch (err) {
      setError(failureMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const copy = async () => {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link.url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section className="calendar-panel" aria-labelledby="calendar-heading">
      <h2 id="calendar-heading">{t('calendar.title')}</h2>
      <p className="muted">{t('calendar.intro')}</p>
      {error ? <Banner tone="error">{error}</Banner> : null}
      {link ? (
        <div className="calendar-panel__link">
          <label className="field">
            <span className="field__label">{t('calendar.urlLabel')}</span>
            <input className="field__input" readOnly value={link.url} onFocus={(e) => e.target.select()} />
          </label>
          <div className="calendar-panel__actions">
            <Button onClick={() => void copy()}>{t('calendar.copy')}</Button>
            <a className="button button--secondary" href={link.webcalUrl}>
              {t('calendar.subscribe')}
            </a>
            <a className="button button--primary" href={link.downloadPath} download="lyceum-deadlines.ics">
              {t('calendar.download')}
            </a>
          </div>
          <p className="muted" role="status">
            {copied ? t('calendar.copied') : ''}
          </p>
        </div>
      ) : (
        <Button onClick={() => void load()} busy={busy}>
          {t('calendar.get')}
        </Button>
      )}
    </section>
  );
}
