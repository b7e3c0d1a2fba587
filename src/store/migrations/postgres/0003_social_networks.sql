-- Social networks: the developer's own OAuth app per platform (contract §10;
-- docs/decisions.md D19). One row per (org, platform).
CREATE TABLE social_networks (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  platform TEXT NOT NULL,
  display_name TEXT,
  client_id TEXT,
  client_secret TEXT,                   -- sealed; NULL when none was given (Bluesky)
  redirect_uri TEXT,
  scopes TEXT NOT NULL,                 -- space-separated scope names
  extra_config TEXT NOT NULL,           -- a serialized JSON object
  is_enabled BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX social_networks_org_platform ON social_networks (org_id, platform);
