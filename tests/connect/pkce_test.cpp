#include "connect/pkce.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>

#include "crypto/encoding.hpp"
#include "crypto/secure_random.hpp"

namespace postfuze::connect {
namespace {

// Returns the given bytes, then zeros: lets a test choose the verifier.
class FixedRandom final : public core::Random {
 public:
  explicit FixedRandom(std::string bytes) : bytes_(std::move(bytes)) {}
  void fill(std::span<unsigned char> out) override {
    for (auto& b : out) b = pos_ < bytes_.size() ? static_cast<unsigned char>(bytes_[pos_++]) : 0;
  }

 private:
  std::string bytes_;
  std::size_t pos_ = 0;
};

// RFC 7636 Appendix B.
constexpr std::array<unsigned char, 32> kRfcOctets = {116, 24,  223, 180, 151, 153, 224, 37,  79,  250, 96,
                                                      125, 216, 173, 187, 186, 22,  212, 37,  77,  105, 214,
                                                      191, 240, 91,  88,  5,   88,  83,  132, 141, 121};
constexpr std::string_view kRfcVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kRfcChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

TEST(Pkce, ChallengeMatchesRfc7636AppendixB) { EXPECT_EQ(challenge_s256(kRfcVerifier), kRfcChallenge); }

TEST(Pkce, VerifierFromRfc7636AppendixBOctets) {
  FixedRandom random(std::string(kRfcOctets.begin(), kRfcOctets.end()));
  EXPECT_EQ(generate_verifier(random), kRfcVerifier);
}

TEST(Pkce, GeneratedVerifierIs43UnreservedCharacters) {
  crypto::SecureRandom random;
  for (int i = 0; i < 100; ++i) {
    const std::string v = generate_verifier(random);
    EXPECT_EQ(v.size(), 43u);
    EXPECT_TRUE(is_valid_verifier(v)) << v;
    EXPECT_EQ(v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_EQ(crypto::base64url_decode(v).value_or("").size(), 32u);
  }
}

TEST(Pkce, GeneratedVerifiersDiffer) {
  crypto::SecureRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(generate_verifier(random));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Pkce, ChallengeIs43CharactersWithoutPadding) {
  crypto::SecureRandom random;
  const std::string c = challenge_s256(generate_verifier(random));
  EXPECT_EQ(c.size(), 43u);
  EXPECT_EQ(c.find('='), std::string::npos);
  EXPECT_EQ(c.find('+'), std::string::npos);
  EXPECT_EQ(c.find('/'), std::string::npos);
}

TEST(Pkce, ChallengeDependsOnEveryCharacter) {
  std::string other(kRfcVerifier);
  other.back() = 'j';
  EXPECT_NE(challenge_s256(other), kRfcChallenge);
}

TEST(Pkce, ValidatesVerifierLengthAndAlphabet) {
  EXPECT_TRUE(is_valid_verifier(std::string(43, 'a')));
  EXPECT_TRUE(is_valid_verifier(std::string(128, 'a')));
  EXPECT_TRUE(is_valid_verifier(std::string(40, 'a') + "-._~"));
  EXPECT_FALSE(is_valid_verifier(std::string(42, 'a')));
  EXPECT_FALSE(is_valid_verifier(std::string(129, 'a')));
  EXPECT_FALSE(is_valid_verifier(""));
  for (const char bad : std::string("+/= %\t\n\0!*'()", 13))
    EXPECT_FALSE(is_valid_verifier(std::string(42, 'a') + bad)) << int(bad);
  EXPECT_FALSE(is_valid_verifier(std::string(42, 'a') + "\xc3\xa9"));
}

}  // namespace
}  // namespace postfuze::connect
