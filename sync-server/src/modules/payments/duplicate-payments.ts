import type pg from 'pg';
import type { Logger } from 'pino';
import { newId } from '../../lib/ids.ts';
import { fanOut } from '../notifications/fanout.ts';
import type { PaymentGateway } from './gateway/port.ts';
import { DUPLICATE_MESSAGE, type AutoRefund } from './fulfilment-batch.ts';
import { formatMoney } from './receipts/render.ts';

export interface DuplicateRefundDeps {
  pool: pg.Pool;
  logger: Logger;
  gateway: () => PaymentGateway;
  /** A refund not answered by the gateway is asked again after this long (ms). */
  retryAfterMs?: number;
}

/**
 * Giving back a payment for a course the student already owned (fulfilment-batch.ts booked it: the order is
 * refunded in our books, the ledger has the charge, a pending refund row waits). After that commit the gateway is
 * asked for the refund (idempotency key `duplicate-payment:<order id>`, so asking again never refunds twice); when it takes
 * it, the refund row gets the gateway's id and status, the ledger the refund, and the student a `refund_issued`
 * notification, in one transaction under the order's lock. Refunds the gateway did not take (it was away, the
 * process stopped) are asked again by `retryStale`, from the fulfilment worker's timer.
 */
export function duplicateRefunds(deps: DuplicateRefundDeps) {
  const retryAfterMs = deps.retryAfterMs ?? 60_000;
  let chain: Promise<void> = Promise.resolve();

  async function settle(r: AutoRefund, gatewayRefundId: string, status: 'succeeded' | 'pending' | 'failed') {
    const client = await deps.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [r.orderId]);
      // The gateway's charge.refunded may have been applied first and recorded this refund as the gateway's: ours.
      await client.query(`DELETE FROM refunds WHERE gateway_refund_id = $1 AND requested_as = 'gateway'`, [
        gatewayRefundId,
      ]);
      const updated = await client.query(
        `UPDATE refunds SET gateway_refund_id = $2, status = $3, updated_at = now()
          WHERE id = $1 AND status = 'pending' RETURNING id`,
        [r.refundId, gatewayRefundId, status],
      );
      if (updated.rowCount && status === 'succeeded') {
        await client.query(
          `INSERT INTO ledger_entries (id, order_id, kind, amount_minor, currency, entry_key, memo)
           VALUES ($1, $2, 'refund', $3, $4, $5, 'duplicate payment given back')
           ON CONFLICT (entry_key) DO NOTHING`,
          [newId(), r.orderId, -r.amountMinor, r.currency, `refund:${r.orderId}:${r.amountMinor}`],
        );
        await fanOut(
          client,
          { userId: r.userId },
          {
            type: 'refund_issued',
            courseId: r.courseId,
            title: `Refund of ${formatMoney(r.amountMinor, r.currency)} for ${r.courseTitle}`,
            body: `${DUPLICATE_MESSAGE} The money is on its way back to you.`,
            url: `/purchases/${r.orderId}`,
            dedupeKey: `refund:${r.refundId}`,
          },
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async function refundOne(r: AutoRefund): Promise<void> {
    try {
      const res = await deps.gateway().refund({
        paymentIntentId: r.paymentIntentId,
        amountMinor: r.amountMinor,
        // Per order: asked again after a crash (the booking applied anew), the gateway answers the same refund.
        idempotencyKey: `duplicate-payment:${r.orderId}`,
        reason: 'Duplicate payment: the student already owned the course',
      });
      await settle(r, res.refundId, res.status);
    } catch (err) {
      deps.logger.warn(
        { err, orderId: r.orderId },
        'payments: refunding a duplicate payment failed; retrying later',
      );
    }
  }

  return {
    /** Ask the gateway for these refunds, one after the other (in the background). */
    enqueue(refunds: AutoRefund[]): void {
      for (const r of refunds) chain = chain.then(() => refundOne(r));
    },
    /** Resolves when the refunds asked so far have been answered (tests). */
    idle(): Promise<void> {
      return chain;
    },
    /** Ask again for duplicate payments' refunds the gateway never answered. */
    async retryStale(): Promise<number> {
      const { rows } = await deps.pool.query<AutoRefund>(
        `SELECT r.id AS "refundId", o.id AS "orderId", o.user_id AS "userId", o.course_id AS "courseId",
                c.title AS "courseTitle", o.payment_intent_id AS "paymentIntentId", r.amount_minor AS "amountMinor",
                r.currency
           FROM refunds r JOIN orders o ON o.id = r.order_id JOIN courses c ON c.id = o.course_id
          WHERE r.status = 'pending' AND r.gateway_refund_id IS NULL AND r.requested_by IS NULL
            AND r.requested_as = 'admin' AND o.failure_code = 'duplicate_payment'
            AND r.updated_at < now() - make_interval(secs => $1::float8 / 1000)
          LIMIT 100`,
        [retryAfterMs],
      );
      this.enqueue(rows);
      return rows.length;
    },
  };
}
export type DuplicateRefunds = ReturnType<typeof duplicateRefunds>;
