// Conformance suite for the webhook store calls (endpoint_store.hpp and the
// outbox in outbox.hpp), run against every backend in store_backends():
// tenancy, keyset order, transactional emit, leased claims (including several
// processes claiming at once), attempt bookkeeping and endpoint health.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <latch>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/time_format.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/secure_random.hpp"
#include "orgs/organization.hpp"
#include "store/database.hpp"
#include "support/manual_clock.hpp"
#include "support/postgres.hpp"
#include "support/store_fixture.hpp"
#include "webhooks/endpoint_store.hpp"
#include "webhooks/outbox.hpp"

namespace postfuze::webhooks {
namespace {

using namespace std::chrono_literals;
using Status = AttemptOutcome::Status;

using test::describe;

// One delivery row as stored.
struct DeliveryRow {
  std::string endpoint_id;
  std::string event_id;
  std::string status;
  std::int64_t attempt_count = 0;
  std::int64_t next_attempt_at = 0;
  std::optional<std::string> lease_owner;
  std::optional<std::int64_t> lease_expires_at;
  std::optional<std::string> last_error;
  std::int64_t created_at = 0;
};

class WebhookStore : public test::StoreTest {
 protected:
  bool postgres() const { return GetParam() == "postgres"; }

  core::TimePoint now() const { return clock_.now(); }
  std::int64_t now_ms() const { return core::to_unix_ms(clock_.now()); }

  Endpoint endpoint_value(const core::OrgId& o, std::vector<std::string> events, const std::string& plaintext_secret) {
    Endpoint e;
    e.id = core::new_uuid(random_);
    e.org = o;
    e.url = "https://hooks.example.com/in/" + e.id;
    e.description = "endpoint " + std::to_string(++endpoint_counter_);
    e.events = std::move(events);
    e.secret = keys_->seal(random_, secret_aad(o, e.id), plaintext_secret);
    e.created_at = now();
    e.updated_at = now();
    return e;
  }

  Endpoint add_endpoint(const core::OrgId& o, std::vector<std::string> events = {"post.published"},
                        bool enabled = true) {
    auto e = endpoint_value(o, std::move(events), "whsec_" + std::to_string(endpoint_counter_) + "_secret_value_xx");
    e.is_enabled = enabled;
    if (!enabled) e.disabled_reason = "Disabled by the customer.";
    auto s = status_of([&](store::Connection& c) { return insert_endpoint(c, e); });
    if (!s) throw std::runtime_error(describe(s.error()));
    return e;
  }

  std::optional<Endpoint> find(const core::OrgId& o, const std::string& id) {
    return read<std::optional<Endpoint>>([&](store::Connection& c) { return find_endpoint(c, o, id); });
  }

  EmittedEvent emit_event(const core::OrgId& o, std::string_view type = "post.published") {
    const int n = ++event_counter_;
    return write<EmittedEvent>([&](store::Connection& c) {
      return emit(c, clock_, random_, o, type, boost::json::object{{"id", "post_" + std::to_string(n)}});
    });
  }

  // Emits one event to exactly one endpoint and returns its delivery id.
  std::string emit_one(const Endpoint& e, std::string_view type = "post.published") {
    const auto ev = write<EmittedEvent>([&](store::Connection& c) {
      return emit_to_endpoint(c, clock_, random_, e.org, e.id, type, boost::json::object{{"n", ++event_counter_}});
    });
    if (ev.delivery_ids.size() != 1) throw std::runtime_error("emit_to_endpoint: expected one delivery");
    return ev.delivery_ids[0];
  }

  std::vector<DueDelivery> claim(const std::string& owner, int limit = 100, std::chrono::milliseconds lease = 30s,
                                 store::Database* db = nullptr) {
    store::Database& d = db ? *db : *db_;
    const auto t = now();
    return write<std::vector<DueDelivery>>(
        [&](store::Connection& c) { return claim_due_deliveries(c, d.dialect(), owner, t, t + lease, limit); }, &d);
  }

  bool finish(const DueDelivery& job, const std::string& owner, const AttemptOutcome& outcome,
              std::chrono::milliseconds disable_after = 72h) {
    const auto t = now();
    return write<bool>(
        [&](store::Connection& c) { return finish_attempt(c, random_, job, owner, outcome, t, disable_after); });
  }

  static AttemptOutcome succeeded(int status = 200, std::int64_t latency = 42) {
    AttemptOutcome o;
    o.status = Status::succeeded;
    o.response_status = status;
    o.latency_ms = latency;
    return o;
  }
  static AttemptOutcome retrying(core::TimePoint next, std::optional<int> status = 503,
                                 std::string error = "http_503") {
    AttemptOutcome o;
    o.status = Status::retrying;
    o.response_status = status;
    o.latency_ms = 120;
    o.error_class = std::move(error);
    o.next_attempt_at = next;
    return o;
  }
  static AttemptOutcome failed(std::optional<int> status = 400, std::string error = "http_400", bool disable = false) {
    AttemptOutcome o;
    o.status = Status::failed;
    o.response_status = status;
    o.latency_ms = 7;
    o.error_class = std::move(error);
    o.disable_endpoint = disable;
    return o;
  }

  // Claims the single due job (which must be `delivery_id`) and finishes it.
  void settle(const std::string& delivery_id, const AttemptOutcome& outcome) {
    const std::string owner = "setup-" + std::to_string(++owner_counter_);
    const auto jobs = claim(owner);
    if (jobs.size() != 1 || jobs[0].delivery_id != delivery_id)
      throw std::runtime_error("settle: expected exactly the one due job " + delivery_id);
    if (!finish(jobs[0], owner, outcome)) throw std::runtime_error("settle: finish lost the lease");
  }

  DeliveryRow delivery(const std::string& id) {
    const auto r = rows(
        "SELECT endpoint_id, event_id, status, attempt_count, next_attempt_at, lease_owner, lease_expires_at, "
        "last_error, created_at FROM webhook_deliveries WHERE id = $1",
        {id});
    if (r.size() != 1) throw std::runtime_error("no delivery " + id);
    const auto& x = r[0];
    return {x.text(0),
            x.text(1),
            x.text(2),
            x.integer(3),
            x.integer(4),
            x.optional_text(5),
            x.optional_integer(6),
            x.optional_text(7),
            x.integer(8)};
  }

  std::int64_t attempts_of(const std::string& delivery_id) {
    return count("SELECT COUNT(*) FROM webhook_attempts WHERE delivery_id = $1", {delivery_id});
  }

  AttemptPage attempts(const core::OrgId& o, const std::string& endpoint_id,
                       const std::optional<store::KeysetPosition>& after = std::nullopt, int limit = 100) {
    return read<AttemptPage>([&](store::Connection& c) { return list_attempts(c, o, endpoint_id, after, limit); });
  }

