// End to end: the hosted OAuth connect flow (contract §11; docs/decisions.md
// D12–D18) on every store backend, against the platform simulator over
// loopback — auth-url → the simulator's authorize step → the callback →
// redirect → account, for every OAuth platform; pending sessions; failures;
// state tampering, expiry, replay and mix-ups; tenancy; and tokens that never
// reach the database in plaintext, the log or a response.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <set>
#include <thread>

#include "connect/connect_state.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/secure_random.hpp"
#include "integration/connect_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;

const std::string kRedirect = std::string(kAppOrigin) + "/connected?from=test&status=stale";

std::string body_with(const std::string& tenant) {
  return R"({"redirect_uri":")" + kRedirect + R"(","tenant_id":")" + tenant + R"("})";
}

// What one platform's login connects by default in the simulator.
struct Expected {
  std::string platform;
  std::string account_type;
};

const std::vector<Expected>& every_platform() {
  static const std::vector<Expected> all = {
      {"x", "profile"},         {"linkedin", "profile"}, {"instagram", "business_account"},
      {"tiktok", "profile"},    {"youtube", "channel"},  {"facebook", "page"},
      {"threads", "profile"},   {"pinterest", "profile"}, {"reddit", "profile"},
      {"google_business", "location"},
  };
  return all;
}

class ConnectFlow : public ConnectTest {
 protected:
  // A webhook endpoint subscribed to account.connected, so emitted events are stored.
  void subscribe() {
    const auto r = call(verb::post, "/api/v1/webhooks", key_,
                        R"({"url":"http://127.0.0.1:9/hook","events":["account.connected"]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }

  // The redirect of a 303 to the app, parsed; fails the test otherwise.
  std::map<std::string, std::string> redirected(const HttpResult& r) {
    EXPECT_EQ(r.status, 303) << r.body;
    const std::string location = r.header("location");
    EXPECT_TRUE(location.starts_with(std::string(kAppOrigin) + "/connected?")) << location;
    EXPECT_EQ(r.header("cache-control"), "no-store");
    EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
    return query_params(location);
  }

  // The data-error of a hosted error page.
  static std::string page_error(const HttpResult& r) {
    const auto at = r.body.find("data-error=\"");
    if (at == std::string::npos) return "<none>";
    return r.body.substr(at + 12, r.body.find('"', at + 12) - at - 12);
  }

  crypto::KeyRing test_ring() { return std::move(crypto::KeyRing::parse(kTestEncryptionKeys)).value(); }
  crypto::SecureRandom random_;
};

TEST_P(ConnectFlow, EveryOAuthPlatformConnectsEndToEnd) {
  subscribe();
  std::set<std::string> ids;
  for (const auto& [platform, type] : every_platform()) {
    SCOPED_TRACE(platform);
    if (platform != "reddit") register_app(platform);  // reddit uses the operator's shared app
    else sim_->register_app("reddit", kSharedRedditId, kSharedRedditSecret, callback_url_);
    scenario(platform, {});
    const auto params = redirected(round_trip(platform, body_with("tenant-" + platform)));
    EXPECT_EQ(params.at("from"), "test");          // the app's own parameter is kept
    EXPECT_EQ(params.at("status"), "connected");   // the stale one replaced
    ASSERT_EQ(params.count("account_id"), 1u);
    const std::string id = params.at("account_id");
    ids.insert(id);
    const std::string row = rows("SELECT platform, tenant_id, account_type, status, access_token FROM social_accounts "
                                 "WHERE id = '" + id + "'");
    EXPECT_TRUE(row.starts_with(platform + "|tenant-" + platform + "|" + type + "|active|pf1.")) << row;
    const auto stats = sim_->stats().as_object().at(platform).as_object();
    EXPECT_EQ(stats.at("token").as_int64(), 1);
  }
  EXPECT_EQ(ids.size(), every_platform().size());
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events WHERE type = 'account.connected'"), 10);
  // Meta's short-lived tokens were traded for long-lived ones.
  for (const char* platform : {"facebook", "instagram", "threads"})
    EXPECT_EQ(sim_->stats().as_object().at(platform).as_object().at("long_lived").as_int64(), 1) << platform;
  // The shared app's accounts name its fixed network id.
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts WHERE platform = 'reddit' AND social_network_id NOT IN "
                  "(SELECT id FROM social_networks)"),
            1);
}

