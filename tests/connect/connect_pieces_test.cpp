// Unit tests for the connect flow's pure pieces: the authorize URL per
// platform, the result redirect, token responses, identity and sub-account
// extraction through the catalogue's paths, shared apps, and the hosted page's
// escaping and CSP.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "connect/authorize_url.hpp"
#include "connect/hosted_page.hpp"
#include "connect/oauth_client.hpp"
#include "connect/platform_profile.hpp"
#include "connect/result_redirect.hpp"
#include "connect/shared_apps.hpp"
#include "core/ids.hpp"
#include "providers/catalog.hpp"

namespace postfuze::connect {
namespace {

namespace json = boost::json;

const providers::ProviderSpec& spec(std::string_view platform) { return *providers::builtin_catalog().find(platform); }

std::map<std::string, std::string> query_of(const std::string& url) {
  auto u = boost::urls::parse_absolute_uri(url);
  EXPECT_TRUE(u.has_value()) << url;
  std::map<std::string, std::string> out;
  for (auto p : u->params()) out[std::string(p.key)] = std::string(p.value);
  return out;
}

TEST(AuthorizeUrl, XUsesPkceAndSpaceSeparatedScopes) {
  const auto& x = spec("x");
  const std::string url = authorize_url(
      *x.oauth, {"cid", "https://pf.example/api/v1/connect/callback", x.oauth->default_scopes, "pf1.k.abc", "CHAL"});
  EXPECT_TRUE(url.starts_with("https://x.com/i/oauth2/authorize?response_type=code&client_id=cid&")) << url;
  EXPECT_NE(url.find("scope=tweet.read%20tweet.write%20users.read%20media.write%20offline.access"), std::string::npos)
      << url;
  auto q = query_of(url);
  EXPECT_EQ(q["redirect_uri"], "https://pf.example/api/v1/connect/callback");
  EXPECT_EQ(q["state"], "pf1.k.abc");
  EXPECT_EQ(q["code_challenge"], "CHAL");
  EXPECT_EQ(q["code_challenge_method"], "S256");
}

TEST(AuthorizeUrl, TikTokUsesClientKeyAndCommas) {
  const auto& t = spec("tiktok");
  auto q = query_of(authorize_url(*t.oauth, {"ck", "https://cb", {"user.info.basic", "video.publish"}, "s", std::nullopt}));
  EXPECT_EQ(q.count("client_id"), 0u);
  EXPECT_EQ(q["client_key"], "ck");
  EXPECT_EQ(q["scope"], "user.info.basic,video.publish");
  EXPECT_EQ(q.count("code_challenge"), 0u);
}

TEST(AuthorizeUrl, GoogleAndRedditAddTheirExtraParameters) {
  auto g = query_of(authorize_url(*spec("youtube").oauth, {"c", "https://cb", {"a"}, "s", "ch"}));
  EXPECT_EQ(g["access_type"], "offline");
  EXPECT_EQ(g["prompt"], "consent");
  auto r = query_of(authorize_url(*spec("reddit").oauth, {"c", "https://cb", {"identity", "submit"}, "s", std::nullopt}));
  EXPECT_EQ(r["duration"], "permanent");
  EXPECT_EQ(r["scope"], "identity submit");
}

TEST(AuthorizeUrl, ScopesComeFromTheRequestThenTheAppThenTheCatalogue) {
  const auto& o = *spec("x").oauth;
  EXPECT_EQ(effective_scopes(o, {"app.scope"}, std::vector<std::string>{"req"}), std::vector<std::string>{"req"});
  EXPECT_EQ(effective_scopes(o, {"app.scope"}, std::nullopt), std::vector<std::string>{"app.scope"});
  EXPECT_EQ(effective_scopes(o, {}, std::nullopt), o.default_scopes);
}

TEST(ResultRedirect, KeepsOtherParametersAndReplacesOutcomeOnes) {
  EXPECT_EQ(result_redirect("https://app.example.com/done?x=1&status=old&error=e&y=2",
                            {{"status", "connected"}, {"account_id", "a b"}}),
            "https://app.example.com/done?x=1&y=2&status=connected&account_id=a%20b");
  EXPECT_EQ(result_redirect("https://app.example.com", {{"status", "pending"}, {"session", "ps_x"}}),
            "https://app.example.com?status=pending&session=ps_x");
  EXPECT_EQ(result_redirect("https://app.example.com/p?session=1&session=2", {{"status", "error"}, {"error", "access_denied"}}),
            "https://app.example.com/p?status=error&error=access_denied");
}

TEST(TokenResponse, ReadsTokensExpiryAndScopes) {
  const core::TimePoint now{std::chrono::seconds(1000)};
  auto g = parse_token_response(
      R"({"token_type":"bearer","expires_in":7200,"access_token":"AT","scope":"tweet.read users.read","refresh_token":"RT"})",
      *spec("x").oauth, now, {});
  ASSERT_TRUE(g);
  EXPECT_EQ(g->access_token.reveal(), "AT");
  EXPECT_EQ(g->refresh_token->reveal(), "RT");
  EXPECT_EQ(*g->expires_at, now + std::chrono::seconds(7200));
  EXPECT_EQ(g->scopes, (std::vector<std::string>{"tweet.read", "users.read"}));
  // TikTok: comma scopes and refresh_expires_in; Threads: no scope, so the requested ones.
  auto t = parse_token_response(
      R"({"open_id":"o","scope":"user.info.basic,video.publish","access_token":"A","expires_in":86400,"refresh_token":"R","refresh_expires_in":31536000})",
      *spec("tiktok").oauth, now, {});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->scopes.size(), 2u);
  EXPECT_EQ(*t->refresh_expires_at, now + std::chrono::seconds(31536000));
  auto th = parse_token_response(R"({"access_token":"A","user_id":123})", *spec("threads").oauth, now, {"threads_basic"});
  ASSERT_TRUE(th);
  EXPECT_FALSE(th->expires_at.has_value());
  EXPECT_EQ(th->scopes, std::vector<std::string>{"threads_basic"});
}

TEST(TokenResponse, RefusesBodiesWithoutAnAccessTokenAndNeverEchoesThem) {
  const core::TimePoint now{};
  for (const char* body : {"", "[]", "{}", R"({"access_token":""})", R"({"error":"invalid_grant","refresh_token":"LEAK"})"}) {
    auto g = parse_token_response(body, *spec("x").oauth, now, {});
    ASSERT_FALSE(g) << body;
    EXPECT_EQ(g.error().internal.find("LEAK"), std::string::npos);
  }
  auto g = parse_token_response(R"({"error":"invalid_grant"})", *spec("x").oauth, now, {});
  EXPECT_NE(g.error().internal.find("invalid_grant"), std::string::npos);
}

TEST(PlatformProfile, ReadsIdentityThroughCataloguePaths) {
  auto tiktok = read_identity(spec("tiktok").identity, json::parse(
      R"({"data":{"user":{"open_id":"oid","display_name":"Acme","username":"acme","avatar_url":"https://p/a.jpg"}},"error":{"code":"ok"}})"));
  ASSERT_TRUE(tiktok);
  EXPECT_EQ(tiktok->id, "oid");
  EXPECT_EQ(*tiktok->username, "acme");
  EXPECT_EQ(*tiktok->name, "Acme");
  EXPECT_EQ(*tiktok->picture, "https://p/a.jpg");
  auto reddit = read_identity(spec("reddit").identity, json::parse(R"({"id":"t2_x","name":"acme"})"));
  ASSERT_TRUE(reddit);
  EXPECT_FALSE(reddit->name.has_value());
  EXPECT_FALSE(read_identity(spec("x").identity, json::parse(R"({"data":{}})")));
  EXPECT_FALSE(read_identity(spec("x").identity, json::parse(R"({"errors":[{"title":"x"}]})")));
}

TEST(PlatformProfile, FacebookPagesCarryTheirOwnTokens) {
  auto pages = read_candidates(*spec("facebook").sub_accounts, json::parse(R"({"data":[
      {"id":"1","name":"Acme Co","username":"acme","access_token":"PAGE1","picture":{"data":{"url":"https://p/1"}}},
      {"id":"2","name":"Acme Support","access_token":"PAGE2"},
      {"name":"no id"}]})"));
  ASSERT_TRUE(pages);
  ASSERT_EQ(pages->size(), 2u);
  EXPECT_EQ((*pages)[0].choice, (PendingChoice{"1", "page", "Acme Co", "acme", "https://p/1"}));
  EXPECT_EQ((*pages)[0].token->reveal(), "PAGE1");
  EXPECT_EQ((*pages)[1].choice, (PendingChoice{"2", "page", "Acme Support", std::nullopt, std::nullopt}));
  EXPECT_FALSE(read_candidates(*spec("facebook").sub_accounts, json::parse(R"({"error":{}})")));
}

TEST(PlatformProfile, InstagramSkipsPagesWithoutABusinessAccount) {
  auto accounts = read_candidates(*spec("instagram").sub_accounts, json::parse(R"({"data":[
      {"id":"p1","name":"Page","instagram_business_account":{"id":"ig1","username":"acme_ig"}},
      {"id":"p2","name":"Plain page"}]})"));
  ASSERT_TRUE(accounts);
  ASSERT_EQ(accounts->size(), 1u);
  EXPECT_EQ((*accounts)[0].choice.id, "ig1");
  EXPECT_EQ((*accounts)[0].choice.type, "business_account");
  EXPECT_FALSE((*accounts)[0].token.has_value());
}

TEST(PlatformProfile, GoogleLocationsAreListedForTheIdentityAccount) {
  const auto& gb = *spec("google_business").sub_accounts;
  EXPECT_EQ(sub_accounts_path(gb, {"accounts/111", {}, {}, {}}),
            "https://mybusinessbusinessinformation.googleapis.com/v1/accounts/111/locations?readMask=name,title");
}

TEST(SharedApps, ParsesAndRefusesBadFiles) {
  auto apps = SharedApps::parse(R"({"x": {"client_id": "id", "client_secret": "sec", "scopes": ["a", "b"]}})");
  ASSERT_TRUE(apps);
  ASSERT_NE(apps->find("x"), nullptr);
  EXPECT_EQ(apps->find("x")->client_secret.reveal(), "sec");
  EXPECT_EQ(apps->find("linkedin"), nullptr);
  for (const char* bad : {"[]", "{\"bluesky\": {\"client_id\": \"a\", \"client_secret\": \"b\"}}",
                          "{\"myspace\": {}}", "{\"x\": {\"client_id\": \"a\"}}",
                          "{\"x\": {\"client_id\": \"a\", \"client_secret\": \"b\", \"extra\": 1}}",
                          "{\"x\": {\"client_id\": \"a\", \"client_secret\": \"b\", \"scopes\": [\"a b\"]}}"}) {
    auto r = SharedApps::parse(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().detail.find("\"b\""), std::string::npos);
  }
}

TEST(SharedApps, NetworkIdsAreFixedUuidsPerPlatform) {
  EXPECT_TRUE(core::is_uuid(shared_network_id("x"))) << shared_network_id("x");
  EXPECT_EQ(shared_network_id("x"), shared_network_id("x"));
  EXPECT_NE(shared_network_id("x"), shared_network_id("facebook"));
}

TEST(HostedPage, EscapesEverythingAndSendsAStrictPolicy) {
  const std::vector<PendingChoice> choices = {{"1\"><script>", "page", "<b>Acme</b> & Co", "a'b", std::nullopt}};
  const auto page = picker_page("N0nce", "facebook", choices, "ps_tok", "csrf\"", "/api/v1/connect/pending");
  EXPECT_EQ(page.html.find("<script>"), std::string::npos);
  EXPECT_EQ(page.html.find("<b>Acme"), std::string::npos);
  EXPECT_NE(page.html.find("&lt;b&gt;Acme&lt;/b&gt; &amp; Co"), std::string::npos);
  EXPECT_NE(page.html.find("value=\"csrf&quot;\""), std::string::npos);
  EXPECT_NE(page.html.find("<style nonce=\"N0nce\">"), std::string::npos);
  EXPECT_EQ(page.html.find("http://"), std::string::npos);  // no external assets
  EXPECT_EQ(page.html.find("https://"), std::string::npos);
  EXPECT_NE(page.csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(page.csp.find("style-src 'nonce-N0nce'"), std::string::npos);
  EXPECT_NE(page.csp.find("form-action 'self'"), std::string::npos);
  const auto err = error_page("n", "x", "access_denied\"<");
  EXPECT_NE(err.html.find("data-error=\"access_denied&quot;&lt;\""), std::string::npos);
}

}  // namespace
}  // namespace postfuze::connect
