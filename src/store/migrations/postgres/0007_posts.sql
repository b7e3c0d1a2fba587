-- Posts (contract §14–18): one publish intent fanned out to one target per
-- account. Targets double as the durable publishing queue: due_at says when a
-- worker may take one (NULL: nothing to do — a draft, or settled), a lease
-- (lease_owner, lease_until) says who holds it, and intent_position records
-- the container whose create was sent but whose answer is not yet recorded,
-- so a crashed or timed-out create is looked up before it is retried
-- (docs/decisions.md D26).
CREATE TABLE posts (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  status TEXT NOT NULL,
  is_draft BIGINT NOT NULL DEFAULT 0,
  scheduled_at BIGINT,
  external_ref TEXT,
  idempotency_key TEXT,
  tenant_id TEXT,
  containers TEXT NOT NULL,
  default_config TEXT NOT NULL,
  published_event_at BIGINT,
  error_event_at BIGINT,
  version BIGINT NOT NULL DEFAULT 1,
  deleted_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX posts_idempotency ON posts (org_id, idempotency_key);
CREATE INDEX posts_list ON posts (org_id, created_at, id);

CREATE TABLE post_targets (
  id TEXT PRIMARY KEY,
  post_id TEXT NOT NULL REFERENCES posts(id),
  org_id TEXT NOT NULL,
  social_account_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  position BIGINT NOT NULL,
  status TEXT NOT NULL,
  config TEXT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  failures BIGINT NOT NULL DEFAULT 0,
  due_at BIGINT,
  lease_owner TEXT,
  lease_until BIGINT,
  intent_position BIGINT,
  intent_at BIGINT,
  platform_post_id TEXT,
  platform_post_url TEXT,
  platform_ref TEXT,
  published_at BIGINT,
  error TEXT,
  replies TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX post_targets_due ON post_targets (due_at);
CREATE INDEX post_targets_post ON post_targets (post_id, position);
CREATE INDEX post_targets_account ON post_targets (social_account_id);

CREATE TABLE post_attempts (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  post_id TEXT NOT NULL,
  target_id TEXT NOT NULL,
  attempt BIGINT NOT NULL,
  container_position BIGINT NOT NULL,
  outcome TEXT NOT NULL,
  error_code TEXT,
  message TEXT,
  platform_status BIGINT,
  platform_request_id TEXT,
  retry_at BIGINT,
  latency_ms BIGINT NOT NULL,
  worker TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX post_attempts_post ON post_attempts (post_id, created_at);