TEST_P(ConnectFlow, ReconnectingTheSameIdentityKeepsTheAccount) {
  register_app("x");
  scenario("x", {});
  const auto first = redirected(round_trip("x", body_with("t1")));
  const auto second = redirected(round_trip("x", R"({"redirect_uri":")" + kRedirect + R"("})"));
  EXPECT_EQ(first.at("account_id"), second.at("account_id"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 1);
  // No tenant given the second time: the first stays.
  EXPECT_EQ(rows("SELECT tenant_id FROM social_accounts"), "t1|\n");
  // Another user is another account.
  scenario("x", {{"user", {{"id", "x-user-2"}, {"username", "other"}, {"name", "Other"}}}});
  const auto third = redirected(round_trip("x", body_with("t2")));
  EXPECT_NE(third.at("account_id"), first.at("account_id"));
}

TEST_P(ConnectFlow, SeveralPagesOpenAPendingSessionFinalizedOnce) {
  subscribe();
  register_app("facebook");
  scenario("facebook", {{"accounts", 3}});
  const auto params = redirected(round_trip("facebook", body_with("tenant-fb")));
  ASSERT_EQ(params.at("status"), "pending");
  EXPECT_EQ(params.count("account_id"), 0u);
  const std::string session = params.at("session");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 0);  // nothing connected yet

  const std::string path = "/api/v1/social-accounts/pending/" + session;
  const auto listed = call(verb::get, path, key_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto listed_json = listed.json();
  const auto& o = listed_json.as_object();
  EXPECT_EQ(o.at("network").as_string(), "facebook");
  const auto& pages = o.at("availablePages").as_array();
  ASSERT_EQ(pages.size(), 3u);
  for (const auto& p : pages) {
    for (const char* k : {"id", "type", "name", "username", "profilePictureUrl"})
      EXPECT_TRUE(p.as_object().contains(k)) << k;
    EXPECT_EQ(p.as_object().at("type").as_string(), "page");
  }
  const std::string a(pages[0].as_object().at("id").as_string());
  const std::string b(pages[1].as_object().at("id").as_string());

  // Another organisation sees nothing.
  const std::string other = cli_key("globex");
  EXPECT_EQ(call(verb::get, path, other).status, 404);
  const auto foreign = call(verb::post, path + "/finalize", other, R"({"selectedPageIds":[")" + a + R"("]})");
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.json().as_object().at("code").as_string(), "session_expired");

  // All or nothing: bad selections connect nothing and keep the session.
  const std::vector<std::string> bad_bodies = {R"({"selectedPageIds":[]})", R"({"selectedPageIds":["nope"]})",
                                               R"({"selectedPageIds":[")" + a + R"(","nope"]})",
                                               R"({"selectedPageIds":[")" + a + R"(",")" + a + R"("]})", R"({})"};
  for (const std::string& bad : bad_bodies) {
    const auto r = call(verb::post, path + "/finalize", key_, bad);
    EXPECT_EQ(r.status, 422) << bad << " " << r.body;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 0);

  const auto done = call(verb::post, path + "/finalize", key_, R"({"selectedPageIds":[")" + a + R"(",")" + b + R"("]})");
  ASSERT_EQ(done.status, 201) << done.body;
  const auto done_json = done.json();
  const auto& connected = done_json.as_object().at("connectedAccounts").as_array();
  ASSERT_EQ(connected.size(), 2u);
  for (const auto& c : connected) {
    EXPECT_EQ(c.as_object().at("network").as_string(), "facebook");
    EXPECT_EQ(c.as_object().at("accountType").as_string(), "page");
    EXPECT_TRUE(c.as_object().contains("nickname"));
    EXPECT_TRUE(c.as_object().contains("username"));
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts WHERE tenant_id = 'tenant-fb' AND account_type = 'page'"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events WHERE type = 'account.connected'"), 2);
  // Single use.
  EXPECT_EQ(call(verb::post, path + "/finalize", key_, R"({"selectedPageIds":[")" + a + R"("]})").status, 404);
  EXPECT_EQ(call(verb::get, path, key_).status, 404);
  EXPECT_EQ(call(verb::get, "/api/v1/social-accounts/pending/ps_unknown", key_).status, 404);
  // The session token is a credential: the access log masks it.
  const std::string log = server_->log_text();
  EXPECT_EQ(log.find(session), std::string::npos);
  EXPECT_NE(log.find("/api/v1/social-accounts/pending/ps_[redacted]/finalize"), std::string::npos);
}

