#include "api/social_account_endpoints.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "accounts/account_json.hpp"
#include "accounts/account_store.hpp"
#include "accounts/refresh_store.hpp"
#include "api/endpoint.hpp"
#include "api/json_values.hpp"
#include "api/pagination.hpp"
#include "api/query_params.hpp"
#include "connect/oauth_app.hpp"
#include "core/blocking.hpp"
#include "connect/oauth_client.hpp"
#include "connect/social_network.hpp"
#include "connect/token_service.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "webhooks/outbox.hpp"

namespace postfuze::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;
using Awaitable = boost::asio::awaitable<core::Result<http::Response>>;
using accounts::SocialAccount;

constexpr std::string_view kScope = "accounts:write";
const std::string kNotFound = "No social account with this id.";

// The filters of a list request, validated; also their canonical text, which
// binds a cursor to the filters it was issued for.
core::Result<std::pair<accounts::AccountFilter, std::string>> read_filters(const http::Request& req) {
  accounts::AccountFilter f;
  f.id = query_param(req, "id");
  if (f.id && !core::is_uuid(*f.id)) return core::Error::invalid_parameter("id", "Must be an account id (a UUID).");
  f.tenant_id = query_param(req, "tenant_id");
  if (f.tenant_id && (f.tenant_id->empty() || f.tenant_id->size() > 255))
    return core::Error::invalid_parameter("tenant_id", "Must be 1 to 255 bytes.");
  f.platform = query_param(req, "platform");
  if (f.platform && !connect::is_platform(*f.platform))
    return core::Error::invalid_parameter("platform", "Unknown platform.");
  f.status = query_param(req, "status");
  if (f.status && !accounts::is_account_status(*f.status))
    return core::Error::invalid_parameter(
        "status", "One of active, token_expired, reauth_required, disabled, disconnected.");
  std::string canonical = "social-accounts";
  for (const auto& [k, v] : {std::pair{"id", f.id}, {"tenant_id", f.tenant_id}, {"platform", f.platform},
                             {"status", f.status}})
    canonical += std::string("|") + k + "=" + v.value_or("");
  return std::pair{std::move(f), std::move(canonical)};
}

Awaitable list_accounts(Call& call) {
  auto filters = read_filters(call.request);
  if (!filters) co_return std::move(filters).error();
  auto params = parse_page_params(call.request, call.ctx.cursors, filters->second);
  if (!params) co_return std::move(params).error();
  store::Page<SocialAccount> page;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = accounts::list_accounts(c, call.org(), filters->first, params->after, params->limit);
    if (!r) return std::move(r).error();
    page = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  co_return page_response(page, accounts::to_json, call.ctx.cursors, filters->second);
}

// The account, unless missing, another org's or disconnected (all read as 404).
boost::asio::awaitable<core::Result<SocialAccount>> visible_account(Call& call) {
  const std::string id(call.request.param("id"));
  std::optional<SocialAccount> found;
  if (core::is_uuid(id)) {
    auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
      auto r = accounts::find_account(c, call.org(), id);
      if (!r) return std::move(r).error();
      found = std::move(*r);
      return core::Ok{};
    });
    if (!s) co_return std::move(s).error();
  }
  if (!found || found->status == accounts::kDisconnected) co_return core::Error::not_found(kNotFound);
  co_return std::move(*found);
}

Awaitable get_account(Call& call) {
  auto a = co_await visible_account(call);
  if (!a) co_return std::move(a).error();
  co_return http::json_response(status::ok, accounts::to_json(*a));
}