  std::string open_secret(const core::OrgId& o, const std::string& endpoint_id, const core::Sealed& sealed) {
    auto s = keys_->open(sealed, secret_aad(o, endpoint_id));
    if (!s) throw std::runtime_error("secret does not open: " + describe(s.error()));
    return s->reveal();
  }

  int endpoint_counter_ = 0;
  int event_counter_ = 0;
  int owner_counter_ = 0;
};

std::set<std::string> ids_of(const std::vector<DueDelivery>& jobs) {
  std::set<std::string> out;
  for (const auto& j : jobs) out.insert(j.delivery_id);
  return out;
}

// ===========================================================================
// Endpoints

TEST_P(WebhookStore, EndpointRoundTripsEveryField) {
  auto e = endpoint_value(org_a_, {"post.published", "post.error", "account.connected"}, "whsec_current");
  e.description = "Production h\xC3\xA9ook";
  e.previous_secret = keys_->seal(random_, secret_aad(org_a_, e.id), "whsec_previous");
  e.previous_secret_expires_at = now() + 24h;
  e.failing_since = now() - 5min;
  clock_.advance(3);
  e.updated_at = now();
  ASSERT_TRUE(status_of([&](store::Connection& c) { return insert_endpoint(c, e); }));

  const auto f = find(org_a_, e.id);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->id, e.id);
  EXPECT_EQ(f->org, org_a_);
  EXPECT_EQ(f->url, e.url);
  EXPECT_EQ(f->description, e.description);
  EXPECT_EQ(f->events, e.events);
  EXPECT_TRUE(f->is_enabled);
  EXPECT_FALSE(f->disabled_reason);
  EXPECT_EQ(f->secret.text(), e.secret.text());
  EXPECT_EQ(open_secret(org_a_, e.id, f->secret), "whsec_current");
  ASSERT_TRUE(f->previous_secret);
  EXPECT_EQ(open_secret(org_a_, e.id, *f->previous_secret), "whsec_previous");
  EXPECT_EQ(f->previous_secret_expires_at, e.previous_secret_expires_at);
  EXPECT_EQ(f->failing_since, e.failing_since);
  EXPECT_EQ(f->created_at, e.created_at);
  EXPECT_EQ(f->updated_at, e.updated_at);
  EXPECT_TRUE(f->subscribes_to("post.error"));
  EXPECT_FALSE(f->subscribes_to("post"));

  // The stored secret columns hold only sealed text.
  const auto r = rows("SELECT secret, previous_secret FROM webhook_endpoints WHERE id = $1", {e.id});
  EXPECT_TRUE(r.at(0).text(0).starts_with("pf1.k1."));
  EXPECT_EQ(r.at(0).text(0).find("whsec_current"), std::string::npos);
  EXPECT_EQ(r.at(0).text(1).find("whsec_previous"), std::string::npos);

  // Inserting the same id again is a conflict.
  const auto again = status_of([&](store::Connection& c) { return insert_endpoint(c, e); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::conflict);
}

TEST_P(WebhookStore, AnotherOrganizationsEndpointReadsAsMissing) {
  const auto e = add_endpoint(org_a_);
  EXPECT_TRUE(find(org_a_, e.id));
  EXPECT_FALSE(find(org_b_, e.id));
  EXPECT_FALSE(find(org_a_, core::new_uuid(random_)));
  EXPECT_TRUE(read<EndpointPage>([&](store::Connection& c) {
                return list_endpoints(c, org_b_, std::nullopt, 10);
              }).items.empty());
  // Update through the wrong org: not_found, nothing written.
  auto hijack = e;
  hijack.org = org_b_;
  hijack.url = "https://evil.example/";
  const auto u = status_of([&](store::Connection& c) { return update_endpoint(c, hijack); });
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(find(org_a_, e.id)->url, e.url);
  // Delete through the wrong org: false, still there.
  EXPECT_FALSE(write<bool>([&](store::Connection& c) { return delete_endpoint(c, org_b_, e.id, now()); }));
  EXPECT_TRUE(find(org_a_, e.id));
  // Active endpoints are per org.
  EXPECT_EQ(read<std::vector<Endpoint>>([&](store::Connection& c) { return active_endpoints(c, org_a_); }).size(), 1u);
  EXPECT_TRUE(read<std::vector<Endpoint>>([&](store::Connection& c) { return active_endpoints(c, org_b_); }).empty());
}

TEST_P(WebhookStore, UpdateWritesTheMutableFieldsOnly) {
  auto e = add_endpoint(org_a_, {"post.published"});
  const auto created = e.created_at;
  clock_.advance(1000);
  e.url = "https://new.example.com/hook";
  e.description = "changed";
  e.events = {"import.completed", "import.failed"};
  e.is_enabled = false;
  e.disabled_reason = "The endpoint answered 410 Gone.";
  e.previous_secret = e.secret;
  e.previous_secret_expires_at = now() + 1h;
  e.secret = keys_->seal(random_, secret_aad(org_a_, e.id), "whsec_rotated");
  e.failing_since = now();
  e.updated_at = now();
  e.created_at = now() + 1h;  // ignored by update
  ASSERT_TRUE(status_of([&](store::Connection& c) { return update_endpoint(c, e); }));
  auto f = find(org_a_, e.id);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->url, e.url);
  EXPECT_EQ(f->description, "changed");
  EXPECT_EQ(f->events, e.events);
  EXPECT_FALSE(f->is_enabled);
  EXPECT_EQ(f->disabled_reason, e.disabled_reason);
  EXPECT_EQ(open_secret(org_a_, e.id, f->secret), "whsec_rotated");
  ASSERT_TRUE(f->previous_secret);
  EXPECT_EQ(f->previous_secret->text(), e.previous_secret->text());
  EXPECT_EQ(f->previous_secret_expires_at, e.previous_secret_expires_at);
  EXPECT_EQ(f->failing_since, e.failing_since);
  EXPECT_EQ(f->updated_at, now());
  EXPECT_EQ(f->created_at, created);

  // Clearing optional fields writes NULLs.
  e.is_enabled = true;
  e.disabled_reason.reset();
  e.previous_secret.reset();
  e.previous_secret_expires_at.reset();
  e.failing_since.reset();
  ASSERT_TRUE(status_of([&](store::Connection& c) { return update_endpoint(c, e); }));
  f = find(org_a_, e.id);
  EXPECT_TRUE(f->is_enabled);
  EXPECT_FALSE(f->disabled_reason);
  EXPECT_FALSE(f->previous_secret);
  EXPECT_FALSE(f->previous_secret_expires_at);
  EXPECT_FALSE(f->failing_since);

