// X API v2 (platforms.md §3): GET /2/users/me.
#include <array>

#include "sim/api_builders.hpp"
#include "sim/api_support.hpp"
#include "sim/errors.hpp"
#include "sim/field_selection.hpp"

namespace postfuze::sim::api {

namespace {

namespace json = boost::json;

// The query parameters /2/users/me accepts; X refuses any other.
constexpr std::array<std::string_view, 3> kParams{"expansions", "tweet.fields", "user.fields"};

// Every user.fields value X documents; null: known but not set for this user.
json::object user_node(const ApiCall& api) {
  const Identity& u = api.user();
  return {
      {"id", u.id},
      {"name", u.name},
      {"username", u.username},
      {"profile_image_url", picture_url("x", u.id)},
      {"description", ""},
      {"created_at", "2020-01-01T00:00:00.000Z"},
      {"protected", false},
      {"verified", false},
      {"verified_type", "none"},
      {"url", ""},
      {"public_metrics",
       {{"followers_count", 0}, {"following_count", 0}, {"tweet_count", 0}, {"listed_count", 0}, {"like_count", 0}}},
      {"location", nullptr},
      {"pinned_tweet_id", nullptr},
      {"entities", nullptr},
      {"withheld", nullptr},
      {"most_recent_tweet_id", nullptr},
      {"connection_status", nullptr},
      {"subscription_type", nullptr},
      {"receives_your_dm", nullptr},
      {"affiliation", nullptr},
      {"confirmed_email", nullptr},
      {"is_identity_verified", nullptr},
      {"parody", nullptr}};
}

}  // namespace

http::Response x_users_me(ApiCall& api) {
  for (const auto& [name, value] : api.query.items()) {
    bool known = false;
    for (auto k : kParams) known = known || k == name;
    if (!known)
      return api_error(api.call, ApiProblem::invalid_request,
                       "The query parameter [" + name + "] is not one of [expansions,tweet.fields,user.fields]");
  }
  // id, name and username always come back (platforms.md §3).
  std::string spec = "id,name,username";
  if (auto extra = api.query.get("user.fields"); extra && !extra->empty()) spec += "," + std::string(*extra);
  auto fields = parse_fields(spec);
  if (!fields)
    return api_error(api.call, ApiProblem::invalid_request, "The `user.fields` query parameter is malformed.");
  std::string unknown;
  auto data = select_fields(user_node(api), *fields, unknown, false);
  if (!unknown.empty())
    return api_error(api.call, ApiProblem::invalid_request,
                     "The `user.fields` query parameter value [" + unknown + "] is not a user field.");
  return ok_json(json::object{{"data", std::move(data)}});
}

}  // namespace postfuze::sim::api
