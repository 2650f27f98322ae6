import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { StripeEvent } from '@lyceum/contracts';
import { ApiError } from '../../../http/errors.ts';

/** Stripe's default tolerance between the signature's timestamp and now (seconds). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * The Stripe-Signature header for a payload, exactly as Stripe computes it: `t=<unix seconds>,v1=<hex HMAC-SHA256
 * of "<t>.<payload>" keyed with the endpoint's secret>` (https://docs.stripe.com/webhooks#verify-manually).
 */
export function signStripePayload(
  payload: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
) {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/**
 * Verify a webhook with the official SDK (the same check for Stripe's and the sandbox's events) and read the event
 * envelope. Any failure (no header, wrong secret, tampered body, stale timestamp, not an event) is 400
 * webhook_signature_invalid.
 */
export function verifyStripeWebhook(
  rawBody: Buffer,
  signatureHeader: string,
  secret: string,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): StripeEvent {
  if (!signatureHeader)
    throw new ApiError('webhook_signature_invalid', 'The Stripe-Signature header is missing');
  // The SDK only refuses old timestamps; one far in the future is refused too (a clock or a forgery).
  const t = /(?:^|,)t=(\d+)/.exec(signatureHeader)?.[1];
  if (t && Number(t) - Date.now() / 1000 > toleranceSeconds)
    throw new ApiError('webhook_signature_invalid', 'The webhook signature is dated in the future');
  let json: unknown;
  try {
    json = Stripe.webhooks.constructEvent(rawBody, signatureHeader, secret, toleranceSeconds);
  } catch (err) {
    throw new ApiError(
      'webhook_signature_invalid',
      `The webhook signature is not valid: ${(err as Error).message}`,
    );
  }
  const parsed = StripeEvent.safeParse(json);
  if (!parsed.success) throw new ApiError('validation_failed', 'The signed body is not a Stripe event');
  return parsed.data;
}