TEST_P(ConnectFlow, ConcurrentFinalizesConnectExactlyOnce) {
  register_app("youtube");
  scenario("youtube", {{"accounts", 2}});
  const auto params = redirected(round_trip("youtube", body_with("t")));
  ASSERT_EQ(params.at("status"), "pending");
  const std::string path = "/api/v1/social-accounts/pending/" + params.at("session");
  const auto listed = call(verb::get, path, key_).json();
  const std::string id(listed.as_object().at("availablePages").as_array()[0].as_object().at("id").as_string());
  constexpr int kCallers = 8;
  std::atomic<int> created{0}, gone{0};
  std::latch start(kCallers);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i)
    threads.emplace_back([&] {
      start.arrive_and_wait();
      const auto r = call(verb::post, path + "/finalize", key_, R"({"selectedPageIds":[")" + id + R"("]})");
      if (r.status == 201) ++created;
      if (r.status == 404) ++gone;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(gone.load(), kCallers - 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 1);
}

TEST_P(ConnectFlow, DeniedConsentAndPlatformFailuresStoreNothing) {
  register_app("linkedin");
  scenario("linkedin", {{"consent", "auto_deny"}});
  EXPECT_EQ(redirected(round_trip("linkedin", body_with("t"))).at("error"), "access_denied");
  scenario("linkedin", {{"consent", "auto_approve"}, {"token_status", 503}});
  auto failed = redirected(round_trip("linkedin", body_with("t")));
  EXPECT_EQ(failed.at("status"), "error");
  EXPECT_EQ(failed.at("error"), "exchange_failed");
  EXPECT_EQ(failed.count("account_id"), 0u);
  scenario("linkedin", {{"token_status", 0}, {"identity_status", 500}});
  EXPECT_EQ(redirected(round_trip("linkedin", body_with("t"))).at("error"), "identity_failed");
  scenario("linkedin", {{"identity_status", 0}, {"error", "server_error"}});
  EXPECT_EQ(redirected(round_trip("linkedin", body_with("t"))).at("error"), "platform_error");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM pending_sessions"), 0);
}

TEST_P(ConnectFlow, PagesBeyondTheFirstPageOfTheListAreOfferedToo) {
  register_app("facebook");
  scenario("facebook", {{"accounts", 150}});  // Graph answers 100 per page, then paging.next
  const auto params = redirected(round_trip("facebook", body_with("t")));
  ASSERT_EQ(params.at("status"), "pending");
  const auto listed = call(verb::get, "/api/v1/social-accounts/pending/" + params.at("session"), key_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto body = listed.json();
  const auto& pages = body.as_object().at("availablePages").as_array();
  EXPECT_EQ(pages.size(), 150u);
  std::set<std::string> distinct;
  for (const auto& p : pages) distinct.insert(std::string(p.as_object().at("id").as_string()));
  EXPECT_EQ(distinct.size(), 150u);
  EXPECT_EQ(sim_->stat("facebook", "sub_accounts"), 2);
}

TEST_P(ConnectFlow, AFacebookLoginWithoutPagesHasNoAccounts) {
  register_app("facebook");
  scenario("facebook", {{"accounts", 0}});
  EXPECT_EQ(redirected(round_trip("facebook", body_with("t"))).at("error"), "no_accounts");
}

TEST_P(ConnectFlow, UntrustworthyStatesNeverRedirectAndStoreNothing) {
  const std::string fb_network = register_app("facebook");
  register_app("x");
  scenario("x", {});
  const std::string redirect = authorize(auth_url("x", body_with("t")));
  auto params = query_params(redirect);
  ASSERT_EQ(params.count("state"), 1u);
  const std::string state = params.at("state");
  const std::string code = params.at("code");
  const std::string cb = "/api/v1/connect/callback?code=" + code + "&state=";

  auto expect_page = [&](const HttpResult& r, const std::string& error) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_FALSE(r.has_header("location"));
    EXPECT_EQ(page_error(r), error);
    EXPECT_TRUE(r.header("content-type").starts_with("text/html"));
    EXPECT_NE(r.header("content-security-policy").find("default-src 'none'"), std::string::npos);
    EXPECT_EQ(r.header("cache-control"), "no-store");
  };
  // Tampered: one character changed, truncated, empty, missing.
  std::string tampered = state;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  expect_page(http_request(port(), verb::get, cb + tampered), "invalid_state");
  expect_page(http_request(port(), verb::get, cb + state.substr(0, state.size() - 4)), "invalid_state");
  expect_page(http_request(port(), verb::get, "/api/v1/connect/callback?code=" + code), "invalid_state");
  // Expired: authentic but past its expiry.
  auto ring = test_ring();
  auto opened = connect::open_state(ring, core::SystemClock(), state);
  ASSERT_TRUE(opened);
  connect::ConnectState old = *opened;
  old.nonce.clear();
  old.expires_at = core::SystemClock().now() - std::chrono::seconds(1);
  expect_page(http_request(port(), verb::get, cb + connect::seal_state(ring, random_, old)), "state_expired");
  // Another platform's record in an x state.
  connect::ConnectState mixed = *opened;
  mixed.nonce.clear();
  mixed.network_id = fb_network;
  expect_page(http_request(port(), verb::get, cb + connect::seal_state(ring, random_, mixed)), "invalid_state");
  EXPECT_EQ(sim_->stats().as_object().at("x").as_object().at("token").as_int64(), 0);  // no exchange was tried

  // The genuine one works once; the replay is refused.
  // (with an RFC 9207 `iss`, which is tolerated)
  EXPECT_EQ(redirected(http_request(port(), verb::get, cb + state + "&iss=http%3A%2F%2F127.0.0.1")).at("status"),
            "connected");
  expect_page(http_request(port(), verb::get, cb + state), "invalid_state");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 1);
}

