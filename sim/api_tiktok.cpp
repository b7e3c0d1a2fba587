// TikTok (platforms.md §10): GET /v2/user/info/?fields=... . Each field needs
// its scope; asking for one the token lacks is scope_not_authorized.
#include <array>
#include <utility>

#include "crypto/encoding.hpp"
#include "sim/api_builders.hpp"
#include "sim/api_support.hpp"
#include "sim/errors.hpp"
#include "sim/field_selection.hpp"

namespace postfuze::sim::api {

namespace {

namespace json = boost::json;
using FieldScope = std::pair<std::string_view, std::string_view>;

constexpr std::array<FieldScope, 14> kFieldScopes{
    FieldScope{"open_id", "user.info.basic"},           FieldScope{"union_id", "user.info.basic"},
    FieldScope{"avatar_url", "user.info.basic"},        FieldScope{"avatar_url_100", "user.info.basic"},
    FieldScope{"avatar_large_url", "user.info.basic"},  FieldScope{"display_name", "user.info.basic"},
    FieldScope{"bio_description", "user.info.profile"}, FieldScope{"profile_deep_link", "user.info.profile"},
    FieldScope{"is_verified", "user.info.profile"},     FieldScope{"username", "user.info.profile"},
    FieldScope{"follower_count", "user.info.stats"},    FieldScope{"following_count", "user.info.stats"},
    FieldScope{"likes_count", "user.info.stats"},       FieldScope{"video_count", "user.info.stats"}};

}  // namespace

http::Response tiktok_user_info(ApiCall& api) {
  const auto spec = api.query.get("fields");
  if (!spec || spec->empty()) return api_error(api.call, ApiProblem::invalid_request, "fields is required.");
  auto fields = parse_fields(*spec);
  if (!fields) return api_error(api.call, ApiProblem::invalid_request, "fields is malformed.");
  for (const auto& f : *fields) {
    std::string_view scope;
    for (const auto& [name, needs] : kFieldScopes)
      if (name == f.name) scope = needs;
    if (scope.empty() || !f.children.empty())
      return api_error(api.call, ApiProblem::invalid_request, "Unknown field " + f.name + ".");
    if (!has_scope(api.grant(), scope))
      return api_error(api.call, ApiProblem::insufficient_scope,
                       "The field " + f.name + " needs the scope " + std::string(scope) + ".");
  }
  const Identity& u = api.user();
  const std::string avatar = picture_url("tiktok", u.id);
  const json::object node{{"open_id", u.id},
                          {"union_id", u.id + "-union"},
                          {"avatar_url", avatar},
                          {"avatar_url_100", avatar},
                          {"avatar_large_url", avatar},
                          {"display_name", u.name},
                          {"bio_description", ""},
                          {"profile_deep_link", "https://www.tiktok.com/@" + u.username},
                          {"is_verified", false},
                          {"username", u.username},
                          {"follower_count", 0},
                          {"following_count", 0},
                          {"likes_count", 0},
                          {"video_count", 0}};
  std::string unknown;
  auto user = select_fields(node, *fields, unknown, false);
  return ok_json(json::object{
      {"data", {{"user", std::move(user)}}},
      {"error", {{"code", "ok"}, {"message", ""}, {"log_id", crypto::hex_encode(api.call.sim.random.bytes(10))}}}});
}

}  // namespace postfuze::sim::api
