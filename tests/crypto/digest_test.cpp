#include "crypto/digest.hpp"

#include <gtest/gtest.h>

#include "crypto/encoding.hpp"

namespace postfuze::crypto {
namespace {

std::string unhex(std::string_view hex) { return hex_decode(hex).value(); }

// FIPS 180-2 Appendix B (SHA-256 examples) and the empty message.
TEST(Sha256, MatchesFips180Vectors) {
  EXPECT_EQ(hex_encode(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_encode(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_encode(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex_encode(sha256(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// RFC 4231 §4.2-4.5, 4.7, 4.8 (case 5 is a truncated output, not applicable).
TEST(HmacSha256, MatchesRfc4231Vectors) {
  struct Case {
    std::string key, data, mac;
  };
  const std::string big_key(131, '\xaa');
  const Case cases[] = {
      {std::string(20, '\x0b'), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {big_key, "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {big_key,
       "This is a test using a larger than block-size key and a larger than block-size data. The key needs to "
       "be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.mac);
    EXPECT_EQ(hex_encode(hmac_sha256(c.key, c.data)), c.mac);
  }
}

TEST(HmacSha256, AcceptsAnEmptyKey) {
  // Value from Python: hmac.new(b"", b"", hashlib.sha256).hexdigest().
  EXPECT_EQ(hex_encode(hmac_sha256("", "")), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// RFC 5869 Appendix A.1 (test case 1) and A.3 (test case 3: empty salt and info).
TEST(HkdfSha256, MatchesRfc5869Vectors) {
  const std::string ikm(22, '\x0b');
  EXPECT_EQ(hex_encode(hkdf_sha256(ikm, unhex("000102030405060708090a0b0c"), unhex("f0f1f2f3f4f5f6f7f8f9"), 42)),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  EXPECT_EQ(hex_encode(hkdf_sha256(ikm, "", "", 42)),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(HkdfSha256, DifferentInfoGivesUnrelatedKeys) {
  const std::string key(32, 'k');
  const std::string a = hkdf_sha256(key, "salt", "purpose-a", 32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, hkdf_sha256(key, "salt", "purpose-b", 32));
  EXPECT_EQ(a, hkdf_sha256(key, "salt", "purpose-a", 32));
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("Secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secret1"));
  EXPECT_FALSE(constant_time_equal("", "x"));
}

}  // namespace
}  // namespace postfuze::crypto
