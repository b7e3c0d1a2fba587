// Address policy: which destinations outbound calls to customer-supplied URLs
// (webhook endpoints) may reach. Loopback, private (RFC 1918, ULA), link-local,
// cloud metadata, CGNAT, unspecified, multicast and other reserved ranges are
// refused unless the operator allows private destinations
// (POSTFUZE_ALLOW_PRIVATE_WEBHOOKS=true, for development and tests). The check
// runs on the resolved addresses, and the caller then connects to exactly those
// addresses, so a DNS answer cannot change between check and connect.
// Pure functions: thread-safe.
#pragma once

#include <string_view>

#include <boost/asio/ip/address.hpp>

namespace postfuze::net {

enum class AddressClass {
  global,       // ordinary public unicast
  loopback,     // 127.0.0.0/8, ::1
  private_use,  // 10/8, 172.16/12, 192.168/16, fc00::/7
  link_local,   // 169.254/16, fe80::/10
  metadata,     // 169.254.169.254, fd00:ec2::254, 100.100.100.200
  shared,       // 100.64/10 (carrier-grade NAT)
  unspecified,  // 0.0.0.0/8, ::
  multicast,    // 224/4, ff00::/8
  reserved,     // 240/4, 255.255.255.255, documentation and benchmarking ranges, …
};

std::string_view to_string(AddressClass c);
// IPv6 forms that deliver to an IPv4 host are classified as that IPv4 address:
// IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
// IPv4-compatible addresses (::a.b.c.d, deprecated) take the class of their
// IPv4 address, or reserved when that is global. IPv6 outside 2000::/3 that no
// other class covers is reserved.
AddressClass classify(const boost::asio::ip::address& address);
// Global addresses are always allowed. Loopback, private, link-local, shared
// and reserved addresses only when allow_private. Metadata, unspecified and
// multicast addresses never: no development setup needs them, and 0.0.0.0
// would reach the local host.
bool destination_allowed(const boost::asio::ip::address& address, bool allow_private);

}  // namespace postfuze::net
