#include "sim/api_routes.hpp"

#include <array>

#include "sim/api_builders.hpp"
#include "sim/errors.hpp"

namespace postfuze::sim {

namespace {

// Scope rules: platforms.md per section; the API references name them.
constexpr std::string_view kYouTubeRead =
    "https://www.googleapis.com/auth/youtube|https://www.googleapis.com/auth/youtube.readonly|"
    "https://www.googleapis.com/auth/youtube.force-ssl|https://www.googleapis.com/auth/youtubepartner";
constexpr std::string_view kBusinessManage =
    "https://www.googleapis.com/auth/business.manage|https://www.googleapis.com/auth/plus.business.manage";

const std::array<ApiRoute, 14> kRoutes{
    ApiRoute{"x", "/2/users/me", ApiKind::identity, "tweet.read users.read", api::x_users_me},
    ApiRoute{"linkedin", "/v2/userinfo", ApiKind::identity, "openid profile", api::linkedin_userinfo},
    ApiRoute{"linkedin", "/v2/organizationalEntityAcls", ApiKind::sub_accounts, "", api::linkedin_organization_acls},
    ApiRoute{"instagram", "/me", ApiKind::identity, "", api::graph_me},
    ApiRoute{"instagram", "/me/accounts", ApiKind::sub_accounts, "pages_show_list", api::instagram_accounts},
    ApiRoute{"tiktok", "/user/info/", ApiKind::identity, "user.info.basic", api::tiktok_user_info},
    // channels?mine=true is both the identity and the channel list (platforms.md §8); counted as identity.
    ApiRoute{"youtube", "/youtube/v3/channels", ApiKind::identity, kYouTubeRead, api::youtube_channels},
    ApiRoute{"facebook", "/me", ApiKind::identity, "", api::graph_me},
    ApiRoute{"facebook", "/me/accounts", ApiKind::sub_accounts, "pages_show_list", api::facebook_accounts},
    ApiRoute{"threads", "/me", ApiKind::identity, "threads_basic", api::threads_me},
    ApiRoute{"pinterest", "/user_account", ApiKind::identity, "user_accounts:read", api::pinterest_user_account},
    ApiRoute{"reddit", "/api/v1/me", ApiKind::identity, "identity", api::reddit_me},
    ApiRoute{"google_business", "/v1/accounts", ApiKind::identity, kBusinessManage, api::google_business_accounts},
    ApiRoute{"google_business", "/v1/accounts/{account}/locations", ApiKind::sub_accounts, kBusinessManage,
             api::google_business_locations},
};

}  // namespace

std::string_view missing_scope(const Grant& grant, std::string_view rule) {
  for (std::size_t pos = 0; pos < rule.size();) {
    auto end = rule.find(' ', pos);
    if (end == std::string_view::npos) end = rule.size();
    const auto group = rule.substr(pos, end - pos);
    bool satisfied = false;
    for (std::size_t a = 0; a <= group.size() && !satisfied;) {
      auto bar = group.find('|', a);
      if (bar == std::string_view::npos) bar = group.size();
      for (const auto& s : grant.scopes)
        if (s == group.substr(a, bar - a)) satisfied = true;
      a = bar + 1;
    }
    if (!satisfied) return group;
    pos = end + 1;
  }
  return {};
}

std::optional<Token> live_bearer(Call& call, const std::optional<std::string>& presented) {
  return call.sim.state.with([&](SimState::Data& d) -> std::optional<Token> {
    if (!presented) return std::nullopt;
    auto it = d.tokens.find(*presented);
    if (it == d.tokens.end()) return std::nullopt;
    const Token& t = it->second;
    if (!t.bearer() || t.grant->platform != &call.platform || !t.live(call.now())) return std::nullopt;
    return t;
  });
}

std::span<const ApiRoute> api_routes() { return kRoutes; }

PlatformHandler api_handler(const ApiRoute& route) {
  return [&route](Call& call) -> boost::asio::awaitable<http::Response> {
    const bool identity = route.kind == ApiKind::identity;
    call.count(identity ? Counter::identity : Counter::sub_accounts);
    const Scenario scenario = call.scenario();
    co_await pause(std::chrono::milliseconds(scenario.api_delay_ms));
    if (const int injected = identity ? scenario.identity_status : scenario.sub_accounts_status)
      co_return injected_api_error(call, injected);

    // The bearer token: a live access (or Page) token this platform issued.
    Params query = Params::of(call.req.target);
    std::optional<std::string> presented;
    if (auto b = bearer_token(call.req.header(http::bhttp::field::authorization)))
      presented = std::string(*b);
    else if (call.platform.access_token_parameter && query.get("access_token"))
      presented = std::string(*query.get("access_token"));
    auto token = live_bearer(call, presented);
    if (!token) co_return api_error(call, ApiProblem::unauthorized, "The access token is invalid, expired or revoked.");
    if (auto missing = missing_scope(*token->grant, route.scopes); !missing.empty())
      co_return api_error(call, ApiProblem::insufficient_scope,
                          "The access token lacks the scope " + std::string(missing) + ".");
    ApiCall api{call, std::move(*token), std::move(query)};
    co_return route.build(api);
  };
}

}  // namespace postfuze::sim
