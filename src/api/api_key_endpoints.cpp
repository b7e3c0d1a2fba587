#include "api/api_key_endpoints.hpp"

#include "api/pagination.hpp"
#include "core/time_format.hpp"
#include "http/json_body.hpp"
#include "orgs/api_key_store.hpp"

namespace postfuze::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;
using Awaitable = boost::asio::awaitable<core::Result<http::Response>>;

constexpr std::size_t kMaxNameLength = 100;
constexpr std::size_t kMaxScopes = 16;

boost::json::value optional_time(const std::optional<core::TimePoint>& t) {
  if (!t) return nullptr;
  return boost::json::string(core::format_timestamp(*t));
}

boost::json::object to_json(const orgs::ApiKey& k, core::TimePoint now) {
  boost::json::array scopes;
  for (const auto& s : k.scopes) scopes.emplace_back(s);
  const char* state = k.revoked_at ? "revoked" : (k.usable_at(now) ? "active" : "expired");
  return {{"id", k.id},
          {"name", k.name},
          {"prefix", k.prefix},
          {"mode", orgs::to_string(k.mode)},
          {"scopes", std::move(scopes)},
          {"status", state},
          {"created_at", core::format_timestamp(k.created_at)},
          {"expires_at", optional_time(k.expires_at)},
          {"revoked_at", optional_time(k.revoked_at)}};
}

core::Result<orgs::NewApiKey> parse_new_key(const boost::json::object& body, const orgs::ApiKey& caller,
                                            core::TimePoint now) {
  orgs::NewApiKey req;
  req.mode = caller.mode;
  std::vector<core::FieldError> errors;
  for (const auto& kv : body) {
    const std::string_view k = kv.key();
    if (k != "name" && k != "mode" && k != "scopes" && k != "expires_at")
      errors.push_back({std::string(k), "Unknown field.", "unknown_field"});
  }
  if (const auto* v = body.if_contains("name"); v && !v->is_null()) {
    if (!v->is_string() || v->as_string().size() > kMaxNameLength)
      errors.push_back({"name", "name must be a string of at most 100 characters.", "invalid"});
    else
      req.name = v->as_string();
  }
  if (const auto* v = body.if_contains("mode"); v && !v->is_null()) {
    const auto mode = v->is_string() ? orgs::parse_key_mode(v->as_string()) : std::nullopt;
    if (!mode)
      errors.push_back({"mode", "mode must be \"live\" or \"test\".", "invalid"});
    else if (*mode == orgs::KeyMode::live && caller.mode == orgs::KeyMode::test)
      errors.push_back({"mode", "A test key can only issue test keys.", "forbidden"});
    else
      req.mode = *mode;
  }
  if (const auto* v = body.if_contains("scopes"); v && !v->is_null()) {
    if (!v->is_array() || v->as_array().size() > kMaxScopes) {
      errors.push_back({"scopes", "scopes must be an array of at most 16 scope names.", "invalid"});
    } else {
      std::vector<std::string> names;
      for (std::size_t i = 0; i < v->as_array().size(); ++i) {
        const auto& item = v->as_array()[i];
        if (!item.is_string())
          errors.push_back({"scopes." + std::to_string(i), "Scope names are strings.", "invalid"});
        else
          names.emplace_back(item.as_string());
      }
      if (auto parsed = orgs::parse_scopes(names); !parsed)
        for (const auto& f : parsed.error().fields) errors.push_back(f);
      else
        req.scopes = std::move(*parsed);
    }
  }
  if (const auto* v = body.if_contains("expires_at"); v && !v->is_null()) {
    const auto t = v->is_string() ? core::parse_timestamp(v->as_string()) : std::nullopt;
    if (!t || *t <= now)
      errors.push_back({"expires_at", "expires_at must be a future RFC 3339 timestamp.", "invalid"});
    else
      req.expires_at = *t;
  }
  if (!errors.empty()) return core::Error::validation(std::move(errors));
  return req;
}

Awaitable list_keys(Call& call) {
  auto page_params = parse_page_params(call.request, call.ctx.cursors, "api-keys");
  if (!page_params) co_return std::move(page_params).error();
  orgs::ApiKeyPage page;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = orgs::list_api_keys(c, call.org(), page_params->after, page_params->limit);
    if (!r) return std::move(r).error();
    page = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  const auto now = call.ctx.clock.now();
  boost::json::array items;
  for (const auto& k : page.items) items.push_back(to_json(k, now));
  std::optional<orgs::KeysetPosition> last;
  if (page.has_more) last = orgs::KeysetPosition{core::to_unix_ms(page.items.back().created_at), page.items.back().id};
  co_return http::json_response(status::ok, page_body(std::move(items), last, call.ctx.cursors, "api-keys"));
}

Awaitable create_key(Call& call) {
  auto body = http::parse_json_object(call.request);
  if (!body) co_return std::move(body).error();
  auto req = parse_new_key(*body, *call.key, call.ctx.clock.now());
  if (!req) co_return std::move(req).error();
  std::optional<orgs::IssuedApiKey> issued;
  auto s = co_await in_transaction(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = orgs::issue_api_key(c, call.ctx.clock, call.ctx.random, call.org(), std::move(*req));
    if (!r) return std::move(r).error();
    issued.emplace(std::move(*r));
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  auto json = to_json(issued->key, call.ctx.clock.now());
  json["key"] = issued->plaintext.reveal();  // the only time the plaintext leaves the server
  co_return http::json_response(status::created, json);
}

Awaitable get_key(Call& call) {
  std::optional<orgs::ApiKey> key;
  const std::string id(call.request.param("id"));
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = orgs::find_api_key(c, call.org(), id);
    if (!r) return std::move(r).error();
    key = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  if (!key) co_return core::Error::not_found("No API key with this id.");
  co_return http::json_response(status::ok, to_json(*key, call.ctx.clock.now()));
}

Awaitable revoke_key(Call& call) {
  std::optional<orgs::ApiKey> key;
  const std::string id(call.request.param("id"));
  auto s = co_await in_transaction(call.ctx, [&](store::Connection& c) -> core::Status {
    auto revoked = orgs::revoke_api_key(c, call.org(), id, call.ctx.clock.now());
    if (!revoked) return std::move(revoked).error();
    if (!*revoked) return core::Ok{};
    auto r = orgs::find_api_key(c, call.org(), id);
    if (!r) return std::move(r).error();
    key = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  if (!key) co_return core::Error::not_found("No API key with this id.");
  co_return http::json_response(status::ok, to_json(*key, call.ctx.clock.now()));
}

}  // namespace

void mount_api_keys(http::Router& router, ApiContext& ctx) {
  mount(router, ctx, {verb::get, "/api/v1/api-keys", true, {}, list_keys});
  mount(router, ctx, {verb::post, "/api/v1/api-keys", true, orgs::kAllScopes, create_key});
  mount(router, ctx, {verb::get, "/api/v1/api-keys/{id}", true, {}, get_key});
  mount(router, ctx, {verb::delete_, "/api/v1/api-keys/{id}", true, orgs::kAllScopes, revoke_key});
}

}  // namespace postfuze::api
