#include "http/json_body.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace postfuze::http {
namespace {

Request json_request(std::optional<std::string> content_type, std::string body) {
  Request req;
  req.message.method(bhttp::verb::post);
  req.message.target("/api/v1/things");
  req.message.version(11);
  if (content_type) req.message.set(bhttp::field::content_type, *content_type);
  req.message.body() = std::move(body);
  req.message.prepare_payload();
  return req;
}

std::string nested_arrays(int depth) { return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']'); }

// An object whose member "a" holds arrays nested so the whole document has `depth` levels.
std::string object_of_depth(int depth) { return R"({"a":)" + nested_arrays(depth - 1) + "}"; }

TEST(ParseJsonObject, ReadsAnObjectSentAsApplicationJson) {
  auto r = parse_json_object(json_request("application/json", R"({"name":"k","n":3})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("name").as_string(), "k");
  EXPECT_EQ(r->at("n").as_int64(), 3);
}

TEST(ParseJsonObject, AcceptsACharsetParameter) {
  EXPECT_TRUE(parse_json_object(json_request("application/json; charset=utf-8", "{}")).ok());
  EXPECT_TRUE(parse_json_object(json_request("application/json;charset=UTF-8", "{}")).ok());
}

TEST(ParseJsonObject, MatchesTheMediaTypeCaseInsensitively) {
  EXPECT_TRUE(parse_json_object(json_request("Application/JSON", "{}")).ok());
}

TEST(ParseJsonObject, RefusesAMissingContentTypeAsUnsupportedMediaType) {
  auto r = parse_json_object(json_request(std::nullopt, "{}"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::unsupported_media_type);
  EXPECT_EQ(r.error().status(), 415);
}

TEST(ParseJsonObject, RefusesOtherContentTypesAsUnsupportedMediaType) {
  for (const char* ct : {"text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                         "application/json-patch+json", "application/problem+json", ""}) {
    auto r = parse_json_object(json_request(std::string(ct), "{}"));
    ASSERT_FALSE(r.ok()) << ct;
    EXPECT_EQ(r.error().code, core::ErrorCode::unsupported_media_type) << ct;
  }
}

TEST(ParseJsonObject, ChecksTheContentTypeBeforeTheBody) {
  auto r = parse_json_object(json_request("text/plain", "not json"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::unsupported_media_type);
}

TEST(ParseJsonObject, RefusesMalformedJsonAsInvalidJson) {
  for (const char* body : {"", "{", R"({"a":})", R"({"a":1,})", "{'a':1}", R"({"a":1} x)", R"({"a":1}{})"}) {
    auto r = parse_json_object(json_request("application/json", body));
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, core::ErrorCode::invalid_json) << body;
    EXPECT_EQ(r.error().status(), 400) << body;
  }
}

TEST(ParseJsonObject, NeverEchoesTheBodyInTheInvalidJsonDetail) {
  auto r = parse_json_object(json_request("application/json", R"({"secret":"hunter2")"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().detail.find("hunter2"), std::string::npos) << r.error().detail;
}

TEST(ParseJsonObject, AcceptsNestingThirtyTwoLevelsDeep) {
  auto r = parse_json_object(json_request("application/json", object_of_depth(32)));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().detail);
}

TEST(ParseJsonObject, RefusesNestingDeeperThanThirtyTwoLevelsAsInvalidJson) {
  for (int depth : {33, 64, 10000}) {
    auto r = parse_json_object(json_request("application/json", object_of_depth(depth)));
    ASSERT_FALSE(r.ok()) << depth;
    EXPECT_EQ(r.error().code, core::ErrorCode::invalid_json) << depth;
  }
}

TEST(ParseJsonObject, RefusesATopLevelArrayAsValidationFailed) {
  auto r = parse_json_object(json_request("application/json", "[1,2]"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::validation_failed);
  EXPECT_EQ(r.error().status(), 422);
  ASSERT_EQ(r.error().fields.size(), 1u);
}

TEST(ParseJsonObject, RefusesOtherTopLevelScalarsAsValidationFailed) {
  for (const char* body : {"1", R"("text")", "null", "true"}) {
    auto r = parse_json_object(json_request("application/json", body));
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, core::ErrorCode::validation_failed) << body;
  }
}

}  // namespace
}  // namespace postfuze::http
