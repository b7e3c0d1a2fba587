// Dotted JSON paths as the catalogue writes them ("data.user.open_id",
// "items.0.id": a numeric segment indexes an array), evaluated against a
// platform's response. Pure functions: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace postfuze::providers {

// The value at `path`, or nullptr when any segment is missing.
const boost::json::value* find_path(const boost::json::value& root, std::string_view path);

// The value at `path` as text: strings as they are, integers in decimal;
// nullopt when missing, null, empty, or of another type. An empty path gives
// nullopt (the platform does not report that field).
std::optional<std::string> string_at(const boost::json::value& root, std::string_view path);

}  // namespace postfuze::providers
