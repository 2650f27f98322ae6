import type { ModuleDeps } from '../deps.ts';
import type { CatalogReader } from '../catalog/reader.ts';
import { connectDatabase } from '../../db/client.ts';
import { persistentSecret } from '../../lib/secrets.ts';
import { checkoutService, type CouponPort } from './checkout.ts';
import type { PaymentGateway } from './gateway/port.ts';
import { stripeGateway } from './gateway/stripe.ts';
import { orderReads } from './orders.ts';
import { paymentRoutes } from './routes.ts';
import { webhookDelivery, type WebhookDelivery } from './sandbox/delivery.ts';
import { sandboxGateway } from './sandbox/gateway.ts';
import { sandboxPayments, type SandboxPayments } from './sandbox/pay.ts';
import { sandboxRoutes } from './sandbox/routes.ts';
import { eventHandlers, webhookHandler, type ApplyGatewayRefund } from './webhooks.ts';
import { afterPaymentQueue } from './after-payment.ts';
import { duplicateRefunds } from './duplicate-payments.ts';
import { fulfilmentWorker } from './fulfilment-worker.ts';
import { paymentInbox } from './inbox.ts';
import { webhookEarlyMount } from './webhook-early.ts';
import { consumeCoupon, quoteCoupon, releaseCoupon } from './coupons/service.ts';

export const WEBHOOK_PATH = '/api/v1/payments/webhook';

export interface PaymentsModuleDeps extends ModuleDeps {
  catalog: CatalogReader;
  users: { findById(id: string): Promise<{ email: string } | undefined> };
  publicUrl: string;
  /** Number the committed enrollment changes now, so the students' devices are poked (sync sequencer kick). */
  pokeDevices: () => void;
  /** Payment offers' charge.refunded handling (payments/refunds/apply.ts); null: recorded, not applied. */
  applyGatewayRefund?: ApplyGatewayRefund | null;
  /** After the commit that marked an order paid (payment offers: the receipt email). */
  onPaid?: (orderId: string) => Promise<unknown>;
  /** Sandbox only: how long a bank transfer takes (ms). */
  sandboxAsyncDelayMs?: number;
}

export interface SandboxControls {
  delivery: WebhookDelivery;
  payments: SandboxPayments;
}

