// The provider catalogue: the embedded src/providers/providers.json loads and says what
// docs/platforms.md says; loading refuses malformed catalogues; overrides
// replace exactly the three URLs; hooks named in data and in code agree.
#include "providers/catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "providers/hooks.hpp"

namespace postfuze::providers {
namespace {

namespace json = boost::json;

const ProviderSpec& spec(std::string_view platform) {
  const ProviderSpec* s = builtin_catalog().find(platform);
  if (s == nullptr) throw std::runtime_error("missing platform " + std::string(platform));
  return *s;
}

const OAuthSpec& oauth(std::string_view platform) {
  const ProviderSpec& s = spec(platform);
  if (!s.oauth) throw std::runtime_error("no oauth for " + std::string(platform));
  return *s.oauth;
}

std::string extra_param(std::string_view platform, std::string_view key) {
  for (const auto& [k, v] : oauth(platform).extra_authorize_params)
    if (k == key) return v;
  return "<absent>";
}

// The embedded catalogue as mutable JSON, to craft bad variants from.
json::value builtin_json() { return json::parse(embedded_catalog_json()); }

json::object& provider_json(json::value& root, std::string_view platform) {
  for (auto& p : root.at("providers").as_array())
    if (p.at("platform").as_string() == platform) return p.as_object();
  throw std::runtime_error("no such platform in JSON");
}

// Loading must fail with a validation error on `field` whose message contains `words`.
void expect_invalid(const json::value& root, std::string_view field, std::string_view words) {
  auto loaded = load_catalog(json::serialize(root));
  ASSERT_FALSE(loaded.ok()) << "expected an error on " << field;
  ASSERT_EQ(loaded.error().fields.size(), 1u);
  EXPECT_EQ(loaded.error().fields[0].field, field);
  EXPECT_NE(loaded.error().fields[0].message.find(words), std::string::npos) << loaded.error().fields[0].message;
}

// --- the embedded catalogue -------------------------------------------------

TEST(ProviderCatalog, EmbeddedCatalogueLoadsAndValidates) {
  auto loaded = load_catalog(embedded_catalog_json());
  ASSERT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().fields.at(0).field + " " + loaded.error().fields.at(0).message);
  EXPECT_EQ(loaded->providers().size(), known_platforms().size());
  EXPECT_EQ(builtin_catalog().providers().size(), 11u);
  for (std::string_view platform : known_platforms()) EXPECT_NE(builtin_catalog().find(platform), nullptr) << platform;
  EXPECT_EQ(builtin_catalog().find("mastodon"), nullptr);
  EXPECT_EQ(builtin_catalog().find(""), nullptr);
}

TEST(ProviderCatalog, EveryOAuthPlatformHasUrlsPkceAndClientAuth) {
  for (const auto& s : builtin_catalog().providers()) {
    SCOPED_TRACE(s.platform);
    EXPECT_TRUE(s.api_base_url.starts_with("https://"));
    EXPECT_FALSE(s.identity.path.empty());
    EXPECT_FALSE(s.identity.id.empty());
    if (s.auth == AuthKind::app_password) {
      EXPECT_FALSE(s.oauth.has_value());
      continue;
    }
    ASSERT_TRUE(s.oauth.has_value());
    EXPECT_TRUE(s.oauth->authorize_url.starts_with("https://"));
    EXPECT_TRUE(s.oauth->token_url.starts_with("https://"));
    EXPECT_FALSE(s.oauth->default_scopes.empty());
    EXPECT_FALSE(s.oauth->client_id_param.empty());
    EXPECT_TRUE(s.oauth->pkce == Pkce::s256 || s.oauth->pkce == Pkce::none);
    EXPECT_TRUE(s.oauth->client_auth == ClientAuth::basic || s.oauth->client_auth == ClientAuth::body);
  }
}

TEST(ProviderCatalog, VersionPlaceholderIsResolvedAtLoad) {
  for (const auto& s : builtin_catalog().providers()) {
    SCOPED_TRACE(s.platform);
    std::vector<std::string> texts = {s.api_base_url, s.identity.path};
    if (s.oauth) texts.insert(texts.end(), {s.oauth->authorize_url, s.oauth->token_url});
    if (s.sub_accounts) texts.push_back(s.sub_accounts->path);
    for (const auto& t : texts) EXPECT_EQ(t.find("{api_version}"), std::string::npos) << t;
  }
  EXPECT_EQ(spec("facebook").api_version, "v22.0");
  EXPECT_EQ(oauth("facebook").authorize_url, "https://www.facebook.com/v22.0/dialog/oauth");
  EXPECT_EQ(spec("facebook").api_base_url, "https://graph.facebook.com/v22.0");
  EXPECT_EQ(spec("x").api_version, "");
}

TEST(ProviderCatalog, XUsesPkceS256AndBasicAuth) {
  EXPECT_EQ(oauth("x").pkce, Pkce::s256);
  EXPECT_EQ(oauth("x").client_auth, ClientAuth::basic);
  EXPECT_EQ(oauth("x").client_id_param, "client_id");
  EXPECT_EQ(oauth("x").joined_default_scopes(), "tweet.read tweet.write users.read media.write offline.access");
  EXPECT_TRUE(spec("x").refresh.supported);
  EXPECT_TRUE(spec("x").refresh.rotates);
  EXPECT_EQ(spec("x").identity.username, "data.username");
  EXPECT_EQ(spec("x").api_url(spec("x").identity.path), "https://api.x.com/2/users/me?user.fields=profile_image_url");
}

TEST(ProviderCatalog, TikTokUsesClientKeyAndCommas) {
  EXPECT_EQ(oauth("tiktok").client_id_param, "client_key");
  EXPECT_EQ(oauth("tiktok").client_auth, ClientAuth::body);
  EXPECT_EQ(oauth("tiktok").pkce, Pkce::none);
  EXPECT_EQ(oauth("tiktok").token_url, "https://open.tiktokapis.com/v2/oauth/token/");
  EXPECT_TRUE(spec("tiktok").refresh.rotates);
}

TEST(ProviderCatalog, GooglePlatformsAskForOfflineAccessWithConsent) {
  for (std::string_view platform : {"youtube", "google_business"}) {
    SCOPED_TRACE(platform);
    EXPECT_EQ(extra_param(platform, "access_type"), "offline");
    EXPECT_EQ(extra_param(platform, "prompt"), "consent");
    EXPECT_EQ(oauth(platform).client_auth, ClientAuth::body);
    EXPECT_EQ(oauth(platform).authorize_url, "https://accounts.google.com/o/oauth2/v2/auth");
    EXPECT_TRUE(spec(platform).refresh.supported);
    EXPECT_FALSE(spec(platform).refresh.rotates);
  }
  EXPECT_EQ(spec("google_business").sub_accounts->kind, SubAccountKind::location);
  EXPECT_EQ(spec("youtube").sub_accounts->kind, SubAccountKind::channel);
}

TEST(ProviderCatalog, RedditAsksForAPermanentGrantWithBasicAuth) {
  EXPECT_EQ(extra_param("reddit", "duration"), "permanent");
  EXPECT_EQ(oauth("reddit").client_auth, ClientAuth::basic);
  EXPECT_EQ(spec("reddit").api_base_url, "https://oauth.reddit.com");
  EXPECT_FALSE(spec("reddit").refresh.rotates);
}

TEST(ProviderCatalog, OtherPlatformsFollowPlatformFacts) {
  // LinkedIn: no PKCE, credentials in the body, organisations as sub-accounts.
  EXPECT_EQ(oauth("linkedin").pkce, Pkce::none);
  EXPECT_EQ(oauth("linkedin").client_auth, ClientAuth::body);
  EXPECT_EQ(spec("linkedin").api_version, "202601");
  EXPECT_EQ(spec("linkedin").sub_accounts->kind, SubAccountKind::organization);
  // Pinterest: Basic.
  EXPECT_EQ(oauth("pinterest").client_auth, ClientAuth::basic);
  EXPECT_TRUE(spec("pinterest").refresh.rotates);
  // Meta: no PKCE, params, no refresh grant; Pages and IG business accounts.
  for (std::string_view platform : {"facebook", "instagram", "threads"}) {
    SCOPED_TRACE(platform);
    EXPECT_EQ(oauth(platform).pkce, Pkce::none);
    EXPECT_EQ(oauth(platform).client_auth, ClientAuth::body);
  }
  EXPECT_FALSE(spec("facebook").refresh.supported);
  EXPECT_EQ(spec("facebook").sub_accounts->kind, SubAccountKind::page);
  EXPECT_EQ(spec("instagram").sub_accounts->kind, SubAccountKind::business_account);
  EXPECT_EQ(spec("instagram").sub_accounts->id, "instagram_business_account.id");
  for (std::string_view platform : {"x", "tiktok", "threads", "pinterest", "reddit", "bluesky"})
    EXPECT_FALSE(spec(platform).sub_accounts.has_value()) << platform;
  // Only the Google platforms (and X, which requires it) send PKCE.
  for (const auto& s : builtin_catalog().providers()) {
    if (s.oauth && s.oauth->pkce == Pkce::s256) {
      EXPECT_TRUE(s.platform == "x" || s.platform == "youtube" || s.platform == "google_business") << s.platform;
    }
  }
}

TEST(ProviderCatalog, MetaTradesForLongLivedTokensAndPagesCarryTheirOwnTokens) {
  // platforms.md §4: the code exchange is a GET with query params, then
  // fb_exchange_token; §11: Threads' th_exchange_token.
  for (std::string_view platform : {"facebook", "instagram"}) {
    SCOPED_TRACE(platform);
    EXPECT_EQ(oauth(platform).token_request, TokenRequest::query);
    ASSERT_TRUE(oauth(platform).long_lived.has_value());
    EXPECT_EQ(oauth(platform).long_lived->grant_type, "fb_exchange_token");
    EXPECT_EQ(oauth(platform).long_lived->token_param, "fb_exchange_token");
    EXPECT_TRUE(oauth(platform).long_lived->send_client_id);
  }
  ASSERT_TRUE(oauth("threads").long_lived.has_value());
  EXPECT_EQ(oauth("threads").long_lived->grant_type, "th_exchange_token");
  EXPECT_EQ(oauth("threads").long_lived->path, "https://graph.threads.net/access_token");
  EXPECT_FALSE(oauth("threads").long_lived->send_client_id);
  EXPECT_EQ(oauth("threads").token_request, TokenRequest::form);
  for (std::string_view platform : {"x", "linkedin", "tiktok", "youtube", "pinterest", "reddit", "google_business"})
    EXPECT_FALSE(oauth(platform).long_lived.has_value()) << platform;
  EXPECT_EQ(spec("facebook").sub_accounts->token, "access_token");
  EXPECT_EQ(spec("facebook").sub_accounts->next, "paging.next");
  EXPECT_EQ(spec("instagram").sub_accounts->next, "paging.next");
  EXPECT_TRUE(spec("linkedin").sub_accounts->next.empty());
  EXPECT_TRUE(spec("instagram").sub_accounts->token.empty());
  EXPECT_TRUE(spec("linkedin").sub_accounts->include_identity);
  EXPECT_FALSE(spec("facebook").sub_accounts->include_identity);
  EXPECT_NE(spec("google_business").sub_accounts->path.find("{identity_id}"), std::string::npos);
}

TEST(ProviderCatalog, BlueskyUsesAnAppPassword) {
  EXPECT_EQ(spec("bluesky").auth, AuthKind::app_password);
  EXPECT_FALSE(spec("bluesky").oauth.has_value());
  EXPECT_EQ(spec("bluesky").identity.id, "did");
  EXPECT_EQ(spec("bluesky").identity.username, "handle");
}

TEST(ProviderCatalog, ScopeSeparatorsFollowPlatformFacts) {
  // docs/platforms.md §2.1.
  const std::vector<std::pair<std::string_view, std::string_view>> expected = {
      {"x", " "},        {"facebook", ","},  {"instagram", ","}, {"linkedin", " "},
      {"youtube", " "},  {"google_business", " "}, {"tiktok", ","}, {"threads", ","},
      {"pinterest", ","}, {"reddit", " "},
  };
  for (const auto& [platform, separator] : expected) EXPECT_EQ(oauth(platform).scope_separator, separator) << platform;
  EXPECT_EQ(oauth("pinterest").joined_default_scopes(), "pins:read,pins:write,boards:read,boards:write,user_accounts:read");
}

TEST(ProviderCatalog, EveryEntryCitesItsSources) {
  const json::value root = builtin_json();
  for (const auto& p : root.at("providers").as_array()) {
    SCOPED_TRACE(json::serialize(p.at("platform")));
    const json::value* sources = p.as_object().if_contains("_sources");
    ASSERT_NE(sources, nullptr);
    ASSERT_TRUE(sources->is_array());
    EXPECT_FALSE(sources->as_array().empty());
  }
}

// --- overrides --------------------------------------------------------------

TEST(ProviderOverrides, ReplaceExactlyTheThreeUrls) {
  Catalog catalog = builtin_catalog();
  const ProviderSpec before = *catalog.find("x");
  ASSERT_TRUE(apply_overrides(catalog, R"({"x": {"authorize_url": "http://127.0.0.1:4010/x/authorize",
                                                 "token_url": "http://127.0.0.1:4010/x/token",
                                                 "api_base_url": "http://127.0.0.1:4010/x"}})")
                  .ok());
  const ProviderSpec& after = *catalog.find("x");
  EXPECT_EQ(after.oauth->authorize_url, "http://127.0.0.1:4010/x/authorize");
  EXPECT_EQ(after.oauth->token_url, "http://127.0.0.1:4010/x/token");
  EXPECT_EQ(after.api_base_url, "http://127.0.0.1:4010/x");
  EXPECT_EQ(after.api_url(after.identity.path), "http://127.0.0.1:4010/x/2/users/me?user.fields=profile_image_url");
  // Everything else is untouched.
  EXPECT_EQ(after.oauth->pkce, before.oauth->pkce);
  EXPECT_EQ(after.oauth->default_scopes, before.oauth->default_scopes);
  EXPECT_EQ(after.identity.path, before.identity.path);
  EXPECT_EQ(catalog.find("reddit")->oauth->token_url, builtin_catalog().find("reddit")->oauth->token_url);
  // The builtin catalogue itself is never changed.
  EXPECT_EQ(builtin_catalog().find("x")->api_base_url, "https://api.x.com");
}

