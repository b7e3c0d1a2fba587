// Small JSON renderings shared by every resource rendering (API and webhook data): an optional value
// becomes JSON null when absent.
#pragma once

#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "core/clock.hpp"
#include "core/time_format.hpp"

namespace postfuze::core {

inline boost::json::value string_or_null(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return boost::json::string(*s);
}

inline boost::json::value timestamp_or_null(const std::optional<TimePoint>& t) {
  if (!t) return nullptr;
  return boost::json::string(format_timestamp(*t));
}

}  // namespace postfuze::core
