// End to end: API-key authentication, scopes, modes, revocation, expiry and
// organisation isolation (contract §4), on every store backend.
#include <gtest/gtest.h>

#include <set>

#include "core/time_format.hpp"
#include "support/server_fixture.hpp"

namespace postfuze::test {
namespace {

using Auth = ServerTest;

void expect_contract_401(const HttpResult& r) {
  ASSERT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.header("www-authenticate"), "Bearer");
  const auto j = r.json().as_object();
  EXPECT_EQ(j.at("type").as_string(), "about:blank");
  EXPECT_EQ(j.at("title").as_string(), "Unauthorized");
  EXPECT_EQ(j.at("status").as_int64(), 401);
  EXPECT_EQ(j.at("detail").as_string(), "Invalid or expired API key.");
  EXPECT_EQ(j.at("code").as_string(), "unauthorized");
}

TEST_P(Auth, MissingMalformedAndUnknownKeysGetTheDocumented401) {
  expect_contract_401(http_request(port(), verb::get, "/api/v1/api-keys"));
  expect_contract_401(http_request(port(), verb::get, "/api/v1/api-keys", "", {{"Authorization", "Basic abc"}}));
  expect_contract_401(http_request(port(), verb::get, "/api/v1/api-keys", "", {{"Authorization", "Bearer "}}));
  expect_contract_401(call(verb::get, "/api/v1/api-keys", "sk_live_short"));
  expect_contract_401(call(verb::get, "/api/v1/api-keys", "pk_live_" + std::string(43, 'a')));
  // Well-formed but unknown.
  expect_contract_401(call(verb::get, "/api/v1/api-keys", "sk_live_" + std::string(43, 'A')));
  // A real key with one character changed.
  std::string altered = key_;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  expect_contract_401(call(verb::get, "/api/v1/api-keys", altered));
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys", key_).status, 200);
}

TEST_P(Auth, IssuedKeyIsShownOnceAndNeverListed) {
  const auto r = call(verb::post, "/api/v1/api-keys", key_, R"({"name":"ci","scopes":["posts:write"]})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto created = r.json().as_object();
  const std::string plaintext(created.at("key").as_string());
  EXPECT_TRUE(plaintext.starts_with("sk_live_"));
  EXPECT_EQ(created.at("prefix").as_string(), plaintext.substr(0, 12));
  EXPECT_EQ(created.at("mode").as_string(), "live");
  const std::string id(created.at("id").as_string());

  const auto list = call(verb::get, "/api/v1/api-keys", key_);
  EXPECT_EQ(list.body.find(plaintext), std::string::npos);
  const auto one = call(verb::get, "/api/v1/api-keys/" + id, key_);
  ASSERT_EQ(one.status, 200);
  EXPECT_FALSE(one.json().as_object().contains("key"));
  EXPECT_EQ(one.body.find(plaintext), std::string::npos);
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys", plaintext).status, 200);
}

TEST_P(Auth, ScopesGateWritesButNotReads) {
  const auto read_only = issue_key(R"({"name":"reader"})").second;
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys", read_only).status, 200);
  const auto denied = call(verb::post, "/api/v1/api-keys", read_only, R"({"name":"x"})");
  ASSERT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(denied.json().as_object().at("code").as_string(), "insufficient_scope");

  const auto poster = issue_key(R"({"name":"poster","scopes":["posts:write"]})");
  EXPECT_EQ(call(verb::post, "/api/v1/api-keys", poster.second, R"({"name":"x"})").status, 403);
  EXPECT_EQ(call(verb::delete_, "/api/v1/api-keys/" + poster.first, poster.second).status, 403);
  // Nothing was written by the refused calls.
  const auto list = call(verb::get, "/api/v1/api-keys", key_).json().as_object();
  EXPECT_EQ(list.at("data").as_array().size(), 3u);
}

TEST_P(Auth, TestKeysCanOnlyIssueTestKeys) {
  const auto test_key = issue_key(R"({"name":"t","mode":"test","scopes":["*"]})").second;
  EXPECT_TRUE(test_key.starts_with("sk_test_"));
  const auto live = call(verb::post, "/api/v1/api-keys", test_key, R"({"mode":"live"})");
  ASSERT_EQ(live.status, 422) << live.body;
  EXPECT_EQ(live.json().as_object().at("errors").as_array()[0].as_object().at("field").as_string(), "mode");
  const auto implicit = call(verb::post, "/api/v1/api-keys", test_key, R"({"name":"child"})");
  ASSERT_EQ(implicit.status, 201);
  EXPECT_EQ(implicit.json().as_object().at("mode").as_string(), "test");
}

TEST_P(Auth, RevokedKeysStopWorkingAtOnce) {
  const auto k = issue_key(R"({"name":"soon revoked"})");
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys", k.second).status, 200);
  const auto r = call(verb::delete_, "/api/v1/api-keys/" + k.first, key_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().as_object().at("status").as_string(), "revoked");
  expect_contract_401(call(verb::get, "/api/v1/api-keys", k.second));
  // Revoking again is harmless and keeps the first revocation time.
  const auto again = call(verb::delete_, "/api/v1/api-keys/" + k.first, key_);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json().as_object().at("revoked_at"), r.json().as_object().at("revoked_at"));
}

TEST_P(Auth, KeysRevokedFromTheCliStopWorking) {
  const auto k = issue_key(R"({"name":"cli revoked"})");
  const auto res = run_postfuze({"api-key", "revoke", k.first}, child_env(server_->data_dir().string(), db_->url(), {}));
  ASSERT_EQ(res.exit_code, 0) << res.err;
  expect_contract_401(call(verb::get, "/api/v1/api-keys", k.second));
}

TEST_P(Auth, ExpiredKeysAreRefused) {
  EXPECT_EQ(call(verb::post, "/api/v1/api-keys", key_, R"({"expires_at":"2020-01-01T00:00:00Z"})").status, 422);
  // Offsets are accepted and stored as UTC.
  const auto far = issue_key(R"({"expires_at":"2099-01-01T00:00:00+02:00"})");
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys/" + far.first, key_).json().as_object().at("expires_at").as_string(),
            "2098-12-31T22:00:00.000Z");
  // A key that expires in a second works until then, and then gets the 401.
  const auto soon = core::format_timestamp(core::SystemClock().now() + std::chrono::milliseconds(1000));
  const auto k = issue_key(R"({"name":"short-lived","expires_at":")" + soon + "\"}");
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys", k.second).status, 200);
  EXPECT_TRUE(wait_until([&] { return call(verb::get, "/api/v1/api-keys", k.second).status == 401; }));
  expect_contract_401(call(verb::get, "/api/v1/api-keys", k.second));
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys/" + k.first, key_).json().as_object().at("status").as_string(),
            "expired");
}