TEST_P(ConnectFlow, ARefusedRedirectFallsBackToTheHostedPage) {
  register_app("pinterest");
  scenario("pinterest", {});
  const auto r = auth_url_call("pinterest", R"({"redirect_uri":"https://evil.example/steal","tenant_id":"t"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto r_json = r.json();
  const auto& o = r_json.as_object();
  EXPECT_TRUE(o.at("redirect_uri").is_null());
  EXPECT_EQ(o.at("warnings").as_array()[0].as_object().at("code").as_string(), "redirect_uri_dropped");
  const auto page = deliver(authorize(std::string(o.at("auth_url").as_string())));
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_FALSE(page.has_header("location"));
  EXPECT_NE(page.body.find("data-status=\"connected\""), std::string::npos);
  EXPECT_NE(page.header("content-security-policy").find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(page.header("cache-control"), "no-store");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts WHERE platform = 'pinterest'"), 1);
}

TEST_P(ConnectFlow, AuthUrlRefusesWhatItCannotServe) {
  auto code_of = [](const HttpResult& r) { return std::string(r.json().as_object().at("code").as_string()); };
  auto r = auth_url_call("bluesky", "{}");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(code_of(r), "oauth_not_supported");
  EXPECT_NE(r.body.find("/api/v1/social-accounts/bluesky/connect"), std::string::npos);
  EXPECT_EQ(auth_url_call("myspace", "{}").status, 404);
  r = auth_url_call("tiktok", "{}");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(code_of(r), "network_not_configured");
  const std::string id = register_app("tiktok");
  EXPECT_EQ(auth_url_call("tiktok", "").status, 200);  // an empty body is fine
  r = auth_url_call("tiktok", R"({"tenant_id":")" + std::string(65, 't') + R"("})");
  EXPECT_EQ(r.status, 422) << r.body;
  r = auth_url_call("tiktok", R"({"redirect_uri":")" + std::string(kAppOrigin) + "/" + std::string(130, 'p') + R"("})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("too_long"), std::string::npos);
  EXPECT_EQ(auth_url_call("tiktok", R"({"scopes":[]})").status, 422);
  EXPECT_EQ(auth_url_call("tiktok", R"({"scopes":["a b"]})").status, 422);
  EXPECT_EQ(auth_url_call("tiktok", R"({"nonsense":1})").status, 422);
  // The URL asks for exactly the overridden scopes, with TikTok's parameter names.
  const auto q = query_params(auth_url("tiktok", R"({"scopes":["user.info.basic","video.upload"]})"));
  EXPECT_EQ(q.at("client_key"), client_id("tiktok"));
  EXPECT_EQ(q.at("scope"), "user.info.basic,video.upload");
  EXPECT_LT(q.at("state").size(), 500u);
  // A disabled record (and no shared app) is not configured.
  EXPECT_EQ(call(verb::patch, "/api/v1/social-networks/" + id, key_, R"({"is_enabled":false})").status, 200);
  EXPECT_EQ(code_of(auth_url_call("tiktok", "{}")), "network_not_configured");
  // A read-only key may not start a connection.
  const auto [rid, ro] = issue_key(R"({"name":"ro","scopes":["posts:write"]})");
  EXPECT_EQ(auth_url_call("x", "{}", ro).status, 403);
}

TEST_P(ConnectFlow, DisablingTheAppMidFlowStopsTheCallback) {
  const std::string id = register_app("threads");
  scenario("threads", {});
  const std::string url = auth_url("threads", body_with("t"));
  ASSERT_EQ(call(verb::patch, "/api/v1/social-networks/" + id, key_, R"({"is_enabled":false})").status, 200);
  EXPECT_EQ(redirected(deliver(authorize(url))).at("error"), "network_disabled");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 0);
}

TEST_P(ConnectFlow, TokensNeverAppearInTheDatabaseLogOrResponses) {
  subscribe();
  register_app("x");
  scenario("x", {});
  const auto r = round_trip("x", body_with("t"));
  const auto params = redirected(r);
  // The access token the simulator issued, as the identity call carried it.
  std::string token;
  for (const auto& req : sim_->requests("x")) {
    const auto& headers = req.as_object().at("headers").as_object();
    if (const auto* auth = headers.if_contains("authorization"); auth && auth->as_string().starts_with("Bearer "))
      token = std::string(auth->as_string()).substr(7);
  }
  ASSERT_GE(token.size(), 16u);
  const std::string secret = client_secret("x");
  std::string everything = rows("SELECT * FROM social_accounts") + rows("SELECT * FROM webhook_events") +
                           rows("SELECT * FROM social_networks") + rows("SELECT * FROM connect_state_nonces");
  everything += sqlite_bytes();
  EXPECT_NE(everything.find(params.at("account_id")), std::string::npos);  // the scan sees the data
  EXPECT_EQ(everything.find(token), std::string::npos);
  EXPECT_EQ(everything.find(secret), std::string::npos);
  const std::string log = server_->log_text() + server_->stdout_text();
  EXPECT_EQ(log.find(token), std::string::npos);
  EXPECT_EQ(log.find(secret), std::string::npos);
  EXPECT_EQ(r.body.find(token), std::string::npos);
  EXPECT_EQ(r.header("location").find(token), std::string::npos);
}

// The value="…" of the hidden input named `name` on a hosted page.
std::string hidden(const std::string& html, const std::string& name) {
  const std::string marker = "name=\"" + name + "\" value=\"";
  const auto at = html.find(marker);
  if (at == std::string::npos) return {};
  return html.substr(at + marker.size(), html.find('"', at + marker.size()) - at - marker.size());
}

TEST_P(ConnectFlow, TheHostedPickerConnectsWhatTheCustomerTicks) {
  register_app("google_business");
  scenario("google_business", {{"accounts", 3}});
  const auto page = deliver(authorize(auth_url("google_business", R"({"tenant_id":"t-gb"})")));
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_NE(page.body.find("data-status=\"pending\""), std::string::npos) << page.body;
  const std::string cookie = page.header("set-cookie");
  ASSERT_TRUE(cookie.starts_with("pf_connect_csrf=")) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  const std::string cookie_pair = cookie.substr(0, cookie.find(';'));
  const std::string session = hidden(page.body, "session");
  const std::string csrf = hidden(page.body, "csrf");
  ASSERT_TRUE(session.starts_with("ps_"));
  ASSERT_FALSE(csrf.empty());
  // The location ids are the checkbox values.
  std::vector<std::string> ids;
  for (auto at = page.body.find("name=\"page\""); at != std::string::npos; at = page.body.find("name=\"page\"", at + 1)) {
    const auto v = page.body.find("value=\"", at) + 7;
    ids.push_back(page.body.substr(v, page.body.find('"', v) - v));
  }
  ASSERT_EQ(ids.size(), 3u);
  const std::string origin = "http://127.0.0.1:" + std::to_string(port());
  auto post = [&](const std::string& form, const Headers& headers) {
    return http_request(port(), verb::post, "/api/v1/connect/pending", form, headers);
  };
  const Headers good = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", cookie_pair}, {"Origin", origin}};
  const std::string form = "session=" + session + "&csrf=" + csrf + "&page=" + ids[0] + "&page=" + ids[2];
  // Forged: no cookie, another cookie, a wrong token, a foreign origin.
  EXPECT_EQ(post(form, {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", origin}}).status, 400);
  EXPECT_EQ(post(form, {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", "pf_connect_csrf=forged"}}).status, 400);
  EXPECT_EQ(post("session=" + session + "&csrf=AAAA&page=" + ids[0], good).status, 400);
  EXPECT_EQ(post(form, {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", cookie_pair},
                        {"Origin", "https://evil.example"}}).status, 400);
  // Nothing ticked: the picker again, nothing consumed.
  const auto none = post("session=" + session + "&csrf=" + csrf, good);
  EXPECT_EQ(none.status, 422);
  EXPECT_NE(none.body.find("data-status=\"pending\""), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 0);
  // The real submission.
  const auto done = post(form, good);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_NE(done.body.find("data-status=\"connected\""), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts WHERE account_type = 'location' AND tenant_id = 't-gb'"), 2);
  EXPECT_EQ(post(form, good).status, 400);  // single use
}

INSTANTIATE_TEST_SUITE_P(Backends, ConnectFlow, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