TEST(ProviderOverrides, AnApiBaseOverrideReRootsAbsoluteUrlsOnOtherHosts) {
  Catalog catalog = builtin_catalog();
  ASSERT_TRUE(apply_overrides(catalog, R"({"google_business": {"api_base_url": "http://127.0.0.1:4010/gb/api"},
                                          "threads": {"api_base_url": "http://127.0.0.1:4010/threads/api"}})")
                  .ok());
  const ProviderSpec& gb = *catalog.find("google_business");
  EXPECT_EQ(gb.api_url(gb.identity.path), "http://127.0.0.1:4010/gb/api/v1/accounts?pageSize=20");
  EXPECT_EQ(gb.api_url(gb.sub_accounts->path),
            "http://127.0.0.1:4010/gb/api/v1/{identity_id}/locations?readMask=name,title");
  const ProviderSpec& threads = *catalog.find("threads");
  EXPECT_EQ(threads.api_url(threads.oauth->long_lived->path), "http://127.0.0.1:4010/threads/api/access_token");
  // Without an api_base_url override absolute URLs stay where they are.
  Catalog untouched = builtin_catalog();
  ASSERT_TRUE(apply_overrides(untouched, R"({"google_business": {"token_url": "http://127.0.0.1:4010/t"}})").ok());
  EXPECT_EQ(untouched.find("google_business")->identity.path,
            "https://mybusinessaccountmanagement.googleapis.com/v1/accounts?pageSize=20");
}

TEST(ProviderOverrides, MayReplaceASubsetAndTheAppPasswordBaseUrl) {
  Catalog catalog = builtin_catalog();
  ASSERT_TRUE(apply_overrides(catalog, R"({"bluesky": {"api_base_url": "http://localhost:2583"},
                                          "reddit": {"token_url": "https://sim.example.com/reddit/token"}})")
                  .ok());
  EXPECT_EQ(catalog.find("bluesky")->api_base_url, "http://localhost:2583");
  EXPECT_EQ(catalog.find("reddit")->oauth->token_url, "https://sim.example.com/reddit/token");
  EXPECT_EQ(catalog.find("reddit")->oauth->authorize_url, "https://www.reddit.com/api/v1/authorize");
  EXPECT_TRUE(apply_overrides(catalog, "{}").ok());
}

