import { useEffect, useState, type FormEvent } from 'react';
import { NotificationKind, type DeliveryLogQuery, type Role } from '@lyceum/contracts';
import { client, describeError } from '../api.ts';
import { useT, type MessageKey } from '../i18n/catalogues.ts';
import { TableWrap } from '../payments/TableWrap.tsx';
import { useLoad } from '../payments/use-load.ts';
import { useWhen } from '../payments/money.ts';

const empty = { title: '', body: '', audience: '', sendAt: '', email: false };

/** Platform announcements: compose (markdown) to everyone or one role, now or at a time, optionally by email; the list. */
function Announcements() {
  const t = useT();
  const when = useWhen();
  const list = useLoad(() => client.call('listPlatformAnnouncements', {}), []);
  const [form, setForm] = useState(empty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const sendAt = form.sendAt ? new Date(form.sendAt) : null;
    if (sendAt && Number.isNaN(sendAt.getTime())) return setError(t('notif.badTime'));
    setBusy(true);
    try {
      const a = await client.call('createPlatformAnnouncement', {
        body: {
          title: form.title,
          body: form.body,
          email: form.email,
          ...(form.audience ? { role: form.audience as Role } : {}),
          ...(sendAt ? { sendAt: sendAt.toISOString() } : {}),
        },
      });
      setDone(a.status === 'sent' ? t('notif.sent', { count: a.delivered }) : t('notif.scheduled'));
      setForm(empty);
      void list.reload();
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      <section className="panel" aria-labelledby="announce-new">
        <h2 id="announce-new">{t('notif.new')}</h2>
        <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
          <label className="field">
            {t('notif.titleField')}
            <input
              required
              maxLength={200}
              value={form.title}
              onChange={(e) => setForm({ ...form, title: e.target.value })}
            />
          </label>
          <label className="field">
            {t('notif.body')}
            <textarea
              required
              rows={5}
              maxLength={20000}
              value={form.body}
              aria-describedby="announce-md"
              onChange={(e) => setForm({ ...form, body: e.target.value })}
            />
            <span id="announce-md" className="muted">
              {t('notif.markdownHint')}
            </span>
          </label>
          <div className="form-row">
            <label className="field">
              {t('notif.audience')}
              <select value={form.audience} onChange={(e) => setForm({ ...form, audience: e.target.value })}>
                <option value="">{t('notif.everyone')}</option>
                {(['student', 'instructor', 'admin'] as const).map((r) => (
                  <option key={r} value={r}>
                    {t(`console.role.${r}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              {t('notif.sendAt')}
              <input
                type="datetime-local"
                value={form.sendAt}
                onChange={(e) => setForm({ ...form, sendAt: e.target.value })}
              />
            </label>
            <label>
              <input
                type="checkbox"
                checked={form.email}
                onChange={(e) => setForm({ ...form, email: e.target.checked })}
              />{' '}
              {t('notif.alsoEmail')}
            </label>
            <button type="submit" className="button primary" disabled={busy || !form.title || !form.body}>
              {form.sendAt ? t('notif.schedule') : t('notif.sendNow')}
            </button>
          </div>
          <p role="status" className={error ? 'error' : 'muted'}>
            {error ?? done ?? ''}
          </p>
        </form>
      </section>
      <section className="panel wide" aria-labelledby="announce-list">
        <h2 id="announce-list">{t('notif.list')}</h2>
        {list.error ? <p className="error">{list.error}</p> : null}
        <TableWrap labelledBy="announce-list">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('notif.titleField')}</th>
                <th scope="col">{t('notif.audience')}</th>
                <th scope="col">{t('notif.status')}</th>
                <th scope="col">{t('notif.delivered')}</th>
                <th scope="col">{t('notif.read')}</th>
                <th scope="col">{t('notif.emailed')}</th>
              </tr>
            </thead>
            <tbody>
              {(list.data?.items ?? []).map((a) => (
                <tr key={a.id}>
                  <td>{a.title}</td>
                  <td>{a.role ? t(`console.role.${a.role}` as MessageKey) : t('notif.everyone')}</td>
                  <td>
                    {a.status === 'sent'
                      ? t('notif.statusSent')
                      : t('notif.statusScheduled', { when: when(a.sendAt) })}
                  </td>
                  <td>{a.delivered}</td>
                  <td>{a.read}</td>
                  <td>{a.email ? a.emailed : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
    </div>
  );
}

type Filters = { user: string; type: string; mode: string; status: string };

/** The email delivery log (search by recipient, filter by type, channel, status) or, `failed`, the failed list with retry. */
function Deliveries({ failed }: { failed: boolean }) {
  const t = useT();
  const when = useWhen();
  const [draft, setDraft] = useState<Filters>({ user: '', type: '', mode: '', status: '' });
  const [filters, setFilters] = useState(draft);
  const [note, setNote] = useState<string | null>(null);
  const query: DeliveryLogQuery = {
    ...(filters.user.trim() ? { user: filters.user.trim() } : {}),
    ...(filters.type ? { type: filters.type as NotificationKind } : {}),
    ...(filters.mode ? { mode: filters.mode as 'immediately' } : {}),
    ...(!failed && filters.status ? { status: filters.status as 'sent' } : {}),
    limit: 100,
  };
  const list = useLoad(
    () =>
      failed ? client.call('listFailedDeliveries', { query }) : client.call('listEmailDeliveries', { query }),
    [failed, JSON.stringify(filters)],
  );
  useEffect(() => setNote(null), [failed]);
  const retry = async (ids: string[]) => {
    try {
      const r = await client.call('retryFailedDeliveries', { body: { ids } });
      setNote(t('notif.retried', { count: r.retried }));
      void list.reload();
    } catch (err) {
      setNote(describeError(err, t));
    }
  };
  const items = list.data?.items ?? [];
  const heading = failed ? 'failed-heading' : 'log-heading';
  return (
    <section className="panel wide" aria-labelledby={heading}>
      <h2 id={heading}>{failed ? t('notif.failed') : t('notif.log')}</h2>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <label className="field">
          {t('notif.user')}
          <input
            type="search"
            value={draft.user}
            onChange={(e) => setDraft({ ...draft, user: e.target.value })}
          />
        </label>
        <label className="field">
          {t('notif.type')}
          <select value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value })}>
            <option value="">{t('notif.any')}</option>
            {NotificationKind.options.map((k) => (
              <option key={k} value={k}>
                {t(`notif.kind.${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('notif.channel')}
          <select value={draft.mode} onChange={(e) => setDraft({ ...draft, mode: e.target.value })}>
            <option value="">{t('notif.any')}</option>
            {(['immediately', 'daily', 'weekly'] as const).map((m) => (
              <option key={m} value={m}>
                {t(`notif.mode.${m}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        {failed ? null : (
          <label className="field">
            {t('notif.status')}
            <select value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
              <option value="">{t('notif.any')}</option>
              {(['pending', 'sent', 'failed', 'cancelled'] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`notif.delivery.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" className="button">
          {t('notif.search')}
        </button>
        {failed && items.length ? (
          <button type="button" className="button" onClick={() => void retry(items.map((i) => i.id))}>
            {t('notif.retryAll', { count: items.length })}
          </button>
        ) : null}
      </form>
      <p role="status" className="muted">
        {list.loading ? '' : (note ?? t('notif.count', { count: items.length }))}
      </p>
      {list.error ? <p className="error">{list.error}</p> : null}
      <TableWrap labelledBy={heading}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('notif.user')}</th>
              <th scope="col">{t('notif.type')}</th>
              <th scope="col">{t('notif.channel')}</th>
              <th scope="col">{t('notif.status')}</th>
              <th scope="col">{t('notif.attempts')}</th>
              <th scope="col">{t('notif.when')}</th>
              {failed ? <th scope="col">{t('notif.lastError')}</th> : null}
              {failed ? <th scope="col">{t('notif.action')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td>{d.email}</td>
                <td>{d.type ? t(`notif.kind.${d.type}` as MessageKey) : '–'}</td>
                <td>{t(`notif.mode.${d.mode}` as MessageKey)}</td>
                <td>{t(`notif.delivery.${d.status}` as MessageKey)}</td>
                <td>{d.attempts}</td>
                <td>{when(d.sentAt ?? d.createdAt)}</td>
                {failed ? <td>{d.lastError ?? ''}</td> : null}
                {failed ? (
                  <td>
                    <button
                      type="button"
                      className="button"
                      aria-label={t('notif.retryOne', { email: d.email })}
                      onClick={() => void retry([d.id])}
                    >
                      {t('notif.retry')}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}

export const NOTIFICATION_TABS = ['announcements', 'log', 'failed'] as const;
export type NotificationTab = (typeof NOTIFICATION_TABS)[number];

/** The console's Notifications section (issue 14): platform announcements, the delivery log, failed deliveries. */
export function NotificationsPage({ tab }: { tab: NotificationTab }) {
  const t = useT();
  return (
    <div className="stack">
      <h1>{t('notif.heading')}</h1>
      <nav aria-label={t('notif.tabs')} className="tabs">
        {NOTIFICATION_TABS.map((k) => (
          <a key={k} href={`#/notifications/${k}`} aria-current={tab === k ? 'page' : undefined}>
            {t(`notif.tab.${k}` as MessageKey)}
          </a>
        ))}
      </nav>
      {tab === 'announcements' ? <Announcements /> : <Deliveries key={tab} failed={tab === 'failed'} />}
    </div>
  );
}

/** #/notifications/<tab> → the tab, or null when the hash is elsewhere. */
export function notificationTabOf(hash: string): NotificationTab | null {
  const [section, tab] = hash.replace(/^#\/?/, '').split('/');
  if (section !== 'notifications') return null;
  return NOTIFICATION_TABS.find((k) => k === tab) ?? 'announcements';
}
