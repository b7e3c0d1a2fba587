// Timestamps on the wire: ISO 8601 / RFC 3339 in UTC with milliseconds and a
// `Z` suffix ("2026-06-09T10:00:00.000Z"). Input accepts any RFC 3339 offset.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace postfuze::core {

std::string format_timestamp(TimePoint t);
std::optional<TimePoint> parse_timestamp(std::string_view s);

}  // namespace postfuze::core
