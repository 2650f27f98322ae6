import { useState, type FormEvent } from 'react';
import type { VoucherBatchCreated } from '@lyceum/contracts';
import { LyceumApiError } from '@lyceum/client';
import { useT } from '../i18n/catalogues.ts';
import { accessToken, client, describeError } from '../api.ts';
import { dayStart, useWhen } from './money.ts';
import { usePaidCourses } from './use-courses.ts';
import { useLoad } from './use-load.ts';
import { TableWrap } from './TableWrap.tsx';

/** Save a batch's codes (CSV from the server) as a file in the browser. */
async function downloadCsv(batchId: string): Promise<void> {
  const get = () =>
    fetch(`/api/v1/voucher-batches/${batchId}/codes.csv`, {
      headers: { authorization: `Bearer ${accessToken() ?? ''}` },
    });
  let res = await get();
  if (res.status === 401) {
    await client.transport.refresh();
    res = await get();
  }
  if (!res.ok) throw await LyceumApiError.from(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `vouchers-${batchId}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** School vouchers: batches of single-use codes for a course — issue, export as CSV, revoke, see who redeemed. */
export function Vouchers() {
  const t = useT();
  const when = useWhen();
  const courses = usePaidCourses();
  const [courseId, setCourseId] = useState('');
  const chosen = courseId || courses[0]?.id || '';
  const batches = useLoad(
    () =>
      chosen ? client.call('listVoucherBatches', { params: { id: chosen } }) : Promise.resolve({ items: [] }),
    [chosen],
  );
  const [form, setForm] = useState({ count: '10', expires: '', label: '' });
  const [created, setCreated] = useState<VoucherBatchCreated | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  const act = async (work: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    try {
      await work();
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    const count = Number(form.count);
    if (!Number.isInteger(count) || count < 1 || count > 5000) return setError(t('vouchers.badCount'));
    const expiresAt = form.expires ? dayStart(form.expires, 1) : null;
    void act(async () => {
      const b = await client.call('createVoucherBatch', {
        params: { id: chosen },
        body: {
          count,
          ...(expiresAt ? { expiresAt } : {}),
          ...(form.label.trim() ? { label: form.label.trim() } : {}),
        },
      });
      setCreated(b);
      void batches.reload();
    });
  };

  return (
    <div className="stack">
      <section className="panel stack" aria-labelledby="vouchers-new">
        <h2 id="vouchers-new">{t('vouchers.new')}</h2>
        {courses.length === 0 ? <p>{t('vouchers.noCourses')}</p> : null}
        <form className="form-row" onSubmit={create} noValidate>
          <label className="field">
            {t('vouchers.course')}
            <select value={chosen} onChange={(e) => setCourseId(e.target.value)}>
              {courses.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            {t('vouchers.count')}
            <input inputMode="numeric" value={form.count} onChange={set('count')} size={6} />
          </label>
          <label className="field">
            {t('vouchers.label')}
            <input value={form.label} onChange={set('label')} maxLength={120} />
          </label>
          <label className="field">
            {t('vouchers.expires')}
            <input type="date" value={form.expires} onChange={set('expires')} />
          </label>
          <button type="submit" className="button primary" disabled={busy || !chosen}>
            {t('vouchers.create')}
          </button>
        </form>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        {created ? (
          <div className="stack" role="status">
            <p className="ok">{t('vouchers.created', { count: created.codes.length })}</p>
            <label className="field">
              {t('vouchers.codes')}
              <textarea
                className="codes"
                readOnly
                rows={Math.min(8, created.codes.length)}
                value={created.codes.join('\n')}
              />
            </label>
            <div>
              <button
                type="button"
                className="button"
                onClick={() => void act(() => downloadCsv(created.id))}
              >
                {t('vouchers.downloadNew')}
              </button>
            </div>
          </div>
        ) : null}
      </section>
      <section className="panel stack" aria-labelledby="vouchers-list">
        <h2 id="vouchers-list">{t('vouchers.list')}</h2>
        {batches.error ? (
          <p role="alert" className="error">
            {batches.error}
          </p>
        ) : null}
        {batches.data && batches.data.items.length === 0 ? <p>{t('vouchers.none')}</p> : null}
        {batches.data && batches.data.items.length > 0 ? (
          <TableWrap labelledBy="vouchers-list">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t('vouchers.label')}</th>
                  <th scope="col">{t('vouchers.createdAt')}</th>
                  <th scope="col" className="num">
                    {t('vouchers.redeemed')}
                  </th>
                  <th scope="col">{t('vouchers.expires')}</th>
                  <th scope="col">{t('vouchers.state')}</th>
                  <th scope="col">{t('vouchers.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {batches.data.items.map((b) => {
                  const name = b.label || when(b.createdAt);
                  return (
                    <tr key={b.id}>
                      <td>{b.label || '—'}</td>
                      <td>{when(b.createdAt)}</td>
                      <td className="num">
                        {t('vouchers.redeemedOf', { used: b.redeemed, count: b.count })}
                      </td>
                      <td>{when(b.expiresAt)}</td>
                      <td>
                        {b.revokedAt ? (
                          <span className="status flagged">{t('vouchers.revoked')}</span>
                        ) : (
                          <span className="status good">{t('vouchers.active')}</span>
                        )}
                      </td>
                      <td className="form-row">
                        <button
                          type="button"
                          className="button"
                          aria-label={t('vouchers.csvOf', { name })}
                          onClick={() => void act(() => downloadCsv(b.id))}
                        >
                          {t('vouchers.csv')}
                        </button>
                        <button
                          type="button"
                          className="button"
                          aria-expanded={shown === b.id}
                          aria-label={t('vouchers.statusOf', { name })}
                          onClick={() => setShown(shown === b.id ? null : b.id)}
                        >
                          {t('vouchers.status')}
                        </button>
                        {b.revokedAt ? null : confirming === b.id ? (
                          <button
                            type="button"
                            className="button primary"
                            disabled={busy}
                            onClick={() =>
                              void act(async () => {
                                await client.call('revokeVoucherBatch', { params: { id: b.id }, body: {} });
                                setConfirming(null);
                                void batches.reload();
                              })
                            }
                          >
                            {t('vouchers.confirmRevoke', { name })}
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="button"
                            aria-label={t('vouchers.revokeOf', { name })}
                            onClick={() => setConfirming(b.id)}
                          >
                            {t('vouchers.revoke')}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
        {shown ? <BatchStatus id={shown} /> : null}
      </section>
    </div>
  );
}

function BatchStatus(p: { id: string }) {
  const t = useT();
  const when = useWhen();
  const { data, error } = useLoad(() => client.call('getVoucherBatch', { params: { id: p.id } }), [p.id]);
  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (!data) return <p role="status">{t('common.loading')}</p>;
  return (
    <TableWrap label={t('vouchers.statusTitle', { name: data.label || when(data.createdAt) })}>
      <table className="data">
        <caption>{t('vouchers.statusTitle', { name: data.label || when(data.createdAt) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('vouchers.code')}</th>
            <th scope="col">{t('vouchers.redeemedBy')}</th>
            <th scope="col">{t('vouchers.redeemedAt')}</th>
            <th scope="col">{t('vouchers.via')}</th>
          </tr>
        </thead>
        <tbody>
          {data.codes.map((c) => (
            <tr key={c.position}>
              <td>
                <code>…{c.hint}</code>
              </td>
              <td>{c.redeemedBy ? `${c.redeemedBy.name} (${c.redeemedBy.email})` : t('vouchers.unused')}</td>
              <td>{when(c.redeemedAt)}</td>
              <td>{c.via ? t(c.via === 'online' ? 'vouchers.via.online' : 'vouchers.via.sync') : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
