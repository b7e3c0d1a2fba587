// application/x-www-form-urlencoded both ways: reserved characters in values
// (a '+' or '&' in a client secret) survive a round trip.
#include <gtest/gtest.h>

#include "net/form_encoding.hpp"

namespace postfuze::net {
namespace {

TEST(FormEncoding, EscapesEverythingButUnreserved) {
  EXPECT_EQ(form_urlencode({{"grant_type", "authorization_code"}, {"client_secret", "a+b&c=d e/f~._-"}}),
            "grant_type=authorization_code&client_secret=a%2Bb%26c%3Dd%20e%2Ff~._-");
  EXPECT_EQ(form_urlencode({}), "");
}

TEST(FormEncoding, RoundTripsAndReadsPlusAsSpace) {
  const FormFields fields = {{"a", "x+y &z"}, {"page", "1"}, {"page", "2"}, {"empty", ""}};
  auto back = form_urldecode(form_urlencode(fields));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, fields);
  auto plus = form_urldecode("q=a+b&r=%2B&flag");
  ASSERT_TRUE(plus);
  EXPECT_EQ(*form_value(*plus, "q"), "a b");
  EXPECT_EQ(*form_value(*plus, "r"), "+");
  EXPECT_EQ(*form_value(*plus, "flag"), "");
  EXPECT_FALSE(form_value(*plus, "missing").has_value());
  EXPECT_FALSE(form_urldecode("a=%zz").has_value());
  EXPECT_FALSE(form_urldecode("a=%4").has_value());
}

}  // namespace
}  // namespace postfuze::net
