// Helpers the API response builders share: deterministic ids and pictures
// derived from the login (so two users give distinct accounts and reruns give
// the same ones), scope lookups, Graph Page tokens, and the 200 JSON answer.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/response.hpp"
#include "sim/api_routes.hpp"

namespace postfuze::sim {

// "<user id>-<kind>-<index>", e.g. "facebook-user-1-page-2".
std::string derived_id(const Identity& user, std::string_view kind, int index);
// A stable 12-digit number for platforms whose ids are numeric (LinkedIn
// organisations, Google Business accounts and locations).
std::uint64_t numeric_id(std::string_view seed);
// An https URL under the reserved .invalid TLD: never fetched, unique per id.
std::string picture_url(std::string_view platform, std::string_view id);

bool has_scope(const Grant& grant, std::string_view scope);

// The Page access token for page `index` (1-based) of this login, minted on
// first use and then reused while it lives.
std::string page_token(ApiCall& api, int index);

http::Response ok_json(const boost::json::value& body);

}  // namespace postfuze::sim
