// End to end: Bluesky connect (contract §12; docs/decisions.md D20) on every
// store backend, against the simulator's Bluesky PDS and PLC directory over
// loopback (POSTFUZE_BLUESKY_SERVICE and POSTFUZE_PLC_URL point at it) —
// handle, email and DID identifiers; reconnecting the same DID; wrong
// credentials, the main password and an unreachable PDS refused with nothing
// stored or echoed; tenant stamping; the app password and JWTs never in
// plaintext in the database, the log or a response; the 10/min bucket; bad
// bodies; account.connected.
#include <gtest/gtest.h>

#include "crypto/encoding.hpp"
#include "integration/connect_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;

constexpr const char* kPath = "/api/v1/social-accounts/bluesky/connect";
constexpr const char* kHandle = "acme.bsky.test";
constexpr const char* kDid = "did:plc:acme234567abcdefghijklmn";
constexpr const char* kEmail = "social@acme.example";
constexpr const char* kAppPassword = "abcd-efgh-ijkl-mnop";
constexpr const char* kMainPassword = "Main-Account-Passw0rd!";
constexpr const char* kOtherHandle = "globex.bsky.test";
constexpr const char* kOtherDid = "did:plc:globex34567abcdefghijklm";
constexpr const char* kOtherAppPassword = "qrst-uvwx-yz23-4567";

std::string body(const std::string& identifier, const std::string& password, const std::string& tenant = {}) {
  json::object o{{"identifier", identifier}, {"app_password", password}};
  if (!tenant.empty()) o["tenant_id"] = tenant;
  return json::serialize(o);
}

class BlueskyConnect : public ConnectTest {
 protected:
  void SetUp() override {
    ConnectTest::SetUp();
    if (HasFatalFailure()) return;
    sim_->register_bluesky_account(kHandle, kDid, kAppPassword, kMainPassword, kEmail, "Acme Corp");
    sim_->register_bluesky_account(kOtherHandle, kOtherDid, kOtherAppPassword);
  }

  // The connect fixture's environment, the Bluesky service and PLC directory
  // at the simulator, and the real rate limits (no multiplier).
  Env extra_env() const override {
    Env env = ConnectTest::extra_env();
    env.erase("POSTFUZE_RATE_LIMIT_MULTIPLIER");
    env["POSTFUZE_BLUESKY_SERVICE"] = sim_->bluesky_service_url();
    env["POSTFUZE_PLC_URL"] = sim_->plc_url();
    return env;
  }

  HttpResult connect(const std::string& b, const std::string& key = {}) {
    return call(verb::post, kPath, key.empty() ? key_ : key, b);
  }

