#include "crypto/encoding.hpp"

#include <gtest/gtest.h>

namespace postfuze::crypto {
namespace {

using std::string_literals::operator""s;

// RFC 4648 §10 test vectors.
struct Vector {
  std::string bytes, base64, base64url, base16;
};
const Vector kRfc4648[] = {
    {"", "", "", ""},
    {"f", "Zg==", "Zg", "66"},
    {"fo", "Zm8=", "Zm8", "666f"},
    {"foo", "Zm9v", "Zm9v", "666f6f"},
    {"foob", "Zm9vYg==", "Zm9vYg", "666f6f62"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE", "666f6f6261"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy", "666f6f626172"},
};

TEST(Encoding, MatchesRfc4648Vectors) {
  for (const auto& v : kRfc4648) {
    SCOPED_TRACE(v.bytes);
    EXPECT_EQ(base64_encode(v.bytes), v.base64);
    EXPECT_EQ(base64_decode(v.base64), v.bytes);
    EXPECT_EQ(base64url_encode(v.bytes), v.base64url);
    EXPECT_EQ(base64url_decode(v.base64url), v.bytes);
    EXPECT_EQ(hex_encode(v.bytes), v.base16);
    EXPECT_EQ(hex_decode(v.base16), v.bytes);
  }
}

TEST(Encoding, HexDecodesTheRfcUpperCaseSpelling) { EXPECT_EQ(hex_decode("666F6F626172"), "foobar"); }

TEST(Encoding, UrlAlphabetDiffersOnlyInTheLastTwoSymbols) {
  const std::string bytes = "\xfb\xff\xbf"s;
  EXPECT_EQ(base64_encode(bytes), "+/+/");
  EXPECT_EQ(base64url_encode(bytes), "-_-_");
  EXPECT_EQ(base64_decode("+/+/"), bytes);
  EXPECT_EQ(base64url_decode("-_-_"), bytes);
  EXPECT_EQ(base64_decode("-_-_"), std::nullopt);
  EXPECT_EQ(base64url_decode("+/+/"), std::nullopt);
}

TEST(Encoding, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const std::string bytes = all.substr(0, n);
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
    EXPECT_EQ(hex_decode(hex_encode(bytes)), bytes);
  }
  EXPECT_EQ(hex_encode("\x00\x7f\x80\xff"s), "007f80ff");
}

TEST(Encoding, Base64RejectsMalformedInput) {
  for (const char* bad :
       {"Zg", "Zg=", "Zm9", "Z===", "====", "Zm9v=", "Zm 9v", "Zm9v\n", "Zg==Zg==", "Zm=v", "Zm9*", "Zh=="}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(base64_decode(bad), std::nullopt);
  }
}

TEST(Encoding, Base64RejectsNonCanonicalTrailingBits) {
  // "Zg==" is 'f'; "Zh==" differs only in bits that padding discards.
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zh=="), std::nullopt);
  EXPECT_EQ(base64_decode("Zm9="), std::nullopt);
  EXPECT_EQ(base64url_decode("Zh"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9"), std::nullopt);
}

TEST(Encoding, Base64UrlRejectsPaddingAndBadLengths) {
  for (const char* bad : {"Zg==", "Zm8=", "Z", "Zm9vY", "Zm9v+", "Zm9v/", "Zm.v"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(base64url_decode(bad), std::nullopt);
  }
}

TEST(Encoding, HexRejectsOddLengthAndNonHexDigits) {
  for (const char* bad : {"6", "666", "6g", "0x66", " 66", "66 "}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(hex_decode(bad), std::nullopt);
  }
}

}  // namespace
}  // namespace postfuze::crypto
