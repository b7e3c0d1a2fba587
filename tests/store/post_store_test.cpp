// Conformance suite for the publishing store calls (publish/post_store.hpp,
// publish/target_queue.hpp, publish/rollup.hpp), run against every backend in
// store_backends(): round trip, tenancy, idempotency keys, list filters and
// keyset paging, the target queue (due times, drafts, leases, lost leases,
// adopted ids, several processes claiming at once), cancel / replace /
// requeue rules, attempts, the D27 rollup table and the post.* events.
#include "publish/post_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
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
#include <tuple>
#include <vector>

#include "core/ids.hpp"
#include "publish/post.hpp"
#include "publish/rollup.hpp"
#include "publish/target_queue.hpp"
#include "store/database.hpp"
#include "support/store_fixture.hpp"
#include "webhooks/endpoint_store.hpp"

namespace postfuze::publish {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::describe;
using PostPage = store::Page<Post>;

enum class Kind { queued, scheduled, draft };

constexpr auto kLease = 2min;

// What a target's account is: its id and platform.
struct Acct {
  std::string id;
  std::string platform;
};

class PostStore : public test::StoreTest {
 protected:
  bool postgres() const { return GetParam() == "postgres"; }
  core::TimePoint now() const { return clock_.now(); }

  // A complete post for `accounts` (one target each, in that order): two
  // containers (the main one with media), a default config, each target with
  // its config slice and one pending reply for container 1.
  Post make_post(const core::OrgId& o, Kind kind = Kind::queued,
                 const std::vector<Acct>& accounts = {{"acct-x", "x"}, {"acct-bsky", "bluesky"}},
                 std::optional<core::TimePoint> scheduled_at = std::nullopt) {
    Post p;
    p.id = core::new_uuid(random_);
    p.org = o;
    p.created_at = now();
    p.updated_at = now();
    p.version = 1;
    p.containers = {
        Container{"ctr_0",
                  0,
                  "main",
                  "Hello \xF0\x9F\x91\x8B world \"quoted\"",
                  {{"med_1", "a cat"}, {"med_2", std::nullopt}}},
        Container{"ctr_1", 1, "first_comment", "The first comment", {}},
    };
    p.default_config = {{"long_form", true}, {"reply_settings", "following"}};
    switch (kind) {
      case Kind::queued:
        p.status = std::string(kQueued);
        break;
      case Kind::scheduled:
        p.status = std::string(kScheduled);
        p.scheduled_at = scheduled_at.value_or(now() + 1h);
        break;
      case Kind::draft:
        p.status = std::string(kDraft);
        p.is_draft = true;
        break;
    }
    int position = 0;
    for (const auto& a : accounts) {
      PostTarget t;
      t.id = core::new_uuid(random_);
      t.post_id = p.id;
      t.org = o;
      t.social_account_id = a.id;
      t.platform = a.platform;
      t.position = position++;
      t.config = {{"platform", a.platform}, {"nested", {{"n", t.position}}}};
      if (kind == Kind::queued) {
        t.status = std::string(target::kQueued);
        t.due_at = now();
      } else {
        t.status = std::string(target::kPending);
        if (kind == Kind::scheduled) t.due_at = p.scheduled_at;
      }
      ReplyState r;
      r.container_id = "ctr_1";
      r.position = 1;
      t.replies.push_back(r);
      t.created_at = now();
      t.updated_at = now();
      p.targets.push_back(std::move(t));
    }
    return p;
  }

  Post add(const Post& p) {
    write<bool>([&](store::Connection& c) -> core::Result<bool> {
      auto s = insert_post(c, p);
      if (!s) return std::move(s).error();
      return true;
    });
    return p;
  }
  Post add(const core::OrgId& o, Kind kind = Kind::queued) { return add(make_post(o, kind)); }

  // Runs `fn` in a transaction (rolled back when it fails) and returns its Status.
  core::Status write_status(const std::function<core::Status(store::Connection&)>& fn) {
    std::optional<core::Status> inner;
    auto s = db_->transaction([&](store::Connection& c) -> core::Status {
      inner.emplace(fn(c));
      if (!*inner) return inner->error();
      return core::Ok{};
    });
    if (inner) return std::move(*inner);
    return s;
  }

  core::Status try_insert(const Post& p) {
    return write_status([&](store::Connection& c) { return insert_post(c, p); });
  }

  std::optional<Post> find(const core::OrgId& o, const std::string& id) {
    return read<std::optional<Post>>([&](store::Connection& c) { return find_post(c, o, id); });
  }
  Post must_find(const std::string& id, const core::OrgId* o = nullptr) {
    auto p = find(o ? *o : org_a_, id);
    if (!p) throw std::runtime_error("post " + id + " not found");
    return std::move(*p);
  }

  PostPage list(const core::OrgId& o, const PostFilter& f = {},
                const std::optional<store::KeysetPosition>& after = std::nullopt, int limit = 100) {
    return read<PostPage>([&](store::Connection& c) { return list_posts(c, o, f, after, limit); });
  }
  std::vector<std::string> list_ids(const core::OrgId& o, const PostFilter& f = {}) {
    std::vector<std::string> out;
    for (const auto& p : list(o, f).items) out.push_back(p.id);
    return out;
  }

  Claimed claim(const std::string& owner, int limit = 100, std::chrono::milliseconds lease = kLease,
                store::Database* db = nullptr) {
    store::Database& d = db ? *db : *db_;
    const auto t = now();
    return write<Claimed>(
        [&](store::Connection& c) { return claim_due_targets(c, d.dialect(), owner, t, t + lease, limit); }, &d);
  }
  std::set<std::string> claimed_ids(const std::string& owner, int limit = 100) {
    const auto c = claim(owner, limit);
    return {c.target_ids.begin(), c.target_ids.end()};
  }

  PostTarget target(const std::string& id) {
    auto w = read<std::optional<Work>>([&](store::Connection& c) { return load_work(c, id); });
    if (!w) throw std::runtime_error("target " + id + " not found");
    return std::move(w->target);
  }

  bool save(const PostTarget& t, const std::string& owner, std::optional<core::TimePoint> lease_until) {
    const auto n = now();
    return write<bool>([&](store::Connection& c) { return save_target(c, t, owner, n, lease_until); });
  }

  // Settles target `id` (which `owner` holds) as `status` and rolls the post
  // up with its target event, as the worker does, in one transaction.
  // The clock moves a millisecond first, so events list in the order they happened.
  bool settle(const std::string& id, std::string_view status, const std::string& owner = "w") {
    clock_.advance(1ms);
    PostTarget t = target(id);
    t.status = std::string(status);
    t.due_at.reset();
    std::string type;
    if (status == target::kPublished) {
      t.platform_post_id = "pp-" + id;
      t.platform_post_url = "https://social.example/p/" + id;
      t.published_at = now();
      type = "post.target.published";
    } else if (status == target::kError) {
      t.error = TargetError{"platform_rejected", "Refused.", false, 400};
      type = "post.target.failed";
    } else if (status == target::kFailed) {
      t.error = TargetError{"platform_unavailable", "Later.", true, 503};
      t.due_at = now() + 30s;
    }
    return write<bool>([&](store::Connection& c) -> core::Result<bool> {
      auto s = save_target(c, t, owner, now(), std::nullopt);
      if (!s) return std::move(s).error();
      if (!*s) return core::Error::conflict("lease lost");
      std::vector<TargetEvent> events;
      if (!type.empty()) events.push_back({type, t});
      return roll_up(c, clock_, random_, t.post_id, events);
    });
  }

  bool roll(const std::string& post_id, const std::vector<TargetEvent>& events = {}) {
    return write<bool>([&](store::Connection& c) { return roll_up(c, clock_, random_, post_id, events); });
  }

  webhooks::Endpoint add_endpoint(const core::OrgId& o, std::vector<std::string> events) {
    webhooks::Endpoint e;
    e.id = core::new_uuid(random_);
    e.org = o;
    e.url = "https://hooks.example.com/in/" + e.id;
    e.description = "post events";
    e.events = std::move(events);
    e.secret = keys_->seal(random_, webhooks::secret_aad(o, e.id), "whsec_post_events_secret_value");
    e.created_at = now();
    e.updated_at = now();
    auto s = status_of([&](store::Connection& c) { return webhooks::insert_endpoint(c, e); });
    if (!s) throw std::runtime_error(describe(s.error()));
    return e;
  }
  webhooks::Endpoint subscribe_all(const core::OrgId& o) {
    return add_endpoint(o, {"post.published", "post.error", "post.target.published", "post.target.failed"});
  }

  // The `data` of every stored event of `type` about post `post_id`, oldest first.
  std::vector<json::object> events(std::string_view type, const std::string& post_id) {
    std::vector<json::object> out;
    for (const auto& r : rows("SELECT payload FROM webhook_events WHERE type = $1 ORDER BY created_at, id", {type})) {
      json::value body = json::parse(r.text(0));
      json::object data = body.as_object().at("data").as_object();
      const auto* pid = data.if_contains("post_id");
      if (!pid) pid = data.if_contains("id");
      if (pid && pid->is_string() && pid->as_string() == post_id) out.push_back(std::move(data));
    }
    return out;
  }

