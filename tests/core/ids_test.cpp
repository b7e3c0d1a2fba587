#include "core/ids.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <string>

namespace postfuze::core {
namespace {

// Fills every byte with the same value, to check the version and variant bits
// are forced whatever the random source says.
class ConstantRandom final : public Random {
 public:
  explicit ConstantRandom(unsigned char byte) : byte_(byte) {}
  void fill(std::span<unsigned char> out) override {
    for (auto& b : out) b = byte_;
  }

 private:
  unsigned char byte_;
};

// Deterministic bytes 0, 1, 2, ... so the output can be predicted exactly.
class CountingRandom final : public Random {
 public:
  void fill(std::span<unsigned char> out) override {
    for (auto& b : out) b = next_++;
  }

 private:
  unsigned char next_ = 0;
};

void expect_v4_shape(const std::string& id) {
  ASSERT_EQ(id.size(), 36u) << id;
  EXPECT_EQ(id[8], '-');
  EXPECT_EQ(id[13], '-');
  EXPECT_EQ(id[18], '-');
  EXPECT_EQ(id[23], '-');
  EXPECT_EQ(id[14], '4') << "version nibble of " << id;
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << "variant nibble of " << id;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    const char c = id[i];
    EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << "char " << i << " of " << id;
  }
}

TEST(NewUuid, EncodesTheRandomBytesInCanonicalLowercaseForm) {
  CountingRandom random;
  // Bytes 00..0f with byte 6 forced to 0x46 (version 4) and byte 8 to 0x88 (variant 10xx).
  EXPECT_EQ(new_uuid(random), "00010203-0405-4607-8809-0a0b0c0d0e0f");
}

TEST(NewUuid, ForcesVersionFourAndTheRfc4122VariantWhenEveryBitIsSet) {
  ConstantRandom random(0xff);
  const auto id = new_uuid(random);
  EXPECT_EQ(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
  expect_v4_shape(id);
}

TEST(NewUuid, ForcesVersionFourAndTheRfc4122VariantWhenNoBitIsSet) {
  ConstantRandom random(0x00);
  const auto id = new_uuid(random);
  EXPECT_EQ(id, "00000000-0000-4000-8000-000000000000");
  expect_v4_shape(id);
}

// A seeded SplitMix64 stream: every call yields fresh, well-spread bytes.
class SeededRandom final : public Random {
 public:
  void fill(std::span<unsigned char> out) override {
    for (auto& b : out) {
      if (left_ == 0) {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        word_ = z ^ (z >> 31);
        left_ = 8;
      }
      b = static_cast<unsigned char>(word_);
      word_ >>= 8;
      --left_;
    }
  }

 private:
  std::uint64_t state_ = 42, word_ = 0;
  int left_ = 0;
};

TEST(NewUuid, ProducesDistinctWellFormedIdsFromAChangingSource) {
  SeededRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 64; ++i) {
    const auto id = new_uuid(random);
    expect_v4_shape(id);
    EXPECT_TRUE(is_uuid(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 64u);
}

TEST(IsUuid, AcceptsCanonicalLowercaseUuids) {
  EXPECT_TRUE(is_uuid("00010203-0405-4607-8809-0a0b0c0d0e0f"));
  EXPECT_TRUE(is_uuid("f47ac10b-58cc-4372-a567-0e02b2c3d479"));
  EXPECT_TRUE(is_uuid("00000000-0000-0000-0000-000000000000"));
}

TEST(IsUuid, RefusesUppercaseHexDigits) {
  EXPECT_FALSE(is_uuid("F47AC10B-58CC-4372-A567-0E02B2C3D479"));
  EXPECT_FALSE(is_uuid("f47ac10b-58cc-4372-a567-0e02b2c3d47A"));
}

TEST(IsUuid, RefusesTheWrongLength) {
  EXPECT_FALSE(is_uuid(""));
  EXPECT_FALSE(is_uuid("f47ac10b-58cc-4372-a567-0e02b2c3d47"));
  EXPECT_FALSE(is_uuid("f47ac10b-58cc-4372-a567-0e02b2c3d4790"));
  EXPECT_FALSE(is_uuid("f47ac10b58cc4372a5670e02b2c3d479"));
}

TEST(IsUuid, RefusesHyphensInTheWrongPlaces) {
  EXPECT_FALSE(is_uuid("f47ac10b5-8cc-4372-a567-0e02b2c3d479"));
  EXPECT_FALSE(is_uuid("f47ac10b-58cc-4372-a5670-e02b2c3d479"));
  EXPECT_FALSE(is_uuid("f47ac10b-58cc-4372-a567-0e02b2c3-479"));
  EXPECT_FALSE(is_uuid("f47ac10b_58cc_4372_a567_0e02b2c3d479"));
}

TEST(IsUuid, RefusesNonHexCharacters) {
  EXPECT_FALSE(is_uuid("g47ac10b-58cc-4372-a567-0e02b2c3d479"));
  EXPECT_FALSE(is_uuid("f47ac10b-58cc-4372-a567-0e02b2c3d47 "));
  EXPECT_FALSE(is_uuid("{47ac10b-58cc-4372-a567-0e02b2c3d47}"));
  EXPECT_FALSE(is_uuid(std::string_view("f47ac10b-58cc-4372-a567-0e02b2c3d4\0" "9", 36)));
}

}  // namespace
}  // namespace postfuze::core