  // A missing or deleted endpoint cannot be updated.
  auto ghost = e;
  ghost.id = core::new_uuid(random_);
  EXPECT_EQ(status_of([&](store::Connection& c) { return update_endpoint(c, ghost); }).error().code,
            core::ErrorCode::not_found);
  ASSERT_TRUE(write<bool>([&](store::Connection& c) { return delete_endpoint(c, org_a_, e.id, now()); }));
  EXPECT_EQ(status_of([&](store::Connection& c) { return update_endpoint(c, e); }).error().code,
            core::ErrorCode::not_found);
}

TEST_P(WebhookStore, ListIsKeysetPagedNewestFirstWithIdTiebreak) {
  std::set<std::string> expected;
  for (int i = 0; i < 9; ++i) {
    expected.insert(add_endpoint(org_a_).id);
    if (i % 3 == 2) clock_.advance(10);  // three endpoints share each created_at
  }
  add_endpoint(org_b_);
  const auto deleted = add_endpoint(org_a_);
  ASSERT_TRUE(write<bool>([&](store::Connection& c) { return delete_endpoint(c, org_a_, deleted.id, now()); }));
  const auto disabled = add_endpoint(org_a_, {"post.published"}, false);
  expected.insert(disabled.id);  // disabled endpoints are listed

  std::vector<Endpoint> all;
  std::optional<store::KeysetPosition> after;
  int pages = 0;
  for (;;) {
    const auto page = read<EndpointPage>([&](store::Connection& c) { return list_endpoints(c, org_a_, after, 4); });
    ++pages;
    EXPECT_LE(page.items.size(), 4u);
    all.insert(all.end(), page.items.begin(), page.items.end());
    if (!page.has_more) break;
    ASSERT_EQ(page.items.size(), 4u);
    after = store::KeysetPosition{core::to_unix_ms(page.items.back().created_at), page.items.back().id};
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 10u);
  for (std::size_t i = 1; i < all.size(); ++i) {
    const bool ordered = all[i - 1].created_at > all[i].created_at ||
                         (all[i - 1].created_at == all[i].created_at && all[i - 1].id > all[i].id);
    EXPECT_TRUE(ordered) << i;
  }
  std::set<std::string> seen;
  for (const auto& e : all) seen.insert(e.id);
  EXPECT_EQ(seen, expected);

  // An exact page: has_more is false.
  const auto exact =
      read<EndpointPage>([&](store::Connection& c) { return list_endpoints(c, org_a_, std::nullopt, 10); });
  EXPECT_EQ(exact.items.size(), 10u);
  EXPECT_FALSE(exact.has_more);
}

TEST_P(WebhookStore, DeleteHidesTheEndpointAndCancelsItsPendingDeliveries) {
  const auto e = add_endpoint(org_a_);
  const auto other = add_endpoint(org_a_, {"post.error"});
  const auto done = emit_one(e);
  settle(done, succeeded());
  const auto p1 = emit_one(e);
  const auto p2 = emit_one(e);
  const auto kept = emit_one(other);

  clock_.advance(500);
  EXPECT_TRUE(write<bool>([&](store::Connection& c) { return delete_endpoint(c, org_a_, e.id, now()); }));
  EXPECT_FALSE(find(org_a_, e.id));
  EXPECT_FALSE(write<bool>([&](store::Connection& c) { return delete_endpoint(c, org_a_, e.id, now()); }));
  const auto active = read<std::vector<Endpoint>>([&](store::Connection& c) { return active_endpoints(c, org_a_); });
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].id, other.id);

  for (const auto& id : {p1, p2}) {
    const auto d = delivery(id);
    EXPECT_EQ(d.status, "canceled") << id;
    EXPECT_EQ(d.attempt_count, 0);
  }
  EXPECT_EQ(delivery(done).status, "succeeded");
  EXPECT_EQ(delivery(kept).status, "pending");
  // Only the other endpoint's job is left to claim.
  const auto jobs = claim("w1");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].delivery_id, kept);
  // And new events no longer fan out to the deleted endpoint.
  EXPECT_TRUE(emit_event(org_a_, "post.published").delivery_ids.empty());
}

// ===========================================================================
// Emit

TEST_P(WebhookStore, EmitFansOutOnlyToEnabledUndeletedSubscribedEndpointsOfTheOrg) {
  const auto both = add_endpoint(org_a_, {"post.published", "post.error"});
  const auto published = add_endpoint(org_a_, {"post.published"});
  const auto error_only = add_endpoint(org_a_, {"post.error"});
  add_endpoint(org_a_, {"post.published"}, /*enabled=*/false);
  const auto gone = add_endpoint(org_a_, {"post.published"});
  ASSERT_TRUE(write<bool>([&](store::Connection& c) { return delete_endpoint(c, org_a_, gone.id, now()); }));
  add_endpoint(org_b_, {"post.published"});
  add_endpoint(org_a_, {"post.published.extra", "post"});  // near misses

  clock_.advance(1234);
  const auto ev = write<EmittedEvent>([&](store::Connection& c) {
    return emit(c, clock_, random_, org_a_, "post.published", boost::json::object{{"id", "post_1"}, {"n", 3}});
  });
  EXPECT_TRUE(ev.event_id.starts_with("msg_")) << ev.event_id;
  ASSERT_EQ(ev.delivery_ids.size(), 2u);
  std::set<std::string> endpoints;
  for (const auto& id : ev.delivery_ids) {
    const auto d = delivery(id);
    endpoints.insert(d.endpoint_id);
    EXPECT_EQ(d.event_id, ev.event_id);
    EXPECT_EQ(d.status, "pending");
    EXPECT_EQ(d.attempt_count, 0);
    EXPECT_EQ(d.next_attempt_at, now_ms());
    EXPECT_EQ(d.created_at, now_ms());
    EXPECT_FALSE(d.lease_owner);
    EXPECT_FALSE(d.lease_expires_at);
    EXPECT_FALSE(d.last_error);
  }
  EXPECT_EQ(endpoints, (std::set<std::string>{both.id, published.id}));

  // The event row: org, type and the exact body {"type","timestamp","data"}.
  const auto r = rows("SELECT org_id, type, payload, created_at FROM webhook_events WHERE id = $1", {ev.event_id});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text(0), org_a_.value);
  EXPECT_EQ(r[0].text(1), "post.published");
  EXPECT_EQ(r[0].integer(3), now_ms());
  const auto body = boost::json::parse(r[0].text(2)).as_object();
  EXPECT_EQ(body.size(), 3u);
  EXPECT_EQ(body.at("type").as_string(), "post.published");
  EXPECT_EQ(body.at("timestamp").as_string(), core::format_timestamp(now()));
  EXPECT_EQ(body.at("data"), (boost::json::object{{"id", "post_1"}, {"n", 3}}));

  // Another type reaches only its subscribers.
  const auto err = emit_event(org_a_, "post.error");
  ASSERT_EQ(err.delivery_ids.size(), 2u);
  std::set<std::string> err_endpoints;
  for (const auto& id : err.delivery_ids) err_endpoints.insert(delivery(id).endpoint_id);
  EXPECT_EQ(err_endpoints, (std::set<std::string>{both.id, error_only.id}));
  // A type nobody subscribes to creates no delivery; neither does an org without endpoints.
  EXPECT_TRUE(emit_event(org_a_, "import.failed").delivery_ids.empty());
  const auto third = org("initech");
  EXPECT_TRUE(emit_event(third, "post.published").delivery_ids.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_deliveries"), 4);
  // Every event has a distinct id.
  EXPECT_EQ(count("SELECT COUNT(DISTINCT id) FROM webhook_events"), count("SELECT COUNT(*) FROM webhook_events"));
}

