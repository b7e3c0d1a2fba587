// Reading platform answers: a string or boolean member of a JSON object, or
// "" / false when it is absent or of another type (platforms omit fields
// freely; a missing one is never an exception).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace postfuze::publishers {

inline std::string string_in(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

inline bool bool_in(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

}  // namespace postfuze::publishers
