#include "net/address_policy.hpp"

#include <array>
#include <cstdint>
#include <initializer_list>

namespace postfuze::net {

namespace {

using V4 = std::uint32_t;
using V6 = boost::asio::ip::address_v6::bytes_type;

struct V4Range {
  V4 base;
  int prefix;
  AddressClass cls;
};

constexpr V4 v4(unsigned a, unsigned b, unsigned c, unsigned d) { return (a << 24) | (b << 16) | (c << 8) | d; }

constexpr bool in_v4(V4 address, V4 base, int prefix) {
  const V4 mask = prefix == 0 ? 0 : ~V4{0} << (32 - prefix);
  return (address & mask) == (base & mask);
}

// First match wins, so the single metadata addresses come before the ranges
// that contain them. Sources: RFC 6890 and the IANA IPv4 Special-Purpose
// Address Registry.
constexpr std::array kV4Ranges{
    V4Range{v4(169, 254, 169, 254), 32, AddressClass::metadata},  // AWS, GCP, Azure, …
    V4Range{v4(100, 100, 100, 200), 32, AddressClass::metadata},  // Alibaba Cloud
    V4Range{v4(0, 0, 0, 0), 8, AddressClass::unspecified},        // "this network"; 0.0.0.0 reaches the local host
    V4Range{v4(127, 0, 0, 0), 8, AddressClass::loopback},
    V4Range{v4(10, 0, 0, 0), 8, AddressClass::private_use},
    V4Range{v4(172, 16, 0, 0), 12, AddressClass::private_use},
    V4Range{v4(192, 168, 0, 0), 16, AddressClass::private_use},
    V4Range{v4(169, 254, 0, 0), 16, AddressClass::link_local},
    V4Range{v4(100, 64, 0, 0), 10, AddressClass::shared},
    V4Range{v4(224, 0, 0, 0), 4, AddressClass::multicast},
    V4Range{v4(240, 0, 0, 0), 4, AddressClass::reserved},      // includes 255.255.255.255
    V4Range{v4(192, 0, 0, 0), 24, AddressClass::reserved},     // IETF protocol assignments
    V4Range{v4(192, 0, 2, 0), 24, AddressClass::reserved},     // TEST-NET-1
    V4Range{v4(192, 88, 99, 0), 24, AddressClass::reserved},   // deprecated 6to4 relay anycast
    V4Range{v4(198, 18, 0, 0), 15, AddressClass::reserved},    // benchmarking
    V4Range{v4(198, 51, 100, 0), 24, AddressClass::reserved},  // TEST-NET-2
    V4Range{v4(203, 0, 113, 0), 24, AddressClass::reserved},   // TEST-NET-3
};

AddressClass classify_v4(V4 address) {
  for (const auto& r : kV4Ranges)
    if (in_v4(address, r.base, r.prefix)) return r.cls;
  return AddressClass::global;
}

bool in_v6(const V6& a, std::initializer_list<unsigned char> prefix_bytes, int prefix_bits) {
  std::array<unsigned char, 16> base{};
  std::size_t i = 0;
  for (unsigned char b : prefix_bytes) base[i++] = b;
  for (int bit = 0; bit < prefix_bits; bit += 8) {
    const int n = prefix_bits - bit < 8 ? prefix_bits - bit : 8;
    const auto mask = static_cast<unsigned char>(0xff << (8 - n));
    const auto k = static_cast<std::size_t>(bit / 8);
    if ((a[k] & mask) != (base[k] & mask)) return false;
  }
  return true;
}

V4 v4_at(const V6& a, std::size_t offset) {
  return (V4{a[offset]} << 24) | (V4{a[offset + 1]} << 16) | (V4{a[offset + 2]} << 8) | V4{a[offset + 3]};
}

bool all_zero(const V6& a, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i)
    if (a[i] != 0) return false;
  return true;
}

// Sources: RFC 4291, RFC 6890 and the IANA IPv6 Special-Purpose Address Registry.
AddressClass classify_v6(const V6& a) {
  if (all_zero(a, 0, 16)) return AddressClass::unspecified;
  if (all_zero(a, 0, 15) && a[15] == 1) return AddressClass::loopback;

  // ::ffff:a.b.c.d reaches the IPv4 host itself on a dual-stack socket.
  if (all_zero(a, 0, 10) && a[10] == 0xff && a[11] == 0xff) return classify_v4(v4_at(a, 12));
  // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291 §2.5.5.1): refused as
  // its IPv4 class, and as reserved when that is global (nothing legitimate uses it).
  if (all_zero(a, 0, 12)) {
    const AddressClass embedded = classify_v4(v4_at(a, 12));
    return embedded == AddressClass::global ? AddressClass::reserved : embedded;
  }
  // 64:ff9b::/96 (RFC 6052 NAT64): the translator forwards to the embedded IPv4 address.
  if (in_v6(a, {0x00, 0x64, 0xff, 0x9b}, 32) && all_zero(a, 4, 12)) return classify_v4(v4_at(a, 12));
  // 2002::/16 (6to4, RFC 3056): the relay forwards to the IPv4 address in bits 16..47.
  if (in_v6(a, {0x20, 0x02}, 16)) return classify_v4(v4_at(a, 2));

  // fd00:ec2::254, AWS instance metadata over IPv6.
  if (in_v6(a, {0xfd, 0x00, 0x0e, 0xc2}, 32) && all_zero(a, 4, 14) && a[14] == 0x02 && a[15] == 0x54)
    return AddressClass::metadata;
  if (in_v6(a, {0xfc}, 7)) return AddressClass::private_use;         // unique local
  if (in_v6(a, {0xfe, 0xc0}, 10)) return AddressClass::private_use;  // deprecated site-local
  if (in_v6(a, {0xfe, 0x80}, 10)) return AddressClass::link_local;
  if (in_v6(a, {0xff}, 8)) return AddressClass::multicast;

  if (in_v6(a, {0x20, 0x01, 0x0d, 0xb8}, 32)) return AddressClass::reserved;  // documentation
  if (in_v6(a, {0x3f, 0xff}, 20)) return AddressClass::reserved;              // documentation (RFC 9637)
  if (in_v6(a, {0x20, 0x01}, 23)) return AddressClass::reserved;              // IETF assignments, Teredo, …
  // Only 2000::/3 is allocated for global unicast; everything else (100::/64
  // discard, 64:ff9b:1::/48 local NAT64, unassigned space) is not a destination.
  if (!in_v6(a, {0x20}, 3)) return AddressClass::reserved;
  return AddressClass::global;
}

}  // namespace

