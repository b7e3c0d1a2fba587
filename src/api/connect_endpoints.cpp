#include "api/connect_endpoints.hpp"

#include "api/body_reader.hpp"
#include "api/endpoint.hpp"
#include "api/json_values.hpp"
#include "api/query_params.hpp"
#include "connect/authorize_url.hpp"
#include "connect/callback.hpp"
#include "connect/connect_state.hpp"
#include "connect/finalize.hpp"
#include "connect/hosted_page.hpp"
#include "connect/oauth_app.hpp"
#include "connect/pkce.hpp"
#include "connect/result_redirect.hpp"
#include "connect/social_network.hpp"
#include "core/time_format.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "http/json_body.hpp"
#include "net/form_encoding.hpp"

namespace postfuze::api {

namespace {

namespace bhttp = boost::beast::http;
using bhttp::status;
using bhttp::verb;
using Awaitable = boost::asio::awaitable<core::Result<http::Response>>;

constexpr std::string_view kScope = "accounts:write";
constexpr std::string_view kPickerPath = "/api/v1/connect/pending";
constexpr std::string_view kCsrfCookie = "pf_connect_csrf";

// --- auth-url ---------------------------------------------------------------

struct AuthUrlInput {
  std::optional<std::string> redirect_uri;
  std::optional<std::string> tenant_id;
  std::optional<std::vector<std::string>> scopes;
};

core::Result<AuthUrlInput> read_auth_url_body(http::Request& req) {
  AuthUrlInput input;
  if (req.message.body().empty()) return input;  // every field is optional
  auto body = http::parse_json_object(req);
  if (!body) return std::move(body).error();
  BodyReader in(*body);
  in.allow_only({"redirect_uri", "tenant_id", "scopes"});
  input.redirect_uri = in.string("redirect_uri", connect::kMaxRedirectUri);
  if (input.redirect_uri && input.redirect_uri->size() > connect::kMaxRedirectUriLength)
    in.fail("redirect_uri",
            "Must be at most " + std::to_string(connect::kMaxRedirectUriLength) +
                " bytes: it travels sealed inside the OAuth state, which platforms cap at 500 characters.",
            "too_long");
  input.tenant_id = in.string("tenant_id", connect::kMaxTenantIdLength);
  if (input.tenant_id && input.tenant_id->empty()) in.fail("tenant_id", "Must not be empty.", "invalid");
  input.scopes = in.strings("scopes", connect::kMaxScopes);
  if (input.scopes) {
    if (input.scopes->empty()) in.fail("scopes", "Must list at least one scope (or be omitted).", "invalid");
    for (std::size_t i = 0; i < input.scopes->size(); ++i)
      if (!connect::valid_scope((*input.scopes)[i]))
        in.fail("scopes." + std::to_string(i), "Must be a scope name without whitespace or commas.", "invalid");
  }
  if (!in.ok()) return in.error();
  return input;
}

Awaitable auth_url(Call& call) {
  const std::string platform(call.request.param("platform"));
  if (!connect::is_platform(platform)) co_return core::Error::not_found("Unknown platform '" + platform + "'.");
  const connect::ConnectConfig& cc = *call.ctx.connect;
  const providers::ProviderSpec* spec = cc.catalog.find(platform);
  if (spec == nullptr || !spec->oauth)
    co_return core::Error::oauth_not_supported(
        "'" + platform + "' has no OAuth flow: connect it with POST /api/v1/social-accounts/" + platform + "/connect.");
  auto input = read_auth_url_body(call.request);
  if (!input) co_return std::move(input).error();
  // Scopes may not hold the platform's separator (they are joined with it).
  if (input->scopes)
    for (std::size_t i = 0; i < input->scopes->size(); ++i)
      if ((*input->scopes)[i].find(',') != std::string::npos)
        co_return core::Error::validation("scopes." + std::to_string(i), "Must not contain a comma.", "invalid");

  std::optional<connect::OAuthApp> app;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = connect::resolve_app(c, call.ctx.keys, cc.shared_apps, call.org(), platform, cc.callback_url);
    if (!r) return std::move(r).error();
    app = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  if (!app) co_return core::Error::network_not_configured(platform);

  connect::ConnectState state;
  state.org = call.org();
  state.platform = platform;
  state.network_id = app->network_id;
  boost::json::array warnings;
  if (input->redirect_uri) {
    if (cc.redirects.allows(*input->redirect_uri)) {
      state.redirect_uri = input->redirect_uri;
    } else {
      // Contract §11.1: a refused redirect_uri is dropped, not an error; say so.
      warnings.emplace_back(boost::json::object{
          {"code", "redirect_uri_dropped"},
          {"detail", "redirect_uri is not on the allow-list (POSTFUZE_APP_URL); the hosted result page will be shown."}});
    }
  }
  state.tenant_id = input->tenant_id;
  std::optional<std::string> challenge;
  if (spec->oauth->pkce == providers::Pkce::s256) {
    state.code_verifier = connect::generate_verifier(call.ctx.random);
    challenge = connect::challenge_s256(*state.code_verifier);
  }
  state.expires_at = call.ctx.clock.now() + connect::kStateLifetime;
  if (auto v = connect::validate_state(state); !v) co_return std::move(v).error();
  const std::string sealed = connect::seal_state(call.ctx.keys, call.ctx.random, state);

  connect::AuthorizeRequest request{app->client_id, app->redirect_uri,
                                    connect::effective_scopes(*spec->oauth, app->scopes, input->scopes), sealed,
                                    challenge};
  boost::json::object out{{"auth_url", connect::authorize_url(*spec->oauth, request)},
                          {"expires_at", core::format_timestamp(state.expires_at)},
                          {"redirect_uri", string_or_null(state.redirect_uri)}};
  if (!warnings.empty()) out["warnings"] = std::move(warnings);
  co_return http::json_response(status::ok, out);
}

// --- hosted pages -----------------------------------------------------------

std::string new_token(core::Random& random) { return crypto::base64url_encode(random.bytes(16)); }

std::string csrf_token(const crypto::KeyRing& keys, std::string_view session_token, std::string_view cookie_nonce) {
  return crypto::base64url_encode(crypto::hmac_sha256(
      keys.derive("connect.csrf"), connect::hash_session_token(session_token) + "|" + std::string(cookie_nonce)));
}

http::Response page_response(status code, const connect::HostedPage& page) {
  http::Response res{code, 11};
  res.set(bhttp::field::content_type, "text/html; charset=utf-8");
  res.set("Content-Security-Policy", page.csp);
  res.set(bhttp::field::cache_control, "no-store");
  // same-origin, not no-referrer: the picker's POST must carry a real Origin
  // (browsers send "Origin: null" under no-referrer), and the page links nowhere else.
  res.set("Referrer-Policy", "same-origin");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.body() = page.html;
  res.prepare_payload();
  return res;
}

bool secure_cookies(const connect::ConnectConfig& cc) { return cc.public_origin.starts_with("https:"); }

// The cookie value named `name` from a Cookie header.
std::optional<std::string> cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=')
      return std::string(pair.substr(name.size() + 1));
  }
  return std::nullopt;
}

