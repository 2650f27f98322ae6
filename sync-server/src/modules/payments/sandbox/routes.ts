import {
  SandboxConfirmRequest,
  SandboxPayRequest,
  SandboxPayResult,
  SandboxSessionParams,
} from '@lyceum/contracts';
import { ApiError } from '../../../http/errors.ts';
import { Raw, route, type AnyRoute, type Ctx } from '../../../http/route.ts';
import { checkoutPage, confirmPage } from './page.ts';
import type { SandboxPayments } from './pay.ts';

const HTML = 'text/html; charset=utf-8';

/** The hosted pages post forms; they may send the student on to the success page (another origin, perhaps). */
function pageHeaders(successUrl: string, cancelUrl: string): Record<string, string> {
  const origins = new Set(["'self'"]);
  for (const u of [successUrl, cancelUrl]) {
    try {
      origins.add(new URL(u).origin);
    } catch {
      /* a relative URL is same-origin */
    }
  }
  return {
    'content-security-policy': `default-src 'self'; style-src 'unsafe-inline'; form-action ${[...origins].join(' ')}; frame-ancestors 'none'; base-uri 'none'`,
    'cache-control': 'no-store',
  };
}

const isForm = (ctx: Ctx<unknown, unknown, unknown>) =>
  typeof ctx.req.is('application/x-www-form-urlencoded') === 'string';

/**
 * The sandbox gateway's hosted checkout (Stripe's hosted page stands in for it with the Stripe adapter). The
 * session id in the URL is the capability, as with Stripe: anyone holding the link may pay. Form posts are
 * answered with pages and redirects, JSON posts (tests, scripts) with JSON.
 */
export function sandboxRoutes(pay: SandboxPayments): AnyRoute[] {
  const tags = ['payments-sandbox'];
  return [
    route({
      method: 'get',
      path: '/sandbox/checkout/sessions/:id',
      operationId: 'sandboxCheckoutPage',
      summary: 'The sandbox gateway hosted checkout page (course, amount, card form, bank transfer)',
      tags,
      access: 'public',
      params: SandboxSessionParams,
      response: null,
      produces: HTML,
      errors: ['not_found'],
      handler: async ({ params }) => {
        const s = await pay.session(params.id);
        return new Raw(HTML, checkoutPage(s), pageHeaders(s.successUrl, s.cancelUrl));
      },
    }),
    route({
      method: 'post',
      path: '/sandbox/checkout/sessions/:id/pay',
      operationId: 'sandboxPay',
      summary:
        "Pay a sandbox checkout with a Stripe test card or by bank transfer (JSON, or the page's form)",
      tags,
      access: 'public',
      params: SandboxSessionParams,
      body: SandboxPayRequest,
      response: SandboxPayResult,
      errors: ['not_found', 'checkout_closed'],
      handler: async (ctx) => {
        const { params, body, res } = ctx;
        if (!isForm(ctx)) return pay.pay(params.id, body);
        const s = await pay.session(params.id);
        const r = await pay.pay(params.id, body).catch((err: unknown) => {
          if (err instanceof ApiError && err.code === 'checkout_closed') return null;
          throw err;
        });
        const headers = pageHeaders(s.successUrl, s.cancelUrl);
        if (r === null) return new Raw(HTML, checkoutPage(await pay.session(params.id)), headers);
        const next = r.nextUrl ?? r.redirectUrl;
        if (next) {
          res.set(headers).redirect(303, next);
          return new Raw(HTML, '');
        }
        return new Raw(HTML, checkoutPage(s, r.failureMessage ?? 'The payment failed.'), headers);
      },
    }),
    route({
      method: 'get',
      path: '/sandbox/checkout/sessions/:id/confirm',
      operationId: 'sandboxConfirmPage',
      summary: 'The sandbox 3-D Secure confirmation step (test card 4000 0025 0000 3155)',
      tags,
      access: 'public',
      params: SandboxSessionParams,
      response: null,
      produces: HTML,
      errors: ['not_found'],
      handler: async ({ params }) => {
        const s = await pay.session(params.id);
        return new Raw(
          HTML,
          s.status === 'open' ? confirmPage(s) : checkoutPage(s),
          pageHeaders(s.successUrl, s.cancelUrl),
        );
      },
    }),
    route({
      method: 'post',
      path: '/sandbox/checkout/sessions/:id/confirm',
      operationId: 'sandboxConfirm',
      summary: 'Complete or fail the sandbox 3-D Secure step',
      tags,
      access: 'public',
      params: SandboxSessionParams,
      body: SandboxConfirmRequest,
      response: SandboxPayResult,
      errors: ['not_found', 'checkout_closed'],
      handler: async (ctx) => {
        const { params, body, res } = ctx;
        if (!isForm(ctx)) return pay.confirm(params.id, body.outcome);
        const s = await pay.session(params.id);
        const r = await pay.confirm(params.id, body.outcome);
        if (r.redirectUrl) {
          res.set(pageHeaders(s.successUrl, s.cancelUrl)).redirect(303, r.redirectUrl);
          return new Raw(HTML, '');
        }
        return new Raw(
          HTML,
          checkoutPage(s, r.failureMessage ?? 'The payment failed.'),
          pageHeaders(s.successUrl, s.cancelUrl),
        );
      },
    }),
  ];
}
