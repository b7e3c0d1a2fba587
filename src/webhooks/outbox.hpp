// The webhook outbox: events written in the same transaction as the change
// they report, with one delivery job per subscribed endpoint, so a crash can
// neither lose an event nor send one for a change that rolled back. The
// dispatcher (dispatcher.hpp) claims due jobs with a lease, sends, and
// records each attempt here.
//
//   emit ──► webhook_events + webhook_deliveries(pending)
//   claim ─► lease_owner/lease_expires_at set (PostgreSQL: FOR UPDATE SKIP LOCKED,
//            so processes sharing a database never claim the same job; SQLite:
//            the claim is one write transaction)
//   finish ► webhook_attempts row + delivery pending(next_attempt_at)/succeeded/failed
//
// All calls run inside the caller's connection or transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "core/sealed.hpp"
#include "store/database.hpp"
#include "store/keyset.hpp"

namespace postfuze::webhooks {

struct EmittedEvent {
  std::string event_id;  // the webhook-id header of every delivery of this event
  std::vector<std::string> delivery_ids;
};

// Records `event_type` with `data` (the resource as the API returns it —
// callers never pass tokens or secrets) for every enabled endpoint of `org`
// subscribed to it. The body sent is {"type","timestamp","data"}.
core::Result<EmittedEvent> emit(store::Connection& c, const core::Clock& clock, core::Random& random,
                                const core::OrgId& org, std::string_view event_type, boost::json::value data);
// The same for one endpoint only, whatever it subscribes to (test events).
core::Result<EmittedEvent> emit_to_endpoint(store::Connection& c, const core::Clock& clock, core::Random& random,
                                            const core::OrgId& org, std::string_view endpoint_id,
                                            std::string_view event_type, boost::json::value data);

// A claimed job with everything needed to send it.
struct DueDelivery {
  std::string delivery_id;
  core::OrgId org;
  std::string endpoint_id;
  std::string event_id;
  std::string event_type;
  std::string payload;
  int attempts_before = 0;
  std::string url;
  bool endpoint_enabled = true;
  core::Sealed secret = core::Sealed::from_storage("");
  std::optional<core::Sealed> previous_secret;
  std::optional<core::TimePoint> previous_secret_expires_at;
};

core::Result<std::vector<DueDelivery>> claim_due_deliveries(store::Connection& c, store::Dialect dialect,
                                                            std::string_view owner, core::TimePoint now,
                                                            core::TimePoint lease_until, int limit);

struct AttemptOutcome {
  enum class Status { succeeded, retrying, failed };
  Status status = Status::failed;
  std::optional<int> response_status;
  std::int64_t latency_ms = 0;
  std::string error_class;                   // empty on success
  std::optional<core::TimePoint> next_attempt_at;  // for retrying
  bool disable_endpoint = false;             // 410 Gone
};

// Records one attempt and moves the job on. Endpoint health: a success clears
// failing_since; a failure sets it if unset, and disables the endpoint when
// it has been failing for `disable_after` (or at once on disable_endpoint).
// Returns false (recording nothing) when this owner's lease was lost.
core::Result<bool> finish_attempt(store::Connection& c, core::Random& random, const DueDelivery& job,
                                  std::string_view owner, const AttemptOutcome& outcome, core::TimePoint now,
                                  std::chrono::milliseconds disable_after);

struct AttemptRow {
  std::string id;
  std::string delivery_id;
  std::string event_id;
  std::string event_type;
  int attempt = 0;
  std::string outcome;
  std::optional<std::int64_t> response_status;
  std::int64_t latency_ms = 0;
  std::optional<std::string> error_class;
  core::TimePoint created_at;
};

using AttemptPage = store::Page<AttemptRow>;

core::Result<AttemptPage> list_attempts(store::Connection& c, const core::OrgId& org, std::string_view endpoint_id,
                                        const std::optional<store::KeysetPosition>& after, int limit);

// Puts one finished delivery of the endpoint back in the queue (same event,
// same webhook-id, attempts counted afresh). not_found when missing;
// conflict while it is still pending.
core::Status resend_delivery(store::Connection& c, const core::OrgId& org, std::string_view endpoint_id,
                             std::string_view delivery_id, core::TimePoint now);
// Re-queues every failed delivery of the endpoint created at or after `since`.
core::Result<std::int64_t> requeue_failed(store::Connection& c, const core::OrgId& org, std::string_view endpoint_id,
                                          core::TimePoint since, core::TimePoint now);

}  // namespace postfuze::webhooks