  std::string post_status(const std::string& id) {
    return rows("SELECT status FROM posts WHERE id = $1", {id}).at(0).text(0);
  }
  std::string target_status(const std::string& id) {
    return rows("SELECT status FROM post_targets WHERE id = $1", {id}).at(0).text(0);
  }
  std::optional<std::string> lease_owner(const std::string& id) {
    return rows("SELECT lease_owner FROM post_targets WHERE id = $1", {id}).at(0).optional_text(0);
  }

  // Claims every due target as "holder" in a transaction left open while
  // `fn` runs in a transaction of another process (a second Database), then
  // commits the claim: on PostgreSQL once `fn` waits on a row lock (or has
  // finished), on SQLite after a moment (`fn` waits for the write lock).
  // Returns the claim and `fn`'s Status.
  std::pair<Claimed, core::Status> race_with_open_claim(const std::function<core::Status(store::Connection&)>& fn) {
    auto second = open(backend_->url());
    const auto t = now();
    std::promise<void> claimed;
    std::atomic<bool> fn_done{false};
    Claimed got;
    std::thread holder([&] {
      auto s = db_->transaction([&](store::Connection& c) -> core::Status {
        auto r = claim_due_targets(c, db_->dialect(), "holder", t, t + 1h, 100);
        claimed.set_value();
        if (!r) return std::move(r).error();
        got = std::move(*r);
        const auto deadline = std::chrono::steady_clock::now() + (postgres() ? 10s : 300ms);
        while (!fn_done.load() && std::chrono::steady_clock::now() < deadline) {
          if (postgres()) {
            auto waiting = c.query("SELECT COUNT(*) FROM pg_locks WHERE NOT granted");
            if (!waiting) return std::move(waiting).error();
            if (waiting->front().integer(0) > 0) break;
          }
          std::this_thread::sleep_for(10ms);
        }
        return core::Ok{};
      });
      if (!s) ADD_FAILURE() << "holder: " << describe(s.error());
    });
    claimed.get_future().wait();
    std::optional<core::Status> inner;
    auto s = second->transaction([&](store::Connection& c) -> core::Status {
      inner.emplace(fn(c));
      if (!*inner) return inner->error();
      return core::Ok{};
    });
    fn_done = true;
    holder.join();
    return {std::move(got), inner ? std::move(*inner) : std::move(s)};
  }

  AttemptRecord attempt(const Post& p, const PostTarget& t, std::int64_t n, core::TimePoint at) {
    AttemptRecord a;
    a.id = core::new_uuid(random_);
    a.target_id = t.id;
    a.post_id = p.id;
    a.org = p.org;
    a.attempt = n;
    a.container_position = 0;
    a.outcome = "transient";
    a.latency_ms = 10 * n;
    a.created_at = at;
    return a;
  }
  void add_attempt(const AttemptRecord& a) {
    auto s = status_of([&](store::Connection& c) { return insert_attempt(c, a); });
    if (!s) throw std::runtime_error(describe(s.error()));
  }
  std::vector<AttemptRecord> attempts(const core::OrgId& o, const std::string& post_id) {
    return read<std::vector<AttemptRecord>>([&](store::Connection& c) { return list_attempts(c, o, post_id); });
  }
};

std::vector<std::string> ids_of(const std::vector<PostTarget>& ts) {
  std::vector<std::string> out;
  for (const auto& t : ts) out.push_back(t.id);
  return out;
}

void expect_same_containers(const std::vector<Container>& got, const std::vector<Container>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].id, want[i].id);
    EXPECT_EQ(got[i].position, want[i].position);
    EXPECT_EQ(got[i].role, want[i].role);
    EXPECT_EQ(got[i].content, want[i].content);
    ASSERT_EQ(got[i].media.size(), want[i].media.size()) << i;
    for (std::size_t m = 0; m < want[i].media.size(); ++m) {
      EXPECT_EQ(got[i].media[m].id, want[i].media[m].id);
      EXPECT_EQ(got[i].media[m].alt_text, want[i].media[m].alt_text);
    }
  }
}

void expect_same_error(const std::optional<TargetError>& got, const std::optional<TargetError>& want) {
  ASSERT_EQ(got.has_value(), want.has_value());
  if (!want) return;
  EXPECT_EQ(got->code, want->code);
  EXPECT_EQ(got->message, want->message);
  EXPECT_EQ(got->retryable, want->retryable);
  EXPECT_EQ(got->platform_status, want->platform_status);
}

void expect_same_replies(const std::vector<ReplyState>& got, const std::vector<ReplyState>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].container_id, want[i].container_id);
    EXPECT_EQ(got[i].position, want[i].position);
    EXPECT_EQ(got[i].status, want[i].status);
    EXPECT_EQ(got[i].platform_post_id, want[i].platform_post_id);
    EXPECT_EQ(got[i].platform_post_url, want[i].platform_post_url);
    EXPECT_EQ(json::serialize(got[i].ref_extra), json::serialize(want[i].ref_extra));
    expect_same_error(got[i].error, want[i].error);
  }
}

void expect_same_target(const PostTarget& got, const PostTarget& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.post_id, want.post_id);
  EXPECT_EQ(got.org, want.org);
  EXPECT_EQ(got.social_account_id, want.social_account_id);
  EXPECT_EQ(got.platform, want.platform);
  EXPECT_EQ(got.position, want.position);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(json::serialize(got.config), json::serialize(want.config));
  EXPECT_EQ(got.attempts, want.attempts);
  EXPECT_EQ(got.failures, want.failures);
  EXPECT_EQ(got.due_at, want.due_at);
  EXPECT_EQ(got.intent_position, want.intent_position);
  EXPECT_EQ(got.intent_at, want.intent_at);
  EXPECT_EQ(got.platform_post_id, want.platform_post_id);
  EXPECT_EQ(got.platform_post_url, want.platform_post_url);
  EXPECT_EQ(json::serialize(got.platform_ref), json::serialize(want.platform_ref));
  EXPECT_EQ(got.published_at, want.published_at);
  expect_same_error(got.error, want.error);
  expect_same_replies(got.replies, want.replies);
  EXPECT_EQ(got.created_at, want.created_at);
}

// ===========================================================================
// Insert, find, tenancy, idempotency

TEST_P(PostStore, InsertAndFindRoundTripEveryField) {
  Post p = make_post(org_a_, Kind::scheduled, {{"acct-x", "x"}, {"acct-li", "linkedin"}, {"acct-bsky", "bluesky"}},
                     now() + 3h);
  p.external_ref = "order-42";
  p.idempotency_key = "order-42";
  p.tenant_id = "tenant-9";
  // Inserted out of accounts[] order: read back by position.
  std::reverse(p.targets.begin(), p.targets.end());
  add(p);
  std::reverse(p.targets.begin(), p.targets.end());

  const auto got = must_find(p.id);
  EXPECT_EQ(got.id, p.id);
  EXPECT_EQ(got.org, org_a_);
  EXPECT_EQ(got.status, "scheduled");
  EXPECT_FALSE(got.is_draft);
  EXPECT_EQ(got.scheduled_at, now() + 3h);
  EXPECT_EQ(got.external_ref, "order-42");
  EXPECT_EQ(got.idempotency_key, "order-42");
  EXPECT_EQ(got.tenant_id, "tenant-9");
  expect_same_containers(got.containers, p.containers);
  EXPECT_EQ(json::serialize(got.default_config), json::serialize(p.default_config));
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.created_at, now());
  EXPECT_EQ(got.updated_at, now());
  ASSERT_EQ(got.targets.size(), 3u);
  EXPECT_EQ(ids_of(got.targets), ids_of(p.targets));
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(got.targets[i].position, static_cast<int>(i));
    expect_same_target(got.targets[i], p.targets[i]);
    EXPECT_EQ(got.targets[i].due_at, now() + 3h);
    EXPECT_FALSE(got.targets[i].platform_post_id);
    EXPECT_FALSE(got.targets[i].error);
  }
  EXPECT_EQ(got.targets[1].platform, "linkedin");

  // load_targets answers the same, in order.
  const auto targets = read<std::vector<PostTarget>>([&](store::Connection& c) { return load_targets(c, p.id); });
  EXPECT_EQ(ids_of(targets), ids_of(p.targets));

  // A draft keeps is_draft, no schedule and no due time.
  const auto d = add(org_a_, Kind::draft);
  const auto gd = must_find(d.id);
  EXPECT_TRUE(gd.is_draft);
  EXPECT_EQ(gd.status, "draft");
  EXPECT_FALSE(gd.scheduled_at);
  EXPECT_FALSE(gd.external_ref);
  EXPECT_FALSE(gd.idempotency_key);
  EXPECT_FALSE(gd.tenant_id);
  for (const auto& t : gd.targets) EXPECT_FALSE(t.due_at);
}