void expect_override_refused(std::string_view overrides, std::string_view field, std::string_view words) {
  Catalog catalog = builtin_catalog();
  auto status = apply_overrides(catalog, overrides);
  ASSERT_FALSE(status.ok()) << overrides;
  ASSERT_FALSE(status.error().fields.empty());
  EXPECT_EQ(status.error().fields[0].field, field);
  EXPECT_NE(status.error().fields[0].message.find(words), std::string::npos) << status.error().fields[0].message;
  // Nothing was applied, not even the valid parts.
  EXPECT_EQ(catalog.find("x")->api_base_url, "https://api.x.com");
}

TEST(ProviderOverrides, RefuseUnknownPlatforms) {
  expect_override_refused(R"({"x": {"api_base_url": "http://127.0.0.1:1"}, "myspace": {"api_base_url": "https://a.b"}})",
                          "myspace", "myspace");
}

TEST(ProviderOverrides, RefuseUnknownKeys) {
  expect_override_refused(R"({"x": {"api_base_url": "http://127.0.0.1:1", "revoke_url": "https://a.b"}})",
                          "x.revoke_url", "revoke_url");
  expect_override_refused(R"({"x": {"pkce": "none"}})", "x.pkce", "pkce");
  expect_override_refused(R"({"bluesky": {"authorize_url": "https://a.b/authorize"}})", "bluesky.authorize_url",
                          "does not use OAuth");
}

