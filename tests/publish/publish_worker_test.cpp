// PublishWorker in process, on SQLite and PostgreSQL, against the real
// platform simulator over loopback, with an injected clock: the worker's due
// times, leases and backoff follow the ManualClock, so hours of waiting are
// one advance() away and nothing sleeps.
#include "publish/publish_worker.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "accounts/account_store.hpp"
#include "connect/connect_services.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "publish/post_builder.hpp"
#include "publish/post_store.hpp"
#include "sim/sim_tokens.hpp"
#include "support/http_client.hpp"
#include "support/platform_sim.hpp"
#include "support/store_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class PublishWorkerTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto applied = providers::apply_overrides(catalog_, sim_.overrides_json());
    ASSERT_TRUE(applied) << applied.error().detail;
    account_id_ = add_x_account(x_token(sim_));
    worker_.emplace(io_, connect::ConnectDeps{*db_, *keys_, clock_, random_, log_, blocking_, [] {}, config_},
                    publish::PublishWorkerOptions{1000ms, 60'000ms, 64, {30'000ms, 5}});
  }

  std::string add_x_account(const std::string& token) {
    const std::string id = core::new_uuid(random_);
    write<accounts::Upserted>([&](store::Connection& c) {
      return accounts::upsert_account(
          c, org_a_, "x", "x-user-1",
          [&]() -> core::Result<accounts::SocialAccount> {
            accounts::SocialAccount a;
            a.id = id;
            a.org = org_a_;
            a.platform = "x";
            a.social_network_id = "shared-x";
            a.network_unique_id = "x-user-1";
            a.username = "x_user_1";
            a.account_type = "profile";
            a.access_token = keys_->seal(random_, accounts::token_aad(org_a_, id, "access_token"), token);
            a.token_expires_at = clock_.now() + std::chrono::hours(24 * 30);
            a.created_at = a.updated_at = clock_.now();
            return a;
          },
          [](accounts::SocialAccount&) -> core::Status { return core::Ok{}; });
    });
    return id;
  }

  // A queued post to the X account, stored as POST /posts would store it.
  std::string queue_post(const std::string& text) {
    publish::PostRequest request;
    request.account_ids = {account_id_};
    request.containers = {{text, {}}};
    auto account = read<std::optional<accounts::SocialAccount>>(
        [&](store::Connection& c) { return accounts::find_account(c, org_a_, account_id_); });
    auto post = publish::build_post(request, {*account}, catalog_, org_a_, std::nullopt, clock_.now(), random_);
    if (!post) throw std::runtime_error(describe(post.error()));
    write<bool>([&](store::Connection& c) -> core::Result<bool> {
      auto s = publish::insert_post(c, *post);
      if (!s) return std::move(s).error();
      return true;
    });
    return post->id;
  }

  // One worker pass on the test thread: claims what is due at the manual
  // clock's time and waits for every claimed target to finish its turn.
  int drain() {
    auto done = boost::asio::co_spawn(io_, worker_->drain(), boost::asio::use_future);
    io_.restart();
    io_.run();
    return done.get();
  }

  publish::Post post(const std::string& id) {
    auto p = read<std::optional<publish::Post>>([&](store::Connection& c) { return publish::find_post(c, org_a_, id); });
    if (!p) throw std::runtime_error("post missing");
    return *p;
  }

  long tweets() const {
    const auto r = http_request(sim_.port(), boost::beast::http::verb::get, "/_sim/posts?platform=x");
    return static_cast<long>(r.json().as_array().size());
  }
  long publish_calls() const { return sim_.stat("x", "publish"); }

  PlatformSim sim_;
  providers::Catalog catalog_ = providers::builtin_catalog();
  connect::SharedApps shared_apps_;
  connect::RedirectAllowList redirects_{{"http://app.test"}};
  boost::asio::io_context io_;
  core::SystemClock wire_clock_;  // the HTTP client's deadlines run on real time
  net::HttpClient http_{io_.get_executor(), wire_clock_, {"PostFuze-Test", true, std::nullopt}};
  connect::ConnectConfig config_{catalog_, shared_apps_, redirects_, http_, "http://127.0.0.1/cb", "http://127.0.0.1",
                                 5000ms};
  core::Logger log_{clock_, core::LogLevel::error};
  boost::asio::thread_pool blocking_{2};
  std::string account_id_;
  std::optional<publish::PublishWorker> worker_;  // built in SetUp, once the store is open
};