TEST_P(PostStore, RepliesAndErrorsRoundTripThroughJson) {
  Post p = make_post(org_a_);
  ReplyState published;
  published.container_id = "ctr_1";
  published.position = 1;
  published.status = "published";
  published.platform_post_id = "reply-1";
  published.platform_post_url = "https://bsky.app/profile/x/post/reply-1";
  published.ref_extra = {{"uri", "at://did:plc:abc/app.bsky.feed.post/1"}, {"cid", "bafy\"quoted\""}};
  ReplyState failed;
  failed.container_id = "ctr_2";
  failed.position = 2;
  failed.status = "error";
  failed.error = TargetError{"text_too_long", "Too long \xC3\xA9.", false, 400};
  ReplyState skipped;
  skipped.container_id = "ctr_3";
  skipped.position = 3;
  skipped.status = "skipped";
  skipped.error = TargetError{"no_surface", "No replies here.", true, std::nullopt};
  p.targets[0].replies = {published, failed, skipped};
  p.targets[1].replies = {};
  add(p);
  const auto got = must_find(p.id);
  expect_same_replies(got.targets[0].replies, p.targets[0].replies);
  EXPECT_TRUE(got.targets[1].replies.empty());
  ASSERT_EQ(got.targets[0].replies.size(), 3u);
  ASSERT_TRUE(got.targets[0].replies[2].error);
  EXPECT_FALSE(got.targets[0].replies[2].error->platform_status);
}

TEST_P(PostStore, OtherOrganisationsCannotSeeOrChangeAPost) {
  subscribe_all(org_a_);
  Post p = make_post(org_a_);
  p.idempotency_key = "key-a";
  add(p);
  const auto t0 = must_find(p.id).targets[0];
  AttemptRecord a = attempt(p, t0, 1, now());
  add_attempt(a);

  EXPECT_FALSE(find(org_b_, p.id));
  EXPECT_TRUE(list(org_b_).items.empty());
  EXPECT_FALSE(read<std::optional<Post>>([&](store::Connection& c) { return find_post_by_key(c, org_b_, "key-a"); }));
  EXPECT_TRUE(attempts(org_b_, p.id).empty());

  const auto canceled = status_of([&](store::Connection& c) -> core::Status {
    auto r = cancel_post(c, org_b_, p.id, now());
    if (!r) return std::move(r).error();
    return core::Ok{};
  });
  ASSERT_FALSE(canceled);
  EXPECT_EQ(canceled.error().code, core::ErrorCode::not_found);

  const auto requeued = status_of([&](store::Connection& c) { return requeue_failed_targets(c, org_b_, p.id, now()); });
  ASSERT_FALSE(requeued);
  EXPECT_EQ(requeued.error().code, core::ErrorCode::not_found);

  // A PATCH forged with the other org's id changes nothing.
  Post scheduled = add(org_a_, Kind::scheduled);
  Post forged = make_post(org_b_, Kind::scheduled);
  forged.id = scheduled.id;
  for (auto& t : forged.targets) t.post_id = scheduled.id;
  forged.containers[0].content = "hijacked";
  EXPECT_FALSE(write_status([&](store::Connection& c) { return replace_unpublished(c, forged, 1, now()); }));
  const auto still = must_find(scheduled.id);
  EXPECT_EQ(still.containers[0].content, scheduled.containers[0].content);
  EXPECT_EQ(ids_of(still.targets), ids_of(scheduled.targets));
  EXPECT_EQ(still.version, 1);

  // Org A still sees everything unchanged.
  const auto mine = must_find(p.id);
  EXPECT_EQ(mine.status, "queued");
  EXPECT_EQ(list(org_a_).items.size(), 2u);
  EXPECT_EQ(attempts(org_a_, p.id).size(), 1u);
}

TEST_P(PostStore, IdempotencyKeyIsUniquePerOrganisation) {
  Post first = make_post(org_a_);
  first.idempotency_key = "create-1";
  add(first);

  Post again = make_post(org_a_);
  again.idempotency_key = "create-1";
  const auto s = try_insert(again);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::conflict) << describe(s.error());
  EXPECT_FALSE(find(org_a_, again.id));
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_targets WHERE post_id = $1", {again.id}), 0);

  const auto by_key =
      read<std::optional<Post>>([&](store::Connection& c) { return find_post_by_key(c, org_a_, "create-1"); });
  ASSERT_TRUE(by_key);
  EXPECT_EQ(by_key->id, first.id);
  EXPECT_EQ(ids_of(by_key->targets), ids_of(first.targets));

  // Another organisation may use the same key.
  Post other = make_post(org_b_);
  other.idempotency_key = "create-1";
  ASSERT_TRUE(try_insert(other));
  const auto b =
      read<std::optional<Post>>([&](store::Connection& c) { return find_post_by_key(c, org_b_, "create-1"); });
  ASSERT_TRUE(b);
  EXPECT_EQ(b->id, other.id);

  // Posts without a key never collide.
  ASSERT_TRUE(try_insert(make_post(org_a_)));
  ASSERT_TRUE(try_insert(make_post(org_a_)));
  EXPECT_EQ(list(org_a_).items.size(), 3u);

  // A canceled post keeps its key: a replay finds it, a new insert still conflicts.
  Post draft = make_post(org_a_, Kind::draft);
  draft.idempotency_key = "create-2";
  add(draft);
  write<Post>([&](store::Connection& c) { return cancel_post(c, org_a_, draft.id, now()); });
  const auto replay =
      read<std::optional<Post>>([&](store::Connection& c) { return find_post_by_key(c, org_a_, "create-2"); });
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->id, draft.id);
  EXPECT_EQ(replay->status, "canceled");
  Post after_cancel = make_post(org_a_);
  after_cancel.idempotency_key = "create-2";
  const auto s2 = try_insert(after_cancel);
  ASSERT_FALSE(s2);
  EXPECT_EQ(s2.error().code, core::ErrorCode::conflict);
}

// ===========================================================================
// Listing

TEST_P(PostStore, ListFiltersEachNarrowTheList) {
  const auto t0 = now();
  Post p1 = make_post(org_a_, Kind::queued, {{"acct-x1", "x"}});
  p1.tenant_id = "t1";
  p1.external_ref = "ref-1";
  add(p1);
  clock_.advance(1s);
  Post p2 = make_post(org_a_, Kind::scheduled, {{"acct-b1", "bluesky"}}, t0 + 2h);
  p2.tenant_id = "t2";
  p2.external_ref = "ref-2";
  add(p2);
  clock_.advance(1s);
  Post p3 = make_post(org_a_, Kind::draft, {{"acct-x2", "x"}, {"acct-li", "linkedin"}});
  p3.tenant_id = "t1";
  add(p3);
  clock_.advance(1s);
  Post p4 = make_post(org_a_, Kind::scheduled, {{"acct-x1", "x"}, {"acct-b1", "bluesky"}}, t0 + 5h);
  add(p4);
  // The other org's look-alike never shows.
  Post ob = make_post(org_b_, Kind::queued, {{"acct-x1", "x"}});
  ob.tenant_id = "t1";
  ob.external_ref = "ref-1";
  add(ob);

  using V = std::vector<std::string>;
  EXPECT_EQ(list_ids(org_a_), (V{p4.id, p3.id, p2.id, p1.id}));
  auto f = [](auto set) {
    PostFilter pf;
    set(pf);
    return pf;
  };
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.status = "scheduled"; })), (V{p4.id, p2.id}));
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.status = "draft"; })), (V{p3.id}));
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.status = "queued"; })), (V{p1.id}));
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.status = "published"; })), V{});
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.platform = "x"; })), (V{p4.id, p3.id, p1.id}));
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.platform = "linkedin"; })), (V{p3.id}));
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.platform = "reddit"; })), V{});
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.account_id = "acct-x1"; })), (V{p4.id, p1.id}));
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.account_id = "acct-b1"; })), (V{p4.id, p2.id}));
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.tenant_id = "t1"; })), (V{p3.id, p1.id}));
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.tenant_id = "t2"; })), (V{p2.id}));
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.external_ref = "ref-1"; })), (V{p1.id}));
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.external_ref = "ref-9"; })), V{});
  // created_after is inclusive, created_before exclusive.
  EXPECT_EQ(list_ids(org_a_, f([&](PostFilter& x) { x.created_after = t0 + 1s; })), (V{p4.id, p3.id, p2.id}));
  EXPECT_EQ(list_ids(org_a_, f([&](PostFilter& x) { x.created_before = t0 + 2s; })), (V{p2.id, p1.id}));
  EXPECT_EQ(list_ids(org_a_, f([&](PostFilter& x) {
                       x.created_after = t0 + 1s;
                       x.created_before = t0 + 3s;
                     })),
            (V{p3.id, p2.id}));
  // Scheduled ranges only match scheduled posts; after inclusive, before exclusive.
  EXPECT_EQ(list_ids(org_a_, f([&](PostFilter& x) { x.scheduled_after = t0; })), (V{p4.id, p2.id}));
  EXPECT_EQ(list_ids(org_a_, f([&](PostFilter& x) { x.scheduled_after = t0 + 2h + 1ms; })), (V{p4.id}));
  EXPECT_EQ(list_ids(org_a_, f([&](PostFilter& x) { x.scheduled_before = t0 + 5h; })), (V{p2.id}));
  EXPECT_EQ(list_ids(org_a_, f([&](PostFilter& x) {
                       x.scheduled_after = t0 + 2h;
                       x.scheduled_before = t0 + 5h + 1ms;
                     })),
            (V{p4.id, p2.id}));
  // Filters combine.
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) {
                       x.tenant_id = "t1";
                       x.platform = "x";
                       x.status = "draft";
                     })),
            (V{p3.id}));
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) {
                       x.account_id = "acct-x1";
                       x.platform = "bluesky";
                     })),
            (V{p4.id}));

  // Listed posts carry their targets, in order.
  const auto page = list(org_a_, f([](PostFilter& x) { x.platform = "linkedin"; }));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(ids_of(page.items[0].targets), ids_of(p3.targets));
  expect_same_containers(page.items[0].containers, p3.containers);

  // A canceled post is gone from the list.
  write<Post>([&](store::Connection& c) { return cancel_post(c, org_a_, p3.id, now()); });
  EXPECT_EQ(list_ids(org_a_), (V{p4.id, p2.id, p1.id}));
  EXPECT_EQ(list_ids(org_a_, f([](PostFilter& x) { x.status = "canceled"; })), V{});
}