TEST(ProviderOverrides, RefuseBadUrls) {
  for (std::string_view url : {"/relative/path", "ftp://example.com/x", "https://example.com/a#frag",
                               "https://user:pw@example.com/a", "not a url", "https://", "javascript:alert(1)"}) {
    const std::string overrides = R"({"x": {"token_url": ")" + std::string(url) + R"("}})";
    expect_override_refused(overrides, "x.token_url", "URL");
  }
  expect_override_refused(R"({"x": {"api_base_url": "https://api.example.com/"}})", "x.api_base_url", "URL");
  expect_override_refused(R"({"x": {"token_url": 42}})", "x.token_url", "string");
  expect_override_refused(R"({"x": "https://api.example.com"})", "x", "object");
  expect_override_refused(R"(["x"])", "overrides", "object");
  expect_override_refused(R"({"x": )", "overrides", "JSON");
}

// --- validation of the catalogue --------------------------------------------

TEST(ProviderCatalogValidation, RefusesAMissingPlatform) {
  json::value root = builtin_json();
  auto& list = root.at("providers").as_array();
  list.erase(std::remove_if(list.begin(), list.end(), [](const json::value& p) { return p.at("platform") == "reddit"; }),
             list.end());
  expect_invalid(root, "catalog.providers", "\"reddit\" is missing");
}

TEST(ProviderCatalogValidation, RefusesADuplicatePlatform) {
  json::value root = builtin_json();
  json::value copy = provider_json(root, "x");
  root.at("providers").as_array().push_back(copy);
  expect_invalid(root, "providers.11.platform", "listed twice");
}

TEST(ProviderCatalogValidation, RefusesAnUnknownPlatform) {
  json::value root = builtin_json();
  provider_json(root, "x")["platform"] = "mastodon";
  expect_invalid(root, "providers.0.platform", "mastodon");
}

TEST(ProviderCatalogValidation, RefusesBadEnums) {
  {
    json::value root = builtin_json();
    provider_json(root, "x")["pkce"] = "plain";
    expect_invalid(root, "x.pkce", "none, S256");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "reddit")["client_auth"] = "header";
    expect_invalid(root, "reddit.client_auth", "basic, body");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "tiktok")["auth"] = "oauth1";
    expect_invalid(root, "tiktok.auth", "oauth2, app_password");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "facebook")["sub_accounts"].as_object()["kind"] = "group";
    expect_invalid(root, "facebook.sub_accounts.kind", "business_account");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "pinterest")["scope_separator"] = ";";
    expect_invalid(root, "pinterest.scope_separator", "must be");
  }
}

