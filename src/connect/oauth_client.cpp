#include "connect/oauth_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/url.hpp>

#include "crypto/encoding.hpp"
#include "net/form_encoding.hpp"

namespace postfuze::connect {

namespace {

namespace json = boost::json;
using boost::beast::http::verb;

// The platform's error code from an error body, short and printable, for logs:
// OAuth's {"error": "invalid_grant"}, Graph's {"error": {"code": 100, "type": …}}.
std::string platform_error(std::string_view body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return "unparsed";
  const json::value* e = v.get_object().if_contains("error");
  std::string out;
  if (e != nullptr && e->is_string()) out = std::string(e->get_string());
  else if (e != nullptr && e->is_object()) {
    const auto& o = e->get_object();
    if (const auto* t = o.if_contains("type"); t && t->is_string()) out = std::string(t->get_string());
    if (const auto* c = o.if_contains("code"); c && (c->is_int64() || c->is_string()))
      out += (out.empty() ? "" : ":") + (c->is_int64() ? std::to_string(c->get_int64()) : std::string(c->get_string()));
  }
  if (out.empty()) return "none";
  if (out.size() > 64) out.resize(64);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return out;
}

std::string describe(const net::OutboundResult& r) {
  std::string out;
  if (r.failure) out = std::string(net::to_string(*r.failure)) + (r.detail.empty() ? "" : " (" + r.detail + ")");
  else out = "status " + std::to_string(r.response->status) + " error=" + platform_error(r.response->body);
  return out + " after " + std::to_string(r.elapsed.count()) + " ms";
}

bool succeeded(const net::OutboundResult& r) {
  return !r.failure && r.response && r.response->status >= 200 && r.response->status < 300;
}

std::optional<std::int64_t> seconds_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64() && v->get_int64() > 0) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_string()) {  // some platforms send numbers as strings
    try {
      const std::int64_t n = std::stoll(std::string(v->get_string()));
      if (n > 0) return n;
    } catch (...) {
    }
  }
  return std::nullopt;
}

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c == ' ' || c == ',') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

std::string basic_auth(const OAuthApp& app) {
  return "Basic " + crypto::base64_encode(app.client_id + ":" + app.client_secret.reveal());
}

}  // namespace

core::Result<TokenGrant> parse_token_response(std::string_view body, const providers::OAuthSpec& spec,
                                              core::TimePoint now, const std::vector<std::string>& requested) {
  (void)spec;
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return core::Error::unavailable("", "token response is not a JSON object");
  const auto& o = v.get_object();
  const json::value* access = o.if_contains("access_token");
  if (access == nullptr || !access->is_string() || access->get_string().empty())
    return core::Error::unavailable("", "token response without access_token; error=" + platform_error(body));
  TokenGrant g;
  g.access_token = core::Secret(std::string(access->get_string()));
  if (const json::value* r = o.if_contains("refresh_token"); r && r->is_string() && !r->get_string().empty())
    g.refresh_token = core::Secret(std::string(r->get_string()));
  if (auto s = seconds_at(o, "expires_in")) g.expires_at = now + std::chrono::seconds(*s);
  for (std::string_view key : {"refresh_token_expires_in", "refresh_expires_in"})
    if (auto s = seconds_at(o, key)) g.refresh_expires_at = now + std::chrono::seconds(*s);
  if (const json::value* s = o.if_contains("scope"); s && s->is_string()) g.scopes = split_scopes(s->get_string());
  if (g.scopes.empty()) g.scopes = requested;
  return g;
}

boost::asio::awaitable<core::Result<TokenGrant>> exchange_code(PlatformCalls calls, const providers::ProviderSpec& spec,
                                                               const OAuthApp& app, std::string code,
                                                               std::optional<std::string> code_verifier,
                                                               std::vector<std::string> requested_scopes) {
  const providers::OAuthSpec& oauth = *spec.oauth;
  net::FormFields fields = {{"grant_type", "authorization_code"}, {"code", std::move(code)},
                            {"redirect_uri", app.redirect_uri}};
  net::OutboundRequest req;
  req.timeout = calls.timeout;
  if (oauth.client_auth == providers::ClientAuth::basic) {
    req.headers.emplace_back("Authorization", basic_auth(app));
  } else {
    fields.emplace_back(oauth.client_id_param, app.client_id);
    fields.emplace_back("client_secret", app.client_secret.reveal());
  }
  if (code_verifier) fields.emplace_back("code_verifier", *code_verifier);
  req.headers.emplace_back("Accept", "application/json");
  if (oauth.token_request == providers::TokenRequest::query) {
    boost::urls::url url(oauth.token_url);
    url.set_encoded_query(net::form_urlencode(fields));
    req.method = verb::get;
    req.url = std::string(url.buffer());
  } else {
    req.method = verb::post;
    req.url = oauth.token_url;
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.body = net::form_urlencode(fields);
  }
  const net::OutboundResult r = co_await calls.http.send(std::move(req));
  if (!succeeded(r)) co_return core::Error::unavailable("", "code exchange failed: " + describe(r));
  co_return parse_token_response(r.response->body, oauth, calls.clock.now(), requested_scopes);
}

