// The secrets scan (issue: accounts — proof): one server runs every flow that
// touches a platform credential — OAuth connect on all ten platforms, a
// pending multi-page session, Bluesky app-password connect, token renewals
// (rotating, non-rotating, Bluesky), validation, a revoked grant, health,
// lists and a disconnect — and afterwards not one credential the simulator
// ever issued or holds (access and refresh tokens, codes, Bluesky JWTs, app
// and account passwords, client secrets) appears in the database (the SQLite
// file and WAL, or a pg_dump of the PostgreSQL database), the server's log
// and output, or any response body or header the server sent.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>

#include "integration/connect_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;

constexpr const char* kHandle = "scan.bsky.test";
constexpr const char* kDid = "did:plc:scan234567abcdefghijklmno";
constexpr const char* kAppPassword = "scan-abcd-efgh-ijkl";

class SecretsScan : public ConnectTest {
 protected:
  Env extra_env() const override {
    Env env = ConnectTest::extra_env();
    env["POSTFUZE_BLUESKY_SERVICE"] = sim_->bluesky_service_url();
    env["POSTFUZE_PLC_URL"] = sim_->plc_url();
    return env;
  }

  // Every exchange with the server is kept, to be scanned at the end.
  HttpResult keep(HttpResult r) {
    seen_ += std::to_string(r.status) + "\n";
    for (const auto& [k, v] : r.headers) seen_ += k + ": " + v + "\n";
    seen_ += r.body + "\n";
    return r;
  }
  HttpResult api(verb method, const std::string& target, const std::string& body = "") {
    return keep(call(method, target, key_, body));
  }
  std::string connect(const std::string& platform) {
    const auto url = keep(auth_url_call(platform, R"({"redirect_uri":"http://app.test:8080/done"})"));
    const std::string auth(url.json().as_object().at("auth_url").as_string());
    const auto r = keep(deliver(authorize(auth)));
    return query_params(r.header("location")).at(r.header("location").find("status=pending") != std::string::npos
                                                      ? "session"
                                                      : "account_id");
  }

  // The database as text: the SQLite file and WAL, or a pg_dump.
  std::string database_text() {
    const std::string url = db_->url();
    if (url.starts_with("sqlite:")) return sqlite_bytes();
    const std::string cmd = "/usr/lib/postgresql/15/bin/pg_dump --data-only '" + url + "' 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    std::string out;
    std::array<char, 8192> buf{};
    while (pipe && std::fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
    return out;
  }

  std::string seen_;
};

TEST_P(SecretsScan, NoPlatformCredentialEverLeaves) {
  sim_->register_bluesky_account(kHandle, kDid, kAppPassword, "Main-Passw0rd-Scan!", "scan@example.test", "Scan");
  const auto hook = api(verb::post, "/api/v1/webhooks",
                        R"({"url":"http://127.0.0.1:9/hook","events":["account.connected","account.disconnected",)"
                        R"("account.token_expired","account.reauth_required"]})");
  ASSERT_EQ(hook.status, 201) << hook.body;

  std::vector<std::string> ids;
  for (const char* platform : {"x", "linkedin", "instagram", "tiktok", "youtube", "facebook", "threads", "pinterest",
                               "google_business"}) {
    register_app(platform);
    scenario(platform, {});
    ids.push_back(connect(platform));
  }
  sim_->register_app("reddit", kSharedRedditId, kSharedRedditSecret, callback_url_);
  scenario("reddit", {});
  ids.push_back(connect("reddit"));

  // A pending session with two Pages, finalized.
  scenario("facebook", {{"accounts", 2}, {"user", {{"id", "fb-user-9"}, {"username", "nine"}, {"name", "Nine"}}}});
  const std::string session = connect("facebook");
  const auto pending = api(verb::get, "/api/v1/social-accounts/pending/" + session);
  ASSERT_EQ(pending.status, 200) << pending.body;
  json::array pages;
  const json::value pending_json = pending.json();
  for (const auto& p : pending_json.as_object().at("availablePages").as_array()) pages.push_back(p.as_object().at("id"));
  ASSERT_EQ(api(verb::post, "/api/v1/social-accounts/pending/" + session + "/finalize",
                json::serialize(json::object{{"selectedPageIds", pages}}))
                .status,
            201);

  // Bluesky.
  const auto bsky = api(verb::post, "/api/v1/social-accounts/bluesky/connect",
                        R"({"identifier":")" + std::string(kHandle) + R"(","app_password":")" + kAppPassword + R"("})");
  ASSERT_EQ(bsky.status, 201) << bsky.body;
  ids.emplace_back(bsky.json().as_object().at("id").as_string());

  // Renewals (rotating X and TikTok, non-rotating Reddit and YouTube, Bluesky), validation, health.
  for (const auto& id : ids) execute("UPDATE social_accounts SET token_expires_at = 1000 WHERE id = '" + id + "'");
  for (const auto& id : ids) {
    api(verb::post, "/api/v1/social-accounts/" + id + "/validate");
    api(verb::get, "/api/v1/social-accounts/" + id + "/health");
    api(verb::get, "/api/v1/social-accounts/" + id);
  }
  EXPECT_GE(sim_->stat("x", "refresh"), 1);
  EXPECT_GE(sim_->stat("tiktok", "refresh"), 1);
  // A revoked grant, a disconnect, the lists.
  scenario("pinterest", {{"revoke_refresh", true}});
  execute("UPDATE social_accounts SET token_expires_at = 1000 WHERE platform = 'pinterest'");
  api(verb::post, "/api/v1/social-accounts/" + ids[7] + "/validate");
  EXPECT_EQ(api(verb::delete_, "/api/v1/social-accounts/" + ids[0]).status, 204);
  api(verb::get, "/api/v1/social-accounts?limit=100");
  api(verb::get, "/api/v1/social-accounts?status=disconnected");
  api(verb::get, "/api/v1/social-networks");
  api(verb::get, "/api/v1/webhooks/" + std::string(hook.json().as_object().at("id").as_string()) + "/deliveries");

  const std::vector<std::string> secrets = sim_->issued_secrets();
  ASSERT_GT(secrets.size(), 40u);  // tokens of eleven platforms, codes, JWTs, passwords, client secrets
  const std::string database = database_text();
  const std::string log = server_->log_text() + server_->stdout_text();
  // The scans see the data they are meant to see.
  EXPECT_NE(database.find(ids[1]), std::string::npos);
  EXPECT_NE(database.find(kDid), std::string::npos);
  EXPECT_NE(seen_.find(ids[1]), std::string::npos);
  EXPECT_NE(log.find("token refreshed"), std::string::npos);
  int checked = 0;
  for (const auto& secret : secrets) {
    if (secret.size() < 8) continue;
    ++checked;
    EXPECT_EQ(database.find(secret), std::string::npos) << "in the database: " << secret.substr(0, 6) << "…";
    EXPECT_EQ(log.find(secret), std::string::npos) << "in the log: " << secret.substr(0, 6) << "…";
    EXPECT_EQ(seen_.find(secret), std::string::npos) << "in a response: " << secret.substr(0, 6) << "…";
  }
  EXPECT_GT(checked, 40);
}

INSTANTIATE_TEST_SUITE_P(Backends, SecretsScan, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
