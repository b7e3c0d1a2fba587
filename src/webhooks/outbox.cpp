#include "webhooks/outbox.hpp"

#include <boost/json/serialize.hpp>

#include "core/time_format.hpp"
#include "webhooks/endpoint_store.hpp"

namespace postfuze::webhooks {

namespace {

// "5 days", "3 hours", "90 seconds": for the disabled_reason text.
std::string describe(std::chrono::milliseconds d) {
  const auto s = d.count() / 1000;
  if (s >= 86400 && s % 86400 == 0) return std::to_string(s / 86400) + (s == 86400 ? " day" : " days");
  if (s >= 3600 && s % 3600 == 0) return std::to_string(s / 3600) + (s == 3600 ? " hour" : " hours");
  if (s >= 60 && s % 60 == 0) return std::to_string(s / 60) + (s == 60 ? " minute" : " minutes");
  return std::to_string(s) + (s == 1 ? " second" : " seconds");
}

core::Status insert_delivery(store::Connection& c, const std::string& id, const core::OrgId& org,
                             std::string_view endpoint_id, const std::string& event_id, std::int64_t now) {
  auto r = c.execute(
      "INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_id, status, attempt_count, next_attempt_at, "
      "created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5, $5)",
      {id, org.value, endpoint_id, event_id, now});
  if (!r) return std::move(r).error();
  return core::Ok{};
}

core::Result<std::string> insert_event(store::Connection& c, const core::Clock& clock, core::Random& random,
                                       const core::OrgId& org, std::string_view event_type, boost::json::value data) {
  const auto now = clock.now();
  const std::string id = "msg_" + core::new_uuid(random);
  const std::string payload = boost::json::serialize(boost::json::object{
      {"type", event_type}, {"timestamp", core::format_timestamp(now)}, {"data", std::move(data)}});
  auto r = c.execute("INSERT INTO webhook_events (id, org_id, type, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
                     {id, org.value, event_type, payload, core::to_unix_ms(now)});
  if (!r) return std::move(r).error();
  return id;
}

}  // namespace

core::Result<EmittedEvent> emit(store::Connection& c, const core::Clock& clock, core::Random& random,
                                const core::OrgId& org, std::string_view event_type, boost::json::value data) {
  auto endpoints = active_endpoints(c, org);
  if (!endpoints) return std::move(endpoints).error();
  auto event_id = insert_event(c, clock, random, org, event_type, std::move(data));
  if (!event_id) return std::move(event_id).error();
  EmittedEvent out{*event_id, {}};
  const auto now = core::to_unix_ms(clock.now());
  for (const auto& e : *endpoints) {
    if (!e.subscribes_to(event_type)) continue;
    out.delivery_ids.push_back(core::new_uuid(random));
    if (auto s = insert_delivery(c, out.delivery_ids.back(), org, e.id, *event_id, now); !s) return std::move(s).error();
  }
  return out;
}

core::Result<EmittedEvent> emit_to_endpoint(store::Connection& c, const core::Clock& clock, core::Random& random,
                                            const core::OrgId& org, std::string_view endpoint_id,
                                            std::string_view event_type, boost::json::value data) {
  auto owned = c.query("SELECT 1 FROM webhook_endpoints WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL",
                       {org.value, endpoint_id});
  if (!owned) return std::move(owned).error();
  if (owned->empty()) return core::Error::not_found("No webhook with this id.");
  auto event_id = insert_event(c, clock, random, org, event_type, std::move(data));
  if (!event_id) return std::move(event_id).error();
  EmittedEvent out{*event_id, {core::new_uuid(random)}};
  if (auto s = insert_delivery(c, out.delivery_ids.back(), org, endpoint_id, *event_id, core::to_unix_ms(clock.now()));
      !s)
    return std::move(s).error();
  return out;
}

core::Result<std::vector<DueDelivery>> claim_due_deliveries(store::Connection& c, store::Dialect dialect,
                                                            std::string_view owner, core::TimePoint now,
                                                            core::TimePoint lease_until, int limit) {
  // Due: pending, its time has come, and no live lease (a crashed process's
  // lease simply runs out). PostgreSQL skips rows another process is claiming.
  const std::string lock = dialect == store::Dialect::postgres ? " FOR UPDATE SKIP LOCKED" : "";
  auto claimed = c.query(
      "UPDATE webhook_deliveries SET lease_owner = $1, lease_expires_at = $2 WHERE id IN ("
      "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $3 "
      "AND (lease_expires_at IS NULL OR lease_expires_at <= $3) ORDER BY next_attempt_at LIMIT $4" +
          lock + ") RETURNING id",
      {owner, core::to_unix_ms(lease_until), core::to_unix_ms(now), limit});
  if (!claimed) return std::move(claimed).error();
  std::vector<DueDelivery> out;
  for (const auto& row : *claimed) {
    auto rows = c.query(
        "SELECT d.id, d.org_id, d.endpoint_id, d.event_id, ev.type, ev.payload, d.attempt_count, ep.url, "
        "ep.is_enabled, ep.secret, ep.previous_secret, ep.previous_secret_expires_at "
        "FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id "
        "JOIN webhook_endpoints ep ON ep.id = d.endpoint_id WHERE d.id = $1",
        {row.text(0)});
    if (!rows) return std::move(rows).error();
    if (rows->empty()) continue;
    const auto& r = rows->front();
    DueDelivery d;
    d.delivery_id = r.text(0);
    d.org = core::OrgId{r.text(1)};
    d.endpoint_id = r.text(2);
    d.event_id = r.text(3);
    d.event_type = r.text(4);
    d.payload = r.text(5);
    d.attempts_before = static_cast<int>(r.integer(6));
    d.url = r.text(7);
    d.endpoint_enabled = r.boolean(8);
    d.secret = core::Sealed::from_storage(r.text(9));
    if (auto s = r.optional_text(10)) d.previous_secret = core::Sealed::from_storage(*s);
    d.previous_secret_expires_at = r.optional_time(11);
    out.push_back(std::move(d));
  }
  return out;
}

core::Result<bool> finish_attempt(store::Connection& c, core::Random& random, const DueDelivery& job,
                                  std::string_view owner, const AttemptOutcome& outcome, core::TimePoint now,
                                  std::chrono::milliseconds disable_after) {
  using Status = AttemptOutcome::Status;
  const auto now_ms = core::to_unix_ms(now);
  const char* status = outcome.status == Status::succeeded ? "succeeded"
                       : outcome.status == Status::retrying ? "pending"
                                                            : "failed";
  const std::int64_t next = outcome.next_attempt_at ? core::to_unix_ms(*outcome.next_attempt_at) : now_ms;
  std::optional<std::string> last_error;
  if (!outcome.error_class.empty()) last_error = outcome.error_class;
  auto updated = c.execute(
      "UPDATE webhook_deliveries SET status = $3, attempt_count = attempt_count + 1, next_attempt_at = $4, "
      "lease_owner = NULL, lease_expires_at = NULL, last_error = $5, updated_at = $6 "
      "WHERE id = $1 AND lease_owner = $2 AND status = 'pending'",
      {job.delivery_id, owner, status, next, last_error, now_ms});
  if (!updated) return std::move(updated).error();
  if (*updated == 0) return false;  // lease lost to another process: it owns the job now

  const char* outcome_name = outcome.status == Status::succeeded ? "succeeded"
                             : outcome.status == Status::retrying ? "retrying"
                                                                  : "failed";
  std::optional<std::int64_t> response_status;
  if (outcome.response_status) response_status = *outcome.response_status;
  const std::string attempt_id = core::new_uuid(random);
  auto attempt = c.execute(
      "INSERT INTO webhook_attempts (id, org_id, endpoint_id, delivery_id, event_id, event_type, attempt, outcome, "
      "response_status, latency_ms, error_class, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      {attempt_id, job.org.value, job.endpoint_id, job.delivery_id, job.event_id, job.event_type,
       job.attempts_before + 1, outcome_name, response_status, outcome.latency_ms, last_error, now_ms});
  if (!attempt) return std::move(attempt).error();

