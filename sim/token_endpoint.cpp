// The token endpoints. One handler serves every platform's /P/oauth/token
// (and Graph's /P/api/oauth/access_token, which on graph.facebook.com is the
// same endpoint); the Platform row decides client authentication, grants,
// lifetimes and the response shape. Threads' two long-lived-token calls have
// handlers of their own at the end.
//
// Token lifecycle (RFC 6749 §4.1.3, §6; RFC 7636 §4.6):
//   code ──exchange (client, redirect_uri, verifier match)──▶ access [+ refresh]
//   code replayed ──▶ invalid_grant, and the tokens it minted are revoked
//   refresh ──keeps──▶ new access, same refresh
//   refresh ──rotates──▶ new access + new refresh; the old refresh dies
//   Graph user token ──fb_exchange_token──▶ long-lived user token
#include <boost/json/object.hpp>
#include <variant>

#include "crypto/digest.hpp"
#include "sim/errors.hpp"
#include "sim/handlers.hpp"
#include "sim/api_support.hpp"
#include "sim/wire.hpp"

namespace postfuze::sim {

namespace {

namespace json = boost::json;
using std::chrono::seconds;

template <typename T>
using Outcome = std::variant<T, OAuthFailure>;

// What a successful grant hands out.
struct Minted {
  std::shared_ptr<const Grant> grant;
  std::string access;
  std::string refresh;  // empty: none in the response
  seconds access_ttl{0};
  bool via_refresh = false;
  bool long_lived = false;  // Graph / Threads long-lived user token response
};

OAuthFailure invalid_request(std::string description) {
  return {400, "invalid_request", std::move(description), {100, 0}};
}
OAuthFailure invalid_client(std::string description, int graph_code = 1) {
  return {401, "invalid_client", std::move(description), {graph_code, 0}};
}
OAuthFailure invalid_grant(std::string description, GraphCode graph = {100, 0}) {
  return {400, "invalid_grant", std::move(description), graph};
}
OAuthFailure invalid_user_token() {
  return invalid_grant("Error validating access token: the token is invalid, expired or not a user token.", {190, 0});
}

std::string issue(Call& call, SimState::Data& d, TokenKind kind, std::shared_ptr<const Grant> grant, seconds ttl) {
  std::string value = call.sim.mint(call.platform.id, kind == TokenKind::refresh ? "rt" : "at");
  Token t{kind, std::move(grant), std::nullopt, false, 0};
  if (ttl.count() > 0) t.expires = call.now() + ttl;
  d.tokens.emplace(value, std::move(t));
  return value;
}

// RFC 6749 §2.3.1 client authentication, in the one style the platform accepts
// (and RFC 6749 §2.3: never two methods in one request). Returns the client id.
Outcome<std::string> authenticate(Call& call, const Params& params) {
  const Platform& p = call.platform;
  const auto authorization = call.req.header(http::bhttp::field::authorization);
  const auto form_id = params.get(p.client_id_param);
  const auto form_secret = params.get("client_secret");
  std::string id, secret;
  if (p.client_auth == ClientAuth::basic) {
    if (!is_basic(authorization))
      return invalid_client(std::string(p.display_name) +
                            " requires the client credentials in an HTTP Basic Authorization header.");
    auto creds = parse_basic(authorization);
    if (!creds) return invalid_client("The Basic Authorization header is malformed.");
    if (form_secret) return invalid_request("Send the client credentials in one place only (RFC 6749 §2.3).");
    if (form_id && *form_id != creds->id) return invalid_request("client_id does not match the Basic credentials.");
    id = std::move(creds->id);
    secret = std::move(creds->secret);
  } else {
    if (is_basic(authorization))
      return invalid_client(std::string(p.display_name) + " expects " + std::string(p.client_id_param) +
                            " and client_secret as form parameters, not HTTP Basic.");
    if (!form_id || !form_secret)
      return invalid_client(std::string(p.client_id_param) + " and client_secret are required.");
    id = *form_id;
    secret = *form_secret;
  }
  const bool known = call.sim.state.with([&](SimState::Data& d) { return d.app(p.id, id) != nullptr; });
  if (!known) return invalid_client("Unknown client " + id + ".", 101);
  const bool secret_ok = call.sim.state.with(
      [&](SimState::Data& d) { return crypto::constant_time_equal(d.app(p.id, id)->client_secret, secret); });
  if (!secret_ok) return invalid_client("Error validating client secret.");
  return id;
}

Outcome<Minted> exchange_code(Call& call, const Params& params, const std::string& client_id) {
  const Platform& p = call.platform;
  const auto code = params.get("code");
  if (!code || code->empty()) return invalid_request("code is required.");
  const auto redirect_uri = params.get("redirect_uri");
  if (!redirect_uri) return invalid_request("redirect_uri is required.");
  const auto verifier = params.get("code_verifier");

  return call.sim.state.with([&](SimState::Data& d) -> Outcome<Minted> {
    auto it = d.codes.find(std::string(*code));
    if (it == d.codes.end() || it->second.authorization.grant->platform != &p)
      return invalid_grant("The authorization code is invalid.");
    Code& c = it->second;
    const Authorization& auth = c.authorization;
    if (c.used) {
      // RFC 6749 §4.1.2: a replayed code revokes what it was exchanged for.
      for (const auto& t : c.issued)
        if (auto tok = d.tokens.find(t); tok != d.tokens.end()) tok->second.revoked = true;
      return invalid_grant("This authorization code has been used.", {100, 36009});
    }
    if (call.now() >= c.expires) return invalid_grant("This authorization code has expired.", {100, 36007});
    if (auth.grant->client_id != client_id)
      return invalid_grant("The authorization code was issued to another client.");
    if (auth.redirect_uri != *redirect_uri)
      return invalid_grant("redirect_uri is not identical to the one used in the authorize request.", {100, 36008});
    if (!auth.code_challenge.empty()) {
      if (!verifier) return invalid_grant("code_verifier is required.");
      if (!valid_pkce_value(*verifier)) return invalid_grant("code_verifier is malformed.");
      const std::string derived = auth.code_challenge_method == "S256" ? pkce_s256(*verifier) : std::string(*verifier);
      if (!crypto::constant_time_equal(derived, auth.code_challenge))
        return invalid_grant("code_verifier does not match the code_challenge.");
    }
    c.used = true;
    const bool short_lived = p.token_shape == TokenShape::graph_user || p.token_shape == TokenShape::threads_short;
    Minted m{auth.grant, {}, {}, p.access_ttl, false, false};
    m.access = issue(call, d, short_lived ? TokenKind::short_lived : TokenKind::access, auth.grant, p.access_ttl);
    c.issued.push_back(m.access);
    if (auth.grant->refresh_token && p.refresh_grant != RefreshGrant::unsupported) {
      m.refresh = issue(call, d, TokenKind::refresh, auth.grant, p.refresh_ttl);
      c.issued.push_back(m.refresh);
    }
    return m;
  });
}

Outcome<Minted> refresh(Call& call, const Params& params, const std::string& client_id) {
  const Platform& p = call.platform;
  const auto presented = params.get("refresh_token");
  if (!presented || presented->empty()) return invalid_request("refresh_token is required.");
  return call.sim.state.with([&](SimState::Data& d) -> Outcome<Minted> {
    auto it = d.tokens.find(std::string(*presented));
    if (it == d.tokens.end() || it->second.kind != TokenKind::refresh || it->second.grant->platform != &p)
      return invalid_grant("The refresh token is invalid.");
    Token& old = it->second;
    if (old.revoked) return invalid_grant("The refresh token has been used or revoked.");
    if (!old.live(call.now())) return invalid_grant("The refresh token has expired.");
    if (old.grant->client_id != client_id) return invalid_grant("The refresh token was issued to another client.");
    Minted m{old.grant, {}, {}, p.access_ttl, true, false};
    m.access = issue(call, d, TokenKind::access, old.grant, p.access_ttl);
    if (p.refresh_grant == RefreshGrant::rotates) {
      old.revoked = true;
      m.refresh = issue(call, d, TokenKind::refresh, old.grant, p.refresh_ttl);
    }
    return m;
  });
}

// A live user token of this platform (not a Page token), optionally only of one kind.
Token* user_token(Call& call, SimState::Data& d, std::string_view value, std::optional<TokenKind> kind) {
  auto it = d.tokens.find(std::string(value));
  if (it == d.tokens.end()) return nullptr;
  Token& t = it->second;
  if (t.grant->platform != &call.platform || !t.live(call.now())) return nullptr;
  if (t.kind != TokenKind::short_lived && t.kind != TokenKind::long_lived) return nullptr;
  if (kind && t.kind != *kind) return nullptr;
  return &t;
}

Minted long_lived(Call& call, SimState::Data& d, std::shared_ptr<const Grant> grant) {
  const seconds ttl = call.platform.long_lived_ttl;
  std::string value = issue(call, d, TokenKind::long_lived, grant, ttl);
  return Minted{std::move(grant), std::move(value), {}, ttl, false, true};
}

// Graph: GET /oauth/access_token?grant_type=fb_exchange_token&fb_exchange_token=SHORT (§4).
Outcome<Minted> exchange_long_lived(Call& call, const Params& params, const std::string& client_id) {
  const auto presented = params.get("fb_exchange_token");
  if (!presented || presented->empty()) return invalid_request("fb_exchange_token is required.");
  return call.sim.state.with([&](SimState::Data& d) -> Outcome<Minted> {
    Token* t = user_token(call, d, *presented, std::nullopt);
    if (!t || t->grant->client_id != client_id) return invalid_user_token();
    return long_lived(call, d, t->grant);
  });
}

json::object token_body(const Platform& p, const Minted& m) {
  if (m.long_lived) return {{"access_token", m.access}, {"token_type", "bearer"}, {"expires_in", m.access_ttl.count()}};
  const std::string scope = join(m.grant->scopes, p.granted_scope_separator);
  json::object body;
  switch (p.token_shape) {
    case TokenShape::x:
      body = {
          {"token_type", "bearer"}, {"expires_in", m.access_ttl.count()}, {"access_token", m.access}, {"scope", scope}};
      break;
    case TokenShape::linkedin:
      body = {{"access_token", m.access}, {"expires_in", m.access_ttl.count()}, {"scope", scope}};
      break;
    case TokenShape::google:
      body = {
          {"access_token", m.access}, {"expires_in", m.access_ttl.count()}, {"scope", scope}, {"token_type", "Bearer"}};
      break;
    case TokenShape::tiktok:
      body = {{"open_id", m.grant->user.id}, {"scope", scope},
              {"access_token", m.access},    {"expires_in", m.access_ttl.count()},
              {"refresh_token", m.refresh},  {"refresh_expires_in", p.refresh_ttl.count()},
              {"token_type", "Bearer"}};
      return body;
    case TokenShape::graph_user:
      return {{"access_token", m.access}, {"token_type", "bearer"}, {"expires_in", m.access_ttl.count()}};
    case TokenShape::threads_short:
      return {{"access_token", m.access}, {"user_id", m.grant->user.id}};
    case TokenShape::pinterest:
      return {{"access_token", m.access},
              {"refresh_token", m.refresh},
              {"response_type", m.via_refresh ? "refresh_token" : "authorization_code"},
              {"token_type", "bearer"},
              {"expires_in", m.access_ttl.count()},
              {"refresh_token_expires_in", p.refresh_ttl.count()},
              {"scope", scope}};
    case TokenShape::reddit:
      body = {
          {"access_token", m.access}, {"token_type", "bearer"}, {"expires_in", m.access_ttl.count()}, {"scope", scope}};
      break;
  }
  if (!m.refresh.empty()) body["refresh_token"] = m.refresh;
  return body;
}

http::Response token_response(const Platform& p, const Minted& m) {
  http::Response res = http::json_response(http::bhttp::status::ok, token_body(p, m));
  res.set(http::bhttp::field::cache_control, "no-store");  // RFC 6749 §5.1
  res.set(http::bhttp::field::pragma, "no-cache");
  return res;
}

}  // namespace

boost::asio::awaitable<http::Response> token(Call& call) {
  const Platform& p = call.platform;
  const bool is_get = call.req.method() == http::bhttp::verb::get;
  const std::optional<Params> params =
      is_get ? std::optional<Params>(Params::of(call.req.target)) : Params::parse(call.req.message.body());
  std::string grant_type(params ? params->get("grant_type").value_or("") : "");
  if (grant_type.empty() && p.grant_type_optional && params && params->has("code")) grant_type = "authorization_code";
  call.count(grant_type == "refresh_token"       ? Counter::refresh
             : grant_type == "fb_exchange_token" ? Counter::long_lived
                                                 : Counter::token);

  const Scenario scenario = call.scenario();
  co_await pause(std::chrono::milliseconds(scenario.token_delay_ms));
  if (scenario.token_status) co_return injected_oauth_error(call, scenario.token_status);

  if (!is_get && !is_form(call.req.header(http::bhttp::field::content_type)))
    co_return oauth_error(call, invalid_request("Content-Type must be application/x-www-form-urlencoded."));
  if (!params) co_return oauth_error(call, invalid_request("The form body is malformed."));
  if (auto twice = params->repeated())
    co_return oauth_error(call, invalid_request("The parameter " + *twice + " appears more than once."));
  if (grant_type.empty()) co_return oauth_error(call, invalid_request("grant_type is required."));

  auto client = authenticate(call, *params);
  if (auto* failure = std::get_if<OAuthFailure>(&client)) co_return oauth_error(call, *failure);
  const std::string& client_id = std::get<std::string>(client);

  Outcome<Minted> result =
      OAuthFailure{400, "unsupported_grant_type", "grant_type " + grant_type + " is not supported here.", {100, 0}};
  if (grant_type == "authorization_code") {
    result = exchange_code(call, *params, client_id);
  } else if (grant_type == "refresh_token" && p.refresh_grant != RefreshGrant::unsupported) {
    if (scenario.revoke_refresh)
      co_return oauth_error(call, invalid_grant("Token has been expired or revoked."), Cause::scenario);
    result = refresh(call, *params, client_id);
  } else if (grant_type == "fb_exchange_token" && p.graph_exchange) {
    result = exchange_long_lived(call, *params, client_id);
  }
  if (auto* failure = std::get_if<OAuthFailure>(&result)) co_return oauth_error(call, *failure);
  co_return token_response(p, std::get<Minted>(result));
}

// Threads §11: GET /access_token?grant_type=th_exchange_token&client_secret=…&access_token=SHORT.
boost::asio::awaitable<http::Response> threads_exchange(Call& call) {
  call.count(Counter::long_lived);
  const Scenario scenario = call.scenario();
  co_await pause(std::chrono::milliseconds(scenario.token_delay_ms));
  if (scenario.token_status) co_return injected_oauth_error(call, scenario.token_status);

  const Params params = Params::of(call.req.target);
  if (auto twice = params.repeated())
    co_return oauth_error(call, invalid_request("The parameter " + *twice + " appears more than once."));
  if (params.get("grant_type") != "th_exchange_token")
    co_return oauth_error(call, {400, "unsupported_grant_type", "grant_type must be th_exchange_token.", {100, 0}});
  const auto secret = params.get("client_secret");
  const auto presented = params.get("access_token");
  if (!secret || !presented)
    co_return oauth_error(call, invalid_request("client_secret and access_token are required."));

  auto result = call.sim.state.with([&](SimState::Data& d) -> Outcome<Minted> {
    Token* t = user_token(call, d, *presented, TokenKind::short_lived);
    if (!t) return invalid_user_token();
    const App* app = d.app(call.platform.id, t->grant->client_id);
    if (!app || !crypto::constant_time_equal(app->client_secret, *secret))
      return invalid_client("Error validating client secret.");
    return long_lived(call, d, t->grant);
  });
  if (auto* failure = std::get_if<OAuthFailure>(&result)) co_return oauth_error(call, *failure);
  co_return token_response(call.platform, std::get<Minted>(result));
}

// Threads §11: GET /refresh_access_token?grant_type=th_refresh_token&access_token=LONG.
// The long-lived token is replaced: the old one stops working.
boost::asio::awaitable<http::Response> threads_refresh(Call& call) {
  call.count(Counter::refresh);
  const Scenario scenario = call.scenario();
  co_await pause(std::chrono::milliseconds(scenario.token_delay_ms));
  if (scenario.token_status) co_return injected_oauth_error(call, scenario.token_status);
  if (scenario.revoke_refresh) co_return oauth_error(call, invalid_user_token(), Cause::scenario);

  const Params params = Params::of(call.req.target);
  if (auto twice = params.repeated())
    co_return oauth_error(call, invalid_request("The parameter " + *twice + " appears more than once."));
  if (params.get("grant_type") != "th_refresh_token")
    co_return oauth_error(call, {400, "unsupported_grant_type", "grant_type must be th_refresh_token.", {100, 0}});
  const auto presented = params.get("access_token");
  if (!presented) co_return oauth_error(call, invalid_request("access_token is required."));

  auto result = call.sim.state.with([&](SimState::Data& d) -> Outcome<Minted> {
    Token* t = user_token(call, d, *presented, TokenKind::long_lived);
    if (!t) return invalid_user_token();
    t->revoked = true;
    return long_lived(call, d, t->grant);
  });
  if (auto* failure = std::get_if<OAuthFailure>(&result)) co_return oauth_error(call, *failure);
  co_return token_response(call.platform, std::get<Minted>(result));
}

boost::asio::awaitable<http::Response> revoke(Call& call) {
  call.count(Counter::revoke);
  // Google takes the token in the query as well as in the form.
  std::optional<std::string> presented;
  if (auto form = Params::parse(call.req.message.body()))
    if (auto t = form->get("token")) presented = std::string(*t);
  if (!presented)
    if (auto t = Params::of(call.req.target).get("token")) presented = std::string(*t);
  if (!presented) co_return oauth_error(call, invalid_request("token is required."));
  call.sim.state.with([&](SimState::Data& d) {
    auto it = d.tokens.find(*presented);
    if (it == d.tokens.end()) return;
    // Revoking either token of a grant ends the grant (Google, X): every token minted with it.
    const auto grant = it->second.grant;
    for (auto& [value, token] : d.tokens)
      if (token.grant == grant) token.revoked = true;
  });
  co_return ok_json(boost::json::object{});
}

}  // namespace postfuze::sim
