-- Bluesky connect (contract §12, docs/decisions.md D20): the account's app
-- password, sealed under social_account.app_password|<org>|<id>, kept as the
-- non-expiring credential that mints a new session when the refresh JWT dies.
ALTER TABLE social_accounts ADD COLUMN app_password TEXT;
