#include "net/address_policy.hpp"

#include <gtest/gtest.h>

#include <string>

namespace postfuze::net {
namespace {

struct Case {
  const char* address;
  AddressClass expected;
};

using enum AddressClass;

// Boundaries are listed in pairs: the last address outside a range and the
// first inside it.
constexpr Case kCases[] = {
    // IPv4 global, including the neighbours of every refused range.
    {"8.8.8.8", global},
    {"1.1.1.1", global},
    {"9.255.255.255", global},
    {"11.0.0.0", global},
    {"172.15.255.255", global},
    {"172.32.0.0", global},
    {"192.167.255.255", global},
    {"192.169.0.0", global},
    {"100.63.255.255", global},
    {"100.128.0.0", global},
    {"169.253.255.255", global},
    {"126.255.255.255", global},
    {"128.0.0.0", global},
    {"223.255.255.255", global},
    {"198.17.255.255", global},
    {"198.20.0.0", global},
    {"192.0.1.255", global},
    {"192.0.3.0", global},
    // IPv4 refused.
    {"0.0.0.0", unspecified},
    {"0.255.255.255", unspecified},
    {"127.0.0.1", loopback},
    {"127.255.255.254", loopback},
    {"10.0.0.0", private_use},
    {"10.255.255.255", private_use},
    {"172.16.0.0", private_use},
    {"172.31.255.255", private_use},
    {"192.168.0.1", private_use},
    {"169.254.0.1", link_local},
    {"169.254.255.255", link_local},
    {"169.254.169.254", metadata},
    {"100.100.100.200", metadata},
    {"100.64.0.0", shared},
    {"100.127.255.255", shared},
    {"224.0.0.1", multicast},
    {"239.255.255.255", multicast},
    {"240.0.0.1", reserved},
    {"255.255.255.255", reserved},
    {"192.0.0.8", reserved},
    {"192.0.2.1", reserved},
    {"198.18.0.0", reserved},
    {"198.19.255.255", reserved},
    {"198.51.100.7", reserved},
    {"203.0.113.9", reserved},
    {"192.88.99.1", reserved},
    // IPv6 plain.
    {"2606:4700:4700::1111", global},
    {"2a00:1450:4001:80b::200e", global},
    {"::", unspecified},
    {"::1", loopback},
    {"fc00::1", private_use},
    {"fdff:ffff::1", private_use},
    {"fec0::1", private_use},
    {"fe80::1", link_local},
    {"febf:ffff::1", link_local},
    {"fd00:ec2::254", metadata},
    {"fd00:ec2::253", private_use},
    {"ff02::1", multicast},
    {"2001:db8::1", reserved},
    {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", global},    // just below documentation
    {"2001:db9::", global},                                // just above documentation
    {"2001::1", reserved},                                 // Teredo, inside 2001::/23
    {"2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", reserved},  // last of 2001::/23
    {"2001:200::", global},                                // first after 2001::/23
    {"3fff::1", reserved},
    {"100::1", reserved},
    {"4000::1", reserved},
    {"1fff:ffff::1", reserved},
    // IPv6 forms that carry an IPv4 address.
    {"::ffff:127.0.0.1", loopback},
    {"::ffff:10.1.2.3", private_use},
    {"::ffff:169.254.169.254", metadata},
    {"::ffff:8.8.8.8", global},
    {"::ffff:0.0.0.0", unspecified},
    {"::127.0.0.1", loopback},
    {"::8.8.8.8", reserved},  // IPv4-compatible, deprecated
    {"64:ff9b::127.0.0.1", loopback},
    {"64:ff9b::192.168.1.1", private_use},
    {"64:ff9b::169.254.169.254", metadata},
    {"64:ff9b::8.8.8.8", global},
    {"64:ff9b:1::10.0.0.1", reserved},  // local-use NAT64 prefix
    {"2002:7f00:1::", loopback},        // 6to4 of 127.0.0.1
    {"2002:a00:1::", private_use},      // 6to4 of 10.0.0.1
    {"2002:808:808::1", global},        // 6to4 of 8.8.8.8
};

TEST(ClassifyAddress, PutsEveryTableEntryInItsClass) {
  static_assert(std::size(kCases) >= 40);
  for (const auto& c : kCases) {
    const auto address = boost::asio::ip::make_address(c.address);
    EXPECT_EQ(to_string(classify(address)), to_string(c.expected)) << c.address;
  }
}

TEST(DestinationAllowed, AllowsOnlyGlobalAddressesByDefault) {
  for (const auto& c : kCases) {
    const auto address = boost::asio::ip::make_address(c.address);
    EXPECT_EQ(destination_allowed(address, false), c.expected == global) << c.address;
  }
}

TEST(DestinationAllowed, AllowsPrivateRangesWhenTheOperatorSaysSo) {
  for (const char* a : {"127.0.0.1", "::1", "10.0.0.1", "192.168.1.1", "fd12::1", "169.254.1.1", "fe80::1",
                        "100.64.0.1", "192.0.2.1", "::ffff:127.0.0.1", "8.8.8.8"}) {
    EXPECT_TRUE(destination_allowed(boost::asio::ip::make_address(a), true)) << a;
  }
}

TEST(DestinationAllowed, NeverAllowsMetadataUnspecifiedOrMulticast) {
  for (const char* a : {"169.254.169.254", "100.100.100.200", "fd00:ec2::254", "::ffff:169.254.169.254",
                        "64:ff9b::a9fe:a9fe", "0.0.0.0", "::", "0.1.2.3", "224.0.0.1", "ff02::1"}) {
    EXPECT_FALSE(destination_allowed(boost::asio::ip::make_address(a), true)) << a;
    EXPECT_FALSE(destination_allowed(boost::asio::ip::make_address(a), false)) << a;
  }
}

TEST(AddressClassNames, AreTheirEnumeratorNames) {
  EXPECT_EQ(to_string(global), "global");
  EXPECT_EQ(to_string(loopback), "loopback");
  EXPECT_EQ(to_string(private_use), "private_use");
  EXPECT_EQ(to_string(link_local), "link_local");
  EXPECT_EQ(to_string(metadata), "metadata");
  EXPECT_EQ(to_string(shared), "shared");
  EXPECT_EQ(to_string(unspecified), "unspecified");
  EXPECT_EQ(to_string(multicast), "multicast");
  EXPECT_EQ(to_string(reserved), "reserved");
}

}  // namespace
}  // namespace postfuze::net
