-- Connected social accounts (contract §13), the pending multi-account
-- sessions waiting for a choice (contract §11.5), and the used OAuth state
-- nonces that make every `state` single-use.
CREATE TABLE social_accounts (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  platform TEXT NOT NULL,
  tenant_id TEXT,
  social_network_id TEXT NOT NULL,      -- a social_networks id or the shared app's fixed id
  network_unique_id TEXT NOT NULL,      -- the platform's own id for the account
  username TEXT,
  display_name TEXT,
  profile_image_url TEXT,
  account_type TEXT NOT NULL,
  status TEXT NOT NULL,                 -- active | token_expired | reauth_required | disabled | disconnected
  scopes TEXT NOT NULL,                 -- space-separated scope names
  access_token TEXT,                    -- sealed
  refresh_token TEXT,                   -- sealed
  token_expires_at BIGINT,
  refresh_token_expires_at BIGINT,
  token_version BIGINT NOT NULL,
  platform_data TEXT NOT NULL,          -- a serialized JSON object
  last_synced_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX social_accounts_identity ON social_accounts (org_id, platform, network_unique_id);
CREATE INDEX social_accounts_org_created ON social_accounts (org_id, created_at DESC, id DESC);

CREATE TABLE pending_sessions (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  token_hash TEXT NOT NULL,             -- hex SHA-256 of the session token
  platform TEXT NOT NULL,
  social_network_id TEXT NOT NULL,
  tenant_id TEXT,
  choices TEXT NOT NULL,                -- a serialized JSON array
  secrets TEXT NOT NULL,                -- sealed JSON
  scopes TEXT NOT NULL,                 -- space-separated scope names
  expires_at BIGINT NOT NULL,
  consumed_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX pending_sessions_token_hash ON pending_sessions (token_hash);
CREATE INDEX pending_sessions_expires ON pending_sessions (expires_at);

CREATE TABLE connect_state_nonces (
  nonce TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
CREATE INDEX connect_state_nonces_expires ON connect_state_nonces (expires_at);