TEST_P(PostStore, KeysetPagingIsStableAcrossEqualCreatedAt) {
  std::vector<Post> all;
  for (int i = 0; i < 3; ++i) all.push_back(add(org_a_));
  clock_.advance(1ms);
  for (int i = 0; i < 7; ++i) all.push_back(add(org_a_));  // seven with one created_at
  clock_.advance(1ms);
  for (int i = 0; i < 2; ++i) all.push_back(add(org_a_));
  add(org_b_);

  std::vector<std::pair<std::int64_t, std::string>> want;
  for (const auto& p : all) want.emplace_back(core::to_unix_ms(p.created_at), p.id);
  std::sort(want.begin(), want.end(), std::greater<>());

  std::vector<std::pair<std::int64_t, std::string>> got;
  std::optional<store::KeysetPosition> after;
  int pages = 0;
  while (true) {
    const auto page = list(org_a_, {}, after, 3);
    ++pages;
    ASSERT_LE(page.items.size(), 3u);
    for (const auto& p : page.items) got.emplace_back(core::to_unix_ms(p.created_at), p.id);
    if (pages == 2) {
      // A post created while paging sorts before the cursor: never seen later.
      clock_.advance(1s);
      add(org_a_);
    }
    if (!page.has_more) break;
    ASSERT_FALSE(page.items.empty());
    after = store::KeysetPosition{core::to_unix_ms(page.items.back().created_at), page.items.back().id};
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(got, want);
  // Exactly the page size on the last full page: has_more false, nothing follows.
  const auto exact = list(org_a_, {}, store::KeysetPosition{want[8].first, want[8].second}, 3);
  EXPECT_EQ(exact.items.size(), 3u);
  EXPECT_FALSE(exact.has_more);
}

// ===========================================================================
// The target queue

TEST_P(PostStore, DraftsAndCanceledPostsAreNeverClaimed) {
  const auto d = add(org_a_, Kind::draft);
  const auto s = add(org_a_, Kind::scheduled);
  write<Post>([&](store::Connection& c) { return cancel_post(c, org_a_, s.id, now()); });
  EXPECT_TRUE(claim("w").target_ids.empty());
  clock_.advance(24h * 800);
  EXPECT_TRUE(claim("w").target_ids.empty());
  for (const auto& t : must_find(d.id).targets) EXPECT_EQ(t.status, "pending");
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_targets WHERE lease_owner IS NOT NULL"), 0);
}

TEST_P(PostStore, ScheduledTargetsAreClaimedOnlyOnceDue) {
  const auto p = add(make_post(org_a_, Kind::scheduled, {{"a1", "x"}, {"a2", "bluesky"}}, now() + 1h));
  EXPECT_TRUE(claim("w").target_ids.empty());
  clock_.advance(1h - 1ms);
  EXPECT_TRUE(claim("w").target_ids.empty());
  clock_.advance(1ms);
  const auto c = claim("w");
  EXPECT_EQ(std::set<std::string>(c.target_ids.begin(), c.target_ids.end()),
            (std::set<std::string>{p.targets[0].id, p.targets[1].id}));
  EXPECT_EQ(c.post_ids, std::vector<std::string>{p.id});
  for (const auto& t : must_find(p.id).targets) {
    EXPECT_EQ(t.status, "publishing");
    EXPECT_EQ(lease_owner(t.id), "w");
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_targets WHERE lease_until = $1", {core::to_unix_ms(now() + kLease)}), 2);
}

TEST_P(PostStore, ClaimTakesTheEarliestDueFirstUpToTheLimit) {
  const auto late = add(make_post(org_a_, Kind::scheduled, {{"a1", "x"}}, now() + 3h));
  const auto early = add(make_post(org_a_, Kind::scheduled, {{"a2", "x"}}, now() + 1h));
  const auto mid = add(make_post(org_a_, Kind::scheduled, {{"a3", "x"}}, now() + 2h));
  clock_.advance(4h);
  EXPECT_EQ(claim("w", 1).target_ids, std::vector<std::string>{early.targets[0].id});
  EXPECT_EQ(claim("w", 1).target_ids, std::vector<std::string>{mid.targets[0].id});
  EXPECT_EQ(claim("w", 5).target_ids, std::vector<std::string>{late.targets[0].id});
  // Several posts: each post id once, sorted.
  const auto a = add(org_a_);
  const auto b = add(org_a_);
  const auto c = claim("w");
  EXPECT_EQ(c.target_ids.size(), 4u);
  std::vector<std::string> want{a.id, b.id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(c.post_ids, want);
}

TEST_P(PostStore, AClaimLeasesTheTargetUntilTheLeaseRunsOut) {
  const auto p = add(org_a_);
  const std::set<std::string> both{p.targets[0].id, p.targets[1].id};
  EXPECT_EQ(claimed_ids("w1"), both);
  EXPECT_TRUE(claimed_ids("w2").empty());
  clock_.advance(kLease - 1ms);
  EXPECT_TRUE(claimed_ids("w2").empty());
  clock_.advance(1ms);
  EXPECT_EQ(claimed_ids("w2"), both);
  EXPECT_EQ(lease_owner(p.targets[0].id), "w2");
  EXPECT_EQ(lease_owner(p.targets[1].id), "w2");
  EXPECT_TRUE(claimed_ids("w1").empty());
}

TEST_P(PostStore, SaveTargetWritesEveryColumnUnderTheLease) {
  Post p = make_post(org_a_);
  p.tenant_id = "tenant-w";
  add(p);
  claim("w");
  auto w = read<std::optional<Work>>([&](store::Connection& c) { return load_work(c, p.targets[1].id); });
  ASSERT_TRUE(w);
  EXPECT_EQ(w->tenant_id, "tenant-w");
  expect_same_containers(w->containers, p.containers);
  EXPECT_EQ(w->target.status, "publishing");
  EXPECT_FALSE(read<std::optional<Work>>([&](store::Connection& c) { return load_work(c, "no-such-target"); }));

  PostTarget t = w->target;
  t.status = std::string(target::kPublished);
  t.attempts = 3;
  t.failures = 1;
  t.due_at = now() + 10s;
  t.intent_position = 1;
  t.intent_at = now() - 1s;
  t.platform_post_id = "at://did:plc:abc/app.bsky.feed.post/3k";
  t.platform_post_url = "https://bsky.app/profile/abc/post/3k";
  t.platform_ref = {{"cid", "bafyroot"}, {"uri", "at://root"}};
  t.published_at = now() - 2s;
  t.error = TargetError{"platform_unavailable", "Try later.", true, 503};
  t.replies[0].status = "failed";
  t.replies[0].error = TargetError{"rate_limited", "Slow down.", true, 429};
  t.replies[0].ref_extra = {{"cid", "bafyreply"}};
  clock_.advance(5s);
  ASSERT_TRUE(save(t, "w", now() + kLease));
  const auto got = target(t.id);
  expect_same_target(got, t);
  EXPECT_EQ(got.updated_at, now());
  EXPECT_EQ(lease_owner(t.id), "w");
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_targets WHERE id = $1 AND lease_until = $2",
                  {t.id, core::to_unix_ms(now() + kLease)}),
            1);

  // Clearing optional columns writes NULLs; no lease releases the target.
  t.intent_position.reset();
  t.intent_at.reset();
  t.error.reset();
  t.due_at.reset();
  ASSERT_TRUE(save(t, "w", std::nullopt));
  expect_same_target(target(t.id), t);
  EXPECT_FALSE(lease_owner(t.id));
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_targets WHERE id = $1 AND lease_until IS NULL", {t.id}), 1);
  // Released, it is no one's: even the old owner cannot write it.
  EXPECT_FALSE(save(t, "w", now() + kLease));
}

TEST_P(PostStore, SaveTargetRefusesALostLease) {
  const auto p = add(org_a_);
  claim("w1");
  clock_.advance(kLease);
  ASSERT_EQ(claimed_ids("w2").size(), 2u);

  PostTarget stale = target(p.targets[0].id);
  const auto before = stale;
  stale.status = std::string(target::kError);
  stale.attempts = 9;
  stale.error = TargetError{"late", "Late write.", false, std::nullopt};
  stale.due_at.reset();
  EXPECT_FALSE(save(stale, "w1", std::nullopt));
  EXPECT_FALSE(save(stale, "w1", now() + kLease));
  EXPECT_FALSE(save(stale, "someone", now() + kLease));
  const auto after = target(p.targets[0].id);
  expect_same_target(after, before);
  EXPECT_EQ(lease_owner(p.targets[0].id), "w2");

  // The holder may write; a release with a later due time (a retry backoff)
  // keeps it from any claim until then.
  PostTarget t = before;
  t.status = std::string(target::kFailed);
  t.failures = 1;
  t.due_at = now() + 30s;
  EXPECT_TRUE(save(t, "w2", std::nullopt));
  EXPECT_EQ(target_status(t.id), "failed");
  EXPECT_TRUE(claimed_ids("w3").empty());
  clock_.advance(30s);
  EXPECT_TRUE(claimed_ids("w3").contains(t.id));
}

TEST_P(PostStore, AdoptRootIdNeverOverwritesAnId) {
  const auto p = add(org_a_);
  claim("w1");
  PostTarget t = target(p.targets[0].id);
  t.intent_position = 0;
  t.intent_at = now();
  ASSERT_TRUE(save(t, "w1", now() + kLease));
  clock_.advance(kLease);
  ASSERT_EQ(claimed_ids("w2").size(), 2u);  // w1's lease is lost

  // The platform answers w1 anyway: its id is recorded, the intent cleared.
  PostTarget answer = t;
  answer.platform_post_id = "root-1";
  answer.platform_post_url = "https://x.com/i/status/root-1";
  answer.platform_ref = {{"k", "v1"}};
  ASSERT_TRUE(status_of([&](store::Connection& c) { return adopt_root_id(c, answer, now()); }));
  auto got = target(t.id);
  EXPECT_EQ(got.platform_post_id, "root-1");
  EXPECT_EQ(got.platform_post_url, "https://x.com/i/status/root-1");
  EXPECT_EQ(json::serialize(got.platform_ref), json::serialize(answer.platform_ref));
  EXPECT_FALSE(got.intent_position);
  EXPECT_FALSE(got.intent_at);
  EXPECT_EQ(lease_owner(t.id), "w2");  // the lease is untouched

  // A second answer never replaces the first.
  PostTarget other = t;
  other.platform_post_id = "root-2";
  other.platform_post_url = "https://x.com/i/status/root-2";
  other.platform_ref = {{"k", "v2"}};
  ASSERT_TRUE(status_of([&](store::Connection& c) { return adopt_root_id(c, other, now()); }));
  got = target(t.id);
  EXPECT_EQ(got.platform_post_id, "root-1");
  EXPECT_EQ(got.platform_post_url, "https://x.com/i/status/root-1");
  EXPECT_EQ(json::serialize(got.platform_ref), json::serialize(answer.platform_ref));
}

TEST_P(PostStore, ClaimingALiveTargetKeepsItPublished) {
  const auto p = add(make_post(org_a_, Kind::queued, {{"a1", "x"}}));
  claim("w");
  PostTarget t = target(p.targets[0].id);
  t.status = std::string(target::kPublished);
  t.platform_post_id = "root";
  t.due_at = now() + 1min;  // a reply waits for a retry
  t.replies[0].status = "failed";
  ASSERT_TRUE(save(t, "w", std::nullopt));
  clock_.advance(1min);
  EXPECT_TRUE(claimed_ids("w2").contains(t.id));
  EXPECT_EQ(target_status(t.id), "published");
}

TEST_P(PostStore, ConcurrentClaimersNeverGetTheSameTarget) {
  constexpr int kPosts = 50, kPerPost = 4, kTargets = kPosts * kPerPost;
  std::set<std::string> all;
  write<bool>([&](store::Connection& c) -> core::Result<bool> {
    for (int i = 0; i < kPosts; ++i) {
      std::vector<Acct> accts;
      for (int j = 0; j < kPerPost; ++j) accts.push_back({"acct-" + std::to_string(j), "x"});
      const auto p = make_post(org_a_, Kind::queued, accts);
      for (const auto& t : p.targets) all.insert(t.id);
      auto s = insert_post(c, p);
      if (!s) return std::move(s).error();
    }
    return true;
  });
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kTargets));

  auto second = open(backend_->url());
  std::array<store::Database*, 2> dbs{db_.get(), second.get()};
  constexpr int kThreads = 4;
  std::latch start(kThreads);
  std::atomic<int> total{0};
  std::mutex mu;
  std::vector<std::string> errors;
  std::vector<std::vector<std::string>> got(kThreads);
  const auto t = now();
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      store::Database& db = *dbs[static_cast<std::size_t>(i % 2)];
      const std::string owner = "owner-" + std::to_string(i);
      start.arrive_and_wait();
      const auto deadline = std::chrono::steady_clock::now() + 60s;
      while (total.load() < kTargets && std::chrono::steady_clock::now() < deadline) {
        Claimed c;
        auto s = db.transaction([&](store::Connection& conn) -> core::Status {
          auto r = claim_due_targets(conn, db.dialect(), owner, t, t + 1h, 7);
          if (!r) return std::move(r).error();
          c = std::move(*r);
          return core::Ok{};
        });
        if (!s) {
          std::lock_guard lock(mu);
          errors.push_back(owner + ": " + describe(s.error()));
          continue;
        }
        for (auto& id : c.target_ids) got[static_cast<std::size_t>(i)].push_back(id);
        total += static_cast<int>(c.target_ids.size());
      }
    });
  for (auto& th : threads) th.join();

  EXPECT_TRUE(errors.empty()) << errors.size() << " claim errors, first: " << (errors.empty() ? "" : errors[0]);
  std::map<std::string, int> times;
  std::map<std::string, std::string> owner_of;
  for (int i = 0; i < kThreads; ++i)
    for (const auto& id : got[static_cast<std::size_t>(i)]) {
      ++times[id];
      owner_of[id] = "owner-" + std::to_string(i);
    }
  EXPECT_EQ(total.load(), kTargets);
  std::set<std::string> union_ids;
  for (const auto& [id, n] : times) {
    union_ids.insert(id);
    EXPECT_EQ(n, 1) << id << " claimed " << n << " times";
  }
  EXPECT_EQ(union_ids, all);
  for (const auto& r : rows("SELECT id, lease_owner, status FROM post_targets")) {
    ASSERT_FALSE(r.is_null(1)) << r.text(0) << " was never claimed";
    EXPECT_EQ(owner_of[r.text(0)], r.text(1)) << r.text(0);
    EXPECT_EQ(r.text(2), "publishing");
  }
}