Awaitable callback(Call& call) {
  const connect::ConnectConfig& cc = *call.ctx.connect;
  connect::CallbackParams params{query_param(call.request, "state"), query_param(call.request, "code"),
                                 query_param(call.request, "error"), query_param(call.request, "iss")};
  const connect::CallbackOutcome outcome = co_await connect::handle_callback(call.ctx.connect_deps(), params);

  if (outcome.redirect_uri) {
    std::vector<std::pair<std::string, std::string>> add;
    switch (outcome.kind) {
      case connect::OutcomeKind::connected:
        add = {{"status", "connected"}, {"account_id", outcome.accounts.front().id}};
        break;
      case connect::OutcomeKind::pending:
        add = {{"status", "pending"}, {"session", outcome.session_token}};
        break;
      case connect::OutcomeKind::error:
        add = {{"status", "error"}, {"error", outcome.error}};
        break;
    }
    http::Response res{status::see_other, 11};
    res.set(bhttp::field::location, connect::result_redirect(*outcome.redirect_uri, add));
    res.set(bhttp::field::cache_control, "no-store");
    res.set("Referrer-Policy", "no-referrer");
    res.prepare_payload();
    co_return res;
  }

  const std::string nonce = new_token(call.ctx.random);
  switch (outcome.kind) {
    case connect::OutcomeKind::connected:
      co_return page_response(status::ok, connect::connected_page(nonce, outcome.platform, outcome.accounts));
    case connect::OutcomeKind::pending: {
      const std::string cookie_nonce = new_token(call.ctx.random);
      auto res = page_response(
          status::ok, connect::picker_page(nonce, outcome.platform, outcome.choices, outcome.session_token,
                                           csrf_token(call.ctx.keys, outcome.session_token, cookie_nonce), kPickerPath));
      res.set(bhttp::field::set_cookie, std::string(kCsrfCookie) + "=" + cookie_nonce + "; Path=" +
                                            std::string(kPickerPath) + "; Max-Age=600; HttpOnly; SameSite=Strict" +
                                            (secure_cookies(cc) ? "; Secure" : ""));
      co_return res;
    }
    case connect::OutcomeKind::error:
      break;
  }
  const bool untrusted = outcome.error == connect::kInvalidState || outcome.error == connect::kStateExpired;
  co_return page_response(untrusted ? status::bad_request : status::ok,
                          connect::error_page(nonce, outcome.platform, outcome.error));
}

