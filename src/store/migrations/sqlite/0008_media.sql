-- Media assets (contract §19; docs/decisions.md "Media"). The bytes live in
-- the object store (disk or S3) under object_key; a row only describes them.
-- thumbnail and failure are JSON text. purge_at is created_at + 60 days.
CREATE TABLE media (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  kind TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  declared_size INTEGER,
  size INTEGER,
  status TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  duration_ms INTEGER,
  object_key TEXT NOT NULL,
  thumbnail TEXT,
  failure TEXT,
  upload_expires_at INTEGER NOT NULL,
  purge_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  deleted_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX media_list ON media (org_id, created_at, id);
CREATE INDEX media_purge ON media (purge_at);

-- Processing jobs: the same durable-queue shape as post_targets (due_at +
-- lease), so a crashed worker's job is taken over when its lease runs out.
-- kind: process (probe, verify, cover frame) or thumbnail (params JSON:
-- frame_time_ms or source media id). due_at NULL: done.
CREATE TABLE media_jobs (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  media_id TEXT NOT NULL REFERENCES media(id),
  kind TEXT NOT NULL,
  params TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER,
  lease_owner TEXT,
  lease_until INTEGER,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX media_jobs_due ON media_jobs (due_at);
CREATE INDEX media_jobs_media ON media_jobs (media_id);

-- Which posts use which media: DELETE /media/{id} answers 409 and the purge
-- keeps an asset while a post that is not settled references it.
CREATE TABLE post_media (
  post_id TEXT NOT NULL REFERENCES posts(id),
  media_id TEXT NOT NULL REFERENCES media(id),
  org_id TEXT NOT NULL,
  PRIMARY KEY (post_id, media_id)
);
CREATE INDEX post_media_media ON post_media (media_id);
