// Keyset list parameters (contract §8): `limit` (default 25, 1–100) and
// `cursor` (the previous page's next_cursor, verbatim). A bad limit is a 400
// invalid_parameter naming `limit`; a bad cursor a 400 invalid_cursor.
#pragma once

#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

#include "api/cursor.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "store/keyset.hpp"

namespace postfuze::api {

inline constexpr int kDefaultPageLimit = 25;
inline constexpr int kMaxPageLimit = 100;

struct PageParams {
  int limit = kDefaultPageLimit;
  std::optional<store::KeysetPosition> after;
};

core::Result<PageParams> parse_page_params(const http::Request& req, const CursorCodec& cursors,
                                           std::string_view filters);

// {"data": items, "next_cursor": <cursor after `last`, or null>}
boost::json::object page_body(boost::json::array items, const std::optional<store::KeysetPosition>& last,
                              const CursorCodec& cursors, std::string_view filters);

// The 200 response for a store page of rows that have `id` and `created_at`.
template <typename T, typename ToJson>
http::Response page_response(const store::Page<T>& page, ToJson to_json, const CursorCodec& cursors,
                             std::string_view filters) {
  boost::json::array items;
  for (const auto& item : page.items) items.push_back(to_json(item));
  std::optional<store::KeysetPosition> last;
  if (page.has_more) last = store::KeysetPosition{core::to_unix_ms(page.items.back().created_at), page.items.back().id};
  return http::json_response(boost::beast::http::status::ok, page_body(std::move(items), last, cursors, filters));
}

}  // namespace postfuze::api
