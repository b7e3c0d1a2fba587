#include "api/social_network_endpoints.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "api/body_reader.hpp"
#include "connect/social_network.hpp"
#include "connect/social_network_store.hpp"
#include "core/secret.hpp"
#include "core/time_format.hpp"
#include "api/json_values.hpp"
#include "http/json_body.hpp"

namespace postfuze::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;
using Awaitable = boost::asio::awaitable<core::Result<http::Response>>;
using connect::SocialNetwork;

constexpr std::string_view kScope = "accounts:write";
constexpr std::size_t kMaxPlatformBytes = 64;
const std::string kNotFound = "No social network with this id.";

// The public form: never the client secret, only whether one is stored.
boost::json::object to_json(const SocialNetwork& n) {
  boost::json::array scopes;
  for (const auto& s : n.scopes) scopes.emplace_back(s);
  return {{"id", n.id},
          {"platform", n.platform},
          {"display_name", string_or_null(n.display_name)},
          {"client_id", string_or_null(n.client_id)},
          {"redirect_uri", string_or_null(n.redirect_uri)},
          {"scopes", std::move(scopes)},
          {"extra_config", n.extra_config},
          {"is_enabled", n.is_enabled},
          {"has_client_secret", n.client_secret.has_value()},
          {"created_at", core::format_timestamp(n.created_at)},
          {"updated_at", core::format_timestamp(n.updated_at)}};
}

// What a POST or PATCH body asks to change. For the nullable members an
// outer nullopt means "absent" (keep the stored value) and an inner nullopt
// means an explicit `null` (clear it).
struct Changes {
  std::optional<std::string> platform;
  std::optional<std::optional<std::string>> display_name;
  std::optional<std::optional<std::string>> client_id;
  std::optional<std::optional<core::Secret>> client_secret;
  std::optional<std::optional<std::string>> redirect_uri;
  std::optional<std::vector<std::string>> scopes;
  std::optional<boost::json::object> extra_config;
  std::optional<bool> is_enabled;
};

bool sent_null(const boost::json::object& body, std::string_view name) {
  const auto* v = body.if_contains(name);
  return v && v->is_null();
}

// A nullable string member: absent, null (clear) or a string of at most
// max_bytes, not empty when non_empty.
std::optional<std::optional<std::string>> nullable_string(BodyReader& in, const boost::json::object& body,
                                                          std::string_view name, std::size_t max_bytes,
                                                          bool non_empty) {
  if (sent_null(body, name)) return std::optional<std::string>();
  auto s = in.string(name, max_bytes);
  if (!s) return std::nullopt;
  if (non_empty && s->empty()) {
    in.fail(std::string(name), "Must not be empty.", "invalid");
    return std::nullopt;
  }
  return std::optional<std::string>(std::move(*s));
}

std::optional<std::vector<std::string>> read_scopes(BodyReader& in, const boost::json::object& body) {
  if (sent_null(body, "scopes")) return std::vector<std::string>();
  auto names = in.strings("scopes", connect::kMaxScopes);
  if (!names) return std::nullopt;
  std::vector<std::string> out;
  bool good = true;
  for (std::size_t i = 0; i < names->size(); ++i) {
    const auto& s = (*names)[i];
    const std::string field = "scopes." + std::to_string(i);
    if (s.size() > connect::kMaxScopeBytes) {
      in.fail(field, "Must be at most " + std::to_string(connect::kMaxScopeBytes) + " bytes.", "too_long");
      good = false;
    } else if (!connect::valid_scope(s)) {
      in.fail(field, "Must be a non-empty scope name without whitespace.", "invalid");
      good = false;
    } else if (std::find(out.begin(), out.end(), s) == out.end()) {
      out.push_back(s);
    }
  }
  if (!good) return std::nullopt;
  return out;
}

