-- Payment offers (issue 13, module payments: coupons, refunds, vouchers) and the enrollment statuses and sources
-- they need. Money is integer minor units plus an ISO 4217 currency.

-- Enrollments: `refunded` (no access; progress, attempts and completion kept; buying again reactivates it) and the
-- sources of paid admissions.
ALTER TABLE enrollments DROP CONSTRAINT enrollments_status_check;
ALTER TABLE enrollments ADD CONSTRAINT enrollments_status_check
  CHECK (status IN ('active', 'completed', 'dropped', 'refunded'));
ALTER TABLE enrollments DROP CONSTRAINT enrollments_source_check;
ALTER TABLE enrollments ADD CONSTRAINT enrollments_source_check
  CHECK (source IN ('self', 'instructor', 'payment', 'purchase', 'coupon', 'voucher'));

-- The change log: a refunded enrollment leaves the user's scope like a dropped one (the device gets the enrollment
-- with its new status and a tombstone for the course's structure, so it removes the offline copy).
CREATE OR REPLACE FUNCTION sync_enrollments_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  uid uuid;
  cid uuid;
  was_in boolean := false;
  is_in boolean := false;
BEGIN
  IF TG_OP = 'DELETE' THEN
    uid := OLD.user_id;
    cid := OLD.course_id;
  ELSE
    uid := NEW.user_id;
    cid := NEW.course_id;
    is_in := NEW.status IN ('active', 'completed');
  END IF;
  IF TG_OP <> 'INSERT' THEN
    was_in := OLD.status IN ('active', 'completed');
  END IF;
  PERFORM sync_emit('user:' || uid, 'enrollment', cid, cid, CASE WHEN TG_OP = 'DELETE' THEN 'delete' ELSE 'upsert' END);
  IF was_in <> is_in THEN
    PERFORM sync_emit('user:' || uid, 'course_detail', cid, NULL, CASE WHEN is_in THEN 'upsert' ELSE 'delete' END);
  END IF;
  RETURN NULL;
END $$;

-- Coupons: percent or amount off, one course (course_id) or every course (NULL), an optional expiry and cap.
-- redeemed_count is raised by a conditional UPDATE (never past max_redemptions), which is what makes the cap hold
-- under concurrent checkouts.
CREATE TABLE coupons (
  id uuid PRIMARY KEY,
  -- Upper-case, as typed codes are normalised.
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9_-]{3,40}$'),
  percent_off integer CHECK (percent_off BETWEEN 1 AND 100),
  amount_off_minor integer CHECK (amount_off_minor > 0),
  currency text CHECK (currency ~ '^[A-Z]{3}$'),
  course_id uuid REFERENCES courses (id),
  expires_at timestamptz,
  max_redemptions integer CHECK (max_redemptions > 0),
  redeemed_count integer NOT NULL DEFAULT 0 CHECK (redeemed_count >= 0),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((percent_off IS NULL) <> (amount_off_minor IS NULL)),
  CHECK ((amount_off_minor IS NULL) = (currency IS NULL)),
  CHECK (max_redemptions IS NULL OR redeemed_count <= max_redemptions)
);
CREATE INDEX coupons_course_idx ON coupons (course_id);

-- One row per order that used a coupon (the order table is the payments core's, migration 0016). Releasing it (the
-- order failed or expired) deletes the row and gives the redemption back.
CREATE TABLE coupon_redemptions (
  order_id uuid PRIMARY KEY REFERENCES orders (id),
  coupon_id uuid NOT NULL REFERENCES coupons (id),
  user_id uuid NOT NULL REFERENCES users (id),
  discount_minor integer NOT NULL CHECK (discount_minor >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX coupon_redemptions_coupon_idx ON coupon_redemptions (coupon_id);

-- Refunds asked through the API (pending until the gateway answers) and those the gateway reported on its own (a
-- refund made in Stripe's dashboard). The order's refunded_minor is what counts; these rows are its history.
CREATE TABLE refunds (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id),
  amount_minor integer NOT NULL CHECK (amount_minor >= 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  -- Who asked: an admin, the course's instructor, the student (within the policy), or the gateway itself.
  requested_by uuid REFERENCES users (id),
  requested_as text NOT NULL CHECK (requested_as IN ('admin', 'instructor', 'student', 'gateway')),
  gateway_refund_id text UNIQUE,
  failure_message text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_order_idx ON refunds (order_id);

-- Voucher batches: single-use codes for one course that a school buys (seats). Codes are stored so the batch can
-- be exported again as CSV by its issuers; devices only ever see their SHA-256 (the verifiers list).
CREATE TABLE voucher_batches (
  id uuid PRIMARY KEY,
  course_id uuid NOT NULL REFERENCES courses (id),
  label text NOT NULL DEFAULT '',
  code_count integer NOT NULL CHECK (code_count BETWEEN 1 AND 5000),
  expires_at timestamptz,
  revoked_at timestamptz,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX voucher_batches_course_idx ON voucher_batches (course_id, created_at);

CREATE TABLE vouchers (
  id uuid PRIMARY KEY,
  batch_id uuid NOT NULL REFERENCES voucher_batches (id),
  -- 16 Crockford base32 characters (80 random bits), normalised (no dashes).
  code text NOT NULL UNIQUE CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{16}$'),
  -- hex SHA-256 of the normalised code: what the verifiers list carries and what redemption looks up.
  code_hash text NOT NULL UNIQUE,
  position integer NOT NULL
);
CREATE INDEX vouchers_batch_idx ON vouchers (batch_id, position);

-- A voucher is redeemed at most once: the primary key is the voucher.
CREATE TABLE voucher_redemptions (
  voucher_id uuid PRIMARY KEY REFERENCES vouchers (id),
  user_id uuid NOT NULL REFERENCES users (id),
  course_id uuid NOT NULL REFERENCES courses (id),
  -- online: POST /vouchers/redeem; sync: the redeemVoucher mutation (its id kept).
  via text NOT NULL CHECK (via IN ('online', 'sync')),
  mutation_id uuid,
  redeemed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX voucher_redemptions_user_idx ON voucher_redemptions (user_id);
