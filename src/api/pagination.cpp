#include "api/pagination.hpp"

#include <charconv>

namespace postfuze::api {

core::Result<PageParams> parse_page_params(const http::Request& req, const CursorCodec& cursors,
                                           std::string_view filters) {
  PageParams out;
  const auto params = boost::urls::url_view(req.target).params();
  if (auto it = params.find("limit"); it != params.end()) {
    const std::string text = (*it).value;
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1 || value > kMaxPageLimit)
      return core::Error::invalid_parameter("limit", "limit must be an integer from 1 to 100.");
    out.limit = value;
  }
  if (auto it = params.find("cursor"); it != params.end()) {
    auto pos = cursors.decode((*it).value, filters);
    if (!pos) return std::move(pos).error();
    out.after = std::move(*pos);
  }
  return out;
}

boost::json::object page_body(boost::json::array items, const std::optional<store::KeysetPosition>& last,
                              const CursorCodec& cursors, std::string_view filters) {
  boost::json::object body;
  body["data"] = std::move(items);
  if (last)
    body["next_cursor"] = cursors.encode(*last, filters);
  else
    body["next_cursor"] = nullptr;
  return body;
}

}  // namespace postfuze::api
