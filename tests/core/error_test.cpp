#include "core/error.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace postfuze::core {
namespace {

// The catalogue (docs/errors.md): every code with its wire name and status.
const std::vector<std::pair<ErrorCode, std::pair<std::string, int>>>& catalogue() {
  static const std::vector<std::pair<ErrorCode, std::pair<std::string, int>>> c = {
      {ErrorCode::bad_request, {"bad_request", 400}},
      {ErrorCode::invalid_json, {"invalid_json", 400}},
      {ErrorCode::validation_failed, {"validation_failed", 422}},
      {ErrorCode::invalid_cursor, {"invalid_cursor", 400}},
      {ErrorCode::invalid_parameter, {"invalid_parameter", 400}},
      {ErrorCode::unauthorized, {"unauthorized", 401}},
      {ErrorCode::insufficient_scope, {"insufficient_scope", 403}},
      {ErrorCode::test_mode_restricted, {"test_mode_restricted", 403}},
      {ErrorCode::not_found, {"not_found", 404}},
      {ErrorCode::method_not_allowed, {"method_not_allowed", 405}},
      {ErrorCode::conflict, {"conflict", 409}},
      {ErrorCode::payload_too_large, {"payload_too_large", 413}},
      {ErrorCode::headers_too_large, {"headers_too_large", 431}},
      {ErrorCode::unsupported_media_type, {"unsupported_media_type", 415}},
      {ErrorCode::rate_limited, {"rate_limited", 429}},
      {ErrorCode::network_not_configured, {"network_not_configured", 422}},
      {ErrorCode::oauth_not_supported, {"oauth_not_supported", 422}},
      {ErrorCode::session_expired, {"session_expired", 404}},
      {ErrorCode::unavailable, {"unavailable", 503}},
      {ErrorCode::invalid_credentials, {"invalid_credentials", 422}},
      {ErrorCode::platform_unavailable, {"platform_unavailable", 502}},
      {ErrorCode::platform_requirement, {"platform_requirement", 422}},
      {ErrorCode::precondition_failed, {"precondition_failed", 412}},
      {ErrorCode::invalid_signature, {"invalid_signature", 403}},
      {ErrorCode::internal, {"internal", 500}},
  };
  return c;
}

TEST(ErrorCatalogue, CoversEveryEnumerator) {
  // internal is the last enumerator; the catalogue lists each value 0..internal once.
  std::set<int> values;
  for (const auto& [code, _] : catalogue()) values.insert(static_cast<int>(code));
  EXPECT_EQ(values.size(), catalogue().size());
  EXPECT_EQ(values.size(), static_cast<std::size_t>(ErrorCode::internal) + 1);
}

TEST(ErrorCatalogue, EveryCodeHasItsDocumentedWireName) {
  for (const auto& [code, expected] : catalogue()) EXPECT_EQ(to_string(code), expected.first);
}

TEST(ErrorCatalogue, EveryCodeHasADistinctWireName) {
  std::set<std::string> names;
  for (const auto& [code, _] : catalogue()) names.insert(std::string(to_string(code)));
  EXPECT_EQ(names.size(), catalogue().size());
}

TEST(ErrorCatalogue, EveryCodeMapsToItsDocumentedStatus) {
  for (const auto& [code, expected] : catalogue())
    EXPECT_EQ(http_status(code), expected.second) << expected.first;
}

TEST(ErrorCatalogue, TheStatusesInUseAreExactlyTheDocumentedSet) {
  std::set<int> statuses;
  for (const auto& [code, _] : catalogue()) statuses.insert(http_status(code));
  EXPECT_EQ(statuses, (std::set<int>{400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 429, 431, 500, 502, 503}));
}

TEST(Error, StatusFollowsTheCode) {
  EXPECT_EQ(Error::not_found().status(), 404);
  EXPECT_EQ(Error::conflict("x").status(), 409);
  EXPECT_EQ(Error::unavailable("x").status(), 503);
  EXPECT_EQ(Error::invalid_credentials("x").status(), 422);
  EXPECT_EQ(Error::platform_unavailable("x").status(), 502);
}

TEST(Error, ADefaultErrorIsInternal) {
  Error e;
  EXPECT_EQ(e.code, ErrorCode::internal);
  EXPECT_EQ(e.status(), 500);
}

TEST(Error, FactoriesPairTheirCodeWithTheMatchingStatus) {
  EXPECT_EQ(Error::bad_request("x").code, ErrorCode::bad_request);
  EXPECT_EQ(Error::invalid_json("x").code, ErrorCode::invalid_json);
  EXPECT_EQ(Error::validation("f", "m").code, ErrorCode::validation_failed);
  EXPECT_EQ(Error::validation("f", "m").status(), 422);
  EXPECT_EQ(Error::invalid_cursor().code, ErrorCode::invalid_cursor);
  EXPECT_EQ(Error::invalid_parameter("limit", "m").code, ErrorCode::invalid_parameter);
  EXPECT_EQ(Error::unauthorized().status(), 401);
  EXPECT_EQ(Error::insufficient_scope("posts:write").status(), 403);
  EXPECT_EQ(Error::internal_error("boom").status(), 500);
}

TEST(Error, ValidationCarriesTheFieldProblem) {
  const auto e = Error::validation("scopes.1", "Unknown scope.", "enum");
  ASSERT_EQ(e.fields.size(), 1u);
  EXPECT_EQ(e.fields[0].field, "scopes.1");
  EXPECT_EQ(e.fields[0].message, "Unknown scope.");
  EXPECT_EQ(e.fields[0].code, "enum");
}

TEST(Error, InvalidParameterNamesTheParameter) {
  const auto e = Error::invalid_parameter("limit", "Must be 1 to 100.");
  ASSERT_EQ(e.fields.size(), 1u);
  EXPECT_EQ(e.fields[0].field, "limit");
  EXPECT_EQ(e.fields[0].code, "invalid");
}

TEST(Error, InsufficientScopeNamesTheNeededScopeInTheDetail) {
  EXPECT_NE(Error::insufficient_scope("posts:write").detail.find("'posts:write'"), std::string::npos);
}

TEST(Error, InternalErrorKeepsTheCauseOutOfTheClientDetail) {
  const auto e = Error::internal_error("db password wrong");
  EXPECT_EQ(e.internal, "db password wrong");
  EXPECT_EQ(e.detail.find("password"), std::string::npos);
  EXPECT_FALSE(e.detail.empty());
}

}  // namespace
}  // namespace postfuze::core
