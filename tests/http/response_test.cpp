#include "http/response.hpp"

#include <gtest/gtest.h>

#include <string>

#include <boost/json/parse.hpp>

namespace postfuze::http {
namespace {

boost::json::object body_of(const Response& res) {
  boost::system::error_code ec;
  auto v = boost::json::parse(res.body(), ec);
  EXPECT_FALSE(ec) << res.body();
  EXPECT_TRUE(v.is_object()) << res.body();
  return v.is_object() ? v.as_object() : boost::json::object{};
}

TEST(ProblemResponse, RendersTypeTitleStatusDetailAndCode) {
  const auto res = problem_response(core::Error::not_found("No such key."));
  EXPECT_EQ(res.result(), bhttp::status::not_found);
  const auto body = body_of(res);
  EXPECT_EQ(body.at("type").as_string(), "about:blank");
  EXPECT_EQ(body.at("title").as_string(), "Not Found");
  EXPECT_EQ(body.at("status").as_int64(), 404);
  EXPECT_EQ(body.at("detail").as_string(), "No such key.");
  EXPECT_EQ(body.at("code").as_string(), "not_found");
}

TEST(ProblemResponse, UsesTheProblemJsonContentTypeAndAMatchingContentLength) {
  const auto res = problem_response(core::Error::conflict("Already exists."));
  EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(res[bhttp::field::content_length], std::to_string(res.body().size()));
}

TEST(ProblemResponse, OmitsErrorsWhenThereAreNoFieldProblems) {
  const auto body = body_of(problem_response(core::Error::bad_request("Nope.")));
  EXPECT_FALSE(body.contains("errors"));
}

TEST(ProblemResponse, RendersEachFieldProblemInOrder) {
  const auto res = problem_response(core::Error::validation({{"name", "Required.", "required"},
                                                             {"scopes.1", "Unknown scope.", "enum"}}));
  EXPECT_EQ(res.result(), bhttp::status::unprocessable_entity);
  const auto body = body_of(res);
  EXPECT_EQ(body.at("status").as_int64(), 422);
  EXPECT_EQ(body.at("code").as_string(), "validation_failed");
  ASSERT_TRUE(body.contains("errors"));
  const auto& errors = body.at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("field").as_string(), "name");
  EXPECT_EQ(errors[0].at("message").as_string(), "Required.");
  EXPECT_EQ(errors[0].at("code").as_string(), "required");
  EXPECT_EQ(errors[1].at("field").as_string(), "scopes.1");
  EXPECT_EQ(errors[1].at("message").as_string(), "Unknown scope.");
  EXPECT_EQ(errors[1].at("code").as_string(), "enum");
}

TEST(ProblemResponse, RendersAnEmptyDetailAsNull) {
  const auto body = body_of(problem_response(core::Error{core::ErrorCode::conflict, "", {}, {}}));
  ASSERT_TRUE(body.contains("detail"));
  EXPECT_TRUE(body.at("detail").is_null());
}

TEST(ProblemResponse, NeverRendersTheInternalNote) {
  const std::string secret = "pq: password authentication failed for user postfuze";
  for (const auto& error : {core::Error::internal_error(secret), core::Error::unavailable("Try later.", secret),
                            core::Error{core::ErrorCode::bad_request, "Bad.", secret, {{"f", "m", "c"}}}}) {
    const auto res = problem_response(error);
    EXPECT_EQ(res.body().find("password"), std::string::npos) << res.body();
    EXPECT_EQ(res.body().find(secret), std::string::npos) << res.body();
  }
}

TEST(ProblemResponse, RendersAnInternalErrorAsAGeneric500) {
  const auto res = problem_response(core::Error::internal_error("stack trace here"));
  EXPECT_EQ(res.result(), bhttp::status::internal_server_error);
  const auto body = body_of(res);
  EXPECT_EQ(body.at("status").as_int64(), 500);
  EXPECT_EQ(body.at("code").as_string(), "internal");
  EXPECT_EQ(body.at("title").as_string(), "Internal Server Error");
}

TEST(ProblemResponse, UsesTheStandardReasonPhraseAsTitleForEveryCatalogueStatus) {
  EXPECT_EQ(body_of(problem_response(core::Error::unauthorized())).at("title").as_string(), "Unauthorized");
  EXPECT_EQ(body_of(problem_response(core::Error{core::ErrorCode::rate_limited, "x", {}, {}})).at("title").as_string(),
            "Too Many Requests");
  EXPECT_EQ(
      body_of(problem_response(core::Error{core::ErrorCode::headers_too_large, "x", {}, {}})).at("title").as_string(),
      "Request Header Fields Too Large");
  EXPECT_EQ(body_of(problem_response(core::Error::unavailable("x"))).at("title").as_string(), "Service Unavailable");
}

TEST(JsonResponse, RendersTheValueWithTheJsonContentType) {
  const auto res = json_response(bhttp::status::created, boost::json::object{{"id", "k1"}});
  EXPECT_EQ(res.result(), bhttp::status::created);
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  EXPECT_EQ(res.body(), R"({"id":"k1"})");
  EXPECT_EQ(res[bhttp::field::content_length], std::to_string(res.body().size()));
}

TEST(EmptyResponse, HasNoBodyAndAZeroContentLength) {
  const auto res = empty_response(bhttp::status::no_content);
  EXPECT_EQ(res.result(), bhttp::status::no_content);
  EXPECT_TRUE(res.body().empty());
  EXPECT_EQ(res.count(bhttp::field::content_type), 0u);
}

}  // namespace
}  // namespace postfuze::http