// A claim in a transaction that has not committed: another process's claim
// neither gets those targets nor (PostgreSQL) waits for them.
TEST_P(PostStore, TargetsClaimedInAnOpenTransactionAreSkipped) {
  std::vector<Acct> accts;
  for (int j = 0; j < 10; ++j) accts.push_back({"acct-" + std::to_string(j), "x"});
  add(make_post(org_a_, Kind::queued, accts));
  auto second = open(backend_->url());
  const auto t = now();
  std::promise<void> claimed_first, other_done;
  auto other_done_future = other_done.get_future();
  Claimed first;
  std::atomic<bool> first_committed{false};
  std::thread holder([&] {
    auto s = db_->transaction([&](store::Connection& c) -> core::Status {
      auto r = claim_due_targets(c, db_->dialect(), "holder", t, t + 1h, 4);
      claimed_first.set_value();
      if (!r) return std::move(r).error();
      first = std::move(*r);
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

  ASSERT_EQ(first.target_ids.size(), 4u);
  EXPECT_EQ(others.target_ids.size(), 6u);
  for (const auto& id : first.target_ids)
    EXPECT_EQ(std::count(others.target_ids.begin(), others.target_ids.end(), id), 0) << id;
  if (postgres()) {
    EXPECT_TRUE(finished_while_open) << "the second claim waited for the first one's row locks";
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_targets WHERE lease_owner = 'holder'"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_targets WHERE lease_owner = 'other'"), 6);
}

// ===========================================================================
// Cancel, replace, requeue

TEST_P(PostStore, CancelHidesDraftScheduledAndUnclaimedQueuedPosts) {
  for (Kind kind : {Kind::draft, Kind::scheduled, Kind::queued}) {
    SCOPED_TRACE(static_cast<int>(kind));
    const auto p = add(org_a_, kind);
    clock_.advance(1s);
    const auto canceled = write<Post>([&](store::Connection& c) { return cancel_post(c, org_a_, p.id, now()); });
    EXPECT_EQ(canceled.id, p.id);
    EXPECT_EQ(canceled.status, "canceled");
    EXPECT_EQ(canceled.updated_at, now());
    ASSERT_EQ(canceled.targets.size(), 2u);
    for (const auto& t : canceled.targets) {
      EXPECT_EQ(t.status, "canceled");
      EXPECT_FALSE(t.due_at);
    }
    EXPECT_FALSE(find(org_a_, p.id));
    for (const auto& id : list_ids(org_a_)) EXPECT_NE(id, p.id);
    EXPECT_EQ(count("SELECT COUNT(*) FROM posts WHERE id = $1 AND status = 'canceled' AND deleted_at = $2",
                    {p.id, core::to_unix_ms(now())}),
              1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM post_targets WHERE post_id = $1 AND status = 'canceled' AND due_at IS NULL",
                    {p.id}),
              2);
    // Then 404.
    const auto again = status_of([&](store::Connection& c) -> core::Status {
      auto r = cancel_post(c, org_a_, p.id, now());
      if (!r) return std::move(r).error();
      return core::Ok{};
    });
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, core::ErrorCode::not_found);
  }
  clock_.advance(24h);
  EXPECT_TRUE(claim("w").target_ids.empty());
}

TEST_P(PostStore, CancelRefusesOnceAWorkerTookATarget) {
  // A post whose only target was claimed (not rolled up yet: still queued).
  const auto p = add(make_post(org_a_, Kind::queued, {{"a1", "x"}}));
  ASSERT_EQ(claimed_ids("w", 1), (std::set<std::string>{p.targets[0].id}));
  // A post with one target claimed (the earlier due) and one not.
  Post mixed = make_post(org_a_, Kind::queued, {{"a4", "x"}, {"a5", "x"}});
  mixed.targets[1].due_at = now() - 1s;
  add(mixed);
  ASSERT_EQ(claimed_ids("w", 1), (std::set<std::string>{mixed.targets[1].id}));
  EXPECT_EQ(post_status(mixed.id), "queued");

  for (const Post* post : std::array<const Post*, 2>{&p, &mixed}) {
    const auto before = must_find(post->id);
    const auto s = write_status([&](store::Connection& c) -> core::Status {
      auto r = cancel_post(c, org_a_, post->id, now());
      if (!r) return std::move(r).error();
      return core::Ok{};
    });
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, core::ErrorCode::conflict);
    const auto after = must_find(post->id);
    EXPECT_EQ(after.status, before.status);
    ASSERT_EQ(after.targets.size(), before.targets.size());
    for (std::size_t i = 0; i < after.targets.size(); ++i) {
      EXPECT_EQ(after.targets[i].status, before.targets[i].status) << i;
      EXPECT_EQ(after.targets[i].due_at, before.targets[i].due_at) << i;
    }
  }
  EXPECT_EQ(target_status(mixed.targets[0].id), "queued");
  EXPECT_EQ(target_status(mixed.targets[1].id), "publishing");
  EXPECT_EQ(count("SELECT COUNT(*) FROM posts WHERE deleted_at IS NOT NULL"), 0);
  // The unclaimed target is still there for a worker.
  EXPECT_EQ(claimed_ids("w2"), (std::set<std::string>{mixed.targets[0].id}));
}

