-- Token lifecycle bookkeeping for social accounts (docs/decisions.md D22):
-- the last refresh and its outcome (for /health), a short lease that makes
-- one process the refresher of an account at a time, and the earliest time
-- the background job may try again after a transient failure.
ALTER TABLE social_accounts ADD COLUMN last_refresh_at INTEGER;
ALTER TABLE social_accounts ADD COLUMN last_refresh_outcome TEXT;
ALTER TABLE social_accounts ADD COLUMN refresh_lease_until INTEGER;
ALTER TABLE social_accounts ADD COLUMN next_refresh_at INTEGER;
ALTER TABLE social_accounts ADD COLUMN refresh_failures INTEGER NOT NULL DEFAULT 0;
CREATE INDEX social_accounts_refresh_due ON social_accounts (status, token_expires_at);
