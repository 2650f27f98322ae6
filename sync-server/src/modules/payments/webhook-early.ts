import express from 'express';
import { ApiError, sendApiError } from '../../http/errors.ts';
import type { WebhookHandler } from './webhooks.ts';

/**
 * `POST /api/v1/payments/webhook` mounted ahead of the application's middleware and its several hundred routes
 * (as the collector's and the LRS's hot paths are): a gateway sends two of them per payment in bench:payments, and
 * walking the whole stack cost more than recording the event. Same answers as the declared route in routes.ts
 * (which documents it and stays the fallback): 200 {received, duplicate}, 400 webhook_signature_invalid, errors
 * through the application's error handler.
 */
export function webhookEarlyMount(path: string, webhooks: WebhookHandler) {
  const router = express.Router();
  router.post(path, express.raw({ type: () => true, limit: '1mb' }), (req, res, next) => {
    const raw: unknown = req.body;
    webhooks
      .handle(Buffer.isBuffer(raw) ? raw : Buffer.alloc(0), req.get('stripe-signature'))
      .then((ack) => void res.status(200).json(ack))
      .catch((err: unknown) => (err instanceof ApiError ? sendApiError(res, err) : next(err)));
  });
  return { path: '/', router };
}
