import { useState, type FormEvent } from 'react';
import { OrderStatus, type AdminOrderQuery } from '@lyceum/contracts';
import { useT, type MessageKey } from '../i18n/catalogues.ts';
import { client } from '../api.ts';
import { dayStart, useMoney, useWhen } from './money.ts';
import { hrefOf } from './route.ts';
import { usePaidCourses } from './use-courses.ts';
import { useLoad } from './use-load.ts';
import { TableWrap } from './TableWrap.tsx';

const PAGE = 25;

/** Order search: free text, status, course and creation dates; newest first, 25 a page. */
export function Orders() {
  const t = useT();
  const money = useMoney();
  const when = useWhen();
  const courses = usePaidCourses();
  const [form, setForm] = useState({ q: '', status: '', courseId: '', from: '', to: '' });
  const [query, setQuery] = useState<Partial<AdminOrderQuery>>({ limit: PAGE, offset: 0 });
  const { data, error, loading } = useLoad(() => client.call('adminSearchOrders', { query }), [query]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const from = dayStart(form.from);
    const to = dayStart(form.to, 1);
    setQuery({
      limit: PAGE,
      offset: 0,
      ...(form.q.trim() ? { q: form.q.trim() } : {}),
      ...(form.status ? { status: form.status as AdminOrderQuery['status'] } : {}),
      ...(form.courseId ? { courseId: form.courseId } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    });
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  const offset = query.offset ?? 0;
  const total = data?.total ?? 0;

  return (
    <section className="panel stack" aria-labelledby="orders-title">
      <h2 id="orders-title">{t('orders.title')}</h2>
      <form role="search" className="form-row" onSubmit={submit} aria-label={t('orders.search.label')}>
        <label className="field">
          {t('orders.search')}
          <input type="search" value={form.q} onChange={set('q')} placeholder={t('orders.search.hint')} />
        </label>
        <label className="field">
          {t('orders.status')}
          <select value={form.status} onChange={set('status')}>
            <option value="">{t('orders.status.any')}</option>
            {OrderStatus.options.map((s) => (
              <option key={s} value={s}>
                {t(`order.status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('orders.course')}
          <select value={form.courseId} onChange={set('courseId')}>
            <option value="">{t('orders.course.any')}</option>
            {courses.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('orders.from')}
          <input type="date" value={form.from} onChange={set('from')} />
        </label>
        <label className="field">
          {t('orders.to')}
          <input type="date" value={form.to} onChange={set('to')} />
        </label>
        <button type="submit" className="button primary">
          {t('orders.searchButton')}
        </button>
      </form>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <p role="status" className="muted">
        {loading ? t('common.loading') : t('orders.count', { count: total })}
      </p>
      {data && data.items.length > 0 ? (
        <TableWrap labelledBy="orders-title">
          <table className="data">
            <caption className="visually-hidden">{t('orders.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('orders.col.order')}</th>
                <th scope="col">{t('orders.col.created')}</th>
                <th scope="col">{t('orders.col.student')}</th>
                <th scope="col">{t('orders.col.course')}</th>
                <th scope="col">{t('orders.col.status')}</th>
                <th scope="col" className="num">
                  {t('orders.col.amount')}
                </th>
                <th scope="col" className="num">
                  {t('orders.col.refunded')}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((o) => (
                <tr key={o.id}>
                  <td>
                    <a href={hrefOf('orders', o.id)} aria-label={t('orders.open', { id: o.id.slice(-8) })}>
                      {o.id.slice(-8)}
                    </a>
                  </td>
                  <td>{when(o.createdAt)}</td>
                  <td>
                    {o.userName}
                    <br />
                    <span className="muted">{o.userEmail}</span>
                  </td>
                  <td>{o.courseTitle}</td>
                  <td>
                    <span className="status">{t(`order.status.${o.status}` as MessageKey)}</span>
                  </td>
                  <td className="num">{money(o.amountMinor, o.currency)}</td>
                  <td className="num">{o.refundedMinor ? money(o.refundedMinor, o.currency) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {total > PAGE ? (
        <div className="pager">
          <button
            type="button"
            className="button"
            disabled={offset === 0}
            onClick={() => setQuery((q) => ({ ...q, offset: Math.max(0, offset - PAGE) }))}
          >
            {t('common.previous')}
          </button>
          <span>{t('orders.page', { from: offset + 1, to: Math.min(total, offset + PAGE), total })}</span>
          <button
            type="button"
            className="button"
            disabled={offset + PAGE >= total}
            onClick={() => setQuery((q) => ({ ...q, offset: offset + PAGE }))}
          >
            {t('common.next')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