TEST_P(WebhookStore, EmitWritesNothingWhenTheSurroundingTransactionRollsBack) {
  add_endpoint(org_a_, {"post.published"});
  add_endpoint(org_a_, {"post.published"});
  std::optional<EmittedEvent> seen;
  std::int64_t visible_inside = -1;
  const auto s = db_->transaction([&](store::Connection& c) -> core::Status {
    auto ev = emit(c, clock_, random_, org_a_, "post.published", boost::json::object{{"id", "p"}});
    if (!ev) return std::move(ev).error();
    seen = *ev;
    auto n = c.query("SELECT COUNT(*) FROM webhook_deliveries");
    if (!n) return std::move(n).error();
    visible_inside = n->at(0).integer(0);
    return core::Error::conflict("the change this event reports failed");
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::conflict);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->delivery_ids.size(), 2u);
  EXPECT_EQ(visible_inside, 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_deliveries"), 0);
  EXPECT_TRUE(claim("w1").empty());

  // A thrown exception rolls back as well.
  const auto throwing = [&](store::Connection& c) -> core::Status {
    auto ev = emit(c, clock_, random_, org_a_, "post.published", boost::json::object{{"id", "p"}});
    if (!ev) return std::move(ev).error();
    throw std::runtime_error("boom");
  };
  EXPECT_THROW((void)db_->transaction(throwing), std::runtime_error);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_deliveries"), 0);

  // The committed case, for contrast.
  EXPECT_EQ(emit_event(org_a_).delivery_ids.size(), 2u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_deliveries"), 2);
}

TEST_P(WebhookStore, EmitToEndpointTargetsOneEndpointWhateverItSubscribes) {
  const auto e = add_endpoint(org_a_, {"post.error"});
  add_endpoint(org_a_, {"post.error", "webhook.test"});
  const auto ev = write<EmittedEvent>([&](store::Connection& c) {
    return emit_to_endpoint(c, clock_, random_, org_a_, e.id, "webhook.test",
                            boost::json::object{{"webhook_id", e.id}, {"message", "hi"}});
  });
  EXPECT_TRUE(ev.event_id.starts_with("msg_"));
  ASSERT_EQ(ev.delivery_ids.size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_deliveries"), 1);
  const auto d = delivery(ev.delivery_ids[0]);
  EXPECT_EQ(d.endpoint_id, e.id);
  EXPECT_EQ(d.status, "pending");
  const auto jobs = claim("w1");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].event_type, "webhook.test");
  EXPECT_EQ(jobs[0].event_id, ev.event_id);
  const auto body = boost::json::parse(jobs[0].payload).as_object();
  EXPECT_EQ(body.at("type").as_string(), "webhook.test");
  EXPECT_EQ(body.at("data").as_object().at("message").as_string(), "hi");
}

// ===========================================================================
// Claims

TEST_P(WebhookStore, ClaimReturnsDuePendingJobsWithEverythingNeededToSend) {
  auto e = endpoint_value(org_a_, {"post.published"}, "whsec_now");
  e.previous_secret = keys_->seal(random_, secret_aad(org_a_, e.id), "whsec_before");
  e.previous_secret_expires_at = now() + 12h;
  ASSERT_TRUE(status_of([&](store::Connection& c) { return insert_endpoint(c, e); }));
  const auto plain = add_endpoint(org_a_, {"post.published"});

  // Jobs that are not due: retrying later, succeeded, failed.
  const auto later = emit_one(e);
  settle(later, retrying(now() + 10min));
  const auto ok = emit_one(e);
  settle(ok, succeeded());
  const auto bad = emit_one(e);
  settle(bad, failed());

  clock_.advance(1);
  const auto ev = emit_event(org_a_);
  ASSERT_EQ(ev.delivery_ids.size(), 2u);
  const auto jobs = claim("w1", 100, 1h);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(ids_of(jobs), std::set<std::string>(ev.delivery_ids.begin(), ev.delivery_ids.end()));
  const auto payload = rows("SELECT payload FROM webhook_events WHERE id = $1", {ev.event_id}).at(0).text(0);
  for (const auto& j : jobs) {
    EXPECT_EQ(j.org, org_a_);
    EXPECT_EQ(j.event_id, ev.event_id);
    EXPECT_EQ(j.event_type, "post.published");
    EXPECT_EQ(j.payload, payload);
    EXPECT_EQ(j.attempts_before, 0);
    EXPECT_TRUE(j.endpoint_enabled);
    const auto d = delivery(j.delivery_id);
    EXPECT_EQ(d.lease_owner, "w1");
    EXPECT_EQ(d.lease_expires_at, now_ms() + 3600000);
    EXPECT_EQ(d.status, "pending");
    if (j.endpoint_id == e.id) {
      EXPECT_EQ(j.url, e.url);
      EXPECT_EQ(open_secret(org_a_, e.id, j.secret), "whsec_now");
      ASSERT_TRUE(j.previous_secret);
      EXPECT_EQ(open_secret(org_a_, e.id, *j.previous_secret), "whsec_before");
      EXPECT_EQ(j.previous_secret_expires_at, e.previous_secret_expires_at);
    } else {
      EXPECT_EQ(j.endpoint_id, plain.id);
      EXPECT_EQ(j.url, plain.url);
      EXPECT_EQ(j.secret.text(), plain.secret.text());
      EXPECT_FALSE(j.previous_secret);
      EXPECT_FALSE(j.previous_secret_expires_at);
    }
  }
  EXPECT_TRUE(claim("w2").empty());

  // The retry becomes due exactly at next_attempt_at, carrying its attempt count.
  clock_.advance(10min - 2ms);
  EXPECT_TRUE(claim("w2").empty());
  clock_.advance(1);
  const auto retry = claim("w2");
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].delivery_id, later);
  EXPECT_EQ(retry[0].attempts_before, 1);
}

