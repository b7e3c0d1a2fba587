// Google APIs (platforms.md §8, §9): YouTube channels.list?mine=true, and the
// Business Profile account and location lists. Google's JSON (proto3) leaves
// out empty repeated fields: an account without locations answers {}.
#include <array>

#include "sim/api_builders.hpp"
#include "sim/api_support.hpp"
#include "sim/errors.hpp"

namespace postfuze::sim::api {

namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 10> kChannelParts{
    "id",           "snippet",       "contentDetails", "statistics",         "status", "brandingSettings",
    "topicDetails", "localizations", "auditDetails",   "contentOwnerDetails"};
constexpr std::array<std::string_view, 5> kChannelFilters{"mine", "id", "forHandle", "forUsername", "managedByMe"};
constexpr std::array<std::string_view, 16> kLocationFields{
    "name",       "title",      "storefrontAddress", "languageCode", "storeCode",   "phoneNumbers",
    "categories", "websiteUri", "regularHours",      "specialHours", "serviceArea", "labels",
    "latlng",     "openInfo",   "metadata",          "profile"};

template <std::size_t N>
bool in(const std::array<std::string_view, N>& set, std::string_view v) {
  for (auto s : set)
    if (s == v) return true;
  return false;
}

// Comma-separated list items; nullopt when an item is empty.
std::optional<std::vector<std::string>> items(std::string_view list) { return split_list(list, ','); }

json::object thumbnails(std::string_view id) {
  const std::string url = picture_url("youtube", id);
  return {{"default", {{"url", url}, {"width", 88}, {"height", 88}}},
          {"medium", {{"url", url}, {"width", 240}, {"height", 240}}},
          {"high", {{"url", url}, {"width", 800}, {"height", 800}}}};
}

std::string account_name(const Identity& u) { return "accounts/" + std::to_string(numeric_id(u.id + "-account")); }

}  // namespace

http::Response youtube_channels(ApiCall& api) {
  const auto part = api.query.get("part");
  if (!part) return api_error(api.call, ApiProblem::invalid_request, "Required parameter: part");
  auto parts = items(*part);
  if (!parts) return api_error(api.call, ApiProblem::invalid_request, "Invalid value for part.");
  for (const auto& p : *parts)
    if (!in(kChannelParts, p)) return api_error(api.call, ApiProblem::invalid_request, "Unknown part " + p + ".");
  int filters = 0;
  for (auto f : kChannelFilters) filters += api.query.has(f) ? 1 : 0;
  if (filters != 1 || api.query.get("mine") != "true")
    return api_error(api.call, ApiProblem::invalid_request,
                     "The simulator supports exactly one filter, mine=true (expected one of: mine, forUsername, "
                     "managedByMe, id, forHandle).");
  auto wants = [&](std::string_view name) {
    for (const auto& p : *parts)
      if (p == name) return true;
    return false;
  };
  const Identity& u = api.user();
  const int count = api.grant().accounts;
  json::array list;
  for (int i = 1; i <= count; ++i) {
    const std::string id = derived_id(u, "channel", i);
    const std::string title = i == 1 ? u.name : u.name + " Channel " + std::to_string(i);
    json::object item{{"kind", "youtube#channel"}, {"etag", "sim-" + id}, {"id", id}};
    if (wants("snippet"))
      item["snippet"] = {{"title", title},
                         {"description", ""},
                         {"customUrl", "@" + u.username + (i == 1 ? "" : "-" + std::to_string(i))},
                         {"publishedAt", "2020-01-01T00:00:00Z"},
                         {"thumbnails", thumbnails(id)},
                         {"localized", {{"title", title}, {"description", ""}}}};
    if (wants("contentDetails"))
      item["contentDetails"] = {{"relatedPlaylists", {{"likes", ""}, {"uploads", "UU" + id}}}};
    if (wants("statistics"))
      item["statistics"] = {
          {"viewCount", "0"}, {"subscriberCount", "0"}, {"hiddenSubscriberCount", false}, {"videoCount", "0"}};
    if (wants("status")) item["status"] = {{"privacyStatus", "public"}, {"isLinked", true}, {"madeForKids", false}};
    list.push_back(std::move(item));
  }
  return ok_json(json::object{{"kind", "youtube#channelListResponse"},
                              {"etag", "sim"},
                              {"pageInfo", {{"totalResults", count}, {"resultsPerPage", 5}}},
                              {"items", std::move(list)}});
}

// GET mybusinessaccountmanagement /v1/accounts: the user's personal account only.
http::Response google_business_accounts(ApiCall& api) {
  if (auto size = api.query.get("pageSize")) {
    int n = 0;
    for (char c : *size) n = (c >= '0' && c <= '9' && n < 1000) ? n * 10 + (c - '0') : -1;
    if (size->empty() || n < 1 || n > 20)
      return api_error(api.call, ApiProblem::invalid_request, "pageSize must be between 1 and 20.");
  }
  const Identity& u = api.user();
  return ok_json(json::object{{"accounts", json::array{json::object{{"name", account_name(u)},
                                                                    {"accountName", u.name},
                                                                    {"type", "PERSONAL"},
                                                                    {"role", "PRIMARY_OWNER"},
                                                                    {"verificationState", "UNVERIFIED"},
                                                                    {"vettedState", "NOT_VETTED"}}}}});
}

// GET mybusinessbusinessinformation /v1/accounts/{id}/locations?readMask=...
http::Response google_business_locations(ApiCall& api) {
  const Identity& u = api.user();
  if ("accounts/" + std::string(api.call.req.param("account")) != account_name(u))
    return api_error(api.call, ApiProblem::insufficient_scope, "The caller does not have permission");
  const auto mask = api.query.get("readMask");
  if (!mask || mask->empty()) return api_error(api.call, ApiProblem::invalid_request, "readMask is required.");
  auto fields = items(*mask);
  if (!fields) return api_error(api.call, ApiProblem::invalid_request, "readMask is malformed.");
  for (const auto& f : *fields)
    if (!in(kLocationFields, f))
      return api_error(api.call, ApiProblem::invalid_request, "Invalid field mask path: " + f);

  json::array locations;
  for (int i = 1; i <= api.grant().accounts; ++i) {
    const json::object all{
        {"name", "locations/" + std::to_string(numeric_id(derived_id(u, "location", i)))},
        {"title", u.name + " Location " + std::to_string(i)},
        {"storefrontAddress",
         {{"regionCode", "US"},
          {"postalCode", "94043"},
          {"locality", "Mountain View"},
          {"addressLines", json::array{std::to_string(i) + " Simulator Way"}}}},
        {"languageCode", "en"},
        {"storeCode", "STORE-" + std::to_string(i)},
        {"phoneNumbers", {{"primaryPhone", "+1 555-0100"}}},
        {"categories",
         {{"primaryCategory", {{"name", "categories/gcid:software_company"}, {"displayName", "Software company"}}}}},
        {"websiteUri", "https://example.com/"},
        {"metadata", {{"hasVoiceOfMerchant", true}, {"canHaveFoodMenus", false}}},
        {"profile", {{"description", ""}}},
        {"openInfo", {{"status", "OPEN"}}}};
    json::object location;
    for (const auto& f : *fields)
      if (const auto* v = all.if_contains(f)) location[f] = *v;
    locations.push_back(std::move(location));
  }
  json::object body;
  if (!locations.empty()) body["locations"] = std::move(locations);
  return ok_json(body);
}

}  // namespace postfuze::sim::api
