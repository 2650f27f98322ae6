import { useState, type FormEvent } from 'react';
import type { Announcement } from '@lyceum/contracts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { Link } from '../../components/Link.tsx';
import { Markdown } from '../../components/Markdown.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { useT } from '../../i18n/use-t.ts';
import { failureMessage } from '../../lib/api.ts';
import { useFormat } from '../../lib/format.ts';
import { announcementsApi } from '../../lib/notifications-api.ts';
import { teachApi } from '../../lib/teach-api.ts';
import { useFocusHeading } from '../../lib/use-focus-heading.ts';
import { useLoad } from '../../lib/use-load.ts';
import { TeachTabs } from './Insights.tsx';
import './teach.css';
import '../notifications/notifications.css';

/** `datetime-local` value (the device's time) → ISO instant. */
const toIso = (local: string) => new Date(local).toISOString();

/**
 * Teach → Announcements: write to the course's students (Markdown with a preview; now or at a time; also by email),
 * and see how many received and read each one. Needs the server.
 */
export function Announcements({ courseId }: { courseId: string }) {
  const t = useT();
  const f = useFormat();
  const course = useLoad(() => teachApi.course(courseId), [courseId]);
  const { state, reload } = useLoad(() => announcementsApi.list(courseId), [courseId]);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [later, setLater] = useState(false);
  const [sendAt, setSendAt] = useState('');
  const [email, setEmail] = useState(false);
  const [preview, setPreview] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const heading = useFocusHeading<HTMLHeadingElement>(t('announce.title'));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const sent = await announcementsApi.send(courseId, {
        title,
        body,
        email,
        ...(later && sendAt ? { sendAt: toIso(sendAt) } : {}),
      });
      setTitle('');
      setBody('');
      setPreview(false);
      setMessage({
        tone: 'success',
        text:
          sent.status === 'scheduled'
            ? t('announce.scheduled', { when: f.dateTime(sent.sendAt) })
            : t('announce.sent', { count: sent.delivered }),
      });
      reload();
    } catch (err) {
      setMessage({ tone: 'error', text: failureMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page teach announce">
      <Link href="/teach" className="back-link">
        <span aria-hidden="true">← </span>
        {t('teach.backToCourses')}
      </Link>
      <h1 ref={heading} tabIndex={-1}>
        {t('announce.title')}
        {course.state.status === 'ready' ? (
          <span className="announce__course"> · {course.state.data.course.title}</span>
        ) : null}
      </h1>
      <TeachTabs courseId={courseId} current="announcements" />
      <form className="announce__form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span className="field__label">{t('announce.field.title')}</span>
          <input
            className="field__input"
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
        </label>
        <div className="field">
          <div className="announce__bodybar">
            <label htmlFor="announce-body" className="field__label">
              {t('announce.field.body')}
            </label>
            <Button variant="ghost" aria-pressed={preview} onClick={() => setPreview((p) => !p)}>
              {t('announce.preview')}
            </Button>
          </div>
          <p className="field__hint" id="announce-body-hint">
            {t('announce.markdownHint')}
          </p>
          <textarea
            id="announce-body"
            className="field__input"
            required
            rows={8}
            maxLength={20000}
            aria-describedby="announce-body-hint"
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
          {preview ? (
            <section
              className="announce__preview"
              aria-label={t('announce.previewLabel')}
              data-testid="announce-preview"
            >
              {body.trim() ? (
                <Markdown source={body} headingOffset={2} />
              ) : (
                <p className="muted">{t('announce.previewEmpty')}</p>
              )}
            </section>
          ) : null}
        </div>
        <fieldset className="field">
          <legend className="field__label">{t('announce.when')}</legend>
          <label className="notif-prefs__check">
            <input type="radio" name="when" checked={!later} onChange={() => setLater(false)} />
            {t('announce.now')}
          </label>
          <label className="notif-prefs__check">
            <input type="radio" name="when" checked={later} onChange={() => setLater(true)} />
            {t('announce.later')}
          </label>
          {later ? (
            <label className="field">
              <span className="field__label">{t('announce.sendAt')}</span>
              <input
                className="field__input"
                type="datetime-local"
                required
                value={sendAt}
                onChange={(e) => setSendAt(e.target.value)}
              />
            </label>
          ) : null}
        </fieldset>
        <label className="notif-prefs__check">
          <input type="checkbox" checked={email} onChange={(e) => setEmail(e.target.checked)} />
          {t('announce.email')}
        </label>
        {message ? <Banner tone={message.tone}>{message.text}</Banner> : null}
        <Button type="submit" variant="primary" busy={busy}>
          {later ? t('announce.schedule') : t('announce.send')}
        </Button>
      </form>
      <section aria-labelledby="announce-list">
        <h2 id="announce-list">{t('announce.listTitle')}</h2>
        {state.status === 'loading' ? <Spinner label={t('announce.loading')} /> : null}
        {state.status === 'error' ? <Banner tone="error">{state.error.message}</Banner> : null}
        {state.status === 'ready' && state.data.items.length === 0 ? (
          <p className="muted">{t('announce.none')}</p>
        ) : null}
        {state.status === 'ready' && state.data.items.length > 0 ? (
          <ul className="inbox__list" data-testid="announcement-list">
            {state.data.items.map((a) => (
              <AnnouncementRow key={a.id} a={a} />
            ))}
          </ul>
        ) : null}
      </section>
    </main>
  );
}

function AnnouncementRow({ a }: { a: Announcement }) {
  const t = useT();
  const f = useFormat();
  return (
    <li className="inbox-item" data-testid="announcement-item">
      <h3 className="inbox-item__title">{a.title}</h3>
      <p className="muted">
        {a.status === 'scheduled'
          ? t('announce.row.scheduled', { when: f.dateTime(a.sendAt) })
          : t('announce.row.sent', { when: f.dateTime(a.sentAt ?? a.sendAt) })}
        {a.email ? ` · ${t('announce.row.email')}` : ''}
      </p>
      <p data-testid="announcement-counts">
        {t('announce.row.counts', { delivered: a.delivered, read: a.read, emailed: a.emailed })}
      </p>
    </li>
  );
}
