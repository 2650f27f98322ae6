import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Preferences as Prefs } from '@lyceum/contracts';
import { LOCALE_NAMES, SUPPORTED_LOCALES, SYSTEM, systemTimeZone, timeZones } from '@lyceum/ui/i18n';
import { Banner } from '../components/Banner.tsx';
import { Button } from '../components/Button.tsx';
import { Link } from '../components/Link.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { useLocaleSettings } from '../i18n/I18n.tsx';
import type { MessageKey } from '../i18n/catalogues.ts';
import { useT } from '../i18n/use-t.ts';
import { failureMessage } from '../lib/api.ts';
import { useFormat } from '../lib/format.ts';
import { learningApi } from '../lib/learning-api.ts';
import { useSync } from '../lib/sync.tsx';
import { useFocusHeading } from '../lib/use-focus-heading.ts';
import { useLoad } from '../lib/use-load.ts';
import { DownloadSettings } from './learning/DownloadSettings.tsx';

const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];

/** Preferences: editable offline; saved through the outbox like every other change. */
export function Preferences() {
  const t = useT();
  const f = useFormat();
  const { apply, deviceLocale } = useLocaleSettings();
  const { version } = useSync();
  const { state } = useLoad(() => learningApi.preferences(), [version]);
  const [draft, setDraft] = useState<Prefs | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: MessageKey | string } | null>(
    null,
  );
  const heading = useFocusHeading<HTMLHeadingElement>(t('prefs.title'));
  useEffect(() => {
    if (state.status === 'ready' && draft === null) setDraft(state.data);
  }, [state, draft]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    setBusy(true);
    setMessage(null);
    try {
      const saved = await learningApi.putPreferences(draft);
      setDraft(saved);
      // The interface follows the new language and time zone at once.
      apply(saved);
      setMessage({ tone: 'success', text: 'prefs.saved' });
    } catch (err) {
      setMessage({ tone: 'error', text: failureMessage(err, t('prefs.saveFailed')) });
    } finally {
      setBusy(false);
    }
  };
  const systemLanguage = LOCALE_NAMES[deviceLocale];
  const translated = (SUPPORTED_LOCALES as readonly string[]).includes(draft?.locale ?? SYSTEM);

  return (
    <main id="main" className="page prefs">
      <h1 ref={heading} tabIndex={-1}>
        {t('prefs.title')}
      </h1>
      {state.status === 'error' ? <Banner tone="error">{state.error.message}</Banner> : null}
      {!draft ? (
        state.status === 'loading' ? (
          <Spinner label={t('prefs.loading')} />
        ) : null
      ) : (
        <form onSubmit={(e) => void save(e)} className="prefs__form">
          <label className="field">
            <span className="field__label">{t('prefs.language')}</span>
            <select
              className="field__input"
              value={draft.locale}
              onChange={(e) => setDraft({ ...draft, locale: e.target.value })}
            >
              <option value={SYSTEM}>{t('prefs.language.system', { name: systemLanguage })}</option>
              {SUPPORTED_LOCALES.map((l) => (
                <option key={l} value={l} lang={l}>
                  {LOCALE_NAMES[l]}
                </option>
              ))}
              {draft.locale === SYSTEM || translated ? null : (
                <option value={draft.locale}>
                  {t('prefs.language.untranslated', { name: f.ownLanguageName(draft.locale) })}
                </option>
              )}
            </select>
          </label>
          <TimeZoneField value={draft.timezone} onChange={(timezone) => setDraft({ ...draft, timezone })} />
          <label className="field">
            <span className="field__label">{t('prefs.speed')}</span>
            <select
              className="field__input"
              value={draft.playbackSpeed}
              onChange={(e) => setDraft({ ...draft, playbackSpeed: Number(e.target.value) })}
            >
              {(SPEEDS.includes(draft.playbackSpeed) ? SPEEDS : [...SPEEDS, draft.playbackSpeed]).map((s) => (
                <option key={s} value={s}>
                  {t('prefs.speed.value', { speed: f.number(s) })}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="field">
            <legend className="field__label">{t('prefs.quality')}</legend>
            {(['360p', '720p', '1080p'] as const).map((q) => (
              <label key={q} className="choice">
                <input
                  type="radio"
                  name="quality"
                  checked={draft.downloadQuality === q}
                  onChange={() => setDraft({ ...draft, downloadQuality: q })}
                />
                {q}
              </label>
            ))}
          </fieldset>
          <NotificationSettingsLink />
          {message ? (
            <Banner tone={message.tone}>
              {message.tone === 'success' ? t(message.text as MessageKey) : message.text}
            </Banner>
          ) : null}
          <Button type="submit" variant="primary" busy={busy} busyLabel={t('prefs.saving')}>
            {t('prefs.save')}
          </Button>
        </form>
      )}
      <DownloadSettings />
    </main>
  );
}

/** Every IANA zone plus UTC (whatever is chosen), narrowed by what the student types. */
function TimeZoneField({ value, onChange }: { value: string; onChange: (zone: string) => void }) {
  const t = useT();
  const f = useFormat();
  const [query, setQuery] = useState('');
  const zones = useMemo(() => timeZones(value), [value]);
  const words = query
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, ' ');
  const shown = words ? zones.filter((z) => z.toLowerCase().replace(/_/g, ' ').includes(words)) : zones;
  // The chosen zone stays an option while the list is narrowed, so the select keeps showing it.
  const options = value === SYSTEM || shown.includes(value) ? shown : [value, ...shown];
  const zone = value === SYSTEM ? systemTimeZone() : value;
  return (
    <div className="field prefs__timezone">
      <label className="field__label" htmlFor="tz-filter">
        {t('prefs.timezone.filter')}
      </label>
      <input
        id="tz-filter"
        className="field__input"
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-describedby="tz-filter-hint"
        autoComplete="off"
      />
      <span id="tz-filter-hint" className="field__hint">
        {t('prefs.timezone.filterHint')}
      </span>
      <span className="field__hint" role="status">
        {words ? t('prefs.timezone.matches', { count: shown.length }) : null}
      </span>
      <label className="field__label" htmlFor="tz-select">
        {t('prefs.timezone')}
      </label>
      <select
        id="tz-select"
        className="field__input"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby="tz-now"
      >
        <option value={SYSTEM}>{t('prefs.timezone.system', { zone: systemTimeZone() })}</option>
        {options.map((z) => (
          <option key={z} value={z}>
            {z.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
      <span id="tz-now" className="field__hint">
        {t('prefs.timezone.now', { time: f.timeIn(zone) })}
      </span>
    </div>
  );
}

/**
 * Notifications have one settings screen of their own (type × channel, muted courses, quiet hours; kept on the
 * server): Preferences links to it.
 */
function NotificationSettingsLink() {
  const t = useT();
  return (
    <p className="field">
      <Link href="/preferences/notifications">{t('notifications.settingsLink')}</Link>
    </p>
  );
}