TEST(ProviderCatalogValidation, RefusesUnknownKeysButAcceptsNotes) {
  {
    json::value root = builtin_json();
    provider_json(root, "linkedin")["scope_sep"] = " ";
    expect_invalid(root, "linkedin.scope_sep", "unknown key");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "x")["identity"].as_object()["avatar"] = "data.x";
    expect_invalid(root, "x.identity.avatar", "unknown key");
  }
  {
    json::value root = builtin_json();
    root.as_object()["version"] = 2;
    expect_invalid(root, "catalog.version", "unknown key");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "bluesky")["token_url"] = "https://bsky.social/token";
    expect_invalid(root, "bluesky.token_url", "unknown key");
  }
  json::value root = builtin_json();
  provider_json(root, "x")["_todo"] = "anything";
  root.as_object()["_comment"] = json::array{1, 2};
  EXPECT_TRUE(load_catalog(json::serialize(root)).ok());
}

TEST(ProviderCatalogValidation, RefusesNonHttpsUrls) {
  {
    json::value root = builtin_json();
    provider_json(root, "x")["token_url"] = "http://api.x.com/2/oauth2/token";
    expect_invalid(root, "x.token_url", "https");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "reddit")["authorize_url"] = "www.reddit.com/api/v1/authorize";
    expect_invalid(root, "reddit.authorize_url", "https");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "bluesky")["api_base_url"] = "http://bsky.social";
    expect_invalid(root, "bluesky.api_base_url", "https");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "x")["identity"].as_object()["path"] = "http://api.x.com/2/users/me";
    expect_invalid(root, "x.identity.path", "https");
  }
}

