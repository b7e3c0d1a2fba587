#include "api/cursor.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <string>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::api {
namespace {

const std::string kKey(32, 'k');
const std::string kFilters = "status=active";

void expect_invalid(const core::Result<store::KeysetPosition>& r, std::string_view why) {
  ASSERT_FALSE(r.ok()) << why;
  EXPECT_EQ(r.error().code, core::ErrorCode::invalid_cursor) << why;
  EXPECT_EQ(r.error().status(), 400) << why;
}

// Re-signs `payload` with `key`, the way only someone holding the key could.
std::string signed_cursor(const std::string& key, const std::string& json) {
  const auto payload = crypto::base64url_encode(json);
  return payload + "." + crypto::base64url_encode(crypto::hmac_sha256(key, payload));
}

TEST(CursorCodec, DecodesWhatItEncoded) {
  CursorCodec codec(kKey);
  const store::KeysetPosition pos{1'780'999'200'123, "f47ac10b-58cc-4372-a567-0e02b2c3d479"};
  auto r = codec.decode(codec.encode(pos, kFilters), kFilters);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->created_at_ms, pos.created_at_ms);
  EXPECT_EQ(r->id, pos.id);
}

TEST(CursorCodec, RoundTripsEmptyFiltersAndExtremeTimestamps) {
  CursorCodec codec(kKey);
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{-1}, INT64_MAX, INT64_MIN}) {
    auto r = codec.decode(codec.encode({ms, "id"}, ""), "");
    ASSERT_TRUE(r.ok()) << ms;
    EXPECT_EQ(r->created_at_ms, ms);
  }
}

TEST(CursorCodec, ProducesUrlSafeText) {
  CursorCodec codec(kKey);
  const auto cursor = codec.encode({1, "id/with+odd=chars"}, "q=a b&x=/");
  for (char c : cursor)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') << cursor;
}

TEST(CursorCodec, RefusesATamperedPayload) {
  CursorCodec codec(kKey);
  const auto cursor = codec.encode({1000, "abc"}, kFilters);
  const auto dot = cursor.find('.');
  // Swap in a payload for another position, keeping the old signature.
  const auto forged = crypto::base64url_encode(R"([2000,"abc","status=active"])") + cursor.substr(dot);
  expect_invalid(codec.decode(forged, kFilters), "forged payload");
  // Flip one character of the payload.
  std::string flipped = cursor;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  expect_invalid(codec.decode(flipped, kFilters), "flipped payload");
}

TEST(CursorCodec, RefusesATamperedSignature) {
  CursorCodec codec(kKey);
  const auto cursor = codec.encode({1000, "abc"}, kFilters);
  std::string flipped = cursor;
  const auto i = cursor.find('.') + 1;
  flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
  expect_invalid(codec.decode(flipped, kFilters), "flipped signature");
  expect_invalid(codec.decode(cursor.substr(0, cursor.size() - 1), kFilters), "truncated signature");
  expect_invalid(codec.decode(cursor.substr(0, cursor.find('.') + 1), kFilters), "empty signature");
  expect_invalid(codec.decode(cursor + "A", kFilters), "extended signature");
}

TEST(CursorCodec, RefusesACursorSignedWithAnotherKey) {
  CursorCodec issuer(std::string(32, 'x'));
  CursorCodec verifier(kKey);
  expect_invalid(verifier.decode(issuer.encode({1000, "abc"}, kFilters), kFilters), "other key");
}

TEST(CursorCodec, RefusesACursorReplayedWithOtherFilters) {
  CursorCodec codec(kKey);
  const auto cursor = codec.encode({1000, "abc"}, kFilters);
  expect_invalid(codec.decode(cursor, "status=revoked"), "other filters");
  expect_invalid(codec.decode(cursor, ""), "no filters");
  expect_invalid(codec.decode(cursor, kFilters + "&x=1"), "extra filter");
}

TEST(CursorCodec, RefusesGarbage) {
  CursorCodec codec(kKey);
  expect_invalid(codec.decode("not-a-cursor", kFilters), "no dot");
  expect_invalid(codec.decode("a.b", kFilters), "short parts");
  expect_invalid(codec.decode("!!!.???", kFilters), "bad alphabet");
  expect_invalid(codec.decode("...", kFilters), "dots only");
  expect_invalid(codec.decode(".", kFilters), "lone dot");
}

TEST(CursorCodec, RefusesTheEmptyString) { expect_invalid(CursorCodec(kKey).decode("", kFilters), "empty"); }

TEST(CursorCodec, RefusesOverLongInput) {
  CursorCodec codec(kKey);
  // A correctly signed cursor, but longer than any cursor the server issues.
  const auto cursor = codec.encode({1000, std::string(1200, 'a')}, kFilters);
  ASSERT_GT(cursor.size(), 1024u);
  expect_invalid(codec.decode(cursor, kFilters), "over-long");
}

TEST(CursorCodec, RefusesCorrectlySignedPayloadsOfTheWrongShape) {
  CursorCodec codec(kKey);
  for (const char* json : {R"({"a":1})", R"([1000,"abc"])", R"([1000,"abc","status=active",4])",
                           R"(["1000","abc","status=active"])", R"([1000,7,"status=active"])",
                           R"([1000.5,"abc","status=active"])", R"([1000,"abc",null])", "not json", ""}) {
    expect_invalid(codec.decode(signed_cursor(kKey, json), kFilters), json);
  }
}

TEST(CursorCodec, AcceptsACursorBuiltTheDocumentedWay) {
  // Contract §8: base64url JSON [created_at_ms, id, filters] "." base64url HMAC-SHA256.
  CursorCodec codec(kKey);
  auto r = codec.decode(signed_cursor(kKey, R"([1000,"abc","status=active"])"), kFilters);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->created_at_ms, 1000);
  EXPECT_EQ(r->id, "abc");
}

}  // namespace
}  // namespace postfuze::api
