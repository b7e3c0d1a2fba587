// Adversarial redirect_uri values against the allow-list (contract §11.4):
// each row is one CTest test, named after its label, so a regression names
// the trick that got through.
#include "connect/redirect_allow_list.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

namespace postfuze::connect {
namespace {

struct Case {
  std::string label;  // becomes the test name
  std::string uri;
  bool allowed;
};

const std::vector<std::string> kOrigins = {"https://app.example.com", "http://localhost:3000"};

std::string nul_inside() { return std::string("https://app.example.com\0.evil.com", 33); }

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      // --- allowed: exactly a configured origin, any path or query ---------
      {"bare origin", "https://app.example.com", true},
      {"root path", "https://app.example.com/", true},
      {"path", "https://app.example.com/connected", true},
      {"path and query", "https://app.example.com/a/b?x=1&y=2", true},
      {"query without path", "https://app.example.com?x=1", true},
      {"uppercase scheme and host", "HTTPS://APP.EXAMPLE.COM/x", true},
      {"mixed case scheme and host", "HtTpS://App.Example.Com/x", true},
      {"explicit default port", "https://app.example.com:443/x", true},
      {"explicit default port with leading zero", "https://app.example.com:0443/x", true},
      {"localhost origin", "http://localhost:3000/callback", true},
      {"uppercase localhost", "HTTP://LOCALHOST:3000/", true},
      {"percent escapes in path and query", "https://app.example.com/a%20b?q=%2F%40", true},
      {"at sign in path", "https://app.example.com/@evil.com", true},
      {"foreign url in query", "https://app.example.com/?next=https://evil.com", true},
      {"longest allowed", "https://app.example.com/" + std::string(2048 - 24, 'a'), true},

      // --- other origins ----------------------------------------------------
      {"other origin", "https://evil.com/", false},
      {"allowed url in path of other origin", "https://evil.com/https://app.example.com", false},
      {"subdomain", "https://sub.app.example.com/", false},
      {"parent domain", "https://example.com/", false},
      {"suffix trick", "https://app.example.com.evil.com/", false},
      {"prefix trick", "https://evilapp.example.com/", false},
      {"shorter tld", "https://app.example.co/", false},
      {"wildcard host", "https://*.example.com/", false},
      {"double dot host", "https://app..example.com/", false},
      {"semicolon host", "https://app.example.com;evil.com/", false},
      {"ampersand host", "https://app.example.com&evil.com/", false},
      {"comma host", "https://app.example.com,evil.com/", false},
      {"underscore host", "https://app_example.com/", false},

      // --- userinfo ----------------------------------------------------------
      {"allowed host as userinfo", "https://app.example.com@evil.com/", false},
      {"userinfo before allowed host", "https://evil.com@app.example.com/", false},
      {"user and password", "https://user:pass@app.example.com/", false},
      {"empty userinfo", "https://@app.example.com/", false},
      {"allowed host and port as userinfo", "https://app.example.com:443@evil.com/", false},
      {"localhost as userinfo", "http://localhost:3000@evil.com/", false},
      {"encoded slash in userinfo", "https://app.example.com%2F@evil.com/", false},

      // --- backslashes (browsers read them as slashes) -----------------------
      {"backslash before at", "https://app.example.com\\@evil.com", false},
      {"backslashes as slashes", "https:\\\\evil.com", false},
      {"slash and backslash", "https:/\\evil.com", false},
      {"backslash in path", "https://app.example.com\\\\evil.com", false},
      {"backslash at after other host", "https://evil.com\\@app.example.com", false},
      {"relative backslash", "/\\evil.com", false},

      // --- whitespace and control characters --------------------------------
      {"tab in host", "https://app.exa\tmple.com/", false},
      {"tab before suffix", "https://app.example.com\t.evil.com/", false},
      {"newline at end", "https://app.example.com/\n", false},
      {"header injection", "https://app.example.com/x\r\nSet-Cookie: a=b", false},
      {"leading space", " https://app.example.com/", false},
      {"trailing space", "https://app.example.com/ ", false},
      {"space in path", "https://app.example.com/a b", false},
      {"nul inside", nul_inside(), false},
      {"delete character", "https://app.example.com/\x7f", false},
      {"vertical tab", "https://app.example.com/\v", false},

      // --- encoded and odd hosts --------------------------------------------
      {"percent encoded dot", "https://app%2Eexample.com/", false},
      {"percent encoded letter", "https://%61pp.example.com/", false},
      {"percent encoded at", "https://app.example.com%40evil.com/", false},
      {"percent encoded nul", "https://app.example.com%00.evil.com/", false},
      {"percent encoded tab", "https://app.example.com%09/", false},
      {"trailing dot host", "https://app.example.com./", false},
      {"trailing dot uppercase with port", "https://APP.EXAMPLE.COM.:443/", false},
      {"bracketed name", "https://[app.example.com]/", false},

      // --- fragments ---------------------------------------------------------
      {"fragment", "https://app.example.com/#frag", false},
      {"empty fragment", "https://app.example.com/#", false},
      {"fragment hiding at", "https://evil.com#@app.example.com", false},
      {"query hiding at", "https://evil.com?@app.example.com", false},

      // --- not absolute http(s) ---------------------------------------------
      {"empty string", "", false},
      {"relative path", "/connected", false},
      {"relative host looking", "app.example.com/x", false},
      {"scheme relative", "//app.example.com/x", false},
      {"triple slash", "///app.example.com/x", false},
      {"double slash path", "https://app.example.com//evil.com", false},
      {"javascript", "javascript:alert(1)", false},
      {"javascript mixed case", "JaVaScRiPt:alert(1)", false},
      {"javascript with authority", "javascript://app.example.com/%0aalert(1)", false},
      {"data", "data:text/html,<script>alert(1)</script>", false},
      {"file", "file:///etc/passwd", false},
      {"ftp", "ftp://app.example.com/", false},
      {"websocket", "wss://app.example.com/", false},
      {"missing host", "https:///x", false},
      {"scheme and slashes only", "https://", false},
      {"scheme only", "https:", false},
      {"no authority", "https:app.example.com", false},