std::string_view to_string(AddressClass c) {
  switch (c) {
    case AddressClass::global:
      return "global";
    case AddressClass::loopback:
      return "loopback";
    case AddressClass::private_use:
      return "private_use";
    case AddressClass::link_local:
      return "link_local";
    case AddressClass::metadata:
      return "metadata";
    case AddressClass::shared:
      return "shared";
    case AddressClass::unspecified:
      return "unspecified";
    case AddressClass::multicast:
      return "multicast";
    case AddressClass::reserved:
      return "reserved";
  }
  return "unknown";
}

AddressClass classify(const boost::asio::ip::address& address) {
  if (address.is_v4()) return classify_v4(address.to_v4().to_uint());
  return classify_v6(address.to_v6().to_bytes());
}

bool destination_allowed(const boost::asio::ip::address& address, bool allow_private) {
  switch (classify(address)) {
    case AddressClass::global:
      return true;
    case AddressClass::loopback:
    case AddressClass::private_use:
    case AddressClass::link_local:
    case AddressClass::shared:
    case AddressClass::reserved:
      return allow_private;
    case AddressClass::metadata:     // cloud credentials: never, even in development
    case AddressClass::unspecified:  // connecting to 0.0.0.0 or :: reaches the local host
    case AddressClass::multicast:    // not a TCP destination
      return false;
  }
  return false;
}

}  // namespace postfuze::net
