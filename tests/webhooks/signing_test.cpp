// Standard Webhooks signing: the header checked against an HMAC computed here
// with OpenSSL directly (not through crypto::hmac_sha256), the specification's
// published vector, secret generation and validation, and the key a secret
// stands for.
#include "webhooks/signing.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "crypto/secure_random.hpp"

namespace postfuze::webhooks {
namespace {

// Base64 (RFC 4648 §4, padded) with OpenSSL's encoder.
std::string openssl_base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string openssl_unbase64(const std::string& text) {
  std::string out(3 * text.size() / 4 + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) throw std::runtime_error("bad base64 in test");
  std::size_t len = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as zero bytes.
  if (text.size() >= 1 && text.back() == '=') --len;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

// "v1," + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")) through OpenSSL's one-shot HMAC().
std::string expected_v1(const std::string& key, const std::string& id, std::int64_t timestamp,
                        const std::string& body) {
  const std::string content = id + "." + std::to_string(timestamp) + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  const unsigned char* r = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                                reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  if (!r || mac_len != 32) throw std::runtime_error("HMAC failed in test");
  return "v1," + openssl_base64(std::string(reinterpret_cast<const char*>(mac), mac_len));
}

// A Random that returns one fixed byte forever.
class ConstantRandom final : public core::Random {
 public:
  explicit ConstantRandom(unsigned char b) : b_(b) {}
  void fill(std::span<unsigned char> out) override {
    for (auto& c : out) c = b_;
  }

 private:
  unsigned char b_;
};

std::string whsec_of(const std::string& key_bytes) { return "whsec_" + openssl_base64(key_bytes); }

// ---------------------------------------------------------------------------
// signature_header

TEST(WebhookSigning, MatchesAnIndependentHmacForAWhsecSecret) {
  std::string key;
  for (int i = 0; i < 32; ++i) key.push_back(static_cast<char>(i * 7 + 3));
  const std::string secret = whsec_of(key);
  const std::string id = "msg_2f1c7a0e-7d6b-4c9e-9a53-0c1d2e3f4a5b";
  const std::int64_t ts = 1780999200;
  const std::string body = R"({"type":"post.published","timestamp":"2026-06-09T10:00:00.000Z","data":{"id":"p1"}})";

  const auto header = signature_header({secret}, id, ts, body);
  EXPECT_EQ(header, expected_v1(key, id, ts, body));
  // Shape: "v1," + 44 characters of padded base64 (32 bytes).
  ASSERT_EQ(header.size(), 3u + 44u);
  EXPECT_EQ(header.substr(0, 3), "v1,");
  EXPECT_EQ(header.back(), '=');
}

TEST(WebhookSigning, MatchesAnIndependentHmacForARawSecret) {
  const std::string secret = "this-is-a-raw-customer-secret-0123456789";  // 40 printable characters
  const std::string id = "msg_raw";
  const std::int64_t ts = 1700000000;
  const std::string body = "{}";
  EXPECT_EQ(signature_header({secret}, id, ts, body), expected_v1(secret, id, ts, body));
}

TEST(WebhookSigning, BodyBytesAreSignedExactlyIncludingNulAndNonAscii) {
  std::string key(32, '\x5a');
  const std::string secret = whsec_of(key);
  std::string body = "{\"t\":\"h\xC3\xA9llo\"}";
  body.push_back('\0');
  body += "tail\n";
  const std::string id = "msg_bytes";
  EXPECT_EQ(signature_header({secret}, id, 0, body), expected_v1(key, id, 0, body));
  // Any change to id, timestamp or body changes the signature.
  const auto base = signature_header({secret}, id, 1, body);
  EXPECT_NE(base, signature_header({secret}, id + "x", 1, body));
  EXPECT_NE(base, signature_header({secret}, id, 2, body));
  EXPECT_NE(base, signature_header({secret}, id, 1, body + " "));
}

TEST(WebhookSigning, ReproducesTheStandardWebhooksPublishedVector) {
  // The example in the Standard Webhooks specification (also used by the
  // reference libraries' test suites).
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const std::int64_t ts = 1614265330;
  const std::string body = R"({"test": 2432232314})";
  const std::string published = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  EXPECT_EQ(signature_header({secret}, id, ts, body), published);
  // And the independent computation agrees with it.
  EXPECT_EQ(expected_v1(openssl_unbase64("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), id, ts, body), published);
  EXPECT_TRUE(validate_signing_secret(secret, "secret"));  // 24-byte key: the lower bound
}

TEST(WebhookSigning, TwoSecretsGiveTwoSpaceSeparatedSignaturesInOrder) {
  const std::string k1(32, '\x01');
  const std::string k2 = "a-raw-previous-secret-of-32-chars";
  const std::string s1 = whsec_of(k1);
  const std::string id = "msg_rot";
  const std::int64_t ts = 1780999200;
  const std::string body = R"({"a":1})";
  const auto header = signature_header({s1, k2}, id, ts, body);
  EXPECT_EQ(header, expected_v1(k1, id, ts, body) + " " + expected_v1(k2, id, ts, body));
  // Order follows the argument order.
  EXPECT_EQ(signature_header({k2, s1}, id, ts, body),
            expected_v1(k2, id, ts, body) + " " + expected_v1(k1, id, ts, body));
  EXPECT_EQ(std::count(header.begin(), header.end(), ' '), 1);
}

TEST(WebhookSigning, NoSecretsGiveAnEmptyHeader) { EXPECT_EQ(signature_header({}, "msg", 1, "{}"), ""); }

// ---------------------------------------------------------------------------
// generate_signing_secret

TEST(WebhookSigning, GeneratedSecretIsWhsecPlusBase64Of32RandomBytes) {
  ConstantRandom fixed(0xAB);
  const auto s = generate_signing_secret(fixed);
  EXPECT_EQ(s, "whsec_" + openssl_base64(std::string(32, '\xAB')));
  ASSERT_EQ(s.size(), 6u + 44u);
  EXPECT_EQ(signing_key(s), std::string(32, '\xAB'));
  EXPECT_TRUE(validate_signing_secret(s, "secret"));

  crypto::SecureRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto g = generate_signing_secret(random);
    ASSERT_TRUE(g.starts_with("whsec_")) << g;
    ASSERT_EQ(g.size(), 50u) << g;
    EXPECT_EQ(openssl_unbase64(g.substr(6)).size(), 32u);
    EXPECT_EQ(signing_key(g).size(), 32u);
    EXPECT_TRUE(validate_signing_secret(g, "secret")) << g;
    seen.insert(g);
  }
  EXPECT_EQ(seen.size(), 50u);
}

// ---------------------------------------------------------------------------
// validate_signing_secret

void expect_rejected(std::string_view secret, std::string_view field = "secret") {
  const auto s = validate_signing_secret(secret, field);
  ASSERT_FALSE(s) << "accepted: " << secret;
  EXPECT_EQ(s.error().code, core::ErrorCode::validation_failed);
  ASSERT_EQ(s.error().fields.size(), 1u);
  EXPECT_EQ(s.error().fields[0].field, field);
  // The message never echoes the secret.
  if (secret.size() >= 8) {
    EXPECT_EQ(s.error().fields[0].message.find(secret), std::string::npos);
    EXPECT_EQ(s.error().detail.find(secret), std::string::npos);
  }
}

TEST(WebhookSigning, WhsecSecretsMustHoldBase64Of24To64Bytes) {
  EXPECT_TRUE(validate_signing_secret(whsec_of(std::string(24, 'k')), "secret"));
  EXPECT_TRUE(validate_signing_secret(whsec_of(std::string(32, 'k')), "secret"));
  EXPECT_TRUE(validate_signing_secret(whsec_of(std::string(64, 'k')), "secret"));
  expect_rejected(whsec_of(std::string(23, 'k')));
  expect_rejected(whsec_of(std::string(65, 'k')));
  expect_rejected(whsec_of(std::string(16, 'k')));  // short
  expect_rejected("whsec_");
  expect_rejected("whsec_abc");
  // Not base64: bad alphabet, missing padding, stray whitespace.
  expect_rejected("whsec_" + std::string(43, '!') + "=");
  expect_rejected("whsec_" + openssl_base64(std::string(32, 'k')).substr(0, 43));  // padding dropped
  expect_rejected("whsec_ " + openssl_base64(std::string(32, 'k')));
  expect_rejected("whsec_" + openssl_base64(std::string(32, 'k')) + "\n");
}

TEST(WebhookSigning, RawSecretsMustBe32To256PrintableCharacters) {
  EXPECT_TRUE(validate_signing_secret(std::string(32, 'a'), "secret"));
  EXPECT_TRUE(validate_signing_secret(std::string(256, 'a'), "secret"));
  EXPECT_TRUE(validate_signing_secret("spaces are printable too, so ok!", "secret"));  // 32 with spaces
  EXPECT_TRUE(validate_signing_secret(std::string(30, 'a') + "\xC3\xA9", "secret"));   // UTF-8 bytes count
  expect_rejected(std::string(31, 'a'));
  expect_rejected(std::string(257, 'a'));
  expect_rejected("");
  // Control characters anywhere.
  for (char bad : {'\0', '\t', '\n', '\r', '\x1f', '\x7f'}) {
    std::string s(40, 'a');
    s[17] = bad;
    expect_rejected(s);
  }
  expect_rejected(std::string(39, 'a') + "\n");
}

TEST(WebhookSigning, ValidationErrorsNameTheGivenField) {
  expect_rejected("short", "new_secret");
  expect_rejected("whsec_abc", "rotation.secret");
}

// ---------------------------------------------------------------------------
// signing_key

TEST(WebhookSigning, SigningKeyDecodesWhsecAndUsesRawSecretsAsTheyAre) {
  std::string key;
  for (int i = 0; i < 32; ++i) key.push_back(static_cast<char>(255 - i));
  EXPECT_EQ(signing_key(whsec_of(key)), key);
  const std::string raw = "Raw-Secret-With-Symbols_+/=0123456789";
  EXPECT_EQ(signing_key(raw), raw);
  // A secret that only looks like base64 is raw without the prefix.
  const std::string b64 = openssl_base64(std::string(32, 'z'));
  EXPECT_EQ(signing_key(b64), b64);
  // The prefix is case-sensitive.
  const std::string upper = "WHSEC_" + b64;
  EXPECT_EQ(signing_key(upper), upper);
  EXPECT_EQ(signature_header({upper}, "m", 1, "b"), expected_v1(upper, "m", 1, "b"));
}

}  // namespace
}  // namespace postfuze::webhooks