std::optional<boost::json::object> read_extra_config(BodyReader& in, const boost::json::object& body) {
  const auto* v = body.if_contains("extra_config");
  if (!v) return std::nullopt;
  if (v->is_null()) return boost::json::object();
  if (!v->is_object()) {
    in.fail("extra_config", "Must be a JSON object.", "type");
    return std::nullopt;
  }
  if (boost::json::serialize(*v).size() > connect::kMaxExtraConfigBytes) {
    in.fail("extra_config", "Must be at most " + std::to_string(connect::kMaxExtraConfigBytes) + " bytes as JSON.",
            "too_long");
    return std::nullopt;
  }
  return v->as_object();
}

// Reads and validates every member; problems collect in `in`.
Changes read_changes(BodyReader& in, const boost::json::object& body, bool platform_required) {
  in.allow_only({"platform", "display_name", "client_id", "client_secret", "redirect_uri", "scopes", "extra_config",
                 "is_enabled"});
  Changes ch;
  ch.platform = in.string("platform", kMaxPlatformBytes, platform_required);
  if (ch.platform && !connect::is_platform(*ch.platform)) {
    in.fail("platform",
            "Unknown platform; one of x, linkedin, instagram, tiktok, youtube, facebook, threads, bluesky, "
            "pinterest, google_business, reddit.",
            "unknown_platform");
    ch.platform.reset();
  }
  ch.display_name = nullable_string(in, body, "display_name", connect::kMaxDisplayName, false);
  ch.client_id = nullable_string(in, body, "client_id", connect::kMaxClientId, true);
  if (auto secret = nullable_string(in, body, "client_secret", connect::kMaxClientSecret, true)) {
    if (*secret) ch.client_secret = std::optional<core::Secret>(core::Secret(std::move(**secret)));
    else ch.client_secret = std::optional<core::Secret>();
  }
  ch.redirect_uri = nullable_string(in, body, "redirect_uri", connect::kMaxRedirectUri, false);
  if (ch.redirect_uri && *ch.redirect_uri)
    if (auto s = connect::validate_redirect_uri(**ch.redirect_uri, "redirect_uri"); !s) {
      const auto& fe = s.error().fields.at(0);
      in.fail(fe.field, fe.message, fe.code);
    }
  ch.scopes = read_scopes(in, body);
  ch.extra_config = read_extra_config(in, body);
  ch.is_enabled = in.boolean("is_enabled");
  return ch;
}

// Applies the changes to a record whose id, org and platform are set, sealing
// a new secret under the record's own associated data, then checks that an
// OAuth platform's record keeps both credentials.
core::Status apply(const Changes& ch, SocialNetwork& n, ApiContext& ctx, core::TimePoint now) {
  if (ch.display_name) n.display_name = *ch.display_name;
  if (ch.client_id) n.client_id = *ch.client_id;
  if (ch.client_secret) {
    if (*ch.client_secret)
      n.client_secret = ctx.keys.seal(ctx.random, connect::client_secret_aad(n.org, n.id), (*ch.client_secret)->reveal());
    else
      n.client_secret.reset();
  }
  if (ch.redirect_uri) n.redirect_uri = *ch.redirect_uri;
  if (ch.scopes) n.scopes = *ch.scopes;
  if (ch.extra_config) n.extra_config = *ch.extra_config;
  if (ch.is_enabled) n.is_enabled = *ch.is_enabled;
  n.updated_at = now;
  if (!connect::requires_client_credentials(n.platform)) return core::Ok{};
  std::vector<core::FieldError> missing;
  const std::string why = "Required for " + n.platform + ": the OAuth app's credentials.";
  if (!n.client_id) missing.push_back({"client_id", why, "required"});
  if (!n.client_secret) missing.push_back({"client_secret", why, "required"});
  if (!missing.empty()) return core::Error::validation(std::move(missing));
  return core::Ok{};
}