  // Endpoint health. A job dropped because the endpoint is disabled says
  // nothing about the receiver.
  if (outcome.error_class == "endpoint_disabled") return true;
  if (outcome.status == Status::succeeded) {
    auto r = c.execute("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL",
                       {job.endpoint_id});
    if (!r) return std::move(r).error();
    return true;
  }
  auto r = c.execute("UPDATE webhook_endpoints SET failing_since = $2 WHERE id = $1 AND failing_since IS NULL",
                     {job.endpoint_id, now_ms});
  if (!r) return std::move(r).error();
  std::optional<std::string> reason;
  if (outcome.disable_endpoint)
    reason = "The endpoint answered 410 Gone.";
  else
    reason = "Deliveries failed continuously for " + describe(disable_after) + ".";
  auto disabled = c.execute(
      "UPDATE webhook_endpoints SET is_enabled = 0, disabled_reason = $2, updated_at = $3 "
      "WHERE id = $1 AND is_enabled = 1 AND ($4 = 1 OR failing_since <= $5)",
      {job.endpoint_id, reason, now_ms, outcome.disable_endpoint, now_ms - disable_after.count()});
  if (!disabled) return std::move(disabled).error();
  if (*disabled > 0) {
    // This attempt will not be retried after all.
    auto final = c.execute("UPDATE webhook_attempts SET outcome = 'failed' WHERE id = $1", {attempt_id});
    if (!final) return std::move(final).error();
    // A disabled endpoint gets nothing more until it is enabled again. Each
    // job ended here gets a closing line in the attempt log, so the log shows
    // how it ended.
    auto waiting = c.query(
        "SELECT d.id, d.event_id, ev.type, d.attempt_count FROM webhook_deliveries d "
        "JOIN webhook_events ev ON ev.id = d.event_id "
        "WHERE d.endpoint_id = $1 AND d.status = 'pending' AND d.lease_owner IS NULL AND d.id <> $2",
        {job.endpoint_id, job.delivery_id});
    if (!waiting) return std::move(waiting).error();
    for (const auto& w : *waiting) {
      auto ended = c.execute(
          "INSERT INTO webhook_attempts (id, org_id, endpoint_id, delivery_id, event_id, event_type, attempt, "
          "outcome, response_status, latency_ms, error_class, created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, 'failed', NULL, 0, 'endpoint_disabled', $8)",
          {core::new_uuid(random), job.org.value, job.endpoint_id, w.text(0), w.text(1), w.text(2),
           w.integer(3) + 1, now_ms});
      if (!ended) return std::move(ended).error();
    }
    auto canceled = c.execute(
        "UPDATE webhook_deliveries SET status = 'failed', last_error = 'endpoint_disabled', updated_at = $2 "
        "WHERE endpoint_id = $1 AND status = 'pending' AND lease_owner IS NULL",
        {job.endpoint_id, now_ms});
    if (!canceled) return std::move(canceled).error();
  }
  return true;
}