TEST_P(PublishWorkerTest, RetryAfterNineHundredSecondsMeansNoCallBeforeThen) {
  sim_.scenario("x", {{"publish_error", json::object{{"status", 429}, {"count", 1}, {"retry_after", 900}}}});
  const auto id = queue_post("rate limited");
  const auto t0 = clock_.now();
  ASSERT_EQ(drain(), 1);
  auto p = post(id);
  ASSERT_EQ(p.targets.at(0).status, "failed");
  ASSERT_TRUE(p.targets.at(0).due_at);
  EXPECT_GE(*p.targets.at(0).due_at, t0 + 900s);
  EXPECT_EQ(p.status, "publishing");
  const long calls = publish_calls();
  EXPECT_EQ(calls, 1);

  // Passes at 1 s, 10 min and 899 s claim nothing and call nothing.
  for (auto step : {1s, 599s, 299s}) {
    clock_.advance(step);
    EXPECT_EQ(drain(), 0);
  }
  EXPECT_EQ(publish_calls(), calls);
  EXPECT_EQ(tweets(), 0);

  clock_.advance(2s);  // 901 s after the 429
  EXPECT_EQ(drain(), 1);
  p = post(id);
  EXPECT_EQ(p.status, "published");
  EXPECT_EQ(p.targets.at(0).attempts, 2);
  EXPECT_EQ(publish_calls(), calls + 1);
  EXPECT_EQ(tweets(), 1);
}

TEST_P(PublishWorkerTest, BackoffGrowsAndTheFifthFailureEndsTheTarget) {
  sim_.scenario("x", {{"publish_error", json::object{{"status", 503}, {"count", 100}}}});
  const auto id = queue_post("never");
  std::vector<std::chrono::milliseconds> waits;
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(drain(), 1) << "attempt " << i + 1;
    auto p = post(id);
    if (i < 4) {
      ASSERT_EQ(p.targets.at(0).status, "failed");
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*p.targets.at(0).due_at - clock_.now());
      waits.push_back(wait);
      clock_.advance(wait);
    }
  }
  // 30 s, 2 min, 10 min, 30 min, each ±20 %.
  ASSERT_EQ(waits.size(), 4u);
  const std::array<std::int64_t, 4> nominal{30'000, 120'000, 600'000, 1'800'000};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_GE(waits[i].count(), nominal[i] * 8 / 10) << i;
    EXPECT_LE(waits[i].count(), nominal[i] * 12 / 10) << i;
  }
  auto p = post(id);
  EXPECT_EQ(p.status, "failed");
  EXPECT_EQ(p.targets.at(0).status, "error");
  ASSERT_TRUE(p.targets.at(0).error);
  EXPECT_EQ(p.targets.at(0).error->code, "retries_exhausted");
  EXPECT_FALSE(p.targets.at(0).due_at);
  clock_.advance(std::chrono::hours(24));
  EXPECT_EQ(drain(), 0);  // settled targets leave the queue
}

TEST_P(PublishWorkerTest, AnAmbiguousCreateIsLookedUpBeforeAnyRetry) {
  // A create that reached the platform but whose answer never came in time:
  // the intent stays recorded, and the next turn finds the tweet at the
  // platform instead of posting it twice.
  sim_.scenario("x", {{"created_then_timeout", json::object{{"delay_ms", 8000}, {"count", 1}}}});
  const auto id = queue_post("only once");
  ASSERT_EQ(drain(), 1);  // the 5 s timeout: ambiguous, intent kept
  auto p = post(id);
  EXPECT_EQ(p.targets.at(0).status, "failed");
  EXPECT_EQ(tweets(), 1);
  clock_.advance(std::chrono::hours(1));
  ASSERT_EQ(drain(), 1);
  p = post(id);
  EXPECT_EQ(p.status, "published");
  EXPECT_EQ(tweets(), 1);
  auto attempts = read<std::vector<publish::AttemptRecord>>(
      [&](store::Connection& c) { return publish::list_attempts(c, org_a_, id); });
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts.at(0).outcome, "ambiguous");
  EXPECT_EQ(attempts.at(1).outcome, "found");
}

INSTANTIATE_TEST_SUITE_P(Backends, PublishWorkerTest, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
