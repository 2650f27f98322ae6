-- Refunds asked through the API take an Idempotency-Key header (as Stripe's API does): the key, scoped to whoever
-- asked, names one refund; the same key again answers the first answer (response) and refunds nothing more, and the
-- same key with another request (request_hash: order, amount, reason) is refused with 422 idempotency_key_reused.
ALTER TABLE refunds ADD COLUMN idempotency_key text;
ALTER TABLE refunds ADD COLUMN request_hash text;
ALTER TABLE refunds ADD COLUMN response jsonb;
CREATE UNIQUE INDEX refunds_idempotency_key_idx ON refunds (requested_by, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
