// End to end: the social accounts API (contract §13, §21.3) and the token
// lifecycle (docs/decisions.md D22) on every store backend, against the
// platform simulator — list/get/delete, health, validate, single-flight
// refresh across threads and processes, rotating refresh tokens, and the
// status transitions with exactly one event each.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "integration/connect_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;

class SocialAccounts : public ConnectTest {
 protected:
  // Connects `platform` as the simulator's current user; the account id.
  std::string connect(const std::string& platform, const std::string& tenant, json::object knobs = {}) {
    scenario(platform, std::move(knobs));
    const auto r = round_trip(platform, R"({"redirect_uri":"http://app.test:8080/done","tenant_id":")" + tenant + R"("})");
    const auto params = query_params(r.header("location"));
    EXPECT_EQ(params.count("account_id"), 1u) << r.header("location") << r.body;
    return params.count("account_id") ? params.at("account_id") : std::string();
  }
  // A webhook endpoint for every account event, so emitted events are stored.
  void subscribe_all() {
    const auto r = call(verb::post, "/api/v1/webhooks", key_,
                        R"({"url":"http://127.0.0.1:9/hook","events":["account.connected","account.disconnected",)"
                        R"("account.token_expired","account.reauth_required"]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  void expire_token(const std::string& id) {
    execute("UPDATE social_accounts SET token_expires_at = 1000 WHERE id = '" + id + "'");
  }
  std::string status_of(const std::string& id) {
    const auto r = call(verb::get, "/api/v1/social-accounts/" + id, key_);
    return r.status == 200 ? std::string(r.json().as_object().at("status").as_string()) : std::to_string(r.status);
  }
  json::object validate(const std::string& id, int expected_status = 200) {
    const auto r = call(verb::post, "/api/v1/social-accounts/" + id + "/validate", key_);
    EXPECT_EQ(r.status, expected_status) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }
};

TEST_P(SocialAccounts, ListFiltersPagesAndHidesDisconnected) {
  register_app("x");
  register_app("linkedin");
  const std::string x1 = connect("x", "t1");
  const std::string x2 = connect("x", "t2", {{"user", {{"id", "x-user-2"}, {"username", "two"}, {"name", "Two"}}}});
  const std::string li = connect("linkedin", "t1");
  auto ids = [&](const std::string& query) {
    std::vector<std::string> out;
    const auto r = call(verb::get, "/api/v1/social-accounts" + query, key_);
    EXPECT_EQ(r.status, 200) << query << " " << r.body;
    const auto body = r.json();
    for (const auto& a : body.as_object().at("data").as_array()) {
      EXPECT_FALSE(a.as_object().contains("access_token"));
      out.emplace_back(a.as_object().at("id").as_string());
    }
    return out;
  };
  EXPECT_EQ(ids(""), (std::vector<std::string>{li, x2, x1}));  // newest first
  EXPECT_EQ(ids("?platform=x"), (std::vector<std::string>{x2, x1}));
  EXPECT_EQ(ids("?tenant_id=t1"), (std::vector<std::string>{li, x1}));
  EXPECT_EQ(ids("?tenant_id=t1&platform=x"), (std::vector<std::string>{x1}));
  EXPECT_EQ(ids("?id=" + x2), (std::vector<std::string>{x2}));
  EXPECT_EQ(ids("?status=token_expired"), std::vector<std::string>{});
  // Keyset pages.
  const auto page1 = call(verb::get, "/api/v1/social-accounts?limit=2", key_).json();
  ASSERT_EQ(page1.as_object().at("data").as_array().size(), 2u);
  const std::string cursor(page1.as_object().at("next_cursor").as_string());
  EXPECT_EQ(ids("?limit=2&cursor=" + cursor), (std::vector<std::string>{x1}));
  // Bad parameters.
  const std::vector<std::string> bad_queries = {"?limit=0",          "?limit=101",       "?cursor=garbage",
                                                "?id=not-a-uuid",    "?platform=myspace", "?status=sleeping",
                                                "?platform=x&cursor=" + cursor};
  for (const std::string& q : bad_queries)
    EXPECT_EQ(call(verb::get, "/api/v1/social-accounts" + q, key_).status, 400) << q;

  // Tenancy: another org sees none of them.
  const std::string other = cli_key("globex");
  EXPECT_EQ(call(verb::get, "/api/v1/social-accounts/" + x1, other).status, 404);
  EXPECT_EQ(call(verb::delete_, "/api/v1/social-accounts/" + x1, other).status, 404);
  EXPECT_TRUE(call(verb::get, "/api/v1/social-accounts", other).json().as_object().at("data").as_array().empty());

  // Soft delete.
  subscribe_all();
  EXPECT_EQ(call(verb::delete_, "/api/v1/social-accounts/" + x1, key_).status, 204);
  EXPECT_EQ(call(verb::get, "/api/v1/social-accounts/" + x1, key_).status, 404);
  EXPECT_EQ(call(verb::delete_, "/api/v1/social-accounts/" + x1, key_).status, 404);
  EXPECT_EQ(ids(""), (std::vector<std::string>{li, x2}));
  EXPECT_EQ(ids("?status=disconnected"), (std::vector<std::string>{x1}));
  EXPECT_EQ(rows("SELECT status, access_token, refresh_token FROM social_accounts WHERE id = '" + x1 + "'"),
            "disconnected|NULL|NULL|\n");
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events WHERE type = 'account.disconnected'"), 1);
  // The grant was revoked at the platform (best effort, after the answer): its token no longer works there.
  EXPECT_TRUE(wait_until([&] { return sim_->stat("x", "revoke") == 1; }));
  EXPECT_TRUE(wait_until([&] { return server_->log_text().find("grant revoked at the platform") != std::string::npos; }));
  // LinkedIn has no revocation endpoint: disconnecting it calls nothing.
  EXPECT_EQ(call(verb::delete_, "/api/v1/social-accounts/" + li, key_).status, 204);
  EXPECT_EQ(sim_->stat("linkedin", "revoke"), 0);
  EXPECT_EQ(sim_->stat("x", "revoke"), 1);
  EXPECT_EQ(ids(""), (std::vector<std::string>{x2}));
  EXPECT_EQ(ids("?status=disconnected"), (std::vector<std::string>{li, x1}));
  // Reconnecting revives the same account.
  scenario("x", {{"user", {{"id", "x-user-1"}, {"username", "x_user_1"}, {"name", "X User 1"}}}});
  const auto again = query_params(round_trip("x", R"({"redirect_uri":"http://app.test:8080/done"})").header("location"));
  EXPECT_EQ(again.at("account_id"), x1);
  EXPECT_EQ(status_of(x1), "active");
}

TEST_P(SocialAccounts, HealthShowsExpiryRefreshAndMissingScopes) {
  register_app("x");
  scenario("x", {});
  // Ask for fewer scopes than the catalogue's defaults.
  const std::string url =
      auth_url("x", R"({"redirect_uri":"http://app.test:8080/done","scopes":["tweet.read","users.read","offline.access"]})");
  const std::string id = query_params(deliver(authorize(url)).header("location")).at("account_id");
  const auto h = call(verb::get, "/api/v1/social-accounts/" + id + "/health", key_);
  ASSERT_EQ(h.status, 200) << h.body;
  const auto h_json = h.json();
  const auto& o = h_json.as_object();
  EXPECT_EQ(o.at("status").as_string(), "active");
  EXPECT_FALSE(o.at("token_expires_at").is_null());
  EXPECT_TRUE(o.at("refresh_supported").as_bool());
  EXPECT_FALSE(o.at("healthy").as_bool());  // scopes are missing
  const auto& missing = o.at("scopes").as_object().at("missing").as_array();
  EXPECT_NE(std::find(missing.begin(), missing.end(), json::value("tweet.write")), missing.end());
  EXPECT_TRUE(o.at("last_refresh_at").is_null());
  // After a refresh the outcome shows.
  expire_token(id);
  EXPECT_TRUE(validate(id).at("valid").as_bool());
  const auto after = call(verb::get, "/api/v1/social-accounts/" + id + "/health", key_).json();
  EXPECT_EQ(after.as_object().at("last_refresh_outcome").as_string(), "ok");
  EXPECT_EQ(call(verb::get, "/api/v1/social-accounts/" + id + "/health", cli_key("globex")).status, 404);
}

TEST_P(SocialAccounts, FiftyConcurrentCallsRefreshOnceAndRotatedTokensAreKept) {
  register_app("x");
  const std::string id = connect("x", "t");
  for (int round = 1; round <= 2; ++round) {
    SCOPED_TRACE(round);
    expire_token(id);
    constexpr int kCalls = 50;
    std::atomic<int> valid{0};
    std::latch start(kCalls);
    std::vector<std::thread> threads;
    for (int i = 0; i < kCalls; ++i)
      threads.emplace_back([&] {
        start.arrive_and_wait();
        const auto r = call(verb::post, "/api/v1/social-accounts/" + id + "/validate", key_);
        if (r.status == 200 && r.json().as_object().at("valid").as_bool()) ++valid;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(valid.load(), kCalls);
    // One refresh per round; the second works only because the rotated refresh token was saved.
    EXPECT_EQ(sim_->stat("x", "refresh"), round);
  }
  EXPECT_EQ(rows("SELECT token_version, status FROM social_accounts WHERE id = '" + id + "'"), "3|active|\n");
}

TEST_P(SocialAccounts, TwoServerProcessesOnOneDatabaseRefreshOnce) {
  if (GetParam() != "postgres") GTEST_SKIP() << "several processes share a database through PostgreSQL";
  register_app("tiktok");
  const std::string id = connect("tiktok", "t");
  ServerProcess second(db_->url(), extra_env());
  sim_->register_app("tiktok", client_id("tiktok"), client_secret("tiktok"),
                     "http://127.0.0.1:" + std::to_string(second.port()) + "/api/v1/connect/callback");
  expire_token(id);
  constexpr int kCalls = 50;
  std::atomic<int> valid{0};
  std::latch start(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      const auto r = api_call(i % 2 ? port() : second.port(), verb::post,
                              "/api/v1/social-accounts/" + id + "/validate", key_);
      if (r.status == 200 && r.json().as_object().at("valid").as_bool()) ++valid;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(valid.load(), kCalls);
  EXPECT_EQ(sim_->stat("tiktok", "refresh"), 1);
}

TEST_P(SocialAccounts, AnUnavailableTokenEndpointLeavesTheAccountActive) {
  register_app("reddit");
  const std::string id = connect("reddit", "t");
  expire_token(id);
  scenario("reddit", {{"token_status", 503}});
  const auto r = call(verb::post, "/api/v1/social-accounts/" + id + "/validate", key_);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(status_of(id), "active");
  const auto h = call(verb::get, "/api/v1/social-accounts/" + id + "/health", key_).json().as_object();
  EXPECT_TRUE(std::string(h.at("last_refresh_outcome").as_string()).starts_with("transient")) << json::serialize(h);
  EXPECT_FALSE(h.at("next_refresh_retry_at").is_null());
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events WHERE type = 'account.token_expired'"), 0);
  // Once the platform is back, the next call renews.
  scenario("reddit", {{"token_status", 0}});
  EXPECT_TRUE(validate(id).at("valid").as_bool());
}

TEST_P(SocialAccounts, ARevokedGrantExpiresTheAccountWithOneEvent) {
  subscribe_all();
  register_app("pinterest");
  const std::string id = connect("pinterest", "t");
  expire_token(id);
  scenario("pinterest", {{"revoke_refresh", true}});
  constexpr int kCalls = 10;
  std::latch start(kCalls);
  std::vector<std::thread> threads;
  std::atomic<int> expired{0};
  for (int i = 0; i < kCalls; ++i)
    threads.emplace_back([&] {
      start.arrive_and_wait();
      const auto r = call(verb::post, "/api/v1/social-accounts/" + id + "/validate", key_);
      if (r.status != 200) return;
      const auto body = r.json();
      const auto& e = body.as_object().at("error");
      if (e.is_string() && e.as_string() == "token_expired") ++expired;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(expired.load(), kCalls);
  EXPECT_EQ(status_of(id), "token_expired");
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events WHERE type = 'account.token_expired'"), 1)
      << rows("SELECT type, created_at FROM webhook_events");
  EXPECT_EQ(sim_->stat("pinterest", "refresh"), 1);
}

TEST_P(SocialAccounts, TokensAboutToExpireAreRenewedInTheBackground) {
  register_app("youtube");
  const std::string id = connect("youtube", "t");
  // Within the renewal margin (5 minutes) but not yet expired.
  const auto soon = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch() + std::chrono::seconds(60))
                        .count();
  execute("UPDATE social_accounts SET token_expires_at = " + std::to_string(soon) + " WHERE id = '" + id + "'");
  EXPECT_TRUE(wait_until([&] { return sim_->stat("youtube", "refresh") == 1; }, std::chrono::seconds(10)));
  EXPECT_TRUE(wait_until([&] {
    return count("SELECT COUNT(*) FROM social_accounts WHERE id = '" + id + "' AND token_expires_at > " +
                 std::to_string(soon)) == 1;
  }));
  EXPECT_EQ(status_of(id), "active");
}

INSTANTIATE_TEST_SUITE_P(Backends, SocialAccounts, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
