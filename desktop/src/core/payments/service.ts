import { and, eq } from 'drizzle-orm';
import { normaliseVoucherCode, type Order } from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import type {
  CheckoutBody,
  CheckoutView,
  CoursePaymentView,
  OrderListView,
  OrderView,
  PaymentNotices,
  RedeemBody,
  RedeemView,
  RefundBody,
} from '../../contracts/payments.ts';
import type { ServerConnection } from '../server/connection.ts';
import { ServerError, ServerUnreachable } from '../server/errors.ts';
import type { ConnectivityMonitor } from '../services/connectivity.ts';
import { asCoreError, type SessionService } from '../services/session.ts';
import type { CatalogCache } from '../store/catalog-cache.ts';
import type { LocalDb } from '../store/open.ts';
import { enrollments, offlineCourses } from '../store/tables.ts';
import { readEnrollment } from '../sync/apply-changes.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { courseLock } from './local-voucher.ts';
import { paymentNotices } from './tables.ts';
import { verifierRepo } from './verifiers.ts';
import { voucherHash } from './voucher-code.ts';

export interface PaymentsDeps {
  db: LocalDb;
  client: ServerConnection;
  session: SessionService;
  connectivity: ConnectivityMonitor;
  sync: SyncEngine;
  cache: CatalogCache;
  /** Remove a course's offline copy (its files too): a refunded purchase. */
  removeOfflineCopy: (courseId: string) => Promise<void>;
  onError?: (err: unknown) => void;
}

const ACCESS = new Set(['active', 'completed']);
/** The verifier list is fetched again after a sync at most this often (and at every sign-in). */
const VERIFIERS_EVERY_MS = 120_000;
const RECEIPTED = new Set(['paid', 'refunded', 'partially_refunded']);

/** An order as the renderer reads it. */
export function orderView(o: Order): OrderView {
  const money = (amountMinor: number) => ({ amountMinor, currency: o.currency });
  return {
    id: o.id,
    courseId: o.courseId,
    courseTitle: o.courseTitle,
    status: o.status,
    amount: money(o.amountMinor),
    listAmount: money(o.listAmountMinor),
    refunded: money(o.refundedMinor),
    createdAt: o.createdAt,
    paidAt: o.paidAt,
    checkoutUrl: o.status === 'pending' ? o.checkoutUrl : null,
    failure: o.failureMessage ? { code: o.failureCode, message: o.failureMessage } : null,
    receiptUrl: RECEIPTED.has(o.status) ? `/api/payments/orders/${o.id}/receipt` : null,
  };
}

/**
 * Buying courses from the desktop: checkout (the server's hosted page, opened in the system browser by the renderer),
 * orders and receipts, refunds, coupons, and school vouchers — verified on the device against the server's cached
 * verifier list and redeemed through the outbox, so a code works offline.
 */