TEST_P(WebhookStore, ClaimHonoursTheLimitOldestDueFirst) {
  const auto e = add_endpoint(org_a_);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(emit_one(e));
    clock_.advance(10);
  }
  const auto first = claim("w1", 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(ids_of(first), (std::set<std::string>{ids[0], ids[1]}));
  const auto second = claim("w2", 2);
  EXPECT_EQ(ids_of(second), (std::set<std::string>{ids[2], ids[3]}));
  const auto third = claim("w3", 2);
  EXPECT_EQ(ids_of(third), (std::set<std::string>{ids[4]}));
  EXPECT_TRUE(claim("w4", 2).empty());
}

TEST_P(WebhookStore, ALeaseKeepsOthersOffUntilItExpiresAndTheStaleOwnerCannotFinish) {
  const auto e = add_endpoint(org_a_);
  const auto id = emit_one(e);
  const auto mine = claim("w1", 10, 30s);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_TRUE(claim("w2").empty());
  clock_.advance(30s - 1ms);
  EXPECT_TRUE(claim("w2").empty());
  clock_.advance(1);  // lease_expires_at == now: the lease has run out
  const auto theirs = claim("w2", 10, 30s);
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs[0].delivery_id, id);
  EXPECT_EQ(delivery(id).lease_owner, "w2");
  EXPECT_TRUE(claim("w3").empty());

  // w1 comes back late: nothing is recorded, the job stays w2's.
  EXPECT_FALSE(finish(mine[0], "w1", succeeded()));
  EXPECT_EQ(attempts_of(id), 0);
  auto d = delivery(id);
  EXPECT_EQ(d.status, "pending");
  EXPECT_EQ(d.attempt_count, 0);
  EXPECT_EQ(d.lease_owner, "w2");
  EXPECT_FALSE(find(org_a_, e.id)->failing_since);
  // Neither can an owner that never claimed it.
  EXPECT_FALSE(finish(theirs[0], "intruder", failed()));
  EXPECT_EQ(attempts_of(id), 0);

  EXPECT_TRUE(finish(theirs[0], "w2", succeeded()));
  EXPECT_EQ(attempts_of(id), 1);
  d = delivery(id);
  EXPECT_EQ(d.status, "succeeded");
  EXPECT_FALSE(d.lease_owner);
  // A finished job cannot be finished again, even by its last owner.
  EXPECT_FALSE(finish(theirs[0], "w2", succeeded()));
  EXPECT_EQ(attempts_of(id), 1);
}

// Several processes (two Database objects, so two connection pools) claiming at
// once: every job is claimed exactly once. PostgreSQL relies on FOR UPDATE
// SKIP LOCKED, SQLite on the claim being one write transaction.
TEST_P(WebhookStore, ConcurrentClaimersClaimEveryJobExactlyOnce) {
  const auto e = add_endpoint(org_a_);
  constexpr int kJobs = 200;
  write<bool>([&](store::Connection& c) -> core::Result<bool> {
    for (int i = 0; i < kJobs; ++i) {
      auto r = emit_to_endpoint(c, clock_, random_, org_a_, e.id, "post.published", boost::json::object{{"i", i}});
      if (!r) return std::move(r).error();
    }
    return true;
  });
  ASSERT_EQ(count("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'"), kJobs);

  auto second = open(backend_->url());
  std::array<store::Database*, 2> dbs{db_.get(), second.get()};
  constexpr int kThreads = 6;
  std::latch start(kThreads);
  std::atomic<int> claimed_total{0};
  std::mutex mu;
  std::vector<std::string> errors;
  std::vector<std::vector<std::string>> claimed(kThreads);
  const auto t = now();
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      store::Database& db = *dbs[static_cast<std::size_t>(i % 2)];
      const std::string owner = "owner-" + std::to_string(i);
      start.arrive_and_wait();
      const auto deadline = std::chrono::steady_clock::now() + 60s;
      while (claimed_total.load() < kJobs && std::chrono::steady_clock::now() < deadline) {
        std::vector<DueDelivery> jobs;
        auto s = db.transaction([&](store::Connection& c) -> core::Status {
          auto r = claim_due_deliveries(c, db.dialect(), owner, t, t + 1h, 7);
          if (!r) return std::move(r).error();
          jobs = std::move(*r);
          return core::Ok{};
        });
        if (!s) {
          std::lock_guard lock(mu);
          errors.push_back(owner + ": " + describe(s.error()));
          continue;
        }
        for (auto& j : jobs) claimed[static_cast<std::size_t>(i)].push_back(j.delivery_id);
        claimed_total += static_cast<int>(jobs.size());
      }
    });
  for (auto& th : threads) th.join();

  EXPECT_TRUE(errors.empty()) << errors.size() << " claim errors, first: " << (errors.empty() ? "" : errors[0]);
  std::map<std::string, int> times;
  std::map<std::string, std::string> owner_of;
  int threads_with_work = 0;
  for (int i = 0; i < kThreads; ++i) {
    threads_with_work += !claimed[static_cast<std::size_t>(i)].empty();
    for (const auto& id : claimed[static_cast<std::size_t>(i)]) {
      ++times[id];
      owner_of[id] = "owner-" + std::to_string(i);
    }
  }
  EXPECT_EQ(claimed_total.load(), kJobs);
  EXPECT_EQ(times.size(), static_cast<std::size_t>(kJobs));
  for (const auto& [id, n] : times) EXPECT_EQ(n, 1) << id << " claimed " << n << " times";
  // The stored lease names the one claimer that got the job.
  for (const auto& r : rows("SELECT id, lease_owner FROM webhook_deliveries")) {
    ASSERT_FALSE(r.is_null(1)) << r.text(0) << " was never claimed";
    EXPECT_EQ(owner_of[r.text(0)], r.text(1)) << r.text(0);
  }
  RecordProperty("threads_with_work", threads_with_work);
}