Awaitable picker_submit(Call& call) {
  const connect::ConnectConfig& cc = *call.ctx.connect;
  const std::string nonce = new_token(call.ctx.random);
  auto refuse = [&](std::string_view code) { return page_response(status::bad_request, connect::error_page(nonce, "", code)); };

  // CSRF: the form must come from our own page — same origin when the browser
  // says, and a token bound to the cookie set with the page.
  const std::string_view origin = call.request.header(bhttp::field::origin);
  if (!origin.empty() && origin != cc.public_origin) co_return refuse("invalid_request");
  const std::string_view type = call.request.header(bhttp::field::content_type);
  if (!type.starts_with("application/x-www-form-urlencoded")) co_return refuse("invalid_request");
  auto form = net::form_urldecode(call.request.message.body());
  if (!form) co_return refuse("invalid_request");
  const auto session = net::form_value(*form, "session");
  const auto csrf = net::form_value(*form, "csrf");
  const auto cookie_nonce = cookie(call.request.header(bhttp::field::cookie), kCsrfCookie);
  if (!session || !csrf || !cookie_nonce || session->size() > 128 ||
      !crypto::constant_time_equal(*csrf, csrf_token(call.ctx.keys, *session, *cookie_nonce)))
    co_return refuse("invalid_request");

  std::vector<std::string> selected;
  for (const auto& [k, v] : *form)
    if (k == "page") selected.push_back(v);
  auto deps = call.ctx.connect_deps();
  auto accounts = co_await connect::finalize_session(deps, std::nullopt, *session, selected, "page");
  if (!accounts) {
    if (accounts.error().code == core::ErrorCode::validation_failed) {
      // Nothing was consumed: show the choices again.
      auto live = co_await connect::find_live_session(deps, std::nullopt, *session);
      if (live) {
        auto res = page_response(status::unprocessable_entity,
                                 connect::picker_page(nonce, live->platform, live->choices, *session, *csrf, kPickerPath));
        co_return res;
      }
    }
    const bool expired = accounts.error().code == core::ErrorCode::session_expired;
    if (!expired && accounts.error().code != core::ErrorCode::validation_failed) co_return std::move(accounts).error();
    co_return refuse("session_expired");
  }
  const std::string platform = accounts->empty() ? std::string() : accounts->front().platform;
  co_return page_response(status::ok, connect::connected_page(nonce, platform, *accounts));
}

}  // namespace

void mount_connect(http::Router& router, ApiContext& ctx) {
  mount(router, ctx, {verb::post, "/api/v1/social-networks/{platform}/auth-url", true, kScope, auth_url});
  mount(router, ctx, {verb::get, "/api/v1/connect/callback", false, {}, callback});
  mount(router, ctx, {verb::post, std::string(kPickerPath), false, {}, picker_submit});
}

}  // namespace postfuze::api
