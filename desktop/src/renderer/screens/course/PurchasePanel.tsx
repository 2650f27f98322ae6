import { useCallback, useEffect, useRef, useState } from 'react';
import type { Price } from '@lyceum/contracts';
import type { CheckoutView } from '../../../contracts/payments.ts';
import { Banner } from '../../components/Banner.tsx';
import { Button } from '../../components/Button.tsx';
import { useT } from '../../i18n/use-t.ts';
import { failureMessage } from '../../lib/api.ts';
import { useFormat } from '../../lib/format.ts';
import { openExternal, paymentsApi } from '../../lib/payments-api.ts';
import { RedeemCode } from './RedeemCode.tsx';
import '../../styles/payments.css';

/** A checkout opened in the browser, remembered for the tab's life (coming back to the page keeps waiting). */
const WAITING_KEY = (courseId: string) => `lyceum.checkout.${courseId}`;

function rememberedCheckout(courseId: string): CheckoutView | null {
  try {
    const raw = sessionStorage.getItem(WAITING_KEY(courseId));
    return raw ? (JSON.parse(raw) as CheckoutView) : null;
  } catch {
    return null;
  }
}

type Failure = { reason: string; status: 'failed' | 'expired' };

/**
 * Buy a paid course: the price in the student's currency format, Buy (the checkout opens in the system browser),
 * then wait here — the server pokes the device when the payment is through and the course unlocks without a reload;
 * a declined payment shows the gateway's reason. Codes (coupons, vouchers) are redeemed below.
 */
export function PurchasePanel({
  courseId,
  price,
  online,
  onUnlocked,
}: {
  courseId: string;
  price: Price;
  online: boolean;
  /** The course is now the student's on this device (bought, free with a coupon, or a voucher). */
  onUnlocked: () => void;
}) {
  const t = useT();
  const f = useFormat();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [waiting, setWaiting] = useState<CheckoutView | null>(() => rememberedCheckout(courseId));
  const unlockedRef = useRef(onUnlocked);
  unlockedRef.current = onUnlocked;

  const wait = useCallback(
    (c: CheckoutView | null) => {
      setWaiting(c);
      if (c) sessionStorage.setItem(WAITING_KEY(courseId), JSON.stringify(c));
      else sessionStorage.removeItem(WAITING_KEY(courseId));
    },
    [courseId],
  );

  // While a payment is open: the course's state on this device often (local, cheap: the poke's pull unlocks it), the
  // order on the server now and then (a decline, an expired checkout).
  useEffect(() => {
    if (!waiting) return;
    let live = true;
    const local = setInterval(() => {
      paymentsApi.course(courseId).then(
        (s) => {
          if (live && s.unlocked) {
            wait(null);
            unlockedRef.current();
          }
        },
        () => undefined,
      );
    }, 250);
    const remote = setInterval(() => {
      paymentsApi.order(waiting.orderId).then(
        (o) => {
          if (!live) return;
          if (o.status === 'failed' || o.status === 'expired') {
            wait(null);
            setFailure({
              status: o.status,
              reason: o.failure?.message ?? t(o.status === 'expired' ? 'buy.expired' : 'buy.failedNoReason'),
            });
          } else if (o.status === 'pending' && o.failure) {
            // Declined: the checkout stays open for another card (as Stripe's does); the gateway's reason shows here.
            const reason = o.failure.message;
            setFailure((f) => (f?.reason === reason ? f : { status: 'failed', reason }));
          }
        },
        () => undefined,
      );
    }, 1500);
    return () => {
      live = false;
      clearInterval(local);
      clearInterval(remote);
    };
  }, [waiting, courseId, wait, t]);

  /** A checkout answered: paid already (a free coupon), or pay in the browser and wait. */
  const started = useCallback(
    (c: CheckoutView) => {
      setFailure(null);
      if (c.status === 'paid' || !c.checkoutUrl) {
        wait(null);
        unlockedRef.current();
        return;
      }
      wait(c);
      openExternal(c.checkoutUrl);
    },
    [wait],
  );

  const buy = async () => {
    setBusy(true);
    setError(null);
    try {
      started(await paymentsApi.checkout(courseId));
    } catch (err) {
      setError(failureMessage(err, t('buy.failed')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="purchase" data-testid="purchase">
      <p className="purchase__price">
        <span className="visually-hidden">{t('courseDetail.price')}: </span>
        <span data-testid="purchase-price">{f.price(price)}</span>
      </p>
      {waiting ? (
        <div className="purchase__waiting" role="status" data-testid="checkout-waiting">
          <p>{t('buy.waiting')}</p>
          <p className="purchase__actions">
            {waiting.checkoutUrl ? (
              <Button onClick={() => waiting.checkoutUrl && openExternal(waiting.checkoutUrl)}>
                {t('buy.openAgain')}
              </Button>
            ) : null}
            <Button variant="ghost" onClick={() => wait(null)}>
              {t('buy.stopWaiting')}
            </Button>
          </p>
        </div>
      ) : (
        <p className="purchase__actions">
          <Button
            variant="primary"
            onClick={() => void buy()}
            busy={busy}
            busyLabel={t('buy.starting')}
            disabled={!online}
          >
            {t('buy.buy')}
          </Button>
        </p>
      )}
      {!online ? <p className="muted">{t('buy.needsConnection')}</p> : null}
      {failure ? (
        <Banner tone="error">
          <span data-testid="payment-failure">
            {t(failure.status === 'expired' ? 'buy.expiredTitle' : 'buy.declined', {
              reason: failure.reason,
            })}
          </span>
        </Banner>
      ) : null}
      {error ? <Banner tone="error">{error}</Banner> : null}
      <RedeemCode courseId={courseId} online={online} onCheckout={started} onUnlocked={onUnlocked} />
    </div>
  );
}
