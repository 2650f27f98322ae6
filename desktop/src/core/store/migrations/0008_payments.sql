-- Issue 13 (payments). Vouchers verified on the device, courses locked again after a refused voucher, and notices of
-- refunded purchases.
-- voucher_batches / voucher_hashes: the server's verifier list (GET /api/v1/vouchers/verifiers), cached at sign-in and
-- after each sync; a code is valid offline when sha256(normalised code) is listed under a batch that is neither revoked
-- nor expired. Replaced as a whole at each refresh.
CREATE TABLE voucher_batches (
  batch_id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL,
  expires_at TEXT,
  revoked INTEGER NOT NULL,
  synced_at TEXT NOT NULL
);
CREATE TABLE voucher_hashes (
  hash TEXT PRIMARY KEY,
  batch_id TEXT NOT NULL REFERENCES voucher_batches (batch_id) ON DELETE CASCADE
);
CREATE INDEX voucher_hashes_batch_idx ON voucher_hashes (batch_id);
-- A course the server refused to unlock with a voucher redeemed on this device (voucher_used, …): locked again, with
-- the reason shown; the course's changes made meanwhile wait in the outbox (progress kept) until the student owns the
-- course (kept across full pulls, like the outbox it holds back; lifted when an enrollment that gives access is pulled).
CREATE TABLE course_locks (
  user_id TEXT NOT NULL,
  course_id TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  locked_at TEXT NOT NULL,
  PRIMARY KEY (user_id, course_id)
);
-- A purchase refunded (learned by sync): its offline copy was removed; the notice stays until dismissed.
CREATE TABLE payment_notices (
  user_id TEXT NOT NULL,
  course_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_id, course_id)
);
