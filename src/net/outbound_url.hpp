// OutboundUrl: the parts of an absolute http(s) URL that an outbound call
// needs — where to connect, what to name in SNI and the Host header, and the
// request target. Parsing is strict: only http and https, a host is
// required, userinfo is refused (credentials in URLs end up in logs), and a
// registered name must be a plain DNS name so nothing odd reaches the
// resolver. Pure function: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postfuze::net {

struct OutboundUrl {
  bool tls = false;         // https
  std::string host;         // name or IP literal, without brackets: what to resolve and verify
  bool host_is_ip = false;  // an IP literal: no SNI, certificate checked against IP SANs
  std::uint16_t port = 0;   // explicit, or 80/443
  std::string host_header;  // the Host field: host (bracketed when IPv6) plus ":port" when not the default
  std::string target;       // origin-form: path and query, never empty, no fragment
};

// nullopt when `url` is not an acceptable absolute http(s) URL.
std::optional<OutboundUrl> parse_outbound_url(std::string_view url);

}  // namespace postfuze::net
