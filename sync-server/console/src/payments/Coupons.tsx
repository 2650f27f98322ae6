import { useState, type FormEvent } from 'react';
import type { CouponCreate } from '@lyceum/contracts';
import { useT } from '../i18n/catalogues.ts';
import { client, describeError } from '../api.ts';
import { dayStart, parseMajor, useMoney, useWhen } from './money.ts';
import { usePaidCourses } from './use-courses.ts';
import { useLoad } from './use-load.ts';
import { TableWrap } from './TableWrap.tsx';

const empty = { code: '', kind: 'percent', value: '', currency: 'USD', courseId: '', expires: '', max: '' };

/** Coupons: make one (percent or amount off, a course or all, expiry, most redemptions) and list them. */
export function Coupons() {
  const t = useT();
  const money = useMoney();
  const when = useWhen();
  const courses = usePaidCourses();
  const title = (id: string | null) =>
    id ? (courses.find((c) => c.id === id)?.title ?? id.slice(-8)) : t('coupons.allCourses');
  const list = useLoad(() => client.call('listCoupons', { query: {} }), []);
  const [form, setForm] = useState(empty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const currency = form.currency.trim().toUpperCase();
    let off: Pick<CouponCreate, 'percentOff' | 'amountOff'>;
    if (form.kind === 'percent') {
      const n = Number(form.value);
      if (!Number.isInteger(n) || n < 1 || n > 100) return setError(t('coupons.badPercent'));
      off = { percentOff: n };
    } else {
      const minor = /^[A-Z]{3}$/.test(currency) ? parseMajor(form.value, currency) : null;
      if (minor === null) return setError(t('coupons.badAmount'));
      off = { amountOff: { amountMinor: minor, currency } };
    }
    const max = form.max.trim() ? Number(form.max) : undefined;
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) return setError(t('coupons.badMax'));
    const expiresAt = form.expires ? dayStart(form.expires, 1) : null;
    setBusy(true);
    try {
      const c = await client.call('createCoupon', {
        body: {
          code: form.code,
          ...off,
          ...(form.courseId ? { courseId: form.courseId } : {}),
          ...(expiresAt ? { expiresAt } : {}),
          ...(max ? { maxRedemptions: max } : {}),
        },
      });
      setDone(t('coupons.created', { code: c.code }));
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
      <section className="panel" aria-labelledby="coupon-new">
        <h2 id="coupon-new">{t('coupons.new')}</h2>
        <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
          <div className="form-row">
            <label className="field">
              {t('coupons.code')}
              <input
                required
                value={form.code}
                onChange={set('code')}
                maxLength={40}
                autoCapitalize="characters"
              />
            </label>
            <fieldset>
              <legend>{t('coupons.kind')}</legend>
              <label>
                <input
                  type="radio"
                  name="coupon-kind"
                  value="percent"
                  checked={form.kind === 'percent'}
                  onChange={set('kind')}
                />{' '}
                {t('coupons.percent')}
              </label>
              <label>
                <input
                  type="radio"
                  name="coupon-kind"
                  value="amount"
                  checked={form.kind === 'amount'}
                  onChange={set('kind')}
                />{' '}
                {t('coupons.amount')}
              </label>
            </fieldset>
            <label className="field">
              {form.kind === 'percent' ? t('coupons.percentValue') : t('coupons.amountValue')}
              <input required inputMode="decimal" value={form.value} onChange={set('value')} size={8} />
            </label>
            {form.kind === 'amount' ? (
              <label className="field">
                {t('coupons.currency')}
                <input value={form.currency} onChange={set('currency')} size={4} maxLength={3} />
              </label>
            ) : null}
          </div>
          <div className="form-row">
            <label className="field">
              {t('coupons.course')}
              <select value={form.courseId} onChange={set('courseId')}>
                <option value="">{t('coupons.allCourses')}</option>
                {courses.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              {t('coupons.expires')}
              <input type="date" value={form.expires} onChange={set('expires')} />
            </label>
            <label className="field">
              {t('coupons.max')}
              <input inputMode="numeric" value={form.max} onChange={set('max')} size={8} />
            </label>
            <button type="submit" className="button primary" disabled={busy || !form.code || !form.value}>
              {t('coupons.create')}
            </button>
          </div>
          {error ? (
            <p role="alert" className="error">
              {error}
            </p>
          ) : null}
          <p role="status" className="ok">
            {done ?? ''}
          </p>
        </form>
      </section>
      <section className="panel" aria-labelledby="coupon-list">
        <h2 id="coupon-list">{t('coupons.list')}</h2>
        {list.error ? (
          <p role="alert" className="error">
            {list.error}
          </p>
        ) : null}
        {list.data && list.data.items.length === 0 ? <p>{t('coupons.none')}</p> : null}
        {list.data && list.data.items.length > 0 ? (
          <TableWrap labelledBy="coupon-list">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t('coupons.code')}</th>
                  <th scope="col">{t('coupons.discount')}</th>
                  <th scope="col">{t('coupons.course')}</th>
                  <th scope="col">{t('coupons.expires')}</th>
                  <th scope="col" className="num">
                    {t('coupons.used')}
                  </th>
                  <th scope="col">{t('coupons.createdAt')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <code>{c.code}</code>
                    </td>
                    <td>
                      {c.percentOff !== null
                        ? t('coupons.percentOff', { percent: c.percentOff })
                        : c.amountOff
                          ? money(c.amountOff.amountMinor, c.amountOff.currency)
                          : '—'}
                    </td>
                    <td>{title(c.courseId)}</td>
                    <td>{when(c.expiresAt)}</td>
                    <td className="num">
                      {c.maxRedemptions === null
                        ? c.redeemedCount
                        : t('coupons.usedOf', { used: c.redeemedCount, max: c.maxRedemptions })}
                    </td>
                    <td>{when(c.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
      </section>
    </div>
  );
}
