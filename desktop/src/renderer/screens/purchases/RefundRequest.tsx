import { useId, useState, type FormEvent } from 'react';
import type { OrderView } from '../../../contracts/payments.ts';
import { Button } from '../../components/Button.tsx';
import { useT } from '../../i18n/use-t.ts';
import { failureMessage } from '../../lib/api.ts';
import { paymentsApi } from '../../lib/payments-api.ts';

/** Ask for a refund of an order (the server applies the policy and says why when it refuses). */
export function RefundRequest({ order, onDone }: { order: OrderView; onDone: (o: OrderView) => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setError(t('refund.reasonRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const after = await paymentsApi.refund(order.id, { reason: reason.trim() });
      setOpen(false);
      onDone(after);
    } catch (err) {
      setError(failureMessage(err, t('refund.failed')));
    } finally {
      setBusy(false);
    }
  };

  if (!open)
    return (
      <Button
        variant="ghost"
        onClick={() => setOpen(true)}
        aria-label={t('refund.askFor', { title: order.courseTitle })}
      >
        {t('refund.ask')}
      </Button>
    );
  return (
    <form className="refund" onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor={id} className="field__label">
        {t('refund.reason', { title: order.courseTitle })}
      </label>
      <textarea
        id={id}
        className="field__input"
        rows={2}
        maxLength={500}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        autoFocus
      />
      {error ? (
        <p className="field__error" id={`${id}-error`} role="alert" data-testid="refund-error">
          {error}
        </p>
      ) : null}
      <p className="refund__actions">
        <Button type="submit" variant="primary" busy={busy} busyLabel={t('refund.sending')}>
          {t('refund.send')}
        </Button>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </Button>
      </p>
    </form>
  );
}