// A claim inside a transaction that has not committed yet: another process's
// claim neither gets those jobs nor (PostgreSQL) waits for them.
TEST_P(WebhookStore, JobsClaimedInAnOpenTransactionAreSkippedByOtherClaimers) {
  const auto e = add_endpoint(org_a_);
  write<bool>([&](store::Connection& c) -> core::Result<bool> {
    for (int i = 0; i < 20; ++i) {
      auto r = emit_to_endpoint(c, clock_, random_, org_a_, e.id, "post.published", boost::json::object{{"i", i}});
      if (!r) return std::move(r).error();
    }
    return true;
  });
  auto second = open(backend_->url());
  const auto t = now();
  std::promise<void> claimed_first;
  std::promise<void> other_done;
  auto other_done_future = other_done.get_future();
  std::vector<DueDelivery> first_jobs;
  std::atomic<bool> first_committed{false};
  std::thread holder([&] {
    auto s = db_->transaction([&](store::Connection& c) -> core::Status {
      auto r = claim_due_deliveries(c, db_->dialect(), "holder", t, t + 1h, 5);
      claimed_first.set_value();
      if (!r) return std::move(r).error();
      first_jobs = std::move(*r);
      // PostgreSQL: hold the row locks until the other claim is done (it must
      // not wait for us). SQLite: the other claim waits for this write
      // transaction, so release it after a moment.
      other_done_future.wait_for(postgres() ? 20s : 300ms);
      return core::Ok{};
    });
    first_committed = true;
    if (!s) ADD_FAILURE() << describe(s.error());
  });
  claimed_first.get_future().wait();
  const auto others = claim("other", 100, 1h, second.get());
  const bool finished_while_open = !first_committed.load();
  other_done.set_value();
  holder.join();

  ASSERT_EQ(first_jobs.size(), 5u);
  EXPECT_EQ(others.size(), 15u);
  for (const auto& id : ids_of(first_jobs)) EXPECT_FALSE(ids_of(others).contains(id)) << id;
  if (postgres()) {
    EXPECT_TRUE(finished_while_open) << "the second claim waited for the first transaction's locks";
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_deliveries WHERE lease_owner = 'holder'"), 5);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_deliveries WHERE lease_owner = 'other'"), 15);
}

// ===========================================================================
// Finishing attempts

TEST_P(WebhookStore, FinishRecordsTheAttemptAndMovesTheJob) {
  const auto e = add_endpoint(org_a_, {"post.published"});
  const auto ev = emit_event(org_a_);
  ASSERT_EQ(ev.delivery_ids.size(), 1u);
  const auto id = ev.delivery_ids[0];

  // Attempt 1: retrying.
  auto jobs = claim("w1");
  ASSERT_EQ(jobs.size(), 1u);
  clock_.advance(150);
  const auto t1 = now();
  EXPECT_TRUE(finish(jobs[0], "w1", retrying(t1 + 5min)));
  auto d = delivery(id);
  EXPECT_EQ(d.status, "pending");
  EXPECT_EQ(d.attempt_count, 1);
  EXPECT_EQ(d.next_attempt_at, core::to_unix_ms(t1 + 5min));
  EXPECT_FALSE(d.lease_owner);
  EXPECT_FALSE(d.lease_expires_at);
  EXPECT_EQ(d.last_error, "http_503");
  auto page = attempts(org_a_, e.id);
  ASSERT_EQ(page.items.size(), 1u);
  {
    const auto& a = page.items[0];
    EXPECT_EQ(a.delivery_id, id);
    EXPECT_EQ(a.event_id, ev.event_id);
    EXPECT_EQ(a.event_type, "post.published");
    EXPECT_EQ(a.attempt, 1);
    EXPECT_EQ(a.outcome, "retrying");
    EXPECT_EQ(a.response_status, 503);
    EXPECT_EQ(a.latency_ms, 120);
    EXPECT_EQ(a.error_class, "http_503");
    EXPECT_EQ(a.created_at, t1);
  }
  EXPECT_TRUE(claim("w1").empty());

  // Attempt 2 (a network failure, no status): retrying again.
  clock_.advance(5min);
  jobs = claim("w2");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].attempts_before, 1);
  EXPECT_TRUE(finish(jobs[0], "w2", retrying(now() + 30min, std::nullopt, "timeout")));
  d = delivery(id);
  EXPECT_EQ(d.attempt_count, 2);
  EXPECT_EQ(d.last_error, "timeout");

  // Attempt 3: success.
  clock_.advance(30min);
  jobs = claim("w3");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].attempts_before, 2);
  EXPECT_TRUE(finish(jobs[0], "w3", succeeded(204, 9)));
  d = delivery(id);
  EXPECT_EQ(d.status, "succeeded");
  EXPECT_EQ(d.attempt_count, 3);
  EXPECT_FALSE(d.last_error);
  EXPECT_FALSE(d.lease_owner);
  EXPECT_TRUE(claim("w4").empty());

  page = attempts(org_a_, e.id);
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].attempt, 3);
  EXPECT_EQ(page.items[0].outcome, "succeeded");
  EXPECT_EQ(page.items[0].response_status, 204);
  EXPECT_EQ(page.items[0].latency_ms, 9);
  EXPECT_FALSE(page.items[0].error_class);
  EXPECT_EQ(page.items[1].attempt, 2);
  EXPECT_FALSE(page.items[1].response_status);
  EXPECT_EQ(page.items[1].error_class, "timeout");
  EXPECT_EQ(page.items[2].attempt, 1);

  // A final failure (a millisecond later, so it lists first).
  clock_.advance(1);
  const auto id2 = emit_one(e);
  jobs = claim("w5");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_TRUE(finish(jobs[0], "w5", failed(404, "http_404")));
  d = delivery(id2);
  EXPECT_EQ(d.status, "failed");
  EXPECT_EQ(d.attempt_count, 1);
  EXPECT_EQ(d.last_error, "http_404");
  EXPECT_EQ(attempts(org_a_, e.id).items.at(0).outcome, "failed");
  EXPECT_TRUE(claim("w6").empty());
}

TEST_P(WebhookStore, FailureMarksTheEndpointFailingAndSuccessClearsIt) {
  const auto e = add_endpoint(org_a_);
  const auto other = add_endpoint(org_a_, {"post.error"});
  const auto d1 = emit_one(e);
  const auto d2 = emit_one(e);
  const auto jobs = claim("w1");
  ASSERT_EQ(jobs.size(), 2u);
  const auto& j1 = jobs[0].delivery_id == d1 ? jobs[0] : jobs[1];
  const auto& j2 = jobs[0].delivery_id == d2 ? jobs[0] : jobs[1];

  const auto t0 = now();
  EXPECT_TRUE(finish(j1, "w1", retrying(t0 + 1h)));
  auto f = find(org_a_, e.id);
  EXPECT_EQ(f->failing_since, t0);
  EXPECT_TRUE(f->is_enabled);
  EXPECT_FALSE(find(org_a_, other.id)->failing_since);

  // A later failure keeps the first failure time.
  clock_.advance(1min);
  EXPECT_TRUE(finish(j2, "w1", failed(500, "http_500")));
  EXPECT_EQ(find(org_a_, e.id)->failing_since, t0);

  // A success clears it.
  clock_.advance(1h);
  const auto again = claim("w2");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(finish(again[0], "w2", succeeded()));
  f = find(org_a_, e.id);
  EXPECT_FALSE(f->failing_since);
  EXPECT_TRUE(f->is_enabled);

  // And the next failure starts a new streak.
  clock_.advance(5s);
  const auto d3 = emit_one(e);
  settle(d3, failed());
  EXPECT_EQ(find(org_a_, e.id)->failing_since, now());
}

