import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../../db/client.ts';
import { ApiError } from '../../../http/errors.ts';
import type { Caller } from '../../../http/route.ts';
import type { Mailer } from '../../../lib/mailer.ts';
import type { CatalogReader } from '../../catalog/reader.ts';
import type { UserDirectory } from '../../enrollment/users.ts';
import { coupons } from '../coupons/tables.ts';
import { orders } from '../tables.ts';
import { formatMoney, receiptHtml, receiptText, type ReceiptFacts } from './render.ts';

export interface ReceiptDeps {
  db: Db;
  catalog: CatalogReader;
  users: UserDirectory;
  mailer: Mailer;
  logger: Logger;
  issuer?: string;
}

const RECEIPTED = new Set(['paid', 'partially_refunded', 'refunded']);

/** Receipts of paid orders: an HTML page for the buyer (and admins), and the same receipt by email. */
export function receiptService(deps: ReceiptDeps) {
  const issuer = deps.issuer ?? 'Lyceum';

  async function facts(orderId: string): Promise<ReceiptFacts | null> {
    const [order] = await deps.db.select().from(orders).where(eq(orders.id, orderId));
    if (!order || !RECEIPTED.has(order.status) || !order.paidAt) return null;
    const [course, buyer, coupon] = await Promise.all([
      deps.catalog.getCourse(order.courseId),
      deps.users.findById(order.userId),
      order.couponId
        ? deps.db
            .select({ code: coupons.code })
            .from(coupons)
            .where(eq(coupons.id, order.couponId))
            .then((r) => r[0])
        : undefined,
    ]);
    return {
      orderId: order.id,
      status: order.status,
      courseTitle: course?.title ?? 'Course',
      buyerName: buyer?.name ?? '',
      buyerEmail: buyer?.email ?? '',
      listAmountMinor: order.listAmountMinor,
      amountMinor: order.amountMinor,
      refundedMinor: order.refundedMinor,
      currency: order.currency,
      couponCode: coupon?.code ?? null,
      gateway: order.gateway,
      paymentIntentId: order.paymentIntentId,
      paidAt: order.paidAt,
      issuer,
    };
  }

  return {
    /** The receipt page; 404 unless the caller bought the order or is an admin, and until it is paid. */
    async page(orderId: string, caller: Caller): Promise<string> {
      const [owner] = await deps.db
        .select({ userId: orders.userId })
        .from(orders)
        .where(eq(orders.id, orderId));
      if (!owner || (owner.userId !== caller.id && caller.role !== 'admin'))
        throw new ApiError('not_found', 'Order not found');
      const f = await facts(orderId);
      if (!f) throw new ApiError('not_found', 'This order is not paid: there is no receipt yet');
      return receiptHtml(f);
    },

    /**
     * Email the receipt of a paid order to its buyer through the mailer port. The payments core calls it after the
     * commit that marked the order paid. Never throws (a mail failure must not fail a webhook); answers whether
     * it was sent.
     */
    async send(orderId: string): Promise<boolean> {
      try {
        const f = await facts(orderId);
        if (!f || !f.buyerEmail) return false;
        await deps.mailer.send({
          to: f.buyerEmail,
          subject: `Your receipt for ${f.courseTitle} (${formatMoney(f.amountMinor, f.currency)})`,
          text: receiptText(f),
          html: receiptHtml(f),
        });
        return true;
      } catch (err) {
        deps.logger.warn({ err, orderId }, 'receipt email failed');
        return false;
      }
    },
  };
}
export type ReceiptService = ReturnType<typeof receiptService>;