TEST_P(PostStore, CancelRefusesPublishingAndSettledPosts) {
  const auto p = add(make_post(org_a_, Kind::queued, {{"a1", "x"}}));
  claim("w");
  roll(p.id);
  EXPECT_EQ(post_status(p.id), "publishing");
  auto cancel = [&](const std::string& id) {
    return write_status([&](store::Connection& c) -> core::Status {
      auto r = cancel_post(c, org_a_, id, now());
      if (!r) return std::move(r).error();
      return core::Ok{};
    });
  };
  auto s = cancel(p.id);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::conflict);

  settle(p.targets[0].id, target::kPublished);
  EXPECT_EQ(post_status(p.id), "published");
  s = cancel(p.id);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(post_status(p.id), "published");
  EXPECT_TRUE(find(org_a_, p.id));
}

TEST_P(PostStore, ReplaceUnpublishedChecksTheVersionAndReplacesTargets) {
  const auto p = add(org_a_, Kind::scheduled);
  clock_.advance(1s);
  Post next = make_post(org_a_, Kind::scheduled, {{"acct-new", "linkedin"}}, now() + 4h);
  next.id = p.id;
  for (auto& t : next.targets) t.post_id = p.id;
  next.containers = {Container{"ctr_0", 0, "main", "Edited", {}}};
  next.default_config = {{"visibility", "PUBLIC"}};
  next.tenant_id = "tenant-edited";
  next.created_at = p.created_at;
  ASSERT_TRUE(write_status([&](store::Connection& c) { return replace_unpublished(c, next, 1, now()); }));

  auto got = must_find(p.id);
  EXPECT_EQ(got.version, 2);
  EXPECT_EQ(got.updated_at, now());
  EXPECT_EQ(got.created_at, p.created_at);
  EXPECT_EQ(got.scheduled_at, now() + 4h);
  EXPECT_EQ(got.tenant_id, "tenant-edited");
  expect_same_containers(got.containers, next.containers);
  EXPECT_EQ(json::serialize(got.default_config), json::serialize(next.default_config));
  EXPECT_EQ(ids_of(got.targets), ids_of(next.targets));
  EXPECT_EQ(got.targets[0].platform, "linkedin");
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_targets WHERE post_id = $1", {p.id}), 1);

  // A stale version: 412 and nothing changes.
  Post stale = next;
  stale.containers[0].content = "Stale edit";
  stale.targets = make_post(org_a_, Kind::scheduled, {{"acct-stale", "x"}}, now() + 4h).targets;
  for (auto& t : stale.targets) t.post_id = p.id;
  const auto s = write_status([&](store::Connection& c) { return replace_unpublished(c, stale, 1, now()); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::precondition_failed) << describe(s.error());
  got = must_find(p.id);
  EXPECT_EQ(got.version, 2);
  EXPECT_EQ(got.containers[0].content, "Edited");
  EXPECT_EQ(ids_of(got.targets), ids_of(next.targets));

  // Scheduled → draft with the right version: no due time any more.
  Post draft = next;
  draft.status = std::string(kDraft);
  draft.is_draft = true;
  draft.scheduled_at.reset();
  draft.targets = make_post(org_a_, Kind::draft, {{"acct-d", "x"}}).targets;
  for (auto& t : draft.targets) t.post_id = p.id;
  ASSERT_TRUE(write_status([&](store::Connection& c) { return replace_unpublished(c, draft, 2, now()); }));
  got = must_find(p.id);
  EXPECT_EQ(got.version, 3);
  EXPECT_EQ(got.status, "draft");
  EXPECT_TRUE(got.is_draft);
  EXPECT_FALSE(got.scheduled_at);
  clock_.advance(24h);
  EXPECT_TRUE(claim("w").target_ids.empty());
}

TEST_P(PostStore, ReplaceUnpublishedRefusesStartedPosts) {
  Post p = make_post(org_a_, Kind::scheduled, {{"a1", "x"}, {"a2", "x"}}, now() + 1h);
  p.targets[1].due_at = now() + 2h;  // only the first comes due
  add(p);
  clock_.advance(1h);
  ASSERT_EQ(claimed_ids("w"), (std::set<std::string>{p.targets[0].id}));
  Post next = must_find(p.id);
  next.containers[0].content = "Too late";
  const auto s = write_status([&](store::Connection& c) { return replace_unpublished(c, next, 1, now()); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::conflict) << describe(s.error());
  const auto got = must_find(p.id);
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.containers[0].content, p.containers[0].content);
  EXPECT_EQ(got.targets[0].status, "publishing");
  EXPECT_EQ(got.targets[1].status, "pending");

  // An immediate (queued) post's targets are not pending: conflict as well.
  const auto q = add(org_a_, Kind::queued);
  Post qn = q;
  qn.containers[0].content = "Edit";
  const auto sq = write_status([&](store::Connection& c) { return replace_unpublished(c, qn, 1, now()); });
  ASSERT_FALSE(sq);
  EXPECT_EQ(sq.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(must_find(q.id).containers[0].content, q.containers[0].content);
}

// A DELETE that races a worker's claim (the claim not committed yet when the
// cancel starts): either the claim wins and the cancel is refused, with the
// claimed target intact, or the cancel wins and nothing is claimed.
TEST_P(PostStore, CancelRacingAClaimNeverCancelsAClaimedTarget) {
  const auto p = add(make_post(org_a_, Kind::queued, {{"a1", "x"}, {"a2", "x"}}));
  const auto [claimed, s] = race_with_open_claim([&](store::Connection& c) -> core::Status {
    auto r = cancel_post(c, org_a_, p.id, now());
    if (!r) return std::move(r).error();
    return core::Ok{};
  });
  ASSERT_EQ(claimed.target_ids.size(), 2u);
  ASSERT_FALSE(s) << "the post was canceled under a worker's claim";
  EXPECT_EQ(s.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(post_status(p.id), "queued");
  for (const auto& t : p.targets) {
    EXPECT_EQ(target_status(t.id), "publishing");
    EXPECT_EQ(lease_owner(t.id), "holder");
  }
  EXPECT_TRUE(find(org_a_, p.id));
}

// A PATCH that races a worker's claim of a scheduled post coming due: the
// claimed target must survive (its worker may already be creating it at the
// platform), so the edit is refused with a conflict.
TEST_P(PostStore, ReplaceRacingAClaimNeverDeletesTheClaimedTarget) {
  const auto p = add(make_post(org_a_, Kind::scheduled, {{"a1", "x"}}, now() + 1h));
  clock_.advance(1h);
  Post next = must_find(p.id);
  next.containers[0].content = "Edited at the last second";
  next.scheduled_at = now() + 1h;
  next.targets = make_post(org_a_, Kind::scheduled, {{"a1", "x"}}, now() + 1h).targets;
  for (auto& t : next.targets) t.post_id = p.id;
  const auto [claimed, s] =
      race_with_open_claim([&](store::Connection& c) { return replace_unpublished(c, next, 1, now()); });
  ASSERT_EQ(claimed.target_ids, std::vector<std::string>{p.targets[0].id});
  EXPECT_FALSE(s) << "the edit succeeded and deleted the target a worker had just claimed";
  if (!s) {
    EXPECT_EQ(s.error().code, core::ErrorCode::conflict);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_targets WHERE id = $1 AND lease_owner = 'holder'", {p.targets[0].id}), 1);
  const auto got = must_find(p.id);
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.containers[0].content, p.containers[0].content);
  EXPECT_EQ(ids_of(got.targets), ids_of(p.targets));
}

TEST_P(PostStore, RequeueFailedTargetsRequeuesOnlyErrorTargets) {
  const auto p = add(make_post(org_a_, Kind::queued, {{"a1", "x"}, {"a2", "x"}, {"a3", "bluesky"}}));
  claim("w");
  settle(p.targets[0].id, target::kPublished);
  settle(p.targets[1].id, target::kError);
  settle(p.targets[2].id, target::kError);
  ASSERT_EQ(post_status(p.id), "partial");
  {
    // Attempts survive the requeue.
    PostTarget t = target(p.targets[1].id);
    EXPECT_EQ(lease_owner(t.id), std::nullopt);
    ASSERT_TRUE(status_of([&](store::Connection& c) -> core::Status {
      auto n = c.execute("UPDATE post_targets SET attempts = 5, failures = 5 WHERE id = $1", {t.id});
      if (!n) return std::move(n).error();
      return core::Ok{};
    }));
  }
  const auto published_before = target(p.targets[0].id);
  clock_.advance(1min);
  ASSERT_TRUE(write_status([&](store::Connection& c) { return requeue_failed_targets(c, org_a_, p.id, now()); }));

  for (const auto& id : {p.targets[1].id, p.targets[2].id}) {
    const auto t = target(id);
    EXPECT_EQ(t.status, "queued");
    EXPECT_EQ(t.due_at, now());
    EXPECT_EQ(t.failures, 0);
    EXPECT_FALSE(t.error);
    EXPECT_EQ(t.updated_at, now());
  }
  EXPECT_EQ(target(p.targets[1].id).attempts, 5);
  expect_same_target(target(p.targets[0].id), published_before);
  // The post status after a retry: RequeueLeavesThePostStatusTheRollupGives.
  EXPECT_EQ(claimed_ids("w2"), (std::set<std::string>{p.targets[1].id, p.targets[2].id}));

  // None left in error: 409, nothing changed.
  const auto s = write_status([&](store::Connection& c) { return requeue_failed_targets(c, org_a_, p.id, now()); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(target_status(p.targets[1].id), "publishing");
}

TEST_P(PostStore, RequeueRefusesWhenNoTargetFailedForGood) {
  const auto p = add(make_post(org_a_, Kind::queued, {{"a1", "x"}, {"a2", "x"}}));
  auto requeue = [&] {
    return write_status([&](store::Connection& c) { return requeue_failed_targets(c, org_a_, p.id, now()); });
  };
  auto s = requeue();  // queued
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::conflict);
  claim("w");
  settle(p.targets[0].id, target::kFailed);  // will retry: not `error`
  settle(p.targets[1].id, target::kPublished);
  s = requeue();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(target_status(p.targets[0].id), "failed");
  EXPECT_EQ(target_status(p.targets[1].id), "published");
  EXPECT_EQ(post_status(p.id), "publishing");
}

// D27: a post with a live target and others waiting to publish is
// `publishing`. A retry of a partial post leaves exactly that, so the stored
// status must be what the rollup gives for its targets.
TEST_P(PostStore, RequeueLeavesThePostStatusTheRollupGives) {
  const auto p = add(make_post(org_a_, Kind::queued, {{"a1", "x"}, {"a2", "x"}}));
  claim("w");
  settle(p.targets[0].id, target::kPublished);
  settle(p.targets[1].id, target::kError);
  ASSERT_EQ(post_status(p.id), "partial");
  ASSERT_TRUE(write_status([&](store::Connection& c) { return requeue_failed_targets(c, org_a_, p.id, now()); }));
  std::vector<std::string> statuses;
  for (const auto& t : must_find(p.id).targets) statuses.push_back(t.status);
  EXPECT_EQ(statuses, (std::vector<std::string>{"published", "queued"}));
  EXPECT_EQ(post_status(p.id), rolled_up_status("partial", false, statuses));
  EXPECT_EQ(post_status(p.id), "publishing");

  // A post that failed everywhere is simply queued again.
  const auto q = add(make_post(org_a_, Kind::queued, {{"a1", "x"}}));
  claim("w");
  settle(q.targets[0].id, target::kError);
  ASSERT_EQ(post_status(q.id), "failed");
  ASSERT_TRUE(write_status([&](store::Connection& c) { return requeue_failed_targets(c, org_a_, q.id, now()); }));
  EXPECT_EQ(post_status(q.id), "queued");
}

TEST_P(PostStore, AttemptsListInTimeOrderWithEveryField) {
  const auto p = add(org_a_);
  const auto q = add(org_a_);
  const auto& t = p.targets[0];
  const auto t0 = now();
  AttemptRecord a3 = attempt(p, t, 3, t0 + 2s);
  a3.outcome = "created";
  a3.container_position = 1;
  a3.platform_request_id = "req-3";
  AttemptRecord a1 = attempt(p, t, 1, t0);
  a1.outcome = "rate_limited";
  a1.error_code = "rate_limited";
  a1.message = "Too many requests.";
  a1.platform_status = 429;
  a1.retry_at = t0 + 30s;
  AttemptRecord a2 = attempt(p, p.targets[1], 2, t0 + 1s);
  AttemptRecord a2b = attempt(p, t, 2, t0 + 1s);  // same time: by id
  add_attempt(a3);
  add_attempt(a1);
  add_attempt(a2);
  add_attempt(a2b);
  add_attempt(attempt(q, q.targets[0], 1, t0));

  const auto got = attempts(org_a_, p.id);
  ASSERT_EQ(got.size(), 4u);
  std::vector<std::string> middle{a2.id, a2b.id};
  std::sort(middle.begin(), middle.end());
  EXPECT_EQ(got[0].id, a1.id);
  EXPECT_EQ(got[1].id, middle[0]);
  EXPECT_EQ(got[2].id, middle[1]);
  EXPECT_EQ(got[3].id, a3.id);

  const auto& r1 = got[0];
  EXPECT_EQ(r1.target_id, t.id);
  EXPECT_EQ(r1.post_id, p.id);
  EXPECT_EQ(r1.org, org_a_);
  EXPECT_EQ(r1.attempt, 1);
  EXPECT_EQ(r1.container_position, 0);
  EXPECT_EQ(r1.outcome, "rate_limited");
  EXPECT_EQ(r1.error_code, "rate_limited");
  EXPECT_EQ(r1.message, "Too many requests.");
  EXPECT_EQ(r1.platform_status, 429);
  EXPECT_FALSE(r1.platform_request_id);
  EXPECT_EQ(r1.retry_at, t0 + 30s);
  EXPECT_EQ(r1.latency_ms, 10);
  EXPECT_EQ(r1.created_at, t0);
  const auto& r3 = got[3];
  EXPECT_EQ(r3.outcome, "created");
  EXPECT_EQ(r3.container_position, 1);
  EXPECT_EQ(r3.platform_request_id, "req-3");
  EXPECT_FALSE(r3.error_code);
  EXPECT_FALSE(r3.message);
  EXPECT_FALSE(r3.platform_status);
  EXPECT_FALSE(r3.retry_at);

  EXPECT_EQ(attempts(org_a_, q.id).size(), 1u);
  EXPECT_TRUE(attempts(org_a_, "no-such-post").empty());
}

// ===========================================================================
// Rollup and post events

TEST(PostRollupStatus, FollowsEveryRuleOfD27) {
  using V = std::vector<std::string>;
  struct Case {
    std::string current;
    bool scheduled;
    V targets;
    std::string want;
  };
  const std::vector<Case> cases{
      // Any target publishing → publishing, whatever the others are.
      {"queued", false, {"publishing"}, "publishing"},
      {"queued", false, {"published", "publishing"}, "publishing"},
      {"publishing", false, {"error", "publishing", "published"}, "publishing"},
      {"scheduled", true, {"publishing", "pending"}, "publishing"},
      // All published → published.
      {"publishing", false, {"published"}, "published"},
      {"publishing", false, {"published", "published", "published"}, "published"},
      {"queued", true, {"published", "published"}, "published"},
      // All settled with some published → partial.
      {"publishing", false, {"published", "error"}, "partial"},
      {"publishing", false, {"error", "published", "error"}, "partial"},
      // All error → failed.
      {"publishing", false, {"error"}, "failed"},
      {"publishing", false, {"error", "error"}, "failed"},
      {"queued", true, {"error", "error"}, "failed"},
      // Otherwise publishing once anything happened.
      {"publishing", false, {"published", "failed"}, "publishing"},
      {"publishing", false, {"published", "queued"}, "publishing"},
      {"publishing", false, {"error", "queued"}, "publishing"},
      {"publishing", false, {"error", "failed"}, "publishing"},
      {"queued", false, {"failed"}, "publishing"},
      {"queued", false, {"failed", "queued"}, "publishing"},
      {"scheduled", true, {"failed", "pending"}, "publishing"},
      {"scheduled", true, {"published", "pending"}, "publishing"},
      // …else queued / scheduled.
      {"queued", false, {"queued", "queued"}, "queued"},
      {"publishing", false, {"queued"}, "queued"},
      {"scheduled", true, {"pending", "pending"}, "scheduled"},
      {"scheduled", true, {"pending", "queued"}, "queued"},
      {"scheduled", true, {"queued"}, "queued"},
      {"queued", false, {"pending"}, "queued"},
      // Drafts and canceled posts keep their status; no targets keep it too.
      {"draft", false, {"published", "publishing"}, "draft"},
      {"draft", true, {"pending"}, "draft"},
      {"canceled", false, {"published"}, "canceled"},
      {"canceled", false, {"canceled", "canceled"}, "canceled"},
      {"queued", false, {}, "queued"},
  };
  for (const auto& c : cases) {
    std::string label = c.current + (c.scheduled ? "+scheduled" : "") + " [";
    for (const auto& s : c.targets) label += s + " ";
    label += "]";
    EXPECT_EQ(rolled_up_status(c.current, c.scheduled, c.targets), c.want) << label;
  }
}

TEST_P(PostStore, PostPublishedIsEmittedOnceAsSoonAsOneTargetIsLive) {
  subscribe_all(org_a_);
  const auto p = add(make_post(org_a_, Kind::queued, {{"a1", "x"}, {"a2", "bluesky"}}));
  claim("w");
  EXPECT_FALSE(roll(p.id));  // nothing to say yet
  EXPECT_EQ(post_status(p.id), "publishing");

  EXPECT_TRUE(settle(p.targets[0].id, target::kPublished));
  EXPECT_EQ(post_status(p.id), "publishing");
  auto published = events("post.published", p.id);
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].at("id").as_string(), p.id);
  EXPECT_EQ(published[0].at("status").as_string(), "publishing");
  const auto target_events = events("post.target.published", p.id);
  ASSERT_EQ(target_events.size(), 1u);
  EXPECT_EQ(target_events[0].at("post_status").as_string(), "publishing");
  EXPECT_EQ(target_events[0].at("target").as_object().at("id").as_string(), p.targets[0].id);
  EXPECT_EQ(target_events[0].at("target").as_object().at("status").as_string(), "published");
  // Delivered to the subscribed endpoint.
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id "
                  "WHERE e.type = 'post.published'"),
            1);

  // Rolling up again (with or without events) never repeats it.
  EXPECT_FALSE(roll(p.id));
  EXPECT_FALSE(roll(p.id));
  EXPECT_EQ(events("post.published", p.id).size(), 1u);

  clock_.advance(1s);
  EXPECT_TRUE(settle(p.targets[1].id, target::kPublished));
  EXPECT_EQ(post_status(p.id), "published");
  EXPECT_EQ(events("post.published", p.id).size(), 1u);
  const auto second = events("post.target.published", p.id);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[1].at("post_status").as_string(), "published");
  EXPECT_TRUE(events("post.error", p.id).empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM posts WHERE id = $1 AND published_event_at IS NOT NULL", {p.id}), 1);
}