TEST_P(Auth, AnotherOrganisationsIdsBehaveLikeMissingOnes) {
  const auto own = issue_key(R"({"name":"org A key"})");
  const std::string other = cli_key("other-org");
  const auto get = call(verb::get, "/api/v1/api-keys/" + own.first, other);
  EXPECT_EQ(get.status, 404);
  const auto missing = call(verb::get, "/api/v1/api-keys/00000000-0000-4000-8000-000000000000", other);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(get.json().as_object().at("detail"), missing.json().as_object().at("detail"));
  EXPECT_EQ(call(verb::delete_, "/api/v1/api-keys/" + own.first, other).status, 404);
  // The refused delete changed nothing.
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys", own.second).status, 200);
  // Each org lists only its own keys.
  const auto other_list = call(verb::get, "/api/v1/api-keys", other).json().as_object();
  ASSERT_EQ(other_list.at("data").as_array().size(), 1u);
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys", key_).body.find(own.first) != std::string::npos, true);
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys", other).body.find(own.first), std::string::npos);
}

TEST_P(Auth, ValidationErrorsNameEveryBadField) {
  const auto r = call(verb::post, "/api/v1/api-keys", key_,
                      R"({"name":42,"mode":"prod","scopes":["posts:write","root"],"expires_at":"tomorrow","x":1})");
  ASSERT_EQ(r.status, 422) << r.body;
  const auto j = r.json().as_object();
  EXPECT_EQ(j.at("code").as_string(), "validation_failed");
  std::set<std::string> fields;
  for (const auto& e : j.at("errors").as_array()) fields.insert(std::string(e.as_object().at("field").as_string()));
  EXPECT_EQ(fields, (std::set<std::string>{"name", "mode", "scopes.1", "expires_at", "x"}));
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys", key_).json().as_object().at("data").as_array().size(), 1u);
}

TEST_P(Auth, TheGlobalRateLimitRefusesThe601stCallWithHeaders) {
  HttpConnection conn(port());
  const Headers auth{{"Authorization", "Bearer " + key_}};
  HttpResult last;
  int ok = 0;
  for (int i = 0; i < 600; ++i) {
    last = conn.request(verb::get, "/api/v1/api-keys/00000000-0000-4000-8000-000000000000", "", auth);
    if (last.status == 404) ++ok;
    if (last.status == 429) break;
  }
  // A window boundary may fall inside the loop; then fewer than 600 ran in the new window.
  const auto refused = conn.request(verb::get, "/api/v1/api-keys", "", auth);
  if (refused.status != 429) GTEST_SKIP() << "the 60 s window rolled over during the burst";
  EXPECT_EQ(ok, 600);
  EXPECT_EQ(refused.json().as_object().at("code").as_string(), "rate_limited");
  EXPECT_FALSE(refused.header("retry-after").empty());
  EXPECT_EQ(refused.header("ratelimit-limit"), "600");
  EXPECT_EQ(refused.header("ratelimit-remaining"), "0");
  // Another organisation is not affected.
  EXPECT_EQ(call(verb::get, "/api/v1/api-keys", cli_key("neighbour")).status, 200);
  // Health is not rate limited.
  EXPECT_EQ(http_request(port(), verb::get, "/api/v1/health").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, Auth, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
