import type { ModuleDeps } from '../deps.ts';
import type { CatalogReader } from '../catalog/reader.ts';
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
import { webhookHandler, type ApplyGatewayRefund } from './webhooks.ts';
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
  const webhooks = webhookHandler({
    db,
    gateway,
    logger: deps.logger,
    applyGatewayRefund,
    releaseCoupon,
    onEnrollmentChanged: deps.pokeDevices,
    onPaid: deps.onPaid,
  });

  // The sandbox expires its open sessions when their 24 h are up, as Stripe does.
  let expiryTimer: NodeJS.Timeout | null = null;
  return {
    routes: [
      ...paymentRoutes({ checkout, orders, webhooks, gateway }),
      ...(sandbox ? sandboxRoutes(sandbox.payments) : []),
    ],
    gateway,
    orders,
    checkout,
    webhooks,
    /** The sandbox's controls (null with Stripe): webhook delivery (test hooks) and payments. */
    sandbox,
    /** Once the server listens: the sandbox delivers its webhooks to this server's own endpoint. */
    listening(url: string): void {
      if (!config.PUBLIC_URL) baseUrl = url;
      sandbox?.delivery.setTarget(`${url}${WEBHOOK_PATH}`);
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
    close(): void {
      if (expiryTimer) clearInterval(expiryTimer);
      sandbox?.delivery.stop();
    },
  };
}
export type PaymentsModule = Awaited<ReturnType<typeof createPaymentsModule>>;
