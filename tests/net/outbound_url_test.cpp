#include "net/outbound_url.hpp"

#include <gtest/gtest.h>

namespace postfuze::net {
namespace {

TEST(ParseOutboundUrl, ReadsAnHttpsUrlWithDefaults) {
  const auto u = parse_outbound_url("https://api.example.com");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "api.example.com");
  EXPECT_FALSE(u->host_is_ip);
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->host_header, "api.example.com");
  EXPECT_EQ(u->target, "/");
}

TEST(ParseOutboundUrl, KeepsPathAndQueryAndDropsTheFragment) {
  const auto u = parse_outbound_url("http://h.example/a/b%20c?x=1&y=%2F#frag");
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->target, "/a/b%20c?x=1&y=%2F");
}

TEST(ParseOutboundUrl, GivesAQueryWithoutPathARootPath) {
  const auto u = parse_outbound_url("http://h.example?x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->target, "/?x=1");
}

TEST(ParseOutboundUrl, PutsANonDefaultPortInTheHostHeader) {
  const auto u = parse_outbound_url("https://h.example:8443/p");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->host_header, "h.example:8443");
  const auto d = parse_outbound_url("http://h.example:80/p");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host_header, "h.example");
}

TEST(ParseOutboundUrl, ReadsIpLiterals) {
  const auto v4 = parse_outbound_url("http://127.0.0.1:8080/");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->host_is_ip);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->host_header, "127.0.0.1:8080");
  const auto v6 = parse_outbound_url("https://[::1]:8443/x");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->host_is_ip);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->host_header, "[::1]:8443");
}

TEST(ParseOutboundUrl, MatchesTheSchemeCaseInsensitively) {
  const auto u = parse_outbound_url("HTTPS://H.Example/");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
}

TEST(ParseOutboundUrl, RefusesWhatIsNotAPlainAbsoluteHttpUrl) {
  for (const char* url : {"",
                          "ftp://h.example/",
                          "ws://h.example/",
                          "file:///etc/passwd",
                          "http:///p",
                          "http://",
                          "//h.example/p",
                          "/p",
                          "h.example",
                          "http://u@h.example/",
                          "http://u:p@h.example/",
                          "http://@h.example/",
                          "http://h.example:0/",
                          "http://h.example:65536/",
                          "http://h.example:99999999999/",
                          "http://[v1.x]/",
                          "http://exa%00mple.com/",
                          "http://exa%20mple.com/",
                          "http://h.example/ space",
                          "mailto:a@h.example"}) {
    EXPECT_FALSE(parse_outbound_url(url)) << url;
  }
}

}  // namespace
}  // namespace postfuze::net
