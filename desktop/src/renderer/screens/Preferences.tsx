import { useEffect, useState, type FormEvent } from 'react';
import type { Preferences as Prefs } from '@lyceum/contracts';
import { Banner } from '../components/Banner.tsx';
import { Button } from '../components/Button.tsx';
import { Spinner } from '../components/Spinner.tsx';
import { failureMessage } from '../lib/api.ts';
import { learningApi } from '../lib/learning-api.ts';
import { useSync } from '../lib/sync.tsx';
import { useFocusHeading } from '../lib/use-focus-heading.ts';
import { useLoad } from '../lib/use-load.ts';

const LOCALES = [
  ['en', 'English'],
  ['fr', 'Français'],
  ['es', 'Español'],
  ['de', 'Deutsch'],
  ['pt-BR', 'Português (Brasil)'],
] as const;
const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
const TOPICS: Record<string, string> = {
  course_updates: 'Course updates',
  deadlines: 'Deadlines',
  grades: 'Grades',
  enrollment: 'Enrollment',
  announcements: 'Announcements',
};
const CHANNELS = [
  ['in_app', 'In the app'],
  ['push', 'Push'],
  ['email', 'Email'],
] as const;

function timezones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
  return all.includes(current) ? all : [current, ...all];
}

/** Preferences: editable offline; saved through the outbox like every other change. */
export function Preferences() {
  const { version } = useSync();
  const { state } = useLoad(() => learningApi.preferences(), [version]);
  const [draft, setDraft] = useState<Prefs | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const heading = useFocusHeading<HTMLHeadingElement>('Preferences');
  useEffect(() => {
    if (state.status === 'ready' && draft === null) setDraft(state.data);
  }, [state, draft]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    setBusy(true);
    setMessage(null);
    try {
      setDraft(await learningApi.putPreferences(draft));
      setMessage({ tone: 'success', text: 'Saved. Your preferences sync to your other devices.' });
    } catch (err) {
      setMessage({ tone: 'error', text: failureMessage(err, 'Could not save.') });
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page prefs">
      <h1 ref={heading} tabIndex={-1}>
        Preferences
      </h1>
      {state.status === 'error' ? <Banner tone="error">{state.error.message}</Banner> : null}
      {!draft ? (
        state.status === 'loading' ? (
          <Spinner label="Loading preferences…" />
        ) : null
      ) : (
        <form onSubmit={(e) => void save(e)} className="prefs__form">
          <label className="field">
            <span className="field__label">Language</span>
            <select
              className="field__input"
              value={draft.locale}
              onChange={(e) => setDraft({ ...draft, locale: e.target.value })}
            >
              {LOCALES.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
              {LOCALES.some(([v]) => v === draft.locale) ? null : (
                <option value={draft.locale}>{draft.locale}</option>
              )}
            </select>
          </label>
          <label className="field">
            <span className="field__label">Time zone</span>
            <select
              className="field__input"
              value={draft.timezone}
              onChange={(e) => setDraft({ ...draft, timezone: e.target.value })}
            >
              {timezones(draft.timezone).map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">Playback speed</span>
            <select
              className="field__input"
              value={draft.playbackSpeed}
              onChange={(e) => setDraft({ ...draft, playbackSpeed: Number(e.target.value) })}
            >
              {(SPEEDS.includes(draft.playbackSpeed) ? SPEEDS : [...SPEEDS, draft.playbackSpeed]).map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
          </label>
          <fieldset className="field">
            <legend className="field__label">Download quality</legend>
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
          <fieldset className="field">
            <legend className="field__label">Notifications</legend>
            <table className="prefs__table">
              <thead>
                <tr>
                  <th scope="col">Topic</th>
                  {CHANNELS.map(([c, l]) => (
                    <th key={c} scope="col">
                      {l}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {Object.entries(draft.notifications).map(([topic, ch]) => (
                  <tr key={topic}>
                    <th scope="row">{TOPICS[topic] ?? topic}</th>
                    {CHANNELS.map(([c, l]) => (
                      <td key={c}>
                        <input
                          type="checkbox"
                          aria-label={`${TOPICS[topic] ?? topic}: ${l}`}
                          checked={ch[c]}
                          onChange={(e) =>
                            setDraft({
                              ...draft,
                              notifications: {
                                ...draft.notifications,
                                [topic]: { ...ch, [c]: e.target.checked },
                              },
                            })
                          }
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </fieldset>
          {message ? <Banner tone={message.tone}>{message.text}</Banner> : null}
          <Button type="submit" variant="primary" busy={busy} busyLabel="Saving…">
            Save preferences
          </Button>
        </form>
      )}
    </main>
  );
}