// Best effort, after the disconnect committed and without holding up its
// answer: revoke the grant at the platform, so the platform stops honouring
// tokens PostFuze no longer has. The outcome goes to the log only.
boost::asio::awaitable<void> revoke_at_platform(connect::ConnectDeps d, SocialAccount a, core::Secret token,
                                                std::string hint) {
  const providers::ProviderSpec* spec = d.config.catalog.find(a.platform);
  if (spec == nullptr || !spec->oauth || !spec->oauth->revoke) co_return;
  std::optional<connect::OAuthApp> app;
  auto s = co_await core::run_blocking(d.blocking, [&]() {
    return d.db.with_connection([&](store::Connection& c) -> core::Status {
      auto r = connect::app_for_state(c, d.keys, d.config.shared_apps, a.org, a.platform, a.social_network_id,
                                      d.config.callback_url);
      if (!r) return std::move(r).error();
      app = std::move(r->app);
      return core::Ok{};
    });
  });
  if (!s || !app) {
    d.log.warn("grant not revoked at the platform", {{"account_id", a.id}, {"reason", "the OAuth app is unavailable"}});
    co_return;
  }
  auto revoked = co_await connect::revoke_token({d.config.http, d.clock, d.config.platform_timeout}, *spec, *app,
                                                token, hint);
  if (revoked) d.log.info("grant revoked at the platform", {{"account_id", a.id}, {"platform", a.platform}});
  else d.log.warn("grant not revoked at the platform", {{"account_id", a.id}, {"reason", revoked.error().internal}});
}

