// The shape every customer-supplied URL must have (webhook endpoints, OAuth
// redirect URIs): at most `max_bytes`, only printable ASCII, an absolute http
// or https URL (Boost.URL) with a host, and neither userinfo nor a fragment.
// Errors are validation errors naming `field`. Pure: thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/result.hpp"

namespace postfuze::net {

core::Status validate_http_url(std::string_view url, std::string_view field, std::size_t max_bytes);

}  // namespace postfuze::net
