-- Issue 11 (account recovery): why a session (a refresh-token family) was ended, so a device told "your session has
-- ended" at its next contact can say why: 'password_reset', 'password_changed', 'signed_out', 'disabled', 'reused'.
ALTER TABLE refresh_tokens ADD COLUMN revoke_reason text;