boost::asio::awaitable<core::Result<TokenGrant>> long_lived(PlatformCalls calls, const providers::ProviderSpec& spec,
                                                            const OAuthApp& app, TokenGrant grant) {
  if (!spec.oauth || !spec.oauth->long_lived) co_return grant;
  const providers::LongLivedSpec& ll = *spec.oauth->long_lived;
  net::FormFields fields = {{"grant_type", ll.grant_type}};
  if (ll.send_client_id) fields.emplace_back(spec.oauth->client_id_param, app.client_id);
  fields.emplace_back("client_secret", app.client_secret.reveal());
  fields.emplace_back(ll.token_param, grant.access_token.reveal());
  boost::urls::url url(spec.api_url(ll.path));
  url.set_encoded_query(net::form_urlencode(fields));
  net::OutboundRequest req;
  req.method = verb::get;
  req.url = std::string(url.buffer());
  req.timeout = calls.timeout;
  req.headers.emplace_back("Accept", "application/json");
  const net::OutboundResult r = co_await calls.http.send(std::move(req));
  if (!succeeded(r)) co_return core::Error::unavailable("", "long-lived token exchange failed: " + describe(r));
  auto exchanged = parse_token_response(r.response->body, *spec.oauth, calls.clock.now(), grant.scopes);
  if (!exchanged) co_return std::move(exchanged).error();
  grant.access_token = std::move(exchanged->access_token);
  grant.expires_at = exchanged->expires_at;
  if (exchanged->refresh_token) grant.refresh_token = std::move(exchanged->refresh_token);
  co_return grant;
}

boost::asio::awaitable<RefreshResult> refresh_grant(PlatformCalls calls, const providers::ProviderSpec& spec,
                                                    const OAuthApp& app, const core::Secret& credential) {
  const providers::OAuthSpec& oauth = *spec.oauth;
  net::OutboundRequest req;
  req.timeout = calls.timeout;
  req.headers.emplace_back("Accept", "application/json");
  if (spec.refresh.request) {
    const providers::LongLivedSpec& rr = *spec.refresh.request;
    net::FormFields fields = {{"grant_type", rr.grant_type}};
    if (rr.send_client_id) fields.emplace_back(oauth.client_id_param, app.client_id);
    fields.emplace_back(rr.token_param, credential.reveal());
    boost::urls::url url(spec.api_url(rr.path));
    url.set_encoded_query(net::form_urlencode(fields));
    req.method = verb::get;
    req.url = std::string(url.buffer());
  } else {
    net::FormFields fields = {{"grant_type", "refresh_token"}, {"refresh_token", credential.reveal()}};
    if (oauth.client_auth == providers::ClientAuth::basic) {
      req.headers.emplace_back("Authorization", basic_auth(app));
    } else {
      fields.emplace_back(oauth.client_id_param, app.client_id);
      fields.emplace_back("client_secret", app.client_secret.reveal());
    }
    req.method = verb::post;
    req.url = oauth.token_url;
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.body = net::form_urlencode(fields);
  }
  const net::OutboundResult r = co_await calls.http.send(std::move(req));
  RefreshResult out;
  if (r.failure) {
    out.failure = RefreshFailure::transient;
    out.reason = "transient: " + describe(r);
    co_return out;
  }
  const int status = r.response->status;
  const std::string error = platform_error(r.response->body);
  if (status >= 200 && status < 300) {
    auto grant = parse_token_response(r.response->body, oauth, calls.clock.now(), {});
    if (grant) {
      out.grant = std::move(*grant);
      co_return out;
    }
    // A 2xx carrying an error (Reddit answers invalid_grant with 200).
    out.failure = error == "invalid_grant" ? RefreshFailure::expired : RefreshFailure::transient;
    out.reason = std::string(out.failure == RefreshFailure::expired ? "expired: " : "transient: ") + describe(r);
    co_return out;
  }
  const bool transient = status == 408 || status == 429 || status >= 500 || error == "invalid_client" ||
                         error == "unparsed" || error == "none";
  out.failure = transient ? RefreshFailure::transient : RefreshFailure::expired;
  out.reason = std::string(transient ? "transient: " : "expired: ") + describe(r);
  co_return out;
}

boost::asio::awaitable<core::Status> revoke_token(PlatformCalls calls, const providers::ProviderSpec& spec,
                                                  const OAuthApp& app, const core::Secret& token,
                                                  std::string_view token_type_hint) {
  if (!spec.oauth || !spec.oauth->revoke) co_return core::Error::unavailable("", "no revocation endpoint");
  const auto& oauth = *spec.oauth;
  net::FormFields fields = {{"token", token.reveal()}, {"token_type_hint", std::string(token_type_hint)}};
  net::OutboundRequest req;
  req.method = verb::post;
  req.url = spec.api_url(oauth.revoke->path);
  req.timeout = calls.timeout;
  req.headers.emplace_back("Accept", "application/json");
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  if (oauth.revoke->client_auth) {
    if (oauth.client_auth == providers::ClientAuth::basic) {
      req.headers.emplace_back("Authorization", basic_auth(app));
    } else {
      fields.emplace_back(oauth.client_id_param, app.client_id);
      fields.emplace_back("client_secret", app.client_secret.reveal());
    }
  }
  req.body = net::form_urlencode(fields);
  const net::OutboundResult r = co_await calls.http.send(std::move(req));
  if (!succeeded(r)) co_return core::Error::unavailable("", "revocation failed: " + describe(r));
  co_return core::Ok{};
}

boost::asio::awaitable<core::Result<boost::json::value>> get_json(PlatformCalls calls, std::string url,
                                                                  const core::Secret& access_token) {
  net::OutboundRequest req;
  req.method = verb::get;
  req.url = std::move(url);
  req.timeout = calls.timeout;
  req.max_response_bytes = 1024 * 1024;
  req.headers.emplace_back("Authorization", "Bearer " + access_token.reveal());
  req.headers.emplace_back("Accept", "application/json");
  const net::OutboundResult r = co_await calls.http.send(std::move(req));
  if (!succeeded(r)) co_return core::Error::unavailable("", "GET failed: " + describe(r));
  boost::system::error_code ec;
  json::value v = json::parse(r.response->body, ec);
  if (ec) co_return core::Error::unavailable("", "response is not JSON");
  co_return v;
}

}  // namespace postfuze::connect
