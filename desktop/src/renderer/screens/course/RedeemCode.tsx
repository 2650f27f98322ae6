import { useState, type FormEvent } from 'react';
import type { CheckoutView } from '../../../contracts/payments.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useT } from '../../i18n/use-t.ts';
import { failureMessage } from '../../lib/api.ts';
import { paymentsApi } from '../../lib/payments-api.ts';
import { navigate } from '../../lib/router.ts';

/**
 * "Redeem a code": a coupon (a checkout with the discount, free ones unlock at once) or a school's voucher — checked
 * on this device, so it works offline and the course opens at once.
 */
export function RedeemCode({
  courseId,
  online,
  onCheckout,
  onUnlocked,
}: {
  courseId: string;
  online: boolean;
  onCheckout: (c: CheckoutView) => void;
  onUnlocked: () => void;
}) {
  const t = useT();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim()) {
      setError(t('redeem.empty'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await paymentsApi.redeem({ code, courseId });
      if (r.kind === 'voucher') {
        if (r.courseId === courseId) onUnlocked();
        navigate(`/learn/${r.courseId}`);
      } else onCheckout(r.checkout);
    } catch (err) {
      setError(failureMessage(err, t('redeem.failed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="redeem"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby={`redeem-${courseId}`}
    >
      <h2 className="redeem__title" id={`redeem-${courseId}`}>
        {t('redeem.title')}
      </h2>
      <TextField
        label={t('redeem.label')}
        hint={online ? t('redeem.hint') : t('redeem.hintOffline')}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        error={error}
      />
      <Button type="submit" busy={busy} busyLabel={t('redeem.redeeming')}>
        {t('redeem.redeem')}
      </Button>
    </form>
  );
}