TEST(ProviderCatalogValidation, RefusesOtherMistakes) {
  {
    json::value root = builtin_json();
    provider_json(root, "x").erase("token_url");
    expect_invalid(root, "x.token_url", "required");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "facebook").erase("api_version");
    expect_invalid(root, "facebook.api_base_url", "api_version");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "x")["default_scopes"] = json::array{};
    expect_invalid(root, "x.default_scopes", "non-empty");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "youtube")["extra_authorize_params"].as_object()["state"] = "fixed";
    expect_invalid(root, "youtube.extra_authorize_params.state", "connect flow");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "x")["identity"].as_object()["id"] = "data..id";
    expect_invalid(root, "x.identity.id", "dotted");
  }
  {
    json::value root = builtin_json();
    provider_json(root, "x")["hooks"] = json::array{"facebook.page_tokens"};
    expect_invalid(root, "x.hooks.0", "x.<snake_case>");
  }
  EXPECT_FALSE(load_catalog("not json").ok());
  EXPECT_FALSE(load_catalog("[]").ok());
}

// --- hooks ------------------------------------------------------------------

TEST(ProviderHooks, BuiltinCatalogueAndRegistryAgree) {
  EXPECT_TRUE(check_hooks(builtin_catalog()).ok());
  EXPECT_TRUE(registered_hooks().empty());
}

Catalog catalog_with_hook(std::string_view platform, std::string_view hook) {
  json::value root = builtin_json();
  provider_json(root, platform)["hooks"] = json::array{json::string(hook)};
  auto loaded = load_catalog(json::serialize(root));
  if (!loaded) throw std::runtime_error("crafted catalogue did not load");
  return std::move(loaded).value();
}

TEST(ProviderHooks, AHookNamedInDataMustBeRegistered) {
  const Catalog catalog = catalog_with_hook("facebook", "facebook.page_tokens");
  auto status = check_hooks(catalog, {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().fields.at(0).field, "facebook.hooks");
  EXPECT_NE(status.error().fields.at(0).message.find("facebook.page_tokens"), std::string::npos);

  const std::vector<std::string_view> registered = {"facebook.page_tokens"};
  EXPECT_TRUE(check_hooks(catalog, registered).ok());
}

TEST(ProviderHooks, ARegisteredHookMustBeNamedInData) {
  const std::vector<std::string_view> registered = {"reddit.media_lease"};
  auto status = check_hooks(builtin_catalog(), registered);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().fields.at(0).message.find("reddit.media_lease"), std::string::npos);
  EXPECT_NE(status.error().fields.at(0).message.find("no platform names it"), std::string::npos);
}

}  // namespace
}  // namespace postfuze::providers
