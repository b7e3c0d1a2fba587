// The JSON null helpers (core/json_values.hpp), by their short names for handlers.
#pragma once

#include "core/json_values.hpp"

namespace postfuze::api {

using core::string_or_null;
using core::timestamp_or_null;

}  // namespace postfuze::api