Awaitable delete_account(Call& call) {
  auto& ctx = call.ctx;
  const std::string id(call.request.param("id"));
  if (!core::is_uuid(id)) co_return core::Error::not_found(kNotFound);
  std::optional<SocialAccount> before;  // with its tokens, for the revocation
  auto s = co_await in_transaction(ctx, [&](store::Connection& c) -> core::Status {
    auto r = accounts::find_account(c, call.org(), id);
    if (!r) return std::move(r).error();
    if (!*r || (*r)->status == accounts::kDisconnected) return core::Error::not_found(kNotFound);
    before = **r;
    SocialAccount& a = **r;
    a.status = std::string(accounts::kDisconnected);
    a.access_token.reset();
    a.refresh_token.reset();
    a.token_expires_at.reset();
    a.refresh_token_expires_at.reset();
    a.token_version += 1;
    a.updated_at = ctx.clock.now();
    if (auto u = accounts::update_account(c, a); !u) return u;
    auto e = webhooks::emit(c, ctx.clock, ctx.random, call.org(), "account.disconnected", accounts::to_json(a));
    if (!e) return std::move(e).error();
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  ctx.wake_webhooks();
  const bool has_refresh = before->refresh_token.has_value();
  const auto& sealed = has_refresh ? before->refresh_token : before->access_token;
  if (sealed)
    if (auto token = ctx.keys.open(*sealed, accounts::token_aad(before->org, before->id,
                                                                has_refresh ? "refresh_token" : "access_token")))
      boost::asio::co_spawn(co_await boost::asio::this_coro::executor,
                            revoke_at_platform(ctx.connect_deps(), *before, std::move(*token),
                                               has_refresh ? "refresh_token" : "access_token"),
                            boost::asio::detached);
  co_return http::empty_response(status::no_content);
}

Awaitable account_health(Call& call) {
  auto a = co_await visible_account(call);
  if (!a) co_return std::move(a).error();
  std::optional<accounts::RefreshState> state;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = accounts::read_refresh_state(c, call.org(), a->id);
    if (!r) return std::move(r).error();
    state = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  const providers::ProviderSpec* spec = call.ctx.connect->catalog.find(a->platform);
  boost::json::array required, missing, granted;
  for (const auto& g : a->scopes) granted.emplace_back(g);
  if (spec != nullptr && spec->oauth)
    for (const auto& r : spec->oauth->default_scopes) {
      required.emplace_back(r);
      if (std::find(a->scopes.begin(), a->scopes.end(), r) == a->scopes.end()) missing.emplace_back(r);
    }
  const accounts::RefreshState rs = state.value_or(accounts::RefreshState{});
  const bool expired = a->token_expires_at && *a->token_expires_at <= call.ctx.clock.now();
  boost::json::object body{
      {"account_id", a->id},
      {"platform", a->platform},
      {"status", a->status},
      {"healthy", a->status == accounts::kActive && !expired && missing.empty()},
      {"token_expires_at", timestamp_or_null(a->token_expires_at)},
      {"token_expired", expired},
      {"refresh_supported", spec != nullptr && spec->refresh.supported},
      {"refresh_token_expires_at", timestamp_or_null(a->refresh_token_expires_at)},
      {"last_refresh_at", timestamp_or_null(rs.last_refresh_at)},
      {"last_refresh_outcome", string_or_null(rs.last_refresh_outcome)},
      {"next_refresh_retry_at", timestamp_or_null(rs.next_refresh_at)},
      {"scopes", boost::json::object{{"granted", std::move(granted)},
                                     {"required", std::move(required)},
                                     {"missing", std::move(missing)}}}};
  co_return http::json_response(status::ok, body);
}

Awaitable validate_account(Call& call) {
  auto a = co_await visible_account(call);
  if (!a) co_return std::move(a).error();
  const connect::ConnectConfig& cc = *call.ctx.connect;
  const providers::ProviderSpec* spec = cc.catalog.find(a->platform);
  auto deps = call.ctx.connect_deps();
  boost::json::object body{{"account_id", a->id}, {"checked_at", core::format_timestamp(call.ctx.clock.now())}};
  auto answer = [&](bool valid, std::string_view error) {
    body["valid"] = valid;
    body["error"] = error.empty() ? boost::json::value(nullptr) : boost::json::value(error);
    return http::json_response(status::ok, body);
  };
  if (spec == nullptr) co_return answer(false, "validation_not_supported");
  // Where the identity lives: the catalogue's API base, or (Bluesky) the account's own PDS.
  std::string identity_url = spec->api_url(spec->identity.path);
  if (spec->auth == providers::AuthKind::app_password) {
    const auto* pds = a->platform_data.if_contains("pds");
    if (pds == nullptr || !pds->is_string()) co_return answer(false, "validation_not_supported");
    identity_url = std::string(pds->get_string()) +
                   providers::fill_placeholder(spec->identity.path, "did", a->network_unique_id);
  }

  auto token = co_await connect::access_token(deps, call.org(), a->id);
  if (!token) {
    if (token.error().code == core::ErrorCode::conflict) {
      body["status"] = "token_expired";
      co_return answer(false, "token_expired");
    }
    co_return std::move(token).error();
  }
  const connect::PlatformCalls calls{cc.http, call.ctx.clock, cc.platform_timeout};
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool last = attempt == 1;
    auto who = co_await connect::get_json(calls, identity_url, token->token);
    if (who) {
      body["status"] = "active";
      co_return answer(true, "");
    }
    const std::string& why = who.error().internal;
    // 401/403, or XRPC's ExpiredToken/InvalidToken (which AT Protocol servers answer with 400).
    const bool refused = why.find("status 401") != std::string::npos || why.find("status 403") != std::string::npos ||
                         why.find("error=ExpiredToken") != std::string::npos ||
                         why.find("error=InvalidToken") != std::string::npos;
    if (!refused) co_return core::Error::unavailable("The platform could not be reached; retry later.", why);
    if (last) break;
    // Refused: renew this token (once, single-flight) and try again.
    token = co_await connect::access_token(deps, call.org(), a->id, token->version);
    if (!token) {
      if (token.error().code == core::ErrorCode::conflict) {
        body["status"] = "token_expired";
        co_return answer(false, "token_expired");
      }
      co_return std::move(token).error();
    }
  }
  // A fresh token is refused too: the grant no longer holds.
  if (auto m = co_await connect::mark_account(deps, call.org(), a->id, std::string(accounts::kReauthRequired),
                                              "the platform refuses a freshly renewed token");
      !m)
    co_return std::move(m).error();
  body["status"] = "reauth_required";
  co_return answer(false, "reauth_required");
}

}  // namespace

void mount_social_accounts(http::Router& router, ApiContext& ctx) {
  mount(router, ctx, {verb::get, "/api/v1/social-accounts", true, {}, list_accounts});
  mount(router, ctx, {verb::get, "/api/v1/social-accounts/{id}", true, {}, get_account});
  mount(router, ctx, {verb::delete_, "/api/v1/social-accounts/{id}", true, kScope, delete_account});
  mount(router, ctx, {verb::get, "/api/v1/social-accounts/{id}/health", true, {}, account_health});
  mount(router, ctx, {verb::post, "/api/v1/social-accounts/{id}/validate", true, kScope, validate_account});
}

}  // namespace postfuze::api
