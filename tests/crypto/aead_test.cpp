#include "crypto/aead.hpp"

#include <gtest/gtest.h>

#include "crypto/encoding.hpp"

namespace postfuze::crypto {
namespace {

std::string unhex(std::string_view hex) { return hex_decode(hex).value(); }

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B,
// test cases 13-16 (the AES-256 cases with 96-bit IVs).
struct GcmVector {
  const char* name;
  std::string key, iv, aad, plaintext, ciphertext, tag;
};

std::vector<GcmVector> gcm_vectors() {
  const std::string zero_key(32, '\0');
  const std::string zero_iv(12, '\0');
  const std::string key = unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  const std::string iv = unhex("cafebabefacedbaddecaf888");
  const std::string p15 = unhex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
  const std::string c15 = unhex(
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad");
  return {
      {"case 13", zero_key, zero_iv, "", "", "", unhex("530f8afbc74536b9a963b4f1c4cb738b")},
      {"case 14", zero_key, zero_iv, "", std::string(16, '\0'), unhex("cea7403d4d606b6e074ec5d3baf39d18"),
       unhex("d0d1c8a799996bf0265b98b5d48ab919")},
      {"case 15", key, iv, "", p15, c15, unhex("b094dac5d93471bdec1a502270e3cc6c")},
      {"case 16", key, iv, unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2"), p15.substr(0, 60), c15.substr(0, 60),
       unhex("76fc6ece0f4e1768cddf8853bb2d551b")},
  };
}

TEST(Aes256Gcm, SealMatchesGcmSpecVectors) {
  for (const auto& v : gcm_vectors()) {
    SCOPED_TRACE(v.name);
    EXPECT_EQ(hex_encode(aes256gcm_seal(v.key, v.iv, v.aad, v.plaintext)), hex_encode(v.ciphertext + v.tag));
  }
}

TEST(Aes256Gcm, OpenMatchesGcmSpecVectors) {
  for (const auto& v : gcm_vectors()) {
    SCOPED_TRACE(v.name);
    EXPECT_EQ(aes256gcm_open(v.key, v.iv, v.aad, v.ciphertext + v.tag), v.plaintext);
  }
}

class Aes256GcmTamper : public ::testing::Test {
 protected:
  const GcmVector v_ = gcm_vectors()[3];  // case 16: has aad, plaintext and tag
  const std::string sealed_ = v_.ciphertext + v_.tag;
};

TEST_F(Aes256GcmTamper, RejectsAnyFlippedBit) {
  for (std::size_t i = 0; i < sealed_.size(); ++i) {
    for (int bit = 0; bit < 8; bit += 7) {
      std::string altered = sealed_;
      altered[i] = static_cast<char>(altered[i] ^ (1 << bit));
      EXPECT_EQ(aes256gcm_open(v_.key, v_.iv, v_.aad, altered), std::nullopt) << "byte " << i << " bit " << bit;
    }
  }
}

TEST_F(Aes256GcmTamper, RejectsWrongKeyNonceOrAad) {
  std::string key = v_.key;
  key[0] ^= 1;
  std::string iv = v_.iv;
  iv[11] ^= 1;
  EXPECT_EQ(aes256gcm_open(key, v_.iv, v_.aad, sealed_), std::nullopt);
  EXPECT_EQ(aes256gcm_open(v_.key, iv, v_.aad, sealed_), std::nullopt);
  EXPECT_EQ(aes256gcm_open(v_.key, v_.iv, "", sealed_), std::nullopt);
  EXPECT_EQ(aes256gcm_open(v_.key, v_.iv, v_.aad + "x", sealed_), std::nullopt);
}

TEST_F(Aes256GcmTamper, RejectsTruncatedOrExtendedInput) {
  EXPECT_EQ(aes256gcm_open(v_.key, v_.iv, v_.aad, sealed_.substr(0, sealed_.size() - 1)), std::nullopt);
  EXPECT_EQ(aes256gcm_open(v_.key, v_.iv, v_.aad, sealed_.substr(1)), std::nullopt);
  EXPECT_EQ(aes256gcm_open(v_.key, v_.iv, v_.aad, sealed_ + "x"), std::nullopt);
  EXPECT_EQ(aes256gcm_open(v_.key, v_.iv, v_.aad, v_.tag.substr(0, 15)), std::nullopt);
  EXPECT_EQ(aes256gcm_open(v_.key, v_.iv, v_.aad, ""), std::nullopt);
}

TEST(Aes256Gcm, OpenRejectsBadKeyOrNonceSizes) {
  const std::string key(32, 'k'), nonce(12, 'n');
  const std::string sealed = aes256gcm_seal(key, nonce, "aad", "hello");
  ASSERT_EQ(aes256gcm_open(key, nonce, "aad", sealed), "hello");
  EXPECT_EQ(aes256gcm_open(key.substr(0, 16), nonce, "aad", sealed), std::nullopt);
  EXPECT_EQ(aes256gcm_open(key, nonce + "n", "aad", sealed), std::nullopt);
  EXPECT_EQ(aes256gcm_open(key, nonce.substr(0, 8), "aad", sealed), std::nullopt);
}

TEST(Aes256Gcm, RoundTripsBinaryAndLargePlaintexts) {
  const std::string key(32, '\x01'), nonce(12, '\x02');
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += static_cast<char>(i);
  for (const std::string& p : {binary, std::string(1 << 20, 'z')}) {
    const std::string sealed = aes256gcm_seal(key, nonce, "aad", p);
    EXPECT_EQ(sealed.size(), p.size() + kAeadTagSize);
    EXPECT_EQ(aes256gcm_open(key, nonce, "aad", sealed), p);
  }
}

TEST(Aes256GcmDeathTest, SealAbortsOnBadKeySize) {
  EXPECT_DEATH(aes256gcm_seal(std::string(16, 'k'), std::string(12, 'n'), "", "x"), "bad key or nonce size");
}

}  // namespace
}  // namespace postfuze::crypto