Awaitable upsert_network(Call& call) {
  auto body = http::parse_json_object(call.request);
  if (!body) co_return std::move(body).error();
  BodyReader in(*body);
  const Changes ch = read_changes(in, *body, true);
  if (!in.ok()) co_return in.error();

  auto& ctx = call.ctx;
  const auto now = ctx.clock.now();
  const core::OrgId org = call.org();
  const std::string platform = *ch.platform;
  std::optional<connect::Upserted> result;
  auto s = co_await in_transaction(ctx, [&](store::Connection& c) -> core::Status {
    auto r = connect::upsert_social_network(
        c, org, platform,
        [&]() -> core::Result<SocialNetwork> {
          SocialNetwork n;
          n.id = core::new_uuid(ctx.random);
          n.org = org;
          n.platform = platform;
          n.created_at = now;
          if (auto a = apply(ch, n, ctx, now); !a) return std::move(a).error();
          return n;
        },
        [&](SocialNetwork& n) { return apply(ch, n, ctx, now); });
    if (!r) return std::move(r).error();
    result = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  co_return http::json_response(result->created ? status::created : status::ok, to_json(result->network));
}

Awaitable list_networks(Call& call) {
  std::vector<SocialNetwork> rows;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = connect::list_social_networks(c, call.org());
    if (!r) return std::move(r).error();
    rows = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  boost::json::array data;
  for (const auto& n : rows) data.emplace_back(to_json(n));
  co_return http::json_response(status::ok, boost::json::object{{"data", std::move(data)}});
}

Awaitable get_network(Call& call) {
  const std::string id(call.request.param("id"));
  std::optional<SocialNetwork> found;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = connect::find_social_network(c, call.org(), id);
    if (!r) return std::move(r).error();
    found = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  if (!found) co_return core::Error::not_found(kNotFound);
  co_return http::json_response(status::ok, to_json(*found));
}

Awaitable update_network(Call& call) {
  auto body = http::parse_json_object(call.request);
  if (!body) co_return std::move(body).error();
  BodyReader in(*body);
  const Changes ch = read_changes(in, *body, false);
  if (!in.ok()) co_return in.error();

  auto& ctx = call.ctx;
  const auto now = ctx.clock.now();
  const std::string id(call.request.param("id"));
  std::optional<SocialNetwork> updated;
  auto s = co_await in_transaction(ctx, [&](store::Connection& c) -> core::Status {
    auto r = connect::find_social_network(c, call.org(), id);
    if (!r) return std::move(r).error();
    if (!*r) return core::Error::not_found(kNotFound);
    auto& n = **r;
    if (ch.platform && *ch.platform != n.platform)
      return core::Error::validation("platform", "The platform of a social network cannot change.", "immutable");
    if (auto a = apply(ch, n, ctx, now); !a) return a;
    if (auto u = connect::update_social_network(c, n); !u) return u;
    updated = std::move(n);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  co_return http::json_response(status::ok, to_json(*updated));
}

Awaitable delete_network(Call& call) {
  // No accounts exist yet; once they do, refuse (409) while active accounts
  // reference the record (docs/decisions.md D19).
  const std::string id(call.request.param("id"));
  bool deleted = false;
  auto s = co_await in_transaction(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = connect::delete_social_network(c, call.org(), id);
    if (!r) return std::move(r).error();
    deleted = *r;
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  if (!deleted) co_return core::Error::not_found(kNotFound);
  co_return http::empty_response(status::no_content);
}

}  // namespace

void mount_social_networks(http::Router& router, ApiContext& ctx) {
  mount(router, ctx, {verb::post, "/api/v1/social-networks", true, kScope, upsert_network});
  mount(router, ctx, {verb::get, "/api/v1/social-networks", true, {}, list_networks});
  mount(router, ctx, {verb::get, "/api/v1/social-networks/{id}", true, {}, get_network});
  mount(router, ctx, {verb::patch, "/api/v1/social-networks/{id}", true, kScope, update_network});
  mount(router, ctx, {verb::delete_, "/api/v1/social-networks/{id}", true, kScope, delete_network});
}

}  // namespace postfuze::api