      // --- ports -------------------------------------------------------------
      {"other port", "https://app.example.com:8443/", false},
      {"port zero", "https://app.example.com:0/", false},
      {"port out of range", "https://app.example.com:99999/", false},
      {"port wrapping to 443", "https://app.example.com:65979/", false},
      {"plus sign port", "https://app.example.com:+443/", false},
      {"minus sign port", "https://app.example.com:-443/", false},
      {"empty port", "https://app.example.com:/", false},
      {"two ports", "https://app.example.com:443:443/", false},
      {"port then suffix", "https://app.example.com:443.evil.com", false},
      {"port then letters", "https://app.example.com:443a/", false},
      {"port then semicolon", "https://app.example.com:443;evil.com/", false},
      {"localhost port then suffix", "http://localhost:3000.evil.com/", false},
      {"localhost two ports", "http://localhost:3000:3000/", false},
      {"port with trailing zero", "https://app.example.com:4430/", false},
      {"localhost other port", "http://localhost:3001/", false},
      {"localhost default port", "http://localhost/", false},
      {"localhost explicit port 80", "http://localhost:80/", false},
      {"other host on allowed port", "http://evil.com:3000/", false},

      // --- scheme mismatch ---------------------------------------------------
      {"http for https origin", "http://app.example.com/", false},
      {"http on port 443", "http://app.example.com:443/", false},
      {"https for http origin", "https://localhost:3000/", false},

      // --- IP literals -------------------------------------------------------
      {"ipv4 loopback", "http://127.0.0.1:3000/", false},
      {"ipv6 loopback", "http://[::1]:3000/", false},
      {"ipv4 mapped ipv6", "https://[::ffff:7f00:1]/", false},
      {"decimal ip", "https://2130706433/", false},
      {"hex ip", "https://0x7f.1/", false},

      // --- unicode and homoglyphs -------------------------------------------
      {"cyrillic a", "https://\xd0\xb0pp.example.com/", false},
      {"cyrillic a in middle", "https://app.ex\xd0\xb0mple.com/", false},
      {"ideographic full stop", "https://app\xe3\x80\x82" "example.com/", false},
      {"fullwidth solidus", "https://app.example.com\xef\xbc\x8f" "evil.com", false},
      {"unicode in path", "https://app.example.com/caf\xc3\xa9", false},
      {"punycode lookalike", "https://xn--pp-8cd.example.com/", false},

      // --- size --------------------------------------------------------------
      {"one past longest", "https://app.example.com/" + std::string(2048 - 23, 'a'), false},
      {"overlong", "https://app.example.com/" + std::string(100000, 'a'), false},
  };
  return table;
}

class RedirectAllowListCase : public ::testing::TestWithParam<Case> {};

TEST_P(RedirectAllowListCase, DecidesAsExpected) {
  const RedirectAllowList list(kOrigins);
  const Case& c = GetParam();
  const auto result = list.check(c.uri);
  EXPECT_EQ(result.has_value(), c.allowed) << "uri: " << ::testing::PrintToString(c.uri);
  if (c.allowed && result) {
    EXPECT_EQ(*result, c.uri) << "an allowed URL is returned as given";
  }
  EXPECT_EQ(list.allows(c.uri), c.allowed);
}

std::string test_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.allowed ? "Allows_" : "Refuses_";
  bool upper = true;
  for (const char c : info.param.label) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Table, RedirectAllowListCase, ::testing::ValuesIn(cases()), test_name);

TEST(RedirectAllowList, TableHasAtLeastFortyRefusals) {
  std::size_t refused = 0;
  for (const Case& c : cases()) refused += c.allowed ? 0 : 1;
  EXPECT_GE(refused, 40u);
}

TEST(RedirectAllowList, EmptyListRefusesEverything) {
  const RedirectAllowList list({});
  EXPECT_FALSE(list.allows("https://app.example.com/"));
  EXPECT_FALSE(list.allows("http://localhost:3000/"));
}

TEST(RedirectAllowList, NonDefaultPortOriginNeedsThatPort) {
  const RedirectAllowList list({"https://app.example.com:8443"});
  EXPECT_TRUE(list.allows("https://app.example.com:8443/x"));
  EXPECT_FALSE(list.allows("https://app.example.com/x"));
  EXPECT_FALSE(list.allows("https://app.example.com:443/x"));
}

TEST(RedirectAllowList, HttpDefaultPortEqualsNone) {
  const RedirectAllowList list({"http://localhost"});
  EXPECT_TRUE(list.allows("http://localhost/"));
  EXPECT_TRUE(list.allows("http://localhost:80/"));
  EXPECT_FALSE(list.allows("https://localhost/"));
  EXPECT_FALSE(list.allows("http://localhost:8080/"));
}

TEST(RedirectAllowList, IpLiteralOriginMatchesOnlyItself) {
  const RedirectAllowList list({"http://127.0.0.1:3000"});
  EXPECT_TRUE(list.allows("http://127.0.0.1:3000/x"));
  EXPECT_FALSE(list.allows("http://127.0.0.2:3000/x"));
  EXPECT_FALSE(list.allows("http://localhost:3000/x"));
  EXPECT_FALSE(list.allows("http://127.1:3000/x"));
}

}  // namespace
}  // namespace postfuze::connect