core::Result<AttemptPage> list_attempts(store::Connection& c, const core::OrgId& org, std::string_view endpoint_id,
                                        const std::optional<store::KeysetPosition>& after, int limit) {
  auto rows = store::keyset_query(
      c,
      "SELECT id, delivery_id, event_id, event_type, attempt, outcome, response_status, latency_ms, error_class, "
      "created_at FROM webhook_attempts WHERE org_id = $1 AND endpoint_id = $2",
      {org.value, endpoint_id}, after, limit);
  if (!rows) return std::move(rows).error();
  return store::to_page<AttemptRow>(*rows, limit, [](const store::Row& r) {
    return AttemptRow{r.text(0),   r.text(1),          r.text(2),
                      r.text(3),   static_cast<int>(r.integer(4)), r.text(5),
                      r.optional_integer(6), r.integer(7), r.optional_text(8),
                      core::from_unix_ms(r.integer(9))};
  });
}

core::Status resend_delivery(store::Connection& c, const core::OrgId& org, std::string_view endpoint_id,
                             std::string_view delivery_id, core::TimePoint now) {
  auto rows = c.query("SELECT status FROM webhook_deliveries WHERE org_id = $1 AND endpoint_id = $2 AND id = $3",
                      {org.value, endpoint_id, delivery_id});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return core::Error::not_found("No delivery with this id for this webhook.");
  if (rows->front().text(0) == "pending") return core::Error::conflict("The delivery is still pending.");
  const auto ms = core::to_unix_ms(now);
  auto r = c.execute(
      "UPDATE webhook_deliveries SET status = 'pending', attempt_count = 0, next_attempt_at = $2, "
      "lease_owner = NULL, lease_expires_at = NULL, updated_at = $2 WHERE id = $1",
      {delivery_id, ms});
  if (!r) return std::move(r).error();
  return core::Ok{};
}

core::Result<std::int64_t> requeue_failed(store::Connection& c, const core::OrgId& org, std::string_view endpoint_id,
                                          core::TimePoint since, core::TimePoint now) {
  const auto ms = core::to_unix_ms(now);
  return c.execute(
      "UPDATE webhook_deliveries SET status = 'pending', attempt_count = 0, next_attempt_at = $4, "
      "lease_owner = NULL, lease_expires_at = NULL, updated_at = $4 "
      "WHERE org_id = $1 AND endpoint_id = $2 AND status = 'failed' AND created_at >= $3",
      {org.value, endpoint_id, core::to_unix_ms(since), ms});
}

}  // namespace postfuze::webhooks
