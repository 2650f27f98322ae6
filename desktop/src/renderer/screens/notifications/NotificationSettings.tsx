import { useEffect, useState, type FormEvent } from 'react';
import {
  EmailMode,
  InstantMode,
  NotificationKind,
  type ChannelChoice,
  type NotificationPreferences,
} from '@lyceum/contracts';
import { systemTimeZone, timeZones } from '@lyceum/ui/i18n';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { Link } from '../../components/Link.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useT } from '../../i18n/use-t.ts';
import { failureMessage } from '../../lib/api.ts';
import { learningApi } from '../../lib/learning-api.ts';
import { notificationPrefsApi } from '../../lib/notifications-api.ts';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { OsPermissionPrompt } from './OsPermissionPrompt.tsx';
import './notifications.css';

const CHANNELS = ['push', 'email'] as const;
type Channel = (typeof CHANNELS)[number];
const modesOf = (c: Channel) => (c === 'email' ? EmailMode.options : InstantMode.options);

/**
 * Notification settings (Canvas's convention): for each kind of notification and each channel, immediately / daily
 * digest / weekly digest / off; courses muted; quiet hours in a time zone (emails wait until they end). Kept on the
 * server, so they need a connection.
 */
export function NotificationSettings() {
  const t = useT();
  const { state } = useLoad(() => notificationPrefsApi.get(), []);
  const courses = useLoad(() => learningApi.list(), []);
  const [draft, setDraft] = useState<NotificationPreferences | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const heading = useFocusHeading<HTMLHeadingElement>(t('notifPrefs.title'));
  useEffect(() => {
    if (state.status === 'ready' && draft === null) setDraft(state.data);
  }, [state, draft]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    setBusy(true);
    setMessage(null);
    try {
      setDraft(await notificationPrefsApi.put(draft));
      setMessage({ tone: 'success', text: t('notifPrefs.saved') });
    } catch (err) {
      setMessage({ tone: 'error', text: failureMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const setChoice = (kind: NotificationKind, channel: Channel, value: string) => {
    if (!draft) return;
    const current: ChannelChoice = draft.types[kind];
    setDraft({ ...draft, types: { ...draft.types, [kind]: { ...current, [channel]: value } } });
  };
  const kindLabel = (k: NotificationKind) => t(`notifications.type.${k}`);
  const channelLabel = (c: Channel) => t(`notifPrefs.channel.${c}`);
  const modeLabel = (m: string) => t(`notifPrefs.mode.${m as 'off'}`);
  const enrolled = courses.state.status === 'ready' ? courses.state.data.items : [];

  return (
    <main id="main" className="page notif-prefs">
      <h1 ref={heading} tabIndex={-1}>
        {t('notifPrefs.title')}
      </h1>
      <p>
        <Link href="/notifications">{t('notifPrefs.back')}</Link>
      </p>
      <OsPermissionPrompt />
      {state.status === 'loading' ? <Spinner label={t('notifPrefs.loading')} /> : null}
      {state.status === 'error' ? <Banner tone="error">{state.error.message}</Banner> : null}
      {draft ? (
        <form onSubmit={(e) => void save(e)}>
          <fieldset className="field">
            <legend className="field__label">{t('notifPrefs.types')}</legend>
            <div className="notif-prefs__scroll">
              <table className="notif-prefs__table">
                <thead>
                  <tr>
                    <th scope="col">{t('notifPrefs.kind')}</th>
                    {CHANNELS.map((c) => (
                      <th key={c} scope="col">
                        {channelLabel(c)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {NotificationKind.options.map((k) => (
                    <tr key={k}>
                      <th scope="row">{kindLabel(k)}</th>
                      {CHANNELS.map((c) => (
                        <td key={c}>
                          <select
                            className="field__input"
                            aria-label={t('notifPrefs.cell', {
                              kind: kindLabel(k),
                              channel: channelLabel(c),
                            })}
                            value={draft.types[k][c]}
                            onChange={(e) => setChoice(k, c, e.target.value)}
                          >
                            {modesOf(c).map((m) => (
                              <option key={m} value={m}>
                                {modeLabel(m)}
                              </option>
                            ))}
                          </select>
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </fieldset>
          <fieldset className="field">
            <legend className="field__label">{t('notifPrefs.muted')}</legend>
            {enrolled.length === 0 ? <p className="muted">{t('notifPrefs.noCourses')}</p> : null}
            {enrolled.map((c) => (
              <label key={c.courseId} className="notif-prefs__check">
                <input
                  type="checkbox"
                  checked={draft.mutedCourses.includes(c.courseId)}
                  onChange={(e) =>
                    setDraft({
                      ...draft,
                      mutedCourses: e.target.checked
                        ? [...draft.mutedCourses, c.courseId]
                        : draft.mutedCourses.filter((id) => id !== c.courseId),
                    })
                  }
                />
                {t('notifPrefs.mute', { course: c.title })}
              </label>
            ))}
          </fieldset>
          <fieldset className="field">
            <legend className="field__label">{t('notifPrefs.quiet')}</legend>
            <p className="field__hint">{t('notifPrefs.quietHint')}</p>
            <label className="notif-prefs__check">
              <input
                type="checkbox"
                checked={draft.quietHours !== null}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    quietHours: e.target.checked ? { start: '22:00', end: '07:00' } : null,
                  })
                }
              />
              {t('notifPrefs.quietOn')}
            </label>
            {draft.quietHours ? (
              <div className="notif-prefs__hours">
                <label className="field">
                  <span className="field__label">{t('notifPrefs.quietStart')}</span>
                  <input
                    className="field__input"
                    type="time"
                    required
                    value={draft.quietHours.start}
                    onChange={(e) =>
                      setDraft({ ...draft, quietHours: { ...draft.quietHours!, start: e.target.value } })
                    }
                  />
                </label>
                <label className="field">
                  <span className="field__label">{t('notifPrefs.quietEnd')}</span>
                  <input
                    className="field__input"
                    type="time"
                    required
                    value={draft.quietHours.end}
                    onChange={(e) =>
                      setDraft({ ...draft, quietHours: { ...draft.quietHours!, end: e.target.value } })
                    }
                  />
                </label>
              </div>
            ) : null}
            <label className="field">
              <span className="field__label">{t('notifPrefs.timezone')}</span>
              <select
                className="field__input"
                value={draft.timezone}
                onChange={(e) => setDraft({ ...draft, timezone: e.target.value })}
              >
                {timeZones(draft.timezone).map((z) => (
                  <option key={z} value={z}>
                    {z === systemTimeZone() ? t('notifPrefs.timezoneDevice', { zone: z }) : z}
                  </option>
                ))}
              </select>
            </label>
          </fieldset>
          {message ? <Banner tone={message.tone}>{message.text}</Banner> : null}
          <Button type="submit" variant="primary" busy={busy}>
            {t('notifPrefs.save')}
          </Button>
        </form>
      ) : null}
    </main>
  );
}
