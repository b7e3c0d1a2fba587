#include "media/media_job_store.hpp"

namespace postfuze::media {

namespace {

constexpr std::string_view kColumns =
    "id, org_id, media_id, kind, params, attempts, due_at, lease_owner, lease_until, error, created_at, updated_at";

MediaJob job_from_row(const store::Row& r) {
  MediaJob j;
  j.id = r.text(0);
  j.org = core::OrgId{r.text(1)};
  j.media_id = r.text(2);
  j.kind = r.text(3);
  j.params = r.text(4);
  j.attempts = static_cast<int>(r.integer(5));
  j.due_at = r.optional_time(6);
  j.lease_owner = r.optional_text(7);
  j.lease_until = r.optional_time(8);
  j.error = r.optional_text(9);
  j.created_at = r.time(10);
  j.updated_at = r.time(11);
  return j;
}

core::Result<std::vector<MediaJob>> jobs(core::Result<std::vector<store::Row>> rows) {
  if (!rows) return std::move(rows).error();
  std::vector<MediaJob> out;
  for (const auto& r : *rows) out.push_back(job_from_row(r));
  return out;
}

}  // namespace

MediaJob new_job(core::Random& random, core::TimePoint now, const Media& m, std::string_view kind, std::string params) {
  MediaJob j;
  j.id = core::new_uuid(random);
  j.org = m.org;
  j.media_id = m.id;
  j.kind = std::string(kind);
  j.params = std::move(params);
  j.due_at = now;
  j.created_at = now;
  j.updated_at = now;
  return j;
}

core::Status insert_job(store::Connection& c, const MediaJob& j) {
  auto n = c.execute("INSERT INTO media_jobs (" + std::string(kColumns) +
                         ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                     {j.id, j.org.value, j.media_id, j.kind, j.params, j.attempts, j.due_at, j.lease_owner,
                      j.lease_until, j.error, j.created_at, j.updated_at});
  if (!n) return std::move(n).error();
  return core::Ok{};
}

core::Result<std::vector<MediaJob>> claim_due_jobs(store::Connection& c, store::Dialect dialect, std::string_view owner,
                                                   core::TimePoint now, core::TimePoint lease_until, int limit) {
  const std::string lock = dialect == store::Dialect::postgres ? " FOR UPDATE OF j SKIP LOCKED" : "";
  // An older pending job of the same asset goes first (and holds the newer
  // one back while it runs), so one asset's jobs never race each other.
  return jobs(c.query(
      "UPDATE media_jobs SET lease_owner = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3 "
      "WHERE id IN (SELECT j.id FROM media_jobs j WHERE j.due_at <= $3 "
      "AND (j.lease_until IS NULL OR j.lease_until <= $3) "
      "AND NOT EXISTS (SELECT 1 FROM media_jobs o WHERE o.media_id = j.media_id AND o.due_at IS NOT NULL "
      "AND (o.created_at < j.created_at OR (o.created_at = j.created_at AND o.id < j.id))) "
      "ORDER BY j.due_at, j.id LIMIT $4" +
          lock + ") RETURNING " + std::string(kColumns),
      {owner, lease_until, now, limit}));
}

core::Result<bool> finish_job(store::Connection& c, std::string_view id, std::string_view owner, core::TimePoint now,
                              std::optional<std::string> error) {
  auto n = c.execute(
      "UPDATE media_jobs SET due_at = NULL, lease_owner = NULL, lease_until = NULL, error = $1, updated_at = $2 "
      "WHERE id = $3 AND lease_owner = $4",
      {std::move(error), now, id, owner});
  if (!n) return std::move(n).error();
  return *n == 1;
}

core::Result<bool> renew_lease(store::Connection& c, std::string_view id, std::string_view owner, core::TimePoint now,
                               core::TimePoint lease_until) {
  auto n = c.execute("UPDATE media_jobs SET lease_until = $1, updated_at = $2 WHERE id = $3 AND lease_owner = $4 "
                     "AND due_at IS NOT NULL",
                     {lease_until, now, id, owner});
  if (!n) return std::move(n).error();
  return *n == 1;
}

core::Result<bool> reschedule_job(store::Connection& c, std::string_view id, std::string_view owner,
                                  core::TimePoint now, core::TimePoint due_at, std::string error) {
  auto n = c.execute(
      "UPDATE media_jobs SET due_at = $1, lease_owner = NULL, lease_until = NULL, error = $2, updated_at = $3 "
      "WHERE id = $4 AND lease_owner = $5",
      {due_at, std::move(error), now, id, owner});
  if (!n) return std::move(n).error();
  return *n == 1;
}

core::Result<std::optional<MediaJob>> find_job(store::Connection& c, std::string_view id) {
  auto r = jobs(c.query("SELECT " + std::string(kColumns) + " FROM media_jobs WHERE id = $1", {id}));
  if (!r) return std::move(r).error();
  if (r->empty()) return std::optional<MediaJob>();
  return std::optional<MediaJob>(std::move(r->front()));
}

core::Result<std::vector<MediaJob>> jobs_for_media(store::Connection& c, std::string_view media_id) {
  return jobs(c.query("SELECT " + std::string(kColumns) + " FROM media_jobs WHERE media_id = $1 ORDER BY created_at, id",
                      {media_id}));
}

}  // namespace postfuze::media