export function paymentsService(d: PaymentsDeps) {
  const verifiers = verifierRepo(d.db);
  const online = () => d.connectivity.snapshot().online;

  function requireUser(): string {
    const userId = d.sync.prepare();
    if (!userId) throw new CoreError('signed_out', 'Sign in to buy or redeem courses.');
    return userId;
  }

  /** A server call with the signed-in user's token; a device-only session (offline sign-in) cannot make it. */
  async function authed<T>(call: (token: string) => Promise<T>, offlineMessage: string): Promise<T> {
    requireUser();
    try {
      return await d.session.withToken((token) => {
        if (!token) throw new CoreError('signed_out', 'Sign in again (online) to do this.');
        return call(token);
      });
    } catch (err) {
      throw asCoreError(err, offlineMessage);
    }
  }

  const hasAccess = (courseId: string) => {
    const e = readEnrollment(d.db, courseId);
    return e !== null && ACCESS.has(e.status);
  };

  /** A purchase came through: pull it now rather than at the next poke or tick. */
  async function pullNow(courseId: string): Promise<void> {
    if (!hasAccess(courseId)) await d.sync.syncNow();
  }

  let refreshing: Promise<void> | null = null;
  let lastSyncSeen: string | null = null;
  /** When the verifier list was last fetched (this run of the app). */
  let verifiersAt = 0;
  let afterSyncRun: Promise<void> | null = null;

  const service = {
    async checkout(courseId: string, body: CheckoutBody): Promise<CheckoutView> {
      const res = await authed(
        (token) => d.client.call('checkout', { params: { id: courseId }, body }, { token }),
        'Buying a course needs the server, and it cannot be reached right now. Try again when you are back online.',
      );
      if (res.status === 'paid') await pullNow(courseId);
      return { orderId: res.orderId, status: res.status, checkoutUrl: res.checkoutUrl };
    },

    async order(orderId: string): Promise<OrderView> {
      const o = await authed(
        (token) => d.client.call('getOrder', { params: { id: orderId } }, { token }),
        'Checking a payment needs the server, and it cannot be reached right now.',
      );
      if (o.status === 'paid' && !hasAccess(o.courseId)) d.sync.syncSoon(0);
      return orderView(o);
    },

    async orders(): Promise<OrderListView> {
      const list = await authed(
        (token) => d.client.call('listMyOrders', {}, { token }),
        'Your purchases are kept on the server, and it cannot be reached right now.',
      );
      return { items: list.items.map(orderView) };
    },

    /** The receipt page of a paid order, as the server renders it (HTML). */
    async receipt(orderId: string): Promise<string> {
      return authed(async (token) => {
        const res = await d.client
          .send('getOrderReceipt', { params: { id: orderId } }, { token, headers: { accept: 'text/html' } })
          .catch((err: unknown) => {
            if (!(err instanceof ServerError)) throw err;
            if (err.status === 404) throw new CoreError('not_found', 'This order has no receipt.');
            if (err.status === 403) throw new CoreError('forbidden', 'This is not your order.');
            throw new CoreError('bad_gateway', `The server answered ${err.status} for the receipt.`);
          });
        return res.text();
      }, 'Receipts come from the server, and it cannot be reached right now.');
    },

    async refund(orderId: string, body: RefundBody): Promise<OrderView> {
      await authed(
        (token) =>
          d.client.call(
            'requestRefund',
            {
              params: { id: orderId },
              body: { reason: body.reason, ...(body.amountMinor ? { amount: body.amountMinor } : {}) },
            },
            { token },
          ),
        'Asking for a refund needs the server, and it cannot be reached right now.',
      );
      void d.sync.syncNow();
      return service.order(orderId);
    },

    /**
     * Redeem a code. A voucher (16 Crockford characters) found in the cached verifier list unlocks its course on this
     * device at once and goes to the server through the outbox; one the device does not know is asked online. Any
     * other code is a coupon for the course named: a checkout with the discount.
     */
    async redeem(body: RedeemBody): Promise<RedeemView> {
      requireUser();
      const voucher = normaliseVoucherCode(body.code);
      if (!voucher) {
        if (!body.courseId)
          throw new CoreError('coupon_invalid', 'Open the course the coupon is for, and redeem it there.');
        const checkout = await service.checkout(body.courseId, { couponCode: body.code.trim() });
        return { kind: 'coupon', courseId: body.courseId, checkout };
      }
      const check = verifiers.check(voucherHash(voucher));
      if (check.status === 'revoked')
        throw new CoreError('voucher_revoked', 'This voucher code was withdrawn by whoever issued it.');
      if (check.status === 'expired')
        throw new CoreError('voucher_expired', 'This voucher code has expired.');
      if (check.status === 'valid') {
        if (body.courseId && body.courseId !== check.courseId)
          throw new CoreError('voucher_wrong_course', 'This voucher code is for another course.', {
            courseId: check.courseId,
          });
        if (hasAccess(check.courseId))
          throw new CoreError('already_enrolled', 'You are already enrolled in this course.');
        d.sync.record({ name: 'redeemVoucher', args: { code: voucher, courseId: check.courseId } });
        return { kind: 'voucher', courseId: check.courseId, pending: true };
      }
      if (!online())
        throw new CoreError(
          'voucher_invalid',
          'This device does not know this code. If it is new, try again when you are back online.',
        );
      const r = await authed(
        (token) => d.client.call('redeemVoucher', { body: { code: voucher } }, { token }),
        'This device does not know this code. If it is new, try again when you are back online.',
      );
      await d.sync.syncNow();
      return { kind: 'voucher', courseId: r.courseId, pending: false };
    },

    /** Buying, a voucher, a lock or a refund: what the course page shows about this course on this device. */
    course(courseId: string): CoursePaymentView {
      const userId = requireUser();
      const e = readEnrollment(d.db, courseId);
      const lock = courseLock(d.db, userId, courseId);
      return {
        courseId,
        unlocked: e !== null && ACCESS.has(e.status),
        voucherPending: e !== null && typeof e.pendingVoucher === 'string',
        lock: lock ? { code: lock.code, message: lock.message, lockedAt: lock.lockedAt } : null,
        refunded: e?.status === 'refunded',
      };
    },

    notices(): PaymentNotices {
      const userId = requireUser();
      const rows = d.db.select().from(paymentNotices).where(eq(paymentNotices.userId, userId)).all();
      return {
        items: rows.map((r) => ({
          courseId: r.courseId,
          kind: r.kind,
          title: r.title,
          createdAt: r.createdAt,
        })),
      };
    },

    dismissNotice(courseId: string): PaymentNotices {
      const userId = requireUser();
      d.db
        .delete(paymentNotices)
        .where(and(eq(paymentNotices.userId, userId), eq(paymentNotices.courseId, courseId)))
        .run();
      return service.notices();
    },

    /**
     * Fetch the voucher verifier list again: at sign-in, and after a sync when the last fetch is older than
     * VERIFIERS_EVERY_MS (a school's list can hold thousands of hashes; the server decides anyway). Single flight,
     * failures ignored.
     */
    refreshVerifiers(): Promise<void> {
      refreshing ??= (async () => {
        try {
          const list = await d.session.withToken((token) =>
            token ? d.client.call('voucherVerifiers', {}, { token }) : Promise.resolve(null),
          );
          if (list) {
            verifiers.replace(list);
            verifiersAt = Date.now();
          }
        } catch (err) {
          if (!(err instanceof ServerUnreachable)) d.onError?.(err);
        } finally {
          refreshing = null;
        }
      })();
      return refreshing;
    },

    /**
     * After a sync: refunded purchases lose their offline copy (with a notice rather than a failing download), and the
     * verifier list is fetched again when the sync reached the server.
     */
    afterSync(): Promise<void> {
      afterSyncRun ??= settleRefunds().finally(() => {
        afterSyncRun = null;
      });
      return afterSyncRun;
    },

    verifiers,
  };

  async function settleRefunds(): Promise<void> {
    const userId = d.sync.prepare();
    if (!userId) return;
    const refunded = d.db
      .select({ courseId: enrollments.courseId })
      .from(enrollments)
      .innerJoin(offlineCourses, eq(offlineCourses.courseId, enrollments.courseId))
      .where(eq(enrollments.status, 'refunded'))
      .all()
      .map((r) => r.courseId);
    for (const courseId of refunded) {
      const title =
        readEnrollment(d.db, courseId)?.course?.title ?? d.cache.getDetail(courseId)?.course.title;
      await d.removeOfflineCopy(courseId);
      d.db
        .insert(paymentNotices)
        .values({
          userId,
          courseId,
          kind: 'refunded',
          title: title ?? 'Course',
          createdAt: new Date().toISOString(),
        })
        .onConflictDoNothing()
        .run();
    }
    const last = d.sync.status().lastSyncAt;
    if (last && last !== lastSyncSeen && Date.now() - verifiersAt >= VERIFIERS_EVERY_MS) {
      lastSyncSeen = last;
      await service.refreshVerifiers();
    }
  }
  return service;
}
export type PaymentsService = ReturnType<typeof paymentsService>;