  void subscribe() {
    const auto r = call(verb::post, "/api/v1/webhooks", key_,
                        R"({"url":"http://127.0.0.1:9/hook","events":["account.connected"]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }

  static std::string code_of(const HttpResult& r) {
    try {
      return std::string(r.json().as_object().at("code").as_string());
    } catch (...) {
      return "<none>";
    }
  }

  long stat(const std::string& counter) { return static_cast<long>(sim_->bluesky_stats().at(counter).as_int64()); }

  // The base64url JWT headers the simulator mints: every JWT starts with one.
  static std::vector<std::string> jwt_prefixes() {
    return {crypto::base64url_encode(R"({"typ":"at+jwt","alg":"HS256"})"),
            crypto::base64url_encode(R"({"typ":"refresh+jwt","alg":"HS256"})")};
  }
};

TEST_P(BlueskyConnect, AHandleConnectsAProfileOnItsPds) {
  subscribe();
  const auto r = connect(body("@ACME.bsky.test", kAppPassword, "tenant-42"));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto o = r.json().as_object();
  EXPECT_EQ(o.size(), 5u) << r.body;
  EXPECT_EQ(o.at("network").as_string(), "bluesky");
  EXPECT_EQ(o.at("username").as_string(), kHandle);
  EXPECT_EQ(o.at("account_type").as_string(), "profile");
  EXPECT_EQ(o.at("status").as_string(), "active");
  const std::string id(o.at("id").as_string());

  const std::string row = rows("SELECT platform, network_unique_id, tenant_id, username, display_name, account_type, "
                               "status, scopes FROM social_accounts WHERE id = '" + id + "'");
  EXPECT_EQ(row, std::string("bluesky|") + kDid + "|tenant-42|" + kHandle + "|Acme Corp|profile|active|"
                     "com.atproto.appPass|\n");
  const std::string secrets =
      rows("SELECT access_token, refresh_token, app_password, token_expires_at, refresh_token_expires_at, "
           "profile_image_url, platform_data FROM social_accounts");
  EXPECT_TRUE(secrets.starts_with("pf1.")) << secrets;
  EXPECT_EQ(secrets.find("NULL"), std::string::npos) << secrets;  // every column set
  EXPECT_NE(secrets.find("\"pds\":\"" + sim_->bluesky_service_url() + "\""), std::string::npos) << secrets;
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events WHERE type = 'account.connected'"), 1);
  EXPECT_EQ(stat("resolve_handle"), 1);
  EXPECT_EQ(stat("plc"), 1);
  EXPECT_EQ(stat("create_session"), 1);
  EXPECT_EQ(stat("get_profile"), 1);
  // createSession went to the PDS the DID document names, with the handle.
  bool saw = false;
  for (const auto& req : sim_->requests("bluesky")) {
    const auto& q = req.as_object();
    if (q.at("target").as_string() != "/bluesky/xrpc/com.atproto.server.createSession") continue;
    saw = true;
    EXPECT_EQ(json::parse(q.at("body").as_string()).at("identifier").as_string(), kHandle);
  }
  EXPECT_TRUE(saw);
}

TEST_P(BlueskyConnect, AnEmailOrADidConnectsToo) {
  const auto by_email = connect(body(kEmail, kAppPassword));
  ASSERT_EQ(by_email.status, 201) << by_email.body;
  EXPECT_EQ(by_email.json().at("username").as_string(), kHandle);
  // The entryway's session named the DID and (didDoc) the PDS: no resolution.
  EXPECT_EQ(stat("resolve_handle"), 0);
  EXPECT_EQ(stat("plc"), 0);
  const auto by_did = connect(body(kOtherDid, kOtherAppPassword));
  ASSERT_EQ(by_did.status, 201) << by_did.body;
  EXPECT_EQ(by_did.json().at("username").as_string(), kOtherHandle);
  EXPECT_EQ(stat("resolve_handle"), 0);
  EXPECT_EQ(stat("plc"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts WHERE platform = 'bluesky'"), 2);
  // No display name at the PDS: the handle stands in.
  EXPECT_EQ(rows(std::string("SELECT display_name FROM social_accounts WHERE network_unique_id = '") + kOtherDid + "'"),
            std::string(kOtherHandle) + "|\n");
}

TEST_P(BlueskyConnect, ReconnectingTheSameDidKeepsTheAccountAndReplacesItsSecrets) {
  subscribe();
  const auto first = connect(body(kHandle, kAppPassword, "t1"));
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string before = rows("SELECT access_token, refresh_token, app_password FROM social_accounts");
  // A new app password, and the DID as identifier this time.
  sim_->register_bluesky_account(kHandle, kDid, "newp-assw-ord2-3456", kMainPassword, kEmail, "Acme Corp");
  const auto second = connect(body(kDid, "newp-assw-ord2-3456"));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json().at("id"), first.json().at("id"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 1);
  EXPECT_EQ(rows("SELECT tenant_id FROM social_accounts"), "t1|\n");  // kept: no tenant given this time
  EXPECT_EQ(count("SELECT token_version FROM social_accounts"), 2);
  const std::string after = rows("SELECT access_token, refresh_token, app_password FROM social_accounts");
  const auto split = [](const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t at = 0, bar; (bar = s.find('|', at)) != std::string::npos; at = bar + 1)
      out.push_back(s.substr(at, bar - at));
    return out;
  };
  const auto b = split(before), a = split(after);
  ASSERT_EQ(a.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_NE(a[i], b[i]) << i;
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events WHERE type = 'account.connected'"), 2);
}

TEST_P(BlueskyConnect, WrongCredentialsAre422WithNothingEchoed) {
  const std::string wrong = "wron-gpas-swor-d234";
  const auto r = connect(body(kHandle, wrong));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(code_of(r), "invalid_credentials");
  EXPECT_EQ(r.body.find(wrong), std::string::npos);
  // An unknown DID (the PLC directory has no document) reads the same.
  const auto unknown = connect(body("did:plc:nobody234567", kAppPassword));
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_EQ(code_of(unknown), "invalid_credentials");
  // A revoked app password too.
  sim_->scenario("bluesky", {{"revoke_app_password", true}});
  const auto revoked = connect(body(kHandle, kAppPassword));
  EXPECT_EQ(code_of(revoked), "invalid_credentials");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 0);
  const std::string log = server_->log_text() + server_->stdout_text();
  EXPECT_EQ(log.find(wrong), std::string::npos);
  EXPECT_EQ(log.find(kAppPassword), std::string::npos);
  EXPECT_NE(log.find("invalid_credentials"), std::string::npos);  // the failure is logged, without secrets
}

TEST_P(BlueskyConnect, TheMainAccountPasswordIsRefused) {
  const auto r = connect(body(kHandle, kMainPassword));
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(code_of(r), "validation_failed");
  const json::value doc = r.json();
  const auto& errors = doc.at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].at("field").as_string(), "app_password");
  EXPECT_EQ(errors[0].at("code").as_string(), "account_password");
  EXPECT_NE(std::string(errors[0].at("message").as_string()).find("App Passwords"), std::string::npos);
  EXPECT_EQ(r.body.find(kMainPassword), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 0);
  EXPECT_EQ((server_->log_text() + server_->stdout_text()).find(kMainPassword), std::string::npos);
}

TEST_P(BlueskyConnect, AnUnreachablePdsIs502) {
  sim_->scenario("bluesky", {{"down", true}});
  for (const char* identifier : {kHandle, kDid, kEmail}) {
    const auto r = connect(body(identifier, kAppPassword));
    EXPECT_EQ(r.status, 502) << identifier << " " << r.body;
    EXPECT_EQ(code_of(r), "platform_unavailable");
  }
  sim_->scenario("bluesky", {{"down", false}, {"rate_limited", true}});
  EXPECT_EQ(code_of(connect(body(kDid, kAppPassword))), "platform_unavailable");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events"), 0);
}

TEST_P(BlueskyConnect, SecretsNeverAppearInTheDatabaseLogOrResponses) {
  subscribe();
  const auto r = connect(body(kHandle, kAppPassword, "t"));
  ASSERT_EQ(r.status, 201) << r.body;
  // The access JWT as getProfile carried it.
  std::string access;
  for (const auto& req : sim_->requests("bluesky")) {
    const auto& headers = req.as_object().at("headers").as_object();
    if (const auto* auth = headers.if_contains("authorization"); auth && auth->as_string().starts_with("Bearer "))
      access = std::string(auth->as_string()).substr(7);
  }
  ASSERT_GE(access.size(), 32u);
  std::string everything = rows("SELECT * FROM social_accounts") + rows("SELECT * FROM webhook_events") +
                           rows("SELECT * FROM webhook_deliveries");
  everything += sqlite_bytes();
  EXPECT_NE(everything.find(kDid), std::string::npos);  // the scan sees the data
  const std::string log = server_->log_text() + server_->stdout_text();
  for (const std::string& haystack : {everything, log, r.body}) {
    EXPECT_EQ(haystack.find(kAppPassword), std::string::npos);
    EXPECT_EQ(haystack.find(access), std::string::npos);
    for (const auto& prefix : jwt_prefixes()) EXPECT_EQ(haystack.find(prefix), std::string::npos) << prefix;
  }
}

TEST_P(BlueskyConnect, TheEleventhCallInAMinuteIs429) {
  for (int i = 0; i < 10; ++i) {
    const auto r = connect("{}");
    EXPECT_EQ(r.status, 422) << i << " " << r.body;
    EXPECT_EQ(r.header("ratelimit-limit"), "10") << i;
  }
  const auto refused = connect(body(kHandle, kAppPassword));
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(code_of(refused), "rate_limited");
  EXPECT_FALSE(refused.header("retry-after").empty());
  EXPECT_EQ(stat("create_session"), 0);
  // Other organisations have their own bucket.
  EXPECT_EQ(connect(body(kHandle, kAppPassword), cli_key("globex")).status, 201);
}

TEST_P(BlueskyConnect, BadBodiesAre422AndCallNoPlatform) {
  const std::string long_id(513, 'a');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"app_password":"abcd-efgh-ijkl-mnop"})", "identifier"},
      {R"({"identifier":"acme.bsky.test"})", "app_password"},
      {body(long_id + ".test", kAppPassword), "identifier"},
      {body(kHandle, std::string(257, 'p')), "app_password"},
      {body(kHandle, kAppPassword, std::string(65, 't')), "tenant_id"},
      {body("not a handle", kAppPassword), "identifier"},
      {R"({"identifier":"acme.bsky.test","app_password":"abcd-efgh-ijkl-mnop","pds":"https://evil.example"})", "pds"},
      {R"({"identifier":"acme.bsky.test","app_password":""})", "app_password"},
  };
  for (const auto& [b, field] : cases) {
    const auto r = connect(b);
    EXPECT_EQ(r.status, 422) << b << " " << r.body;
    EXPECT_EQ(code_of(r), "validation_failed");
    bool named = false;
    const json::value doc = r.json();
    for (const auto& e : doc.at("errors").as_array()) named = named || e.at("field").as_string() == field;
    EXPECT_TRUE(named) << field << " " << r.body;
    EXPECT_EQ(r.body.find(kAppPassword), std::string::npos);
  }
  EXPECT_EQ(connect("not json").status, 400);
  EXPECT_EQ(stat("create_session") + stat("resolve_handle") + stat("plc"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 0);
}

