-- Webhook endpoints, the transactional outbox of events, one delivery job per
-- (event, endpoint), and the attempt log.
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  url TEXT NOT NULL,
  description TEXT NOT NULL,
  events TEXT NOT NULL,                 -- space-separated event names
  is_enabled INTEGER NOT NULL,
  disabled_reason TEXT,
  secret TEXT NOT NULL,                 -- sealed
  previous_secret TEXT,                 -- sealed; signs too until previous_secret_expires_at
  previous_secret_expires_at INTEGER,
  failing_since INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX webhook_endpoints_org_created ON webhook_endpoints (org_id, created_at DESC, id DESC);

CREATE TABLE webhook_events (
  id TEXT PRIMARY KEY,                  -- the webhook-id header
  org_id TEXT NOT NULL REFERENCES organizations(id),
  type TEXT NOT NULL,
  payload TEXT NOT NULL,                -- the exact body sent on every attempt
  created_at INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
  event_id TEXT NOT NULL REFERENCES webhook_events(id),
  status TEXT NOT NULL,                 -- pending | succeeded | failed | canceled
  attempt_count INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, status, created_at);

CREATE TABLE webhook_attempts (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id),
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  outcome TEXT NOT NULL,                -- succeeded | retrying | failed
  response_status INTEGER,
  latency_ms INTEGER NOT NULL,
  error_class TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, created_at DESC, id DESC);
