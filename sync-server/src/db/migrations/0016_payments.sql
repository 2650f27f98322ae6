-- Payments core (issue 13, module payments): orders, gateway transactions, received gateway events, the ledger,
-- and the sandbox gateway's own state. Money is integer minor units plus an ISO 4217 currency, never floats.

-- One purchase attempt of a course by a student. The server computes every amount (a client sends a course id and
-- maybe a code). pending → paid → refunded | partially_refunded, or pending → failed | expired.
CREATE TABLE orders (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  course_id uuid NOT NULL REFERENCES courses (id),
  status text NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'expired', 'refunded', 'partially_refunded')),
  -- What is charged, after any discount; and the course's price when the order was made.
  amount_minor integer NOT NULL CHECK (amount_minor >= 0),
  list_amount_minor integer NOT NULL CHECK (list_amount_minor >= amount_minor),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- The coupon applied (payment offers' table, migration 0017; no foreign key across the two migrations' owners).
  coupon_id uuid,
  gateway text NOT NULL CHECK (gateway IN ('sandbox', 'stripe', 'none')),
  gateway_session_id text UNIQUE,
  checkout_url text,
  payment_intent_id text UNIQUE,
  refunded_minor integer NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor),
  failure_code text,
  failure_message text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  paid_at timestamptz,
  CHECK (status NOT IN ('paid', 'refunded', 'partially_refunded') OR paid_at IS NOT NULL)
);
CREATE INDEX orders_user_idx ON orders (user_id, created_at DESC);
CREATE INDEX orders_course_idx ON orders (course_id, status);
CREATE INDEX orders_paid_idx ON orders (paid_at) WHERE paid_at IS NOT NULL;
-- At most one open order per student and course: a second checkout reuses it.
CREATE UNIQUE INDEX orders_one_pending_idx ON orders (user_id, course_id) WHERE status = 'pending';

-- Money movements the gateway reported for an order: the charge and each refund (one row per gateway object).
CREATE TABLE payment_transactions (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id),
  gateway text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('charge', 'refund')),
  -- The gateway's id: a payment intent (charge) or a refund id (or the charge id with the cumulative amount).
  gateway_ref text NOT NULL,
  amount_minor integer NOT NULL CHECK (amount_minor >= 0),
  currency text NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (gateway, kind, gateway_ref)
);
CREATE INDEX payment_transactions_order_idx ON payment_transactions (order_id);

-- Every webhook event received, once: the primary key is the gateway's event id, which is how repeats are dropped.
CREATE TABLE gateway_events (
  id text PRIMARY KEY,
  gateway text NOT NULL,
  type text NOT NULL,
  order_id uuid,
  payload jsonb NOT NULL,
  -- What handling it did: fulfilled, failed, refunded, ignored, …
  outcome text,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gateway_events_order_idx ON gateway_events (order_id, received_at) WHERE order_id IS NOT NULL;

-- Double-entry-light ledger: one signed row per money movement (charges positive, refunds negative), written in the
-- transaction that changes the order; the key makes each movement count once.
CREATE TABLE ledger_entries (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id),
  kind text NOT NULL CHECK (kind IN ('charge', 'refund', 'discount')),
  amount_minor integer NOT NULL,
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  entry_key text NOT NULL UNIQUE,
  memo text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_order_idx ON ledger_entries (order_id);

-- The sandbox gateway (no network; behaves like Stripe test mode). Its sessions, payments and refunds live here so
-- they survive a restart and every API node sees them.
CREATE TABLE sandbox_checkout_sessions (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  order_id uuid NOT NULL,
  amount_minor integer NOT NULL CHECK (amount_minor >= 0),
  currency text NOT NULL,
  description text NOT NULL,
  customer_email text,
  success_url text NOT NULL,
  cancel_url text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'complete', 'expired')),
  payment_status text NOT NULL CHECK (payment_status IN ('paid', 'unpaid')),
  payment_intent_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

CREATE TABLE sandbox_payment_intents (
  id text PRIMARY KEY,
  session_id text NOT NULL REFERENCES sandbox_checkout_sessions (id),
  order_id uuid NOT NULL,
  amount_minor integer NOT NULL,
  currency text NOT NULL,
  -- requires_action (3-D Secure step), processing (bank transfer), succeeded, canceled
  status text NOT NULL,
  method text NOT NULL,
  amount_refunded integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sandbox_payment_intents_created_idx ON sandbox_payment_intents (created_at);

CREATE TABLE sandbox_refunds (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  payment_intent_id text NOT NULL REFERENCES sandbox_payment_intents (id),
  amount_minor integer NOT NULL CHECK (amount_minor > 0),
  reason text,
  created_at timestamptz NOT NULL DEFAULT now()
);