TEST_P(WebhookStore, FailingForDisableAfterDisablesTheEndpointAndFailsItsUnleasedJobs) {
  constexpr auto kDisableAfter = 1h;
  const auto e = add_endpoint(org_a_);
  const auto neighbour = add_endpoint(org_a_, {"post.error"});
  const auto t0 = now();
  // Three jobs leased by w1 (long lease) to finish one by one.
  const auto d1 = emit_one(e);
  const auto d2 = emit_one(e);
  const auto d3 = emit_one(e);
  auto w1_jobs = claim("w1", 10, 3h);
  ASSERT_EQ(w1_jobs.size(), 3u);
  std::map<std::string, DueDelivery> w1;
  for (auto& j : w1_jobs) w1.emplace(j.delivery_id, j);
  // One job leased by another worker.
  const auto leased_elsewhere = emit_one(e);
  ASSERT_EQ(claim("w2", 10, 3h).size(), 1u);
  // Jobs waiting unleased, plus one for a healthy neighbour.
  const auto waiting = emit_one(e);
  const auto neighbours = emit_one(neighbour);

  EXPECT_TRUE(finish(w1.at(d1), "w1", retrying(t0 + 10min), kDisableAfter));
  EXPECT_EQ(find(org_a_, e.id)->failing_since, t0);

  clock_.advance(kDisableAfter - 1ms);
  EXPECT_TRUE(finish(w1.at(d2), "w1", retrying(now() + 30min), kDisableAfter));
  auto f = find(org_a_, e.id);
  EXPECT_TRUE(f->is_enabled) << "disabled before failing for the full period";
  EXPECT_EQ(delivery(waiting).status, "pending");

  clock_.advance(1);
  const auto t_disable = now();
  EXPECT_TRUE(finish(w1.at(d3), "w1", retrying(now() + 2h), kDisableAfter));
  f = find(org_a_, e.id);
  EXPECT_FALSE(f->is_enabled);
  ASSERT_TRUE(f->disabled_reason);
  EXPECT_FALSE(f->disabled_reason->empty());
  EXPECT_EQ(f->updated_at, t_disable);
  EXPECT_EQ(f->failing_since, t0);
  EXPECT_EQ(attempts_of(d3), 1);

  // Every pending, unleased job of the endpoint has failed.
  for (const auto& id : {d1, d2, d3, waiting}) {
    const auto d = delivery(id);
    EXPECT_EQ(d.status, "failed") << id;
    EXPECT_EQ(d.last_error, "endpoint_disabled") << id;
  }
  // A job under another worker's live lease is left to that worker; the neighbour is untouched.
  EXPECT_EQ(delivery(leased_elsewhere).status, "pending");
  EXPECT_EQ(delivery(leased_elsewhere).lease_owner, "w2");
  EXPECT_EQ(delivery(neighbours).status, "pending");
  EXPECT_TRUE(find(org_a_, neighbour.id)->is_enabled);

  // The disabled endpoint gets no new events; the neighbour's job is still due.
  EXPECT_TRUE(emit_event(org_a_, "post.published").delivery_ids.empty());
  auto due = claim("w3");
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].delivery_id, neighbours);
  // When w2's lease runs out, the job is claimed again and says the endpoint is disabled.
  clock_.advance(3h);
  due = claim("w4");
  ASSERT_EQ(due.size(), 2u);  // w3's job (lease expired too) and w2's
  for (const auto& j : due) {
    if (j.delivery_id == leased_elsewhere) {
      EXPECT_FALSE(j.endpoint_enabled);
    }
  }
}

TEST_P(WebhookStore, GoneDisablesTheEndpointAtOnce) {
  const auto e = add_endpoint(org_a_);
  const auto neighbour = add_endpoint(org_a_, {"post.error"});
  const auto d1 = emit_one(e);
  const auto d2 = emit_one(e);
  const auto jobs = claim("w1");
  ASSERT_EQ(jobs.size(), 2u);
  const auto& j1 = jobs[0].delivery_id == d1 ? jobs[0] : jobs[1];
  const auto waiting = emit_one(e);
  const auto neighbours = emit_one(neighbour);

  EXPECT_TRUE(finish(j1, "w1", failed(410, "http_410", /*disable=*/true), 72h));
  const auto f = find(org_a_, e.id);
  EXPECT_FALSE(f->is_enabled);
  ASSERT_TRUE(f->disabled_reason);
  EXPECT_NE(f->disabled_reason->find("410"), std::string::npos) << *f->disabled_reason;
  EXPECT_TRUE(f->failing_since);
  EXPECT_EQ(delivery(d1).status, "failed");
  EXPECT_EQ(delivery(d1).last_error, "http_410");
  EXPECT_EQ(delivery(waiting).status, "failed");
  EXPECT_EQ(delivery(waiting).last_error, "endpoint_disabled");
  EXPECT_EQ(delivery(d2).status, "pending");  // still leased by w1
  EXPECT_EQ(delivery(neighbours).status, "pending");
  EXPECT_TRUE(find(org_a_, neighbour.id)->is_enabled);
  // The 410 attempt, and a closing line for the job that was waiting.
  const auto a = attempts(org_a_, e.id);
  ASSERT_EQ(a.items.size(), 2u);
  for (const auto& item : a.items) {
    EXPECT_EQ(item.outcome, "failed");
    if (item.delivery_id == d1) {
      EXPECT_EQ(item.response_status, 410);
    } else {
      EXPECT_EQ(item.delivery_id, waiting);
      EXPECT_EQ(item.error_class, "endpoint_disabled");
      EXPECT_FALSE(item.response_status);
    }
  }
}

// ===========================================================================
// Attempt log, resend, requeue

TEST_P(WebhookStore, ListAttemptsIsKeysetPagedNewestFirstPerEndpointAndOrg) {
  const auto e = add_endpoint(org_a_);
  const auto other = add_endpoint(org_a_, {"post.error"});
  const auto foreign = add_endpoint(org_b_);
  std::set<std::string> delivery_ids;
  for (int i = 0; i < 7; ++i) {
    const auto id = emit_one(e);
    delivery_ids.insert(id);
    settle(id, i % 2 ? succeeded() : failed());
    if (i % 3 == 2) clock_.advance(10);  // attempts share timestamps
  }
  settle(emit_one(other), succeeded());
  settle(emit_one(foreign), succeeded());

  std::vector<AttemptRow> all;
  std::optional<store::KeysetPosition> after;
  int pages = 0;
  for (;;) {
    const auto page = attempts(org_a_, e.id, after, 3);
    ++pages;
    all.insert(all.end(), page.items.begin(), page.items.end());
    if (!page.has_more) break;
    ASSERT_EQ(page.items.size(), 3u);
    after = store::KeysetPosition{core::to_unix_ms(page.items.back().created_at), page.items.back().id};
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 7u);
  std::set<std::string> seen_ids, seen_deliveries;
  for (std::size_t i = 0; i < all.size(); ++i) {
    seen_ids.insert(all[i].id);
    seen_deliveries.insert(all[i].delivery_id);
    if (i == 0) continue;
    const bool ordered = all[i - 1].created_at > all[i].created_at ||
                         (all[i - 1].created_at == all[i].created_at && all[i - 1].id > all[i].id);
    EXPECT_TRUE(ordered) << i;
  }
  EXPECT_EQ(seen_ids.size(), 7u);
  EXPECT_EQ(seen_deliveries, delivery_ids);
  // Tenancy: the wrong org sees nothing, even with the right endpoint id.
  EXPECT_TRUE(attempts(org_b_, e.id).items.empty());
  EXPECT_EQ(attempts(org_a_, other.id).items.size(), 1u);
  EXPECT_EQ(attempts(org_b_, foreign.id).items.size(), 1u);
  EXPECT_TRUE(attempts(org_a_, foreign.id).items.empty());
}