/** Payments core (issue 13): orders, checkout, the gateway (Stripe or the sandbox), webhooks, reconciliation. */
export async function createPaymentsModule(deps: PaymentsModuleDeps) {
  const { config, db } = deps;
  // The URL students' browsers reach this server at: PUBLIC_URL, else the address it listens on once known.
  let baseUrl = deps.publicUrl;
  const publicUrl = () => baseUrl;
  let gateway: PaymentGateway;
  let sandbox: SandboxControls | null = null;
  if (config.STRIPE_SECRET_KEY) {
    if (!config.STRIPE_WEBHOOK_SECRET)
      throw new Error(
        'STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY (the webhook signing secret)',
      );
    gateway = stripeGateway({
      secretKey: config.STRIPE_SECRET_KEY,
      webhookSecret: config.STRIPE_WEBHOOK_SECRET,
      automaticTax: config.STRIPE_AUTOMATIC_TAX === 'on',
    });
  } else {
    const webhookSecret =
      config.STRIPE_WEBHOOK_SECRET ??
      `whsec_${await persistentSecret(config.dataDir, 'sandbox-webhook-secret')}`;
    const delivery = webhookDelivery({ logger: deps.logger, secret: webhookSecret });
    gateway = sandboxGateway({ db, publicUrl, webhookSecret, delivery });
    sandbox = {
      delivery,
      payments: sandboxPayments({ db, delivery, asyncDelayMs: deps.sandboxAsyncDelayMs }),
    };
  }

  const coupons: CouponPort = { quoteCoupon, consumeCoupon, releaseCoupon };
  const applyGatewayRefund = deps.applyGatewayRefund ?? null;
  const orders = orderReads(db, async (ids) => {
    const refs = await Promise.all(ids.map((id) => deps.catalog.getCourse(id)));
    return new Map(refs.filter((r) => r !== null).map((r) => [r.id, r.title]));
  });
  const checkout = checkoutService({
    db,
    gateway,
    catalog: deps.catalog,
    orders,
    coupons,
    email: async (userId) => (await deps.users.findById(userId))?.email ?? null,
    returnUrl: (orderId, outcome) => `${publicUrl()}/payments/return?outcome=${outcome}&order=${orderId}`,
    onEnrolled: deps.pokeDevices,
  });
  // Webhooks: the endpoint records verified events in the inbox; the fulfilment worker applies them in batches.
  // Both on a few connections of their own (as the analytics processor and the scheduler have theirs): checkouts
  // queued on the main pool must not delay an acknowledgement or a batch.
  const url = deps.pool.options.connectionString;
  const own = url ? connectDatabase(url, 4) : null;
  const inboxPool = own?.pool ?? deps.pool;
  const receipts = afterPaymentQueue({ step: deps.onPaid ?? (async () => {}), logger: deps.logger });
  const refunds = duplicateRefunds({ pool: deps.pool, logger: deps.logger, gateway: () => gateway });
  const worker = fulfilmentWorker({
    pool: inboxPool,
    logger: deps.logger,
    gateway: gateway.name,
    handlers: eventHandlers({ gateway: gateway.name, applyGatewayRefund, releaseCoupon }),
    onEnrollmentChanged: deps.pokeDevices,
    onPaid: (ids) => receipts.push(ids),
    onAutoRefunds: (r) => refunds.enqueue(r),
  });
  const inbox = paymentInbox({ pool: inboxPool, gateway: gateway.name, onRecorded: () => worker.wake() });
  const webhooks = webhookHandler({ gateway, inbox });
  /** Everything acknowledged so far applied, and what follows (receipts, duplicate payments' refunds) done. */
  const settled = async () => {
    await worker.drain();
    await Promise.all([receipts.idle(), refunds.idle()]);
  };
  sandbox?.delivery.onSettle(settled);

  // The sandbox expires its open sessions when their 24 h are up, as Stripe does.
  let expiryTimer: NodeJS.Timeout | null = null;
  let refundRetryTimer: NodeJS.Timeout | null = null;
  return {
    routes: [
      ...paymentRoutes({ checkout, orders, webhooks, gateway }),
      ...(sandbox ? sandboxRoutes(sandbox.payments) : []),
    ],
    /** Mounted ahead of the application's middleware: the webhook endpoint (webhook-early.ts). */
    earlyMounts: [webhookEarlyMount(WEBHOOK_PATH, webhooks)],
    gateway,
    orders,
    checkout,
    webhooks,
    /** The sandbox's controls (null with Stripe): webhook delivery (test hooks) and payments. */
    sandbox,
    /** The inbox's worker; `settled()` resolves once every recorded event is applied (tests, benches). */
    fulfilment: { worker, settled, duplicateRefunds: refunds },
    /** Once the server listens: the sandbox delivers its webhooks to this server's own endpoint. */
    listening(url: string): void {
      if (!config.PUBLIC_URL) baseUrl = url;
      sandbox?.delivery.setTarget(`${url}${WEBHOOK_PATH}`);
      worker.start();
      refundRetryTimer ??= setInterval(() => {
        refunds
          .retryStale()
          .catch((err: unknown) => deps.logger.warn({ err }, 'payments: retrying duplicate refunds failed'));
      }, 60_000);
      refundRetryTimer.unref();
      if (sandbox && !expiryTimer) {
        const payments = sandbox.payments;
        expiryTimer = setInterval(() => {
          payments
            .expireDue()
            .catch((err: unknown) => deps.logger.warn({ err }, 'sandbox session expiry failed'));
        }, 60_000);
        expiryTimer.unref();
      }
    },
    /** Stop delivering and applying; resolves when the batch in hand is committed or rolled back. */
    async close(): Promise<void> {
      if (expiryTimer) clearInterval(expiryTimer);
      if (refundRetryTimer) clearInterval(refundRetryTimer);
      sandbox?.delivery.stop();
      await worker.stop();
      await own?.close();
    },
  };
}
export type PaymentsModule = Awaited<ReturnType<typeof createPaymentsModule>>;
