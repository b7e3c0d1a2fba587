// Graph API (platforms.md §4, §5A, §11): /me and /me/accounts for Facebook and
// Instagram (Facebook Login), /me for Threads. Responses honour "fields=" —
// only the fields asked for come back — and an unknown field is Graph's
// "(#100) Tried accessing nonexisting field" error.
#include <boost/url/url.hpp>

#include "crypto/encoding.hpp"
#include "sim/api_builders.hpp"
#include "sim/api_support.hpp"
#include "sim/errors.hpp"
#include "sim/field_selection.hpp"

namespace postfuze::sim::api {

namespace {

namespace json = boost::json;
namespace urls = boost::urls;

constexpr int kDefaultLimit = 25;  // Graph's page size when no limit is given
constexpr int kMaxLimit = 100;

json::object picture(std::string_view platform, std::string_view id) {
  return {{"data", {{"height", 50}, {"is_silhouette", false}, {"url", picture_url(platform, id)}, {"width", 50}}}};
}

json::object user_node(const ApiCall& api) {
  const Identity& u = api.user();
  const auto space = u.name.find(' ');
  return {{"id", u.id},
          {"name", u.name},
          {"first_name", u.name.substr(0, space)},
          {"last_name", space == std::string::npos ? std::string() : u.name.substr(space + 1)},
          {"short_name", u.name.substr(0, space)},
          {"picture", picture(api.call.platform.id, u.id)},
          {"email", nullptr},
          {"link", nullptr},
          {"locale", nullptr},
          {"middle_name", nullptr},
          {"name_format", nullptr}};
}

// Instagram professional account linked to Page `index`.
json::object instagram_user_node(const Identity& u, int index) {
  const std::string id = derived_id(u, "ig", index);
  return {{"id", id},
          {"username", u.username + "_ig_" + std::to_string(index)},
          {"name", u.name + " Instagram " + std::to_string(index)},
          {"profile_picture_url", picture_url("instagram", id)},
          {"biography", ""},
          {"followers_count", 0},
          {"follows_count", 0},
          {"media_count", 0},
          {"website", nullptr}};
}

// Page `index` (1-based); `linked_instagram`: it has an Instagram professional
// account. `access_token` is filled by the caller when asked for.
json::object page_node(const ApiCall& api, int index, bool linked_instagram) {
  const Identity& u = api.user();
  const std::string id = derived_id(u, "page", index);
  std::string name = u.name + " Page " + std::to_string(index);
  return {{"id", id},
          {"name", std::move(name)},
          {"username", u.username + "_page_" + std::to_string(index)},
          {"access_token", ""},
          {"category", "Software"},
          {"category_list", json::array{json::object{{"id", "2211"}, {"name", "Software"}}}},
          {"tasks", json::array{"ANALYZE", "ADVERTISE", "MESSAGING", "MODERATE", "CREATE_CONTENT", "MANAGE"}},
          {"picture", picture(api.call.platform.id, id)},
          {"link", nullptr},
          {"fan_count", 0},
          {"instagram_business_account",
           linked_instagram ? json::value(instagram_user_node(u, index)) : json::value(nullptr)}};
}

bool asks_for(const std::vector<Field>& fields, std::string_view name) {
  for (const auto& f : fields)
    if (f.name == name) return true;
  return false;
}

// Parses "fields" (or `defaults` when absent); on error renders Graph's answer into `error`.
std::optional<std::vector<Field>> requested_fields(ApiCall& api, std::string_view defaults,
                                                   std::optional<http::Response>& error) {
  const auto spec = api.query.get("fields");
  auto fields = parse_fields(spec ? *spec : defaults);
  if (!fields) error = api_error(api.call, ApiProblem::invalid_request, "(#100) The fields parameter is malformed.");
  return fields;
}

http::Response nonexisting_field(ApiCall& api, std::string_view field, std::string_view node_type) {
  return api_error(api.call, ApiProblem::invalid_request,
                   "(#100) Tried accessing nonexisting field (" + std::string(field) + ") on node type (" +
                       std::string(node_type) + ")");
}

std::string cursor(int index) { return crypto::base64url_encode(std::to_string(index)); }

std::optional<int> from_cursor(std::string_view c) {
  auto raw = crypto::base64url_decode(c);
  if (!raw || raw->empty() || raw->size() > 6) return std::nullopt;
  int n = 0;
  for (char ch : *raw) {
    if (ch < '0' || ch > '9') return std::nullopt;
    n = n * 10 + (ch - '0');
  }
  return n;
}

// GET /me/accounts: Pages 1..pages (Instagram: 1..linked carry an IG account),
// with cursor paging as Graph does (paging.next until absent).
http::Response list_pages(ApiCall& api, int pages, int linked) {
  if (api.token.kind == TokenKind::page) return nonexisting_field(api, "accounts", "Page");
  std::optional<http::Response> error;
  auto fields = requested_fields(api, "access_token,category,category_list,name,id,tasks", error);
  if (!fields) return std::move(*error);

  int limit = kDefaultLimit;
  if (auto l = api.query.get("limit")) {
    limit = 0;
    for (char c : *l) limit = (c >= '0' && c <= '9' && limit < 10000) ? limit * 10 + (c - '0') : -1;
    if (l->empty() || limit < 1)
      return api_error(api.call, ApiProblem::invalid_request, "(#100) limit must be a positive integer.");
    limit = std::min(limit, kMaxLimit);
  }
  int start = 0;
  if (auto after = api.query.get("after")) {
    auto index = from_cursor(*after);
    if (!index) return api_error(api.call, ApiProblem::invalid_request, "(#100) The after cursor is invalid.");
    start = *index + 1;
  }
  const int end = std::min(pages, start + limit);
  const bool tokens = asks_for(*fields, "access_token");

  json::array data;
  for (int i = start; i < end; ++i) {
    json::object node = page_node(api, i + 1, i < linked);
    if (tokens) node["access_token"] = page_token(api, i + 1);
    std::string unknown;
    auto selected = select_fields(node, *fields, unknown, true);
    if (!unknown.empty()) return nonexisting_field(api, unknown, "Page");
    data.push_back(std::move(selected));
  }
  json::object body{{"data", std::move(data)}};
  if (start < end) {
    json::object paging{{"cursors", {{"before", cursor(start)}, {"after", cursor(end - 1)}}}};
    if (end < pages) {
      // The same request from the next item on, as an absolute URL on the simulator.
      urls::url next(api.call.sim.base_url);
      next.set_encoded_path(api.call.req.target.encoded_path());
      for (const auto& [k, v] : api.query.items())
        if (k != "after") append_param(next, k, v);
      append_param(next, "after", cursor(end - 1));
      paging["next"] = next.buffer();
    }
    body["paging"] = std::move(paging);
  }
  return ok_json(body);
}

}  // namespace

http::Response graph_me(ApiCall& api) {
  std::optional<http::Response> error;
  auto fields = requested_fields(api, "id,name", error);
  if (!fields) return std::move(*error);
  const bool page = api.token.kind == TokenKind::page;  // /me with a Page token is the Page
  json::object node = page ? page_node(api, api.token.page, false) : user_node(api);
  std::string unknown;
  auto selected = select_fields(node, *fields, unknown, true);
  if (!unknown.empty()) return nonexisting_field(api, unknown, page ? "Page" : "User");
  return ok_json(selected);
}

http::Response facebook_accounts(ApiCall& api) { return list_pages(api, api.grant().accounts, 0); }

// Pages with a linked Instagram professional account, plus (when there is at
// least one) a Page without one, which PostFuze must skip.
http::Response instagram_accounts(ApiCall& api) {
  const int linked = api.grant().accounts;
  return list_pages(api, linked > 0 ? linked + 1 : 0, linked);
}

http::Response threads_me(ApiCall& api) {
  std::optional<http::Response> error;
  auto fields = requested_fields(api, "id", error);
  if (!fields) return std::move(*error);
  const Identity& u = api.user();
  const json::object node{{"id", u.id},
                          {"username", u.username},
                          {"name", u.name},
                          {"threads_profile_picture_url", picture_url("threads", u.id)},
                          {"threads_biography", ""},
                          {"is_verified", false}};
  std::string unknown;
  auto selected = select_fields(node, *fields, unknown, true);
  if (!unknown.empty()) return nonexisting_field(api, unknown, "ThreadsUser");
  return ok_json(selected);
}

}  // namespace postfuze::sim::api
