// The platform simulator driven with plain HTTP: full round trips for a
// representative set of platforms, the rejections a strict platform makes,
// refresh-token rotation, scenario knobs and the control API.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <set>

#include "sim/sim_client.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;

const Pairs kXAuthorize{{"response_type", "code"},
                        {"client_id", "x-client"},
                        {"redirect_uri", SimTest::kRedirect},
                        {"scope", "tweet.read tweet.write users.read offline.access"},
                        {"state", "state-x"},
                        {"code_challenge", s256(SimTest::kVerifier)},
                        {"code_challenge_method", "S256"}};

Pairs with(Pairs base, const Pairs& changes) {
  for (const auto& [k, v] : changes) {
    bool replaced = false;
    for (auto& [bk, bv] : base)
      if (bk == k) bv = v, replaced = true;
    if (!replaced) base.emplace_back(k, v);
  }
  return base;
}

Pairs without(Pairs base, const std::string& name) {
  std::erase_if(base, [&](const auto& p) { return p.first == name; });
  return base;
}

class PlatformSimTest : public SimTest {
 protected:
  void SetUp() override {
    sim_.register_app("x", "x-client", "x-secret", kRedirect);
    sim_.register_app("tiktok", "tt-key", "tt-secret", kRedirect);
    sim_.register_app("facebook", "fb-app", "fb-secret", kRedirect);
    sim_.register_app("instagram", "ig-app", "ig-secret", kRedirect);
    sim_.register_app("youtube", "yt-client", "yt-secret", kRedirect);
    sim_.register_app("google_business", "gb-client", "gb-secret", kRedirect);
    sim_.register_app("reddit", "rd-client", "rd-secret", kRedirect);
    sim_.register_app("linkedin", "li-client", "li-secret", kRedirect);
    sim_.register_app("threads", "th-app", "th-secret", kRedirect);
    sim_.register_app("pinterest", "pin-client", "pin-secret", kRedirect);
  }