TEST_P(BlueskyConnect, SessionsRenewFromTheAppPasswordAndARevokedOneExpiresTheAccount) {
  const auto wh = call(verb::post, "/api/v1/webhooks", key_,
                       R"({"url":"http://127.0.0.1:9/hook","events":["account.token_expired"]})");
  ASSERT_EQ(wh.status, 201) << wh.body;
  const auto r = connect(body(kHandle, kAppPassword));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id(r.json().as_object().at("id").as_string());
  auto validate = [&] {
    const auto v = call(verb::post, "/api/v1/social-accounts/" + id + "/validate", key_);
    EXPECT_EQ(v.status, 200) << v.body;
    return v.status == 200 ? v.json().as_object() : json::object{};
  };
  EXPECT_TRUE(validate().at("valid").as_bool());
  // An expired session renews (refreshSession) without the customer.
  execute("UPDATE social_accounts SET token_expires_at = 1000 WHERE id = '" + id + "'");
  EXPECT_TRUE(validate().at("valid").as_bool());
  EXPECT_EQ(rows("SELECT status, token_version FROM social_accounts WHERE id = '" + id + "'"), "active|2|\n");
  // The customer revokes the app password: sessions die and no new one can be made.
  sim_->scenario("bluesky", {{"revoke_app_password", true}});
  const auto verdict = validate();
  EXPECT_FALSE(verdict.at("valid").as_bool());
  EXPECT_EQ(verdict.at("error").as_string(), "token_expired");
  EXPECT_EQ(rows("SELECT status FROM social_accounts WHERE id = '" + id + "'"), "token_expired|\n");
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events WHERE type = 'account.token_expired'"), 1);
  // Further calls answer the same without another event.
  EXPECT_EQ(validate().at("error").as_string(), "token_expired");
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events WHERE type = 'account.token_expired'"), 1);
}

TEST_P(BlueskyConnect, NeedsTheAccountsWriteScope) {
  const auto reader = issue_key(R"({"name":"reader"})").second;
  const auto r = connect(body(kHandle, kAppPassword), reader);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(code_of(r), "insufficient_scope");
  EXPECT_EQ(call(verb::post, kPath, "", body(kHandle, kAppPassword)).status, 401);
  EXPECT_EQ(stat("create_session"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, BlueskyConnect, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