TEST_P(WebhookStore, ResendRequeuesAFinishedDeliveryUnderTheSameWebhookId) {
  const auto e = add_endpoint(org_a_);
  const auto other = add_endpoint(org_a_, {"post.error"});
  const auto ev = emit_event(org_a_);
  ASSERT_EQ(ev.delivery_ids.size(), 1u);
  const auto id = ev.delivery_ids[0];
  auto resend = [&](const core::OrgId& o, const std::string& endpoint_id, const std::string& delivery_id) {
    return status_of([&](store::Connection& c) { return resend_delivery(c, o, endpoint_id, delivery_id, now()); });
  };

  // While pending: conflict.
  auto s = resend(org_a_, e.id, id);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::conflict);

  // Retry once, then fail for good.
  auto jobs = claim("w1");
  ASSERT_EQ(jobs.size(), 1u);
  ASSERT_TRUE(finish(jobs[0], "w1", retrying(now() + 5s)));
  EXPECT_EQ(resend(org_a_, e.id, id).error().code, core::ErrorCode::conflict);
  clock_.advance(5s);
  jobs = claim("w1");
  ASSERT_EQ(jobs.size(), 1u);
  ASSERT_TRUE(finish(jobs[0], "w1", failed()));
  ASSERT_EQ(delivery(id).attempt_count, 2);

  // Missing for another org, another endpoint, or an unknown id.
  EXPECT_EQ(resend(org_b_, e.id, id).error().code, core::ErrorCode::not_found);
  EXPECT_EQ(resend(org_a_, other.id, id).error().code, core::ErrorCode::not_found);
  EXPECT_EQ(resend(org_a_, e.id, core::new_uuid(random_)).error().code, core::ErrorCode::not_found);
  EXPECT_EQ(delivery(id).status, "failed");

  clock_.advance(1h);
  ASSERT_TRUE(resend(org_a_, e.id, id));
  auto d = delivery(id);
  EXPECT_EQ(d.status, "pending");
  EXPECT_EQ(d.attempt_count, 0);
  EXPECT_EQ(d.next_attempt_at, now_ms());
  EXPECT_FALSE(d.lease_owner);
  EXPECT_EQ(resend(org_a_, e.id, id).error().code, core::ErrorCode::conflict);
  jobs = claim("w2");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].delivery_id, id);
  EXPECT_EQ(jobs[0].event_id, ev.event_id);
  EXPECT_EQ(jobs[0].attempts_before, 0);
  ASSERT_TRUE(finish(jobs[0], "w2", succeeded()));
  // The log keeps the earlier attempts; the new one is numbered afresh.
  const auto log = attempts(org_a_, e.id);
  ASSERT_EQ(log.items.size(), 3u);
  EXPECT_EQ(log.items[0].attempt, 1);
  EXPECT_EQ(log.items[0].outcome, "succeeded");

  // A succeeded delivery can be resent too.
  ASSERT_TRUE(resend(org_a_, e.id, id));
  EXPECT_EQ(delivery(id).status, "pending");
  jobs = claim("w3");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].delivery_id, id);
}

TEST_P(WebhookStore, RequeueFailedRequeuesOnlyFailedDeliveriesCreatedSinceTheGivenTime) {
  const auto e = add_endpoint(org_a_);
  const auto other = add_endpoint(org_a_, {"post.error"});
  const auto old_failed = emit_one(e);
  settle(old_failed, failed());
  clock_.advance(1h);
  const auto since = now();
  const auto f1 = emit_one(e);
  settle(f1, failed());
  clock_.advance(1min);
  const auto f2 = emit_one(e);
  settle(f2, failed(std::nullopt, "blocked_address"));
  const auto ok = emit_one(e);
  settle(ok, succeeded());
  const auto others_failed = emit_one(other);
  settle(others_failed, failed());
  const auto later = emit_one(e);
  settle(later, retrying(now() + 1h));
  const auto pending = emit_one(e);

  clock_.advance(5min);
  auto requeue = [&](const core::OrgId& o, const std::string& endpoint_id, core::TimePoint from) {
    return write<std::int64_t>([&](store::Connection& c) { return requeue_failed(c, o, endpoint_id, from, now()); });
  };
  EXPECT_EQ(requeue(org_b_, e.id, since), 0);
  EXPECT_EQ(delivery(f1).status, "failed");
  EXPECT_EQ(requeue(org_a_, e.id, since), 2);
  for (const auto& id : {f1, f2}) {
    const auto d = delivery(id);
    EXPECT_EQ(d.status, "pending") << id;
    EXPECT_EQ(d.attempt_count, 0) << id;
    EXPECT_EQ(d.next_attempt_at, now_ms()) << id;
    EXPECT_FALSE(d.lease_owner) << id;
  }
  EXPECT_EQ(delivery(old_failed).status, "failed");
  EXPECT_EQ(delivery(ok).status, "succeeded");
  EXPECT_EQ(delivery(others_failed).status, "failed");
  EXPECT_EQ(delivery(later).status, "pending");
  EXPECT_EQ(delivery(later).attempt_count, 1);
  EXPECT_EQ(delivery(pending).attempt_count, 0);
  // Nothing left to requeue.
  EXPECT_EQ(requeue(org_a_, e.id, since), 0);
  // The requeued jobs are due now, next to the one never attempted.
  EXPECT_EQ(ids_of(claim("w1")), (std::set<std::string>{f1, f2, pending}));
  // An earlier `since` reaches the older failure.
  EXPECT_EQ(requeue(org_a_, e.id, since - 2h), 1);
  EXPECT_EQ(delivery(old_failed).status, "pending");
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookStore, testing::ValuesIn(test::store_backends()), test::BackendParamName());

}  // namespace
}  // namespace postfuze::webhooks
