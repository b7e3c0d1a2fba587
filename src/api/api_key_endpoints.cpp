#include "api/api_key_endpoints.hpp"

#include "api/body_reader.hpp"
#include "api/json_values.hpp"
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
          {"expires_at", timestamp_or_null(k.expires_at)},
          {"revoked_at", timestamp_or_null(k.revoked_at)}};
}

core::Result<orgs::NewApiKey> parse_new_key(const boost::json::object& body, const orgs::ApiKey& caller,
                                            core::TimePoint now) {
  orgs::NewApiKey req;
  req.mode = caller.mode;
  BodyReader in(body);
  in.allow_only({"name", "mode", "scopes", "expires_at"});
  if (auto name = in.string("name", kMaxNameLength)) req.name = *name;
  if (auto mode_text = in.string("mode", 16)) {
    const auto mode = orgs::parse_key_mode(*mode_text);
    if (!mode)
      in.fail("mode", "mode must be \"live\" or \"test\".");
    else if (*mode == orgs::KeyMode::live && caller.mode == orgs::KeyMode::test)
      in.fail("mode", "A test key can only issue test keys.", "forbidden");
    else
      req.mode = *mode;
  }
  if (auto names = in.strings("scopes", kMaxScopes)) {
    if (auto parsed = orgs::parse_scopes(*names); !parsed)
      for (const auto& f : parsed.error().fields) in.fail(f.field, f.message, f.code);
    else
      req.scopes = std::move(*parsed);
  }
  if (auto expires = in.timestamp("expires_at")) {
    if (*expires <= now)
      in.fail("expires_at", "expires_at must be in the future.");
    else
      req.expires_at = *expires;
  }
  if (!in.ok()) return in.error();
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
  co_return page_response(
      page, [now](const orgs::ApiKey& k) { return to_json(k, now); }, call.ctx.cursors, "api-keys");
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