  // X: consent page → code → token (Basic + verifier); the token response.
  json::object x_tokens() {
    const auto cb = approve("x", kXAuthorize);
    auto r = post_form("/x/oauth/token",
                       {{"grant_type", "authorization_code"},
                        {"code", cb.params.at("code")},
                        {"redirect_uri", kRedirect},
                        {"code_verifier", kVerifier}},
                       {{"Authorization", basic("x-client", "x-secret")}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }

  std::string code_for(const std::string& platform, const Pairs& params) {
    sim_.scenario(platform, {{"consent", "auto_approve"}});
    const auto r = authorize_raw(platform, params);
    EXPECT_EQ(r.status, 302) << r.body;
    return parse_callback(r.header("location")).params["code"];
  }

  std::string x_code() { return code_for("x", kXAuthorize); }

  Pairs x_exchange(const std::string& code) const {
    return {{"grant_type", "authorization_code"},
            {"code", code},
            {"redirect_uri", kRedirect},
            {"code_verifier", kVerifier}};
  }
  Headers x_basic() const { return {{"Authorization", basic("x-client", "x-secret")}}; }

  static Pairs tiktok_authorize() {
    return {{"client_key", "tt-key"},
            {"response_type", "code"},
            {"scope", "user.info.basic,user.info.profile,video.publish"},
            {"redirect_uri", kRedirect},
            {"state", "state-tt"}};
  }
  static Pairs facebook_authorize(const std::string& platform, const std::string& client) {
    return {
        {"client_id", client},
        {"redirect_uri", kRedirect},
        {"state", "state-fb"},
        {"response_type", "code"},
        {"scope", platform == "facebook" ? "pages_show_list,pages_manage_posts" : "instagram_basic,pages_show_list"}};
  }
  static Pairs google_authorize(const std::string& client, bool offline) {
    Pairs p{
        {"client_id", client},
        {"redirect_uri", kRedirect},
        {"response_type", "code"},
        {"scope", "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly"},
        {"state", "state-g"},
        {"prompt", "consent"},
        {"code_challenge", s256(kVerifier)},
        {"code_challenge_method", "S256"}};
    if (offline) p.emplace_back("access_type", "offline");
    return p;
  }
  static Pairs reddit_authorize(const std::string& duration) {
    return {{"client_id", "rd-client"},  {"response_type", "code"}, {"state", "state-rd"},
            {"redirect_uri", kRedirect}, {"duration", duration},    {"scope", "identity submit read"}};
  }
};

// ---------------------------------------------------------------------------
// Round trips

TEST_F(PlatformSimTest, XRoundTripWithPkceThroughTheConsentPage) {
  const auto page = authorize_raw("x", kXAuthorize);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find(R"(<button id="approve" name="decision" value="approve")"), std::string::npos);
  EXPECT_NE(page.body.find(R"(id="deny")"), std::string::npos);
  EXPECT_NE(page.body.find("tweet.write"), std::string::npos);

  const auto cb = approve("x", kXAuthorize);
  EXPECT_EQ(cb.without_query, "http://app.test/callback");
  EXPECT_EQ(cb.params.at("from"), "sim");  // the redirect_uri's own query is kept
  EXPECT_EQ(cb.params.at("state"), "state-x");
  ASSERT_EQ(cb.params.count("code"), 1u);

  const auto tokens = x_tokens();
  EXPECT_EQ(str(tokens.at("token_type")), "bearer");
  EXPECT_EQ(tokens.at("expires_in").as_int64(), 7200);
  EXPECT_EQ(str(tokens.at("scope")), "tweet.read tweet.write users.read offline.access");
  EXPECT_TRUE(tokens.contains("refresh_token"));

  const auto me = bearer_get("/x/api/2/users/me?user.fields=profile_image_url", str(tokens.at("access_token")));
  ASSERT_EQ(me.status, 200) << me.body;
  const json::object data = me.json().at("data").as_object();
  EXPECT_EQ(str(data.at("id")), "x-user-1");
  EXPECT_EQ(str(data.at("username")), "x_user_1");
  EXPECT_FALSE(str(data.at("name")).empty());
  EXPECT_TRUE(str(data.at("profile_image_url")).starts_with("https://"));

  const json::object stats = sim_.stats().at("x").as_object();
  EXPECT_EQ(stats.at("authorize").as_int64(), 3);  // the page, the approve() call's GET, x_tokens' GET
  EXPECT_EQ(stats.at("consent").as_int64(), 2);
  EXPECT_EQ(stats.at("token").as_int64(), 1);
  EXPECT_EQ(stats.at("identity").as_int64(), 1);
  EXPECT_EQ(stats.at("rejected").as_int64(), 0);
}

TEST_F(PlatformSimTest, XTokenCallIsRecordedWithItsBasicHeader) {
  x_tokens();
  bool seen = false;
  for (const auto& r : sim_.requests("x")) {
    const auto& req = obj(r);
    if (str(req.at("target")) != "/x/oauth/token") continue;
    seen = true;
    EXPECT_EQ(str(req.at("method")), "POST");
    EXPECT_EQ(str(obj(req.at("headers")).at("authorization")), basic("x-client", "x-secret"));
    EXPECT_EQ(str(obj(req.at("headers")).at("content-type")), "application/x-www-form-urlencoded");
    EXPECT_NE(str(req.at("body")).find("grant_type=authorization_code"), std::string::npos);
    EXPECT_EQ(req.at("status").as_int64(), 200);
  }
  EXPECT_TRUE(seen);
}

TEST_F(PlatformSimTest, TikTokUsesClientKeyAndCommaScopes) {
  const std::string code = code_for("tiktok", tiktok_authorize());
  ASSERT_FALSE(code.empty());
  auto r = post_form("/tiktok/oauth/token", {{"client_key", "tt-key"},
                                             {"client_secret", "tt-secret"},
                                             {"code", code},
                                             {"grant_type", "authorization_code"},
                                             {"redirect_uri", kRedirect}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto tokens = r.json().as_object();
  EXPECT_EQ(str(tokens.at("open_id")), "tiktok-user-1");
  EXPECT_EQ(str(tokens.at("scope")), "user.info.basic,user.info.profile,video.publish");
  EXPECT_EQ(tokens.at("expires_in").as_int64(), 86400);
  EXPECT_EQ(tokens.at("refresh_expires_in").as_int64(), 31536000);
  EXPECT_EQ(str(tokens.at("token_type")), "Bearer");
  EXPECT_TRUE(tokens.contains("refresh_token"));

  const auto me = bearer_get("/tiktok/api/user/info/?fields=open_id,union_id,avatar_url,display_name,username",
                             str(tokens.at("access_token")));
  ASSERT_EQ(me.status, 200) << me.body;
  const auto body = me.json();
  EXPECT_EQ(str(body.at("error").at("code")), "ok");
  const auto& user = obj(body.at("data").at("user"));
  EXPECT_EQ(str(user.at("open_id")), "tiktok-user-1");
  EXPECT_EQ(str(user.at("username")), "tiktok_user_1");
  EXPECT_TRUE(user.contains("avatar_url"));
  EXPECT_FALSE(user.contains("follower_count"));  // only the fields asked for
}

TEST_F(PlatformSimTest, TikTokFieldNeedsItsScope) {
  const std::string code = code_for("tiktok", with(tiktok_authorize(), {{"scope", "user.info.basic,video.publish"}}));
  auto r = post_form("/tiktok/oauth/token", {{"client_key", "tt-key"},
                                             {"client_secret", "tt-secret"},
                                             {"code", code},
                                             {"grant_type", "authorization_code"},
                                             {"redirect_uri", kRedirect}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto me = bearer_get("/tiktok/api/user/info/?fields=open_id,username", str(r.json().at("access_token")));
  EXPECT_EQ(me.status, 401);
  EXPECT_EQ(str(me.json().at("error").at("code")), "scope_not_authorized");
}

TEST_F(PlatformSimTest, FacebookTwoStepExchangeAndPagesWithTheirOwnTokens) {
  sim_.scenario("facebook", {{"accounts", 3}});
  const std::string code = code_for("facebook", facebook_authorize("facebook", "fb-app"));
  // Facebook's documented code exchange: GET with query parameters.
  auto r =
      get("/facebook/oauth/token?" +
          encode_pairs(
              {{"client_id", "fb-app"}, {"redirect_uri", kRedirect}, {"client_secret", "fb-secret"}, {"code", code}}));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto short_lived = r.json().as_object();
  EXPECT_EQ(str(short_lived.at("token_type")), "bearer");
  EXPECT_EQ(short_lived.at("expires_in").as_int64(), 5183944);

  r = get("/facebook/api/oauth/access_token?" +
          encode_pairs({{"grant_type", "fb_exchange_token"},
                        {"client_id", "fb-app"},
                        {"client_secret", "fb-secret"},
                        {"fb_exchange_token", str(short_lived.at("access_token"))}}));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto long_lived = r.json().as_object();
  EXPECT_EQ(long_lived.at("expires_in").as_int64(), 5183944);
  const std::string user_token = str(long_lived.at("access_token"));
  EXPECT_NE(user_token, str(short_lived.at("access_token")));

  const auto me = bearer_get("/facebook/api/me?fields=id,name,picture", user_token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(me.json().at("id")), "facebook-user-1");
  EXPECT_TRUE(str(me.json().at("picture").at("data").at("url")).starts_with("https://"));

  const auto pages = bearer_get(
      "/facebook/api/me/accounts?fields=id,name,username,access_token,picture.type(large),tasks&limit=100", user_token);
  ASSERT_EQ(pages.status, 200) << pages.body;
  const json::array data = pages.json().at("data").as_array();
  ASSERT_EQ(data.size(), 3u);
  std::set<std::string> tokens;
  for (const auto& page : data) {
    EXPECT_TRUE(str(page.at("id")).starts_with("facebook-user-1-page-"));
    EXPECT_FALSE(page.as_object().contains("category"));  // not asked for
    tokens.insert(str(page.at("access_token")));
  }
  EXPECT_EQ(tokens.size(), 3u);
  // A Page token is valid for Facebook's API; /me is then the Page.
  const auto as_page = bearer_get("/facebook/api/me?fields=id,name", *tokens.begin());
  ASSERT_EQ(as_page.status, 200) << as_page.body;
  EXPECT_TRUE(str(as_page.json().at("id")).starts_with("facebook-user-1-page-"));

  const json::object stats = sim_.stats().at("facebook").as_object();
  EXPECT_EQ(stats.at("token").as_int64(), 1);
  EXPECT_EQ(stats.at("long_lived").as_int64(), 1);
  EXPECT_EQ(stats.at("sub_accounts").as_int64(), 1);
  EXPECT_EQ(stats.at("rejected").as_int64(), 0);
}

TEST_F(PlatformSimTest, FacebookCallbackCarriesTheFragmentAndDenialReason) {
  sim_.scenario("facebook", {{"consent", "auto_approve"}});
  auto cb = parse_callback(authorize_raw("facebook", facebook_authorize("facebook", "fb-app")).header("location"));
  EXPECT_TRUE(cb.has_fragment);
  EXPECT_EQ(cb.fragment, "_=_");
  sim_.scenario("facebook", {{"consent", "auto_deny"}});
  cb = parse_callback(authorize_raw("facebook", facebook_authorize("facebook", "fb-app")).header("location"));
  EXPECT_EQ(cb.params.at("error"), "access_denied");
  EXPECT_EQ(cb.params.at("error_reason"), "user_denied");
  EXPECT_EQ(cb.params.at("error_code"), "200");
  EXPECT_EQ(cb.params.at("state"), "state-fb");
  EXPECT_EQ(cb.params.count("code"), 0u);
}

TEST_F(PlatformSimTest, FacebookPagesFollowPagingNext) {
  sim_.scenario("facebook", {{"accounts", 3}});
  const std::string code = code_for("facebook", facebook_authorize("facebook", "fb-app"));
  const auto t =
      post_form("/facebook/oauth/token",
                {{"client_id", "fb-app"}, {"client_secret", "fb-secret"}, {"redirect_uri", kRedirect}, {"code", code}});
  ASSERT_EQ(t.status, 200) << t.body;
  const std::string token = str(t.json().at("access_token"));
  auto first = bearer_get("/facebook/api/me/accounts?fields=id,name&limit=2", token).json();
  ASSERT_EQ(first.at("data").as_array().size(), 2u);
  const std::string next = str(first.at("paging").at("next"));
  const auto u = boost::urls::parse_absolute_uri(next);
  ASSERT_TRUE(u.has_value()) << next;
  EXPECT_EQ(u->port_number(), port());
  auto second = bearer_get(std::string(u->encoded_path()) + "?" + std::string(u->encoded_query()), token).json();
  ASSERT_EQ(second.at("data").as_array().size(), 1u);
  EXPECT_EQ(str(second.at("data").at(0).at("id")), "facebook-user-1-page-3");
  EXPECT_FALSE(second.at("paging").as_object().contains("next"));
}

TEST_F(PlatformSimTest, InstagramListsOnePageWithoutALinkedAccount) {
  sim_.scenario("instagram", {{"accounts", 2}});
  const std::string code = code_for("instagram", facebook_authorize("instagram", "ig-app"));
  const auto t =
      get("/instagram/oauth/token?" +
          encode_pairs(
              {{"client_id", "ig-app"}, {"client_secret", "ig-secret"}, {"redirect_uri", kRedirect}, {"code", code}}));
  ASSERT_EQ(t.status, 200) << t.body;
  const auto pages = bearer_get(
      "/instagram/api/me/accounts?fields=id,name,instagram_business_account%7Bid,username,name,profile_picture_url%7D"
      "&limit=100",
      str(t.json().at("access_token")));
  ASSERT_EQ(pages.status, 200) << pages.body;
  const json::array data = pages.json().at("data").as_array();
  ASSERT_EQ(data.size(), 3u);
  int linked = 0;
  for (const auto& page : data)
    if (const auto* ig = page.as_object().if_contains("instagram_business_account")) {
      ++linked;
      EXPECT_TRUE(str(ig->at("id")).starts_with("instagram-user-1-ig-"));
      EXPECT_TRUE(ig->as_object().contains("profile_picture_url"));
    }
  EXPECT_EQ(linked, 2);
}

TEST_F(PlatformSimTest, GoogleGivesARefreshTokenOnlyForOfflineAccess) {
  sim_.scenario("youtube", {{"consent", "auto_approve"}, {"accounts", 2}});
  auto cb = parse_callback(authorize_raw("youtube", google_authorize("yt-client", true)).header("location"));
  EXPECT_EQ(cb.params.at("scope"),
            "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly");
  auto exchange = [&](const std::string& code) {
    return post_form("/youtube/oauth/token", {{"code", code},
                                              {"client_id", "yt-client"},
                                              {"client_secret", "yt-secret"},
                                              {"redirect_uri", kRedirect},
                                              {"grant_type", "authorization_code"},
                                              {"code_verifier", kVerifier}});
  };
  auto r = exchange(cb.params.at("code"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto tokens = r.json().as_object();
  EXPECT_EQ(str(tokens.at("token_type")), "Bearer");
  EXPECT_EQ(tokens.at("expires_in").as_int64(), 3599);
  ASSERT_TRUE(tokens.contains("refresh_token"));

  const auto channels =
      bearer_get("/youtube/api/youtube/v3/channels?part=snippet&mine=true", str(tokens.at("access_token")));
  ASSERT_EQ(channels.status, 200) << channels.body;
  const json::array items = channels.json().at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(str(items[0].at("id")), "youtube-user-1-channel-1");
  EXPECT_TRUE(str(items[0].at("snippet").at("customUrl")).starts_with("@"));
  EXPECT_TRUE(items[0].at("snippet").at("thumbnails").at("default").as_object().contains("url"));

  // Google keeps the refresh token: it works again after a refresh.
  const std::string refresh = str(tokens.at("refresh_token"));
  for (int i = 0; i < 2; ++i) {
    r = post_form("/youtube/oauth/token", {{"grant_type", "refresh_token"},
                                           {"refresh_token", refresh},
                                           {"client_id", "yt-client"},
                                           {"client_secret", "yt-secret"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.json().as_object().contains("refresh_token"));
  }
  EXPECT_EQ(sim_.stat("youtube", "refresh"), 2);

  // Without access_type=offline: no refresh token.
  cb = parse_callback(authorize_raw("youtube", google_authorize("yt-client", false)).header("location"));
  r = exchange(cb.params.at("code"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json().as_object().contains("refresh_token"));
}

TEST_F(PlatformSimTest, GoogleBusinessListsLocationsOfTheUsersAccount) {
  sim_.scenario("google_business", {{"accounts", 2}});
  const std::string code = code_for(
      "google_business",
      with(google_authorize("gb-client", true), {{"scope", "https://www.googleapis.com/auth/business.manage"}}));
  const auto t = post_form("/google_business/oauth/token", {{"code", code},
                                                            {"client_id", "gb-client"},
                                                            {"client_secret", "gb-secret"},
                                                            {"redirect_uri", kRedirect},
                                                            {"grant_type", "authorization_code"},
                                                            {"code_verifier", kVerifier}});
  ASSERT_EQ(t.status, 200) << t.body;
  const std::string token = str(t.json().at("access_token"));
  const auto accounts = bearer_get("/google_business/api/v1/accounts?pageSize=20", token);
  ASSERT_EQ(accounts.status, 200) << accounts.body;
  const std::string account = str(accounts.json().at("accounts").at(0).at("name"));
  EXPECT_TRUE(account.starts_with("accounts/"));
  const auto locations = bearer_get("/google_business/api/v1/" + account + "/locations?readMask=name,title", token);
  ASSERT_EQ(locations.status, 200) << locations.body;
  const json::array list = locations.json().at("locations").as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_TRUE(str(list[0].at("name")).starts_with("locations/"));
  EXPECT_EQ(list[0].as_object().size(), 2u);  // only the readMask fields
  // readMask is required; another account is not the caller's.
  EXPECT_EQ(bearer_get("/google_business/api/v1/" + account + "/locations", token).status, 400);
  EXPECT_EQ(bearer_get("/google_business/api/v1/accounts/1/locations?readMask=name", token).status, 403);
}

TEST_F(PlatformSimTest, RedditUsesBasicAndDurationPermanent) {
  const std::string code = code_for("reddit", reddit_authorize("permanent"));
  auto r = post_form("/reddit/oauth/token",
                     {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirect}},
                     {{"Authorization", basic("rd-client", "rd-secret")}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto tokens = r.json().as_object();
  EXPECT_EQ(str(tokens.at("scope")), "identity submit read");
  EXPECT_EQ(tokens.at("expires_in").as_int64(), 3600);
  ASSERT_TRUE(tokens.contains("refresh_token"));
  const auto me = bearer_get("/reddit/api/api/v1/me", str(tokens.at("access_token")));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(me.json().at("name")), "reddit_user_1");
  EXPECT_EQ(str(me.json().at("id")), "reddit-user-1");

  // A temporary grant has no refresh token.
  const std::string temporary = code_for("reddit", reddit_authorize("temporary"));
  r = post_form("/reddit/oauth/token",
                {{"grant_type", "authorization_code"}, {"code", temporary}, {"redirect_uri", kRedirect}},
                {{"Authorization", basic("rd-client", "rd-secret")}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json().as_object().contains("refresh_token"));
}

TEST_F(PlatformSimTest, ThreadsExchangesAndRefreshesItsLongLivedToken) {
  const std::string code = code_for("threads", {{"client_id", "th-app"},
                                                {"redirect_uri", kRedirect},
                                                {"scope", "threads_basic,threads_content_publish"},
                                                {"response_type", "code"},
                                                {"state", "s"}});
  auto r = post_form("/threads/oauth/token", {{"client_id", "th-app"},
                                              {"client_secret", "th-secret"},
                                              {"grant_type", "authorization_code"},
                                              {"redirect_uri", kRedirect},
                                              {"code", code}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json().at("user_id")), "threads-user-1");
  const std::string short_lived = str(r.json().at("access_token"));

  r = get("/threads/api/access_token?" +
          encode_pairs(
              {{"grant_type", "th_exchange_token"}, {"client_secret", "th-secret"}, {"access_token", short_lived}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("expires_in").as_int64(), 5183944);
  const std::string long_lived = str(r.json().at("access_token"));

  r = get("/threads/api/refresh_access_token?" +
          encode_pairs({{"grant_type", "th_refresh_token"}, {"access_token", long_lived}}));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string renewed = str(r.json().at("access_token"));
  EXPECT_NE(renewed, long_lived);
  // Refreshing replaced the long-lived token.
  EXPECT_EQ(bearer_get("/threads/api/me?fields=id", long_lived).status, 401);
  const auto me = bearer_get("/threads/api/me?fields=id,username,name,threads_profile_picture_url", renewed);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(str(me.json().at("username")), "threads_user_1");
  EXPECT_EQ(sim_.stat("threads", "long_lived"), 1);
  EXPECT_EQ(sim_.stat("threads", "refresh"), 1);
}

TEST_F(PlatformSimTest, LinkedInListsOrganisationsWithTheProjection) {
  sim_.scenario("linkedin", {{"accounts", 2}});
  const std::string code = code_for("linkedin", {{"response_type", "code"},
                                                 {"client_id", "li-client"},
                                                 {"redirect_uri", kRedirect},
                                                 {"state", "s"},
                                                 {"scope", "openid profile w_member_social"}});
  const auto t = post_form("/linkedin/oauth/token", {{"grant_type", "authorization_code"},
                                                     {"code", code},
                                                     {"redirect_uri", kRedirect},
                                                     {"client_id", "li-client"},
                                                     {"client_secret", "li-secret"}});
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.json().at("expires_in").as_int64(), 5184000);
  EXPECT_EQ(str(t.json().at("scope")), "openid,profile,w_member_social");
  const std::string token = str(t.json().at("access_token"));
  EXPECT_EQ(str(bearer_get("/linkedin/api/v2/userinfo", token).json().at("sub")), "linkedin-user-1");
  const auto orgs = bearer_get(
      "/linkedin/api/v2/organizationalEntityAcls?q=roleAssignee&state=APPROVED&projection=(elements*(role,"
      "organizationalTarget~(localizedName,vanityName)))",
      token);
  ASSERT_EQ(orgs.status, 200) << orgs.body;
  const json::array elements = orgs.json().at("elements").as_array();
  ASSERT_EQ(elements.size(), 2u);
  EXPECT_TRUE(str(elements[0].at("organizationalTarget")).starts_with("urn:li:organization:"));
  EXPECT_FALSE(str(elements[0].at("organizationalTarget~").at("localizedName")).empty());
}

// ---------------------------------------------------------------------------
// Rejections

TEST_F(PlatformSimTest, BasicPlatformRefusesCredentialsInTheBody) {
  const std::string code = x_code();
  auto form = x_exchange(code);
  form.emplace_back("client_id", "x-client");
  form.emplace_back("client_secret", "x-secret");
  const auto r = post_form("/x/oauth/token", form);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(str(r.json().at("error")), "invalid_client");
  // The code was not spent: the right style still works.
  EXPECT_EQ(post_form("/x/oauth/token", x_exchange(code), x_basic()).status, 200);
  EXPECT_EQ(sim_.stat("x", "rejected"), 1);
}

TEST_F(PlatformSimTest, BodyPlatformRefusesBasicCredentials) {
  const std::string code = code_for("linkedin", {{"response_type", "code"},
                                                 {"client_id", "li-client"},
                                                 {"redirect_uri", kRedirect},
                                                 {"state", "s"},
                                                 {"scope", "openid profile"}});
  const auto r = post_form("/linkedin/oauth/token",
                           {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirect}},
                           {{"Authorization", basic("li-client", "li-secret")}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(str(r.json().at("error")), "invalid_client");
}

TEST_F(PlatformSimTest, TikTokRefusesClientIdInPlaceOfClientKey) {
  auto params = tiktok_authorize();
  params[0] = {"client_id", "tt-key"};
  const auto page = authorize_raw("tiktok", params);
  EXPECT_EQ(page.status, 400);
  EXPECT_FALSE(page.has_header("location"));
  EXPECT_NE(page.body.find("client_key"), std::string::npos);

  const std::string code = code_for("tiktok", tiktok_authorize());
  const auto r = post_form("/tiktok/oauth/token", {{"client_id", "tt-key"},
                                                   {"client_secret", "tt-secret"},
                                                   {"code", code},
                                                   {"grant_type", "authorization_code"},
                                                   {"redirect_uri", kRedirect}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(str(r.json().at("error")), "invalid_client");
  EXPECT_TRUE(r.json().as_object().contains("log_id"));
}

TEST_F(PlatformSimTest, WrongSecretIsInvalidClient) {
  const auto r = post_form("/x/oauth/token", x_exchange(x_code()), {{"Authorization", basic("x-client", "nope")}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(str(r.json().at("error")), "invalid_client");
  // Graph's envelope for the same mistake.
  const std::string code = code_for("facebook", facebook_authorize("facebook", "fb-app"));
  const auto g = get(
      "/facebook/oauth/token?" +
      encode_pairs({{"client_id", "fb-app"}, {"client_secret", "nope"}, {"redirect_uri", kRedirect}, {"code", code}}));
  EXPECT_EQ(g.status, 400);
  EXPECT_EQ(str(g.json().at("error").at("type")), "OAuthException");
  EXPECT_TRUE(g.json().at("error").as_object().contains("fbtrace_id"));
}

TEST_F(PlatformSimTest, ReusedCodeIsInvalidGrantAndRevokesItsTokens) {
  const std::string code = x_code();
  auto first = post_form("/x/oauth/token", x_exchange(code), x_basic());
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string token = str(first.json().at("access_token"));
  ASSERT_EQ(bearer_get("/x/api/2/users/me", token).status, 200);
  const auto again = post_form("/x/oauth/token", x_exchange(code), x_basic());
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(str(again.json().at("error")), "invalid_grant");
  EXPECT_EQ(bearer_get("/x/api/2/users/me", token).status, 401);
}

TEST_F(PlatformSimTest, WrongOrMissingVerifierIsInvalidGrant) {
  const std::string code = x_code();
  auto r =
      post_form("/x/oauth/token", with(x_exchange(code), {{"code_verifier", std::string(kVerifier) + "x"}}), x_basic());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(str(r.json().at("error")), "invalid_grant");
  r = post_form("/x/oauth/token", without(x_exchange(code), "code_verifier"), x_basic());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(str(r.json().at("error")), "invalid_grant");
}

TEST_F(PlatformSimTest, RedirectUriMustMatchByteForByte) {
  // At the authorize step: an error page, never a redirect to the unregistered URI.
  const auto page = authorize_raw("x", with(kXAuthorize, {{"redirect_uri", "http://app.test/callback?from=sim&x=1"}}));
  EXPECT_EQ(page.status, 400);
  EXPECT_FALSE(page.has_header("location"));
  EXPECT_EQ(authorize_raw("x", with(kXAuthorize, {{"redirect_uri", "http://APP.test/callback?from=sim"}})).status, 400);
  // At the token endpoint: invalid_grant (Graph: subcode 36008).
  const auto r = post_form("/x/oauth/token", with(x_exchange(x_code()), {{"redirect_uri", "http://app.test/callback"}}),
                           x_basic());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(str(r.json().at("error")), "invalid_grant");
  const std::string code = code_for("facebook", facebook_authorize("facebook", "fb-app"));
  const auto g = get("/facebook/oauth/token?" + encode_pairs({{"client_id", "fb-app"},
                                                              {"client_secret", "fb-secret"},
                                                              {"redirect_uri", "http://app.test/callback?from=sim&"},
                                                              {"code", code}}));
  EXPECT_EQ(g.json().at("error").at("error_subcode").as_int64(), 36008);
}

TEST_F(PlatformSimTest, WrongScopeSeparatorIsInvalidScope) {
  sim_.scenario("tiktok", {{"consent", "auto_approve"}});
  auto cb =
      parse_callback(authorize_raw("tiktok", with(tiktok_authorize(), {{"scope", "user.info.basic video.publish"}}))
                         .header("location"));
  EXPECT_EQ(cb.params.at("error"), "invalid_scope");
  EXPECT_EQ(cb.params.at("state"), "state-tt");
  EXPECT_EQ(cb.params.count("code"), 0u);
  sim_.scenario("x", {{"consent", "auto_approve"}});
  cb = parse_callback(authorize_raw("x", with(kXAuthorize, {{"scope", "tweet.read,users.read"}})).header("location"));
  EXPECT_EQ(cb.params.at("error"), "invalid_scope");
  cb = parse_callback(authorize_raw("x", with(kXAuthorize, {{"scope", "tweet.read users.raed"}})).header("location"));
  EXPECT_EQ(cb.params.at("error"), "invalid_scope");
}

TEST_F(PlatformSimTest, XInsistsOnPkceS256AndAShortState) {
  sim_.scenario("x", {{"consent", "auto_approve"}});
  auto error_of = [&](const Pairs& p) {
    return parse_callback(authorize_raw("x", p).header("location")).params["error"];
  };
  EXPECT_EQ(error_of(without(kXAuthorize, "code_challenge")), "invalid_request");
  EXPECT_EQ(error_of(with(kXAuthorize, {{"code_challenge_method", "plain"}})), "invalid_request");
  EXPECT_EQ(error_of(with(kXAuthorize, {{"state", std::string(501, 's')}})), "invalid_request");
  EXPECT_EQ(error_of(with(kXAuthorize, {{"state", std::string(500, 's')}})), "");
  EXPECT_EQ(error_of(without(kXAuthorize, "state")), "invalid_request");
}

TEST_F(PlatformSimTest, XCodeExpiresAfterThirtySeconds) {
  const std::string code = x_code();
  sim_.advance_clock(std::chrono::seconds(31));
  const auto r = post_form("/x/oauth/token", x_exchange(code), x_basic());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(str(r.json().at("error")), "invalid_grant");
  // Ten minutes elsewhere.
  const std::string reddit = code_for("reddit", reddit_authorize("permanent"));
  sim_.advance_clock(std::chrono::seconds(31));
  EXPECT_EQ(post_form("/reddit/oauth/token",
                      {{"grant_type", "authorization_code"}, {"code", reddit}, {"redirect_uri", kRedirect}},
                      {{"Authorization", basic("rd-client", "rd-secret")}})
                .status,
            200);
}

TEST_F(PlatformSimTest, InvalidBearerGetsEachPlatformsEnvelope) {
  auto x = get("/x/api/2/users/me", {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(x.status, 401);
  EXPECT_EQ(x.header("content-type"), "application/problem+json");
  EXPECT_EQ(json::serialize(x.json()),
            R"({"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"})");

  auto fb = bearer_get("/facebook/api/me?fields=id", "nope");
  EXPECT_EQ(fb.status, 401);
  EXPECT_EQ(fb.json().at("error").at("code").as_int64(), 190);
  EXPECT_EQ(str(fb.json().at("error").at("type")), "OAuthException");

  auto yt = bearer_get("/youtube/api/youtube/v3/channels?part=snippet&mine=true", "nope");
  EXPECT_EQ(yt.status, 401);
  EXPECT_EQ(str(yt.json().at("error").at("status")), "UNAUTHENTICATED");
  EXPECT_EQ(yt.json().at("error").at("code").as_int64(), 401);

  auto li = get("/linkedin/api/v2/userinfo");
  EXPECT_EQ(li.status, 401);
  EXPECT_EQ(li.json().at("serviceErrorCode").as_int64(), 65600);
  EXPECT_EQ(str(li.json().at("code")), "INVALID_ACCESS_TOKEN");

  auto tt = bearer_get("/tiktok/api/user/info/?fields=open_id", "nope");
  EXPECT_EQ(tt.status, 401);
  EXPECT_EQ(str(tt.json().at("error").at("code")), "access_token_invalid");
  EXPECT_TRUE(tt.json().at("data").as_object().empty());

  // A token of another platform is no token here.
  const std::string x_token = str(x_tokens().at("access_token"));
  EXPECT_EQ(bearer_get("/pinterest/api/user_account", x_token).status, 401);
  EXPECT_EQ(sim_.stat("pinterest", "rejected"), 1);
}

TEST_F(PlatformSimTest, UnknownPathIs404InThePlatformsEnvelope) {
  const std::string token = str(x_tokens().at("access_token"));
  auto r = bearer_get("/x/api/2/users/me/extra", token);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json().at("status").as_int64(), 404);
  r = get("/facebook/api/v22.0/me");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.json().at("error").as_object().contains("fbtrace_id"));
  r = get("/google_business/api/v4/accounts");
  EXPECT_EQ(str(r.json().at("error").at("status")), "NOT_FOUND");
  // TikTok's identity path has a trailing slash; without it the path is unknown.
  EXPECT_EQ(get("/tiktok/api/user/info?fields=open_id").status, 404);
  EXPECT_EQ(http_request(port(), verb::delete_, "/x/oauth/token").status, 405);
}

TEST_F(PlatformSimTest, TokenEndpointRequiresAFormBody) {
  const auto r = http_request(port(), verb::post, "/x/oauth/token", R"({"grant_type":"authorization_code"})",
                              {{"Content-Type", "application/json"}, {"Authorization", basic("x-client", "x-secret")}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(str(r.json().at("error")), "invalid_request");
  // Only Graph also takes a GET.
  EXPECT_EQ(get("/x/oauth/token?" + encode_pairs(x_exchange("c"))).status, 405);
}

// ---------------------------------------------------------------------------
// Refresh tokens

TEST_F(PlatformSimTest, RotatingPlatformsInvalidateTheOldRefreshToken) {
  const auto tokens = x_tokens();
  const std::string first = str(tokens.at("refresh_token"));
  auto r = post_form("/x/oauth/token", {{"grant_type", "refresh_token"}, {"refresh_token", first}}, x_basic());
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string second = str(r.json().at("refresh_token"));
  EXPECT_NE(second, first);
  EXPECT_EQ(bearer_get("/x/api/2/users/me", str(r.json().at("access_token"))).status, 200);
  r = post_form("/x/oauth/token", {{"grant_type", "refresh_token"}, {"refresh_token", first}}, x_basic());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(str(r.json().at("error")), "invalid_grant");
  EXPECT_EQ(post_form("/x/oauth/token", {{"grant_type", "refresh_token"}, {"refresh_token", second}}, x_basic()).status,
            200);
  EXPECT_EQ(sim_.stat("x", "refresh"), 3);

  // Pinterest (Basic) rotates too, and says so in response_type.
  const std::string code = code_for("pinterest", {{"client_id", "pin-client"},
                                                  {"redirect_uri", kRedirect},
                                                  {"response_type", "code"},
                                                  {"state", "s"},
                                                  {"scope", "user_accounts:read,pins:read"}});
  const Headers pin_basic{{"Authorization", basic("pin-client", "pin-secret")}};
  r = post_form("/pinterest/oauth/token",
                {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirect}}, pin_basic);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json().at("response_type")), "authorization_code");
  const std::string pin_first = str(r.json().at("refresh_token"));
  r = post_form("/pinterest/oauth/token", {{"grant_type", "refresh_token"}, {"refresh_token", pin_first}}, pin_basic);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json().at("response_type")), "refresh_token");
  EXPECT_NE(str(r.json().at("refresh_token")), pin_first);
  EXPECT_EQ(
      post_form("/pinterest/oauth/token", {{"grant_type", "refresh_token"}, {"refresh_token", pin_first}}, pin_basic)
          .status,
      400);
}

TEST_F(PlatformSimTest, NoRefreshTokenWithoutOfflineAccess) {
  const auto cb = approve("x", with(kXAuthorize, {{"scope", "tweet.read users.read"}}));
  const auto r = post_form("/x/oauth/token", x_exchange(cb.params.at("code")), x_basic());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json().as_object().contains("refresh_token"));
}

TEST_F(PlatformSimTest, RedditAnswersGrantErrorsWithHttp200) {
  const std::string code = code_for("reddit", reddit_authorize("permanent"));
  // Reddit's grant errors come back as HTTP 200 with an "error" member.
  const auto bad = post_form("/reddit/oauth/token",
                             {{"grant_type", "authorization_code"}, {"code", code + "x"}, {"redirect_uri", kRedirect}},
                             {{"Authorization", basic("rd-client", "rd-secret")}});
  EXPECT_EQ(bad.status, 200);
  EXPECT_EQ(str(bad.json().at("error")), "invalid_grant");
  EXPECT_FALSE(bad.json().as_object().contains("access_token"));
  // Credentials in the body alone: 401.
  const auto body_only = post_form("/reddit/oauth/token", {{"grant_type", "authorization_code"},
                                                           {"code", code},
                                                           {"redirect_uri", kRedirect},
                                                           {"client_id", "rd-client"},
                                                           {"client_secret", "rd-secret"}});
  EXPECT_EQ(body_only.status, 401);
}

// ---------------------------------------------------------------------------
// Scenario knobs

TEST_F(PlatformSimTest, InjectedStatusesUseThePlatformsEnvelope) {
  sim_.scenario("x", {{"token_status", 503}});
  auto r = post_form("/x/oauth/token", x_exchange(x_code()), x_basic());
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(str(r.json().at("error")), "temporarily_unavailable");
  sim_.scenario("x", {{"token_status", 0}});
  const auto tokens = x_tokens();
  sim_.scenario("x", {{"identity_status", 500}});
  r = bearer_get("/x/api/2/users/me", str(tokens.at("access_token")));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.json().at("status").as_int64(), 500);
  EXPECT_EQ(sim_.stat("x", "rejected"), 0);  // injected, not the client's fault

  sim_.scenario("x", {{"revoke_refresh", true}});
  r = post_form("/x/oauth/token", {{"grant_type", "refresh_token"}, {"refresh_token", str(tokens.at("refresh_token"))}},
                x_basic());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(str(r.json().at("error")), "invalid_grant");
}

TEST_F(PlatformSimTest, ErrorKnobRedirectsBackWithThatError) {
  sim_.scenario("x", {{"error", "server_error"}});
  const auto cb = parse_callback(authorize_raw("x", kXAuthorize).header("location"));
  EXPECT_EQ(cb.params.at("error"), "server_error");
  EXPECT_EQ(cb.params.at("state"), "state-x");
  EXPECT_EQ(cb.params.count("code"), 0u);
}

TEST_F(PlatformSimTest, DenyOnTheConsentPage) {
  const auto step = sim_.authorize(authorize_url("x", kXAuthorize), "deny");
  ASSERT_EQ(step.status, 302);
  const auto cb = parse_callback(step.location);
  EXPECT_EQ(cb.params.at("error"), "access_denied");
  EXPECT_EQ(cb.params.at("state"), "state-x");
  EXPECT_EQ(cb.params.at("from"), "sim");
  EXPECT_EQ(sim_.stat("x", "consent"), 1);
}

TEST_F(PlatformSimTest, UserKnobChangesIdentityAndDerivedAccounts) {
  sim_.scenario("facebook",
                {{"user", {{"id", "alice"}, {"username", "alice.fb"}, {"name", "Alice A"}}}, {"accounts", 1}});
  const std::string alice_code = code_for("facebook", facebook_authorize("facebook", "fb-app"));
  sim_.scenario("facebook", {{"user", {{"id", "bob"}}}});
  const std::string bob_code = code_for("facebook", facebook_authorize("facebook", "fb-app"));
  auto token_for = [&](const std::string& code) {
    const auto r = get(
        "/facebook/oauth/token?" +
        encode_pairs(
            {{"client_id", "fb-app"}, {"client_secret", "fb-secret"}, {"redirect_uri", kRedirect}, {"code", code}}));
    return str(r.json().at("access_token"));
  };
  const std::string alice = token_for(alice_code), bob = token_for(bob_code);
  // The identity is fixed at login, whatever the scenario says later.
  EXPECT_EQ(str(bearer_get("/facebook/api/me?fields=id,name", alice).json().at("name")), "Alice A");
  EXPECT_EQ(str(bearer_get("/facebook/api/me?fields=id,name", bob).json().at("id")), "bob");
  EXPECT_EQ(str(bearer_get("/facebook/api/me/accounts?fields=id", alice).json().at("data").at(0).at("id")),
            "alice-page-1");
  EXPECT_EQ(str(bearer_get("/facebook/api/me/accounts?fields=id", bob).json().at("data").at(0).at("id")), "bob-page-1");
}

TEST_F(PlatformSimTest, GraphRefusesAFieldItDoesNotKnow) {
  sim_.scenario("facebook", {{"accounts", 1}});
  const std::string code = code_for("facebook", facebook_authorize("facebook", "fb-app"));
  const std::string token = str(
      get("/facebook/oauth/token?" +
          encode_pairs(
              {{"client_id", "fb-app"}, {"client_secret", "fb-secret"}, {"redirect_uri", kRedirect}, {"code", code}}))
          .json()
          .at("access_token"));
  const auto r = bearer_get("/facebook/api/me?fields=id,nmae", token);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("error").at("code").as_int64(), 100);
  EXPECT_NE(str(r.json().at("error").at("message")).find("nmae"), std::string::npos);
  // Without fields, Graph's defaults: id and name only.
  const auto me = bearer_get("/facebook/api/me", token).json().as_object();
  EXPECT_EQ(me.size(), 2u);
}

// 1,000 concurrent slow identity calls: the delay is a timer, not a blocked thread.
TEST_F(PlatformSimTest, ServesAThousandConcurrentSlowCalls) {
  const std::string token = str(x_tokens().at("access_token"));
  sim_.scenario("x", {{"api_delay_ms", 1000}});
  constexpr int kCalls = 1000;
  boost::asio::io_context io;
  int ok = 0, failed = 0;
  auto one = [&]() -> boost::asio::awaitable<void> {
    namespace bhttp = boost::beast::http;
    constexpr auto tuple = boost::asio::as_tuple(boost::asio::use_awaitable);
    boost::asio::ip::tcp::socket socket(io);
    auto [cec] = co_await socket.async_connect({boost::asio::ip::make_address("127.0.0.1"), port()}, tuple);
    if (cec) {
      ++failed;
      co_return;
    }
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/x/api/2/users/me", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::authorization, "Bearer " + token);
    auto [wec, wn] = co_await bhttp::async_write(socket, req, tuple);
    boost::beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    auto [rec, rn] = co_await bhttp::async_read(socket, buffer, res, tuple);
    if (!wec && !rec && res.result_int() == 200)
      ++ok;
    else
      ++failed;
  };
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) boost::asio::co_spawn(io, one(), boost::asio::detached);
  io.run();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(ok, kCalls);
  EXPECT_EQ(failed, 0);
  EXPECT_GE(elapsed, std::chrono::milliseconds(1000));  // each call did wait
  EXPECT_LT(elapsed, std::chrono::seconds(20));         // but not one after another
  EXPECT_EQ(sim_.stat("x", "identity"), kCalls);
}

// ---------------------------------------------------------------------------
// Control API

TEST_F(PlatformSimTest, OverridesPointEveryPlatformAtTheSimulator) {
  const auto o = json::parse(sim_.overrides_json()).as_object();
  EXPECT_EQ(o.size(), 11u);  // the ten OAuth platforms and bluesky (api_base_url only)
  EXPECT_EQ(obj(o.at("bluesky")).size(), 1u);
  EXPECT_EQ(str(obj(o.at("bluesky")).at("api_base_url")), sim_.base_url() + "/bluesky");
  const auto& x = obj(o.at("x"));
  EXPECT_EQ(str(x.at("authorize_url")), sim_.base_url() + "/x/oauth/authorize");
  EXPECT_EQ(str(x.at("token_url")), sim_.base_url() + "/x/oauth/token");
  EXPECT_EQ(str(x.at("api_base_url")), sim_.base_url() + "/x/api");
  const auto custom = get("/_sim/overrides?base=" + encode_pairs({{"b", "http://sim.test:9000/prefix/"}}).substr(2));
  ASSERT_EQ(custom.status, 200) << custom.body;
  EXPECT_EQ(str(custom.json().at("google_business").at("api_base_url")),
            "http://sim.test:9000/prefix/google_business/api");
  EXPECT_EQ(get("/_sim/overrides?base=ftp%3A%2F%2Fx").status, 400);
}

TEST_F(PlatformSimTest, AppRegistrationIsValidated) {
  auto post = [&](const std::string& body) {
    return http_request(port(), verb::post, "/_sim/apps", body, {{"Content-Type", "application/json"}});
  };
  EXPECT_EQ(post(R"({"platform":"myspace","client_id":"a","client_secret":"b","redirect_uri":"http://a/cb"})").status,
            422);
  EXPECT_EQ(post(R"({"platform":"x","client_id":"a","client_secret":"b","redirect_uri":"http://a/cb#frag"})").status,
            422);
  EXPECT_EQ(post(R"({"platform":"x","client_id":"a","client_secret":"b","redirect_uri":"/relative"})").status, 422);
  EXPECT_EQ(
      post(R"({"platform":"x","client_id":"x-client","client_secret":"other","redirect_uri":"http://a/cb"})").status,
      409);
  // The same secret adds a redirect URI to the app.
  const auto r =
      post(R"({"platform":"x","client_id":"x-client","client_secret":"x-secret","redirect_uri":"http://a/cb"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("redirect_uris").as_array().size(), 2u);
  sim_.scenario("x", {{"consent", "auto_approve"}});
  EXPECT_EQ(authorize_raw("x", with(kXAuthorize, {{"redirect_uri", "http://a/cb"}})).status, 302);
}

TEST_F(PlatformSimTest, ScenarioRefusesUnknownKnobsAndReportsDefaults) {
  auto post = [&](const std::string& body) {
    return http_request(port(), verb::post, "/_sim/scenario", body, {{"Content-Type", "application/json"}});
  };
  EXPECT_EQ(post(R"({"platform":"x","consnet":"page"})").status, 422);
  EXPECT_EQ(post(R"({"platform":"x","token_status":200})").status, 422);
  EXPECT_EQ(post(R"({"platform":"x","consent":"maybe"})").status, 422);
  EXPECT_EQ(post(R"({"platform":"nowhere"})").status, 422);
  const auto linkedin = get("/_sim/scenario?platform=linkedin").json();
  EXPECT_EQ(linkedin.at("accounts").as_int64(), 0);
  EXPECT_EQ(str(linkedin.at("consent")), "page");
  EXPECT_EQ(str(linkedin.at("user").at("id")), "linkedin-user-1");
  const auto merged = sim_.scenario("x", {{"api_delay_ms", 5}});
  EXPECT_EQ(merged.at("api_delay_ms").as_int64(), 5);
  EXPECT_EQ(sim_.scenario("x", {{"accounts", 4}}).at("api_delay_ms").as_int64(), 5);  // merged, not replaced
}

TEST_F(PlatformSimTest, ResetForgetsAppsTokensAndCounters) {
  const std::string token = str(x_tokens().at("access_token"));
  sim_.scenario("x", {{"consent", "auto_deny"}});
  sim_.reset();
  EXPECT_EQ(bearer_get("/x/api/2/users/me", token).status, 401);
  EXPECT_EQ(authorize_raw("x", kXAuthorize).status, 400);  // the app is gone
  EXPECT_EQ(str(get("/_sim/scenario?platform=x").json().at("consent")), "page");
  // Counted since the reset: one identity call (401) and one authorize (400).
  const std::map<std::string, std::int64_t> x_expected{{"identity", 1}, {"authorize", 1}, {"rejected", 2}};
  const auto stats = sim_.stats().as_object();
  ASSERT_EQ(stats.size(), 10u);
  for (const auto& [platform, counters] : stats) {
    EXPECT_EQ(counters.as_object().size(), 10u) << platform;
    for (const auto& [name, n] : counters.as_object()) {
      const auto it = x_expected.find(std::string(name));
      EXPECT_EQ(n.as_int64(), platform == "x" && it != x_expected.end() ? it->second : 0) << platform << "." << name;
    }
  }
}

TEST_F(PlatformSimTest, RequestLogKeepsTheLastFifty) {
  for (int i = 0; i < 55; ++i) get("/pinterest/api/user_account?i=" + std::to_string(i));
  const auto log = sim_.requests("pinterest");
  ASSERT_EQ(log.size(), 50u);
  EXPECT_EQ(str(log.front().at("target")), "/pinterest/api/user_account?i=5");
  EXPECT_EQ(str(log.back().at("target")), "/pinterest/api/user_account?i=54");
  EXPECT_EQ(log.back().at("status").as_int64(), 401);
  EXPECT_EQ(get("/_sim/requests?platform=nowhere").status, 400);
}

}  // namespace
}  // namespace postfuze::test
