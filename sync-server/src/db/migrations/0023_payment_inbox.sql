-- Payment webhooks through an inbox (issue 13, bench:payments): the webhook endpoint only records a verified event
-- (gateway_events, keyed by the gateway's event id: a repeat is dropped by the primary key) and answers 200; a
-- fulfilment worker applies the recorded events in batches. An event not yet applied has applied_at NULL, so an
-- event acknowledged just before the process died is applied when a worker starts again.
ALTER TABLE gateway_events ADD COLUMN applied_at timestamptz;
-- Failed applications (a bug, a deadlock): how many, when to try again, and the last error (for the admin).
ALTER TABLE gateway_events ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE gateway_events ADD COLUMN retry_at timestamptz;
ALTER TABLE gateway_events ADD COLUMN last_error text;
-- Events recorded before the inbox were applied in the transaction that recorded them.
UPDATE gateway_events SET applied_at = received_at;
-- The inbox: what is left to apply, oldest first (the worker claims with FOR UPDATE SKIP LOCKED).
CREATE INDEX gateway_events_inbox_idx ON gateway_events (received_at) WHERE applied_at IS NULL;

-- A coupon's redeemed_count counts its redemptions. The cap is enforced when a checkout takes one (the conditional
-- UPDATE in consumeCoupon); a late payment honoured on an order that had expired (its redemption given back) counts
-- again, even when others have taken the freed redemptions since: the student paid the discounted price.
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN
    SELECT conname FROM pg_constraint
     WHERE conrelid = 'coupons'::regclass AND contype = 'c'
       AND pg_get_constraintdef(oid) LIKE '%redeemed_count <= max_redemptions%'
  LOOP
    EXECUTE format('ALTER TABLE coupons DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
