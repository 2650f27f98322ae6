-- Issue 11 (offline sign-in): a student who signed in online on this device can sign in again without a connection.
-- offline_verifiers: per account, a salted slow hash of the password (scrypt N=2^17, r=8, p=1, 16-byte random salt;
-- never the password), the account as last seen, and the throttle of wrong offline attempts. Written at each
-- successful online sign-in; removed when the server says the account's password changed.
CREATE TABLE offline_verifiers (
  email TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  user_json TEXT NOT NULL,
  verifier TEXT NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX offline_verifiers_user_idx ON offline_verifiers (user_id);
-- Refresh tokens of sessions signed out while offline (sealed like the identity's): the server is asked to end them
-- at the next contact.
CREATE TABLE pending_revocations (
  token_enc TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
);
