import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { OrderTimeline } from '@lyceum/contracts';
import { useT, type MessageKey } from '../i18n/catalogues.ts';
import { client, describeError } from '../api.ts';
import { parseMajor, toMajor, useMoney, useWhen } from './money.ts';
import { hrefOf } from './route.ts';
import { useLoad } from './use-load.ts';

/** One order: its facts, its timeline of gateway events and money movements, and the refund form. */
export function OrderDetail(p: { id: string }) {
  const t = useT();
  const money = useMoney();
  const when = useWhen();
  const heading = useRef<HTMLHeadingElement>(null);
  const { data, error, reload } = useLoad(
    () => client.call('adminOrderTimeline', { params: { id: p.id } }),
    [p.id],
  );
  useEffect(() => heading.current?.focus(), [p.id]);

  return (
    <div className="stack">
      <p>
        <a href={hrefOf('orders')}>{t('order.back')}</a>
      </p>
      <h2 ref={heading} tabIndex={-1}>
        {t('order.title', { id: p.id.slice(-8) })}
      </h2>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {!data ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        <>
          <section className="panel" aria-labelledby="order-facts">
            <h3 id="order-facts">{t('order.facts')}</h3>
            <dl className="facts">
              <dt>{t('orders.col.status')}</dt>
              <dd>
                <span className="status">{t(`order.status.${data.order.status}` as MessageKey)}</span>
              </dd>
              <dt>{t('orders.col.student')}</dt>
              <dd>
                {data.order.userName} ({data.order.userEmail})
              </dd>
              <dt>{t('orders.col.course')}</dt>
              <dd>{data.order.courseTitle}</dd>
              <dt>{t('order.amount')}</dt>
              <dd>
                {money(data.order.amountMinor, data.order.currency)}
                {data.order.listAmountMinor !== data.order.amountMinor
                  ? ` ${t('order.listPrice', { price: money(data.order.listAmountMinor, data.order.currency) })}`
                  : ''}
              </dd>
              <dt>{t('orders.col.refunded')}</dt>
              <dd>{money(data.order.refundedMinor, data.order.currency)}</dd>
              <dt>{t('order.gateway')}</dt>
              <dd>
                {data.order.gateway}
                {data.order.paymentIntentId ? ` · ${data.order.paymentIntentId}` : ''}
              </dd>
              <dt>{t('orders.col.created')}</dt>
              <dd>{when(data.order.createdAt)}</dd>
              <dt>{t('order.paidAt')}</dt>
              <dd>{when(data.order.paidAt)}</dd>
              {data.order.failureMessage ? (
                <>
                  <dt>{t('order.failure')}</dt>
                  <dd>
                    {data.order.failureMessage} ({data.order.failureCode})
                  </dd>
                </>
              ) : null}
            </dl>
          </section>
          <RefundForm timeline={data} onRefunded={() => void reload()} />
          <section className="panel" aria-labelledby="order-timeline">
            <h3 id="order-timeline">{t('order.timeline')}</h3>
            <button type="button" className="button" onClick={() => void reload()}>
              {t('common.refresh')}
            </button>
            <ol className="timeline">
              {data.entries.map((e, i) => (
                <li key={`${e.at}-${i}`}>
                  <strong>{t(`timeline.kind.${e.kind}` as MessageKey)}</strong>: <code>{e.type}</code>
                  {e.amountMinor !== null && e.currency ? ` · ${money(e.amountMinor, e.currency)}` : ''}
                  {e.outcome ? ` · ${e.outcome}` : ''}
                  <div className="meta">
                    {when(e.at)}
                    {e.ref ? ` · ${e.ref}` : ''}
                  </div>
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </div>
  );
}

function RefundForm(p: { timeline: OrderTimeline; onRefunded: () => void }) {
  const t = useT();
  const money = useMoney();
  const o = p.timeline.order;
  const left = o.amountMinor - o.refundedMinor;
  const [kind, setKind] = useState<'full' | 'partial'>('full');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // One Idempotency-Key per refund meant: a retry of the same request (a lost answer, a second click) refunds once.
  const attempt = useRef<{ body: string; key: string } | null>(null);
  if ((o.status !== 'paid' && o.status !== 'partially_refunded') || left <= 0) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const minor = kind === 'partial' ? parseMajor(amount, o.currency) : undefined;
    if (kind === 'partial' && (minor === null || minor === undefined || minor > left)) {
      setError(t('refund.badAmount', { max: money(left, o.currency) }));
      return;
    }
    if (!reason.trim()) {
      setError(t('refund.needReason'));
      return;
    }
    setBusy(true);
    try {
      const body = { reason: reason.trim(), ...(minor ? { amount: minor } : {}) };
      const same = attempt.current?.body === JSON.stringify([o.id, body]);
      if (!same) attempt.current = { body: JSON.stringify([o.id, body]), key: crypto.randomUUID() };
      const r = await client.call(
        'requestRefund',
        { params: { id: o.id }, body },
        { headers: { 'idempotency-key': attempt.current!.key } },
      );
      attempt.current = null;
      setDone(t('refund.done', { amount: money(r.amountMinor, r.currency), status: r.status }));
      setReason('');
      setAmount('');
      p.onRefunded();
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="refund-title">
      <h3 id="refund-title">{t('refund.title')}</h3>
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="form-row">
          <legend>{t('refund.kind')}</legend>
          <label>
            <input
              type="radio"
              name="refund-kind"
              checked={kind === 'full'}
              onChange={() => setKind('full')}
            />{' '}
            {t('refund.full', { amount: money(left, o.currency) })}
          </label>
          <label>
            <input
              type="radio"
              name="refund-kind"
              checked={kind === 'partial'}
              onChange={() => setKind('partial')}
            />{' '}
            {t('refund.partial')}
          </label>
        </fieldset>
        {kind === 'partial' ? (
          <label className="field">
            {t('refund.amount', { currency: o.currency })}
            <input
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              placeholder={String(toMajor(left, o.currency))}
            />
          </label>
        ) : null}
        <label className="field">
          {t('refund.reason')}
          <textarea
            required
            rows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
        <p role="status" className="ok">
          {done ?? ''}
        </p>
        <div>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? t('refund.submitting') : t('refund.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