TEST_P(PostStore, PostErrorOnlyWhenEveryTargetFailedForGood) {
  subscribe_all(org_a_);
  // Both fail for good: post.error once, after the last one.
  const auto p = add(make_post(org_a_, Kind::queued, {{"a1", "x"}, {"a2", "x"}}));
  claim("w");
  settle(p.targets[0].id, target::kError);
  EXPECT_EQ(post_status(p.id), "publishing");
  EXPECT_TRUE(events("post.error", p.id).empty());
  auto failed = events("post.target.failed", p.id);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].at("post_status").as_string(), "publishing");
  EXPECT_EQ(failed[0].at("target").as_object().at("status").as_string(), "error");

  settle(p.targets[1].id, target::kError);
  EXPECT_EQ(post_status(p.id), "failed");
  auto error = events("post.error", p.id);
  ASSERT_EQ(error.size(), 1u);
  EXPECT_EQ(error[0].at("status").as_string(), "failed");
  failed = events("post.target.failed", p.id);
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[1].at("post_status").as_string(), "failed");
  roll(p.id);
  roll(p.id);
  EXPECT_EQ(events("post.error", p.id).size(), 1u);
  EXPECT_TRUE(events("post.published", p.id).empty());

  // Retried and then live: post.published follows, post.error is not repeated.
  ASSERT_TRUE(write_status([&](store::Connection& c) { return requeue_failed_targets(c, org_a_, p.id, now()); }));
  claim("w2");
  settle(p.targets[0].id, target::kPublished, "w2");
  EXPECT_EQ(events("post.published", p.id).size(), 1u);
  settle(p.targets[1].id, target::kError, "w2");
  EXPECT_EQ(post_status(p.id), "partial");
  EXPECT_EQ(events("post.error", p.id).size(), 1u);
  EXPECT_EQ(events("post.published", p.id).size(), 1u);

  // One live, one failed for good: partial, post.published, never post.error.
  const auto q = add(make_post(org_a_, Kind::queued, {{"a3", "x"}, {"a4", "x"}}));
  claim("w");
  settle(q.targets[0].id, target::kError);
  settle(q.targets[1].id, target::kPublished);
  EXPECT_EQ(post_status(q.id), "partial");
  EXPECT_TRUE(events("post.error", q.id).empty());
  EXPECT_EQ(events("post.published", q.id).size(), 1u);

  // A transient failure (will retry) is no target.failed and no post.error.
  const auto r = add(make_post(org_a_, Kind::queued, {{"a5", "x"}}));
  claim("w");
  settle(r.targets[0].id, target::kFailed);
  EXPECT_EQ(post_status(r.id), "publishing");
  EXPECT_TRUE(events("post.error", r.id).empty());
  EXPECT_TRUE(events("post.target.failed", r.id).empty());
}

