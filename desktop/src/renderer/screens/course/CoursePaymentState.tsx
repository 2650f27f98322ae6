import { useCallback, useEffect, useState } from 'react';
import type { CoursePaymentView } from '../../../contracts/payments.ts';
import { Banner } from '../../components/Banner.tsx';
import { useT } from '../../i18n/use-t.ts';
import { localError } from '../../i18n/errors.ts';
import { paymentsApi } from '../../lib/payments-api.ts';
import { useSync } from '../../lib/sync.tsx';

/** The course's payment state on this device, read again after every sync (a voucher settled, a refund arrived). */
export function useCoursePayment(courseId: string) {
  const [state, setState] = useState<CoursePaymentView | null>(null);
  const { version } = useSync();
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    paymentsApi.course(courseId).then(
      (s) => live && setState(s),
      () => live && setState(null),
    );
    return () => {
      live = false;
    };
  }, [courseId, version, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { state, reload };
}

/** A voucher waiting for the server, refused (the course locked again, with the reason), or a refunded purchase. */
export function CoursePaymentState({ state }: { state: CoursePaymentView | null }) {
  const t = useT();
  if (!state) return null;
  if (state.lock)
    return (
      <Banner tone="error">
        <span data-testid="course-lock">
          <strong>{t('payments.locked', { reason: localError(state.lock.code, state.lock.message) })}</strong>
          <br />
          {t('payments.lockedBody')}
        </span>
      </Banner>
    );
  if (state.voucherPending) return <Banner tone="info">{t('payments.voucherPending')}</Banner>;
  if (state.refunded) return <Banner tone="info">{t('payments.refunded')}</Banner>;
  return null;
}
