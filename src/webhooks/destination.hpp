// Where a webhook endpoint may point (docs/webhooks.md): an absolute http or
// https URL of at most 2048 bytes, without userinfo or fragment, whose host
// resolves only to addresses the address policy allows (no loopback,
// private, link-local or metadata targets) unless the operator allows private
// destinations. Checked at creation and update; the HTTP client checks again
// at every connection, so a DNS change later cannot redirect deliveries.
#pragma once

#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/result.hpp"

namespace postfuze::webhooks {

// Shape only; errors name `field`.
core::Status validate_endpoint_url(std::string_view url, std::string_view field);
// Resolves the host; errors name `field` (unresolvable or forbidden_destination).
boost::asio::awaitable<core::Status> check_destination(boost::asio::any_io_executor executor, std::string_view url,
                                                       bool allow_private, std::string_view field);

}  // namespace postfuze::webhooks