TEST_P(PostStore, RollUpStoresEventsWithoutSubscribersAndReportsNoDelivery) {
  // No endpoint: the events are recorded, nothing is delivered, roll_up says false.
  const auto p = add(make_post(org_a_, Kind::queued, {{"a1", "x"}}));
  claim("w");
  EXPECT_FALSE(settle(p.targets[0].id, target::kPublished));
  EXPECT_EQ(events("post.published", p.id).size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_deliveries"), 0);
  // A subscriber to post.published only gets that one.
  add_endpoint(org_a_, {"post.published"});
  const auto q = add(make_post(org_a_, Kind::queued, {{"a1", "x"}}));
  claim("w");
  EXPECT_TRUE(settle(q.targets[0].id, target::kPublished));
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_deliveries"), 1);
}

// Two targets of one post go live at the same moment in two processes: the
// post is published once, with one post.published.
TEST_P(PostStore, ConcurrentRollUpsOfOnePostEmitOnePostPublished) {
  subscribe_all(org_a_);
  auto second = open(backend_->url());
  std::array<store::Database*, 2> dbs{db_.get(), second.get()};
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(round);
    const auto p = add(make_post(org_a_, Kind::queued, {{"a1", "x"}, {"a2", "bluesky"}}));
    claim("w");
    std::array<PostTarget, 2> ts{target(p.targets[0].id), target(p.targets[1].id)};
    for (auto& t : ts) {
      t.status = std::string(target::kPublished);
      t.platform_post_id = "pp-" + t.id;
      t.due_at.reset();
    }
    std::latch start(2);
    std::array<std::string, 2> errors;
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i)
      threads.emplace_back([&, i] {
        store::Database& db = *dbs[static_cast<std::size_t>(i)];
        start.arrive_and_wait();
        auto s = db.transaction([&](store::Connection& c) -> core::Status {
          auto saved = save_target(c, ts[static_cast<std::size_t>(i)], "w", now(), std::nullopt);
          if (!saved) return std::move(saved).error();
          if (!*saved) return core::Error::conflict("lease lost");
          auto r = roll_up(c, clock_, random_, p.id, {{"post.target.published", ts[static_cast<std::size_t>(i)]}});
          if (!r) return std::move(r).error();
          return core::Ok{};
        });
        if (!s) errors[static_cast<std::size_t>(i)] = describe(s.error());
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(errors[0], "");
    EXPECT_EQ(errors[1], "");
    EXPECT_EQ(post_status(p.id), "published");
    EXPECT_EQ(events("post.published", p.id).size(), 1u);
    const auto te = events("post.target.published", p.id);
    ASSERT_EQ(te.size(), 2u);
    // The later of the two saw the post fully published.
    std::multiset<std::string> statuses;
    for (const auto& e : te) statuses.insert(std::string(e.at("post_status").as_string()));
    EXPECT_EQ(statuses.count("published"), 1u);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, PostStore, testing::ValuesIn(test::store_backends()), test::BackendParamName());

}  // namespace
}  // namespace postfuze::publish
