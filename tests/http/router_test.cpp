#include "http/router.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

namespace postfuze::http {
namespace {

using bhttp::verb;

boost::urls::url target(std::string_view text) {
  auto u = boost::urls::parse_origin_form(text);
  EXPECT_TRUE(u.has_value()) << text;
  return u ? boost::urls::url(*u) : boost::urls::url();
}

Request request(verb method, std::string_view path) {
  Request req;
  req.message.method(method);
  req.message.target(path);
  req.message.version(11);
  req.target = target(path);
  return req;
}

// Runs one handler call to completion on a private io_context.
Response run(const Handler& handler, Request& req) {
  boost::asio::io_context io;
  auto fut = boost::asio::co_spawn(io, handler(req), boost::asio::use_future);
  io.run();
  return fut.get();
}

// A handler that answers 200 with its own name as the body.
Handler named(std::string name) {
  return [name = std::move(name)](Request&) -> boost::asio::awaitable<Response> {
    Response res{bhttp::status::ok, 11};
    res.body() = name;
    co_return res;
  };
}

// A handler that echoes its path parameters as "k=v;k=v".
Handler echo_params() {
  return [](Request& req) -> boost::asio::awaitable<Response> {
    Response res{bhttp::status::ok, 11};
    for (const auto& [k, v] : req.path_params) res.body() += k + "=" + v + ";";
    co_return res;
  };
}

const Router::Found& expect_found(const Router::Match& m) {
  EXPECT_TRUE(std::holds_alternative<Router::Found>(m)) << "variant index " << m.index();
  static const Router::Found none{nullptr, {}};
  if (auto* f = std::get_if<Router::Found>(&m)) return *f;
  return none;
}

std::string template_of(const Router& router, verb method, std::string_view path) {
  auto m = router.match(method, target(path));
  auto* f = std::get_if<Router::Found>(&m);
  return f && f->route ? f->route->path_template : "<no match>";
}

std::vector<verb> sorted(std::vector<verb> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// --- matching ---

TEST(Router, MatchesALiteralPathWithItsMethod) {
  Router router;
  router.add(verb::get, "/health", named("health"));
  const auto m = router.match(verb::get, target("/health"));
  const auto& found = expect_found(m);
  ASSERT_NE(found.route, nullptr);
  EXPECT_EQ(found.route->path_template, "/health");
  EXPECT_EQ(found.route->method, verb::get);
  EXPECT_TRUE(found.params.empty());
}

TEST(Router, MatchesTheRootPath) {
  Router router;
  router.add(verb::get, "/", named("root"));
  router.add(verb::get, "/health", named("health"));
  EXPECT_EQ(template_of(router, verb::get, "/"), "/");
  EXPECT_EQ(template_of(router, verb::get, "/health"), "/health");
  EXPECT_TRUE(std::holds_alternative<Router::NotFound>(router.match(verb::get, target("//"))));
  EXPECT_TRUE(std::holds_alternative<Router::MethodNotAllowed>(router.match(verb::post, target("/"))));
}

TEST(Router, IgnoresTheQueryStringWhenMatching) {
  Router router;
  router.add(verb::get, "/api/v1/api-keys", named("list"));
  EXPECT_EQ(template_of(router, verb::get, "/api/v1/api-keys?limit=5&cursor=abc"), "/api/v1/api-keys");
}

TEST(Router, BindsANamedParameter) {
  Router router;
  router.add(verb::get, "/api/v1/api-keys/{id}", named("get"));
  const auto m = router.match(verb::get, target("/api/v1/api-keys/abc123"));
  const auto& found = expect_found(m);
  ASSERT_EQ(found.params.size(), 1u);
  EXPECT_EQ(found.params[0].first, "id");
  EXPECT_EQ(found.params[0].second, "abc123");
}

TEST(Router, PercentDecodesParameterValues) {
  Router router;
  router.add(verb::get, "/things/{name}", named("get"));
  const auto m = router.match(verb::get, target("/things/hello%20world%21"));
  const auto& found = expect_found(m);
  ASSERT_EQ(found.params.size(), 1u);
  EXPECT_EQ(found.params[0].second, "hello world!");
}

TEST(Router, KeepsAnEncodedSlashInsideOneParameter) {
  Router router;
  router.add(verb::get, "/things/{name}", named("get"));
  const auto m = router.match(verb::get, target("/things/a%2Fb"));
  const auto& found = expect_found(m);
  ASSERT_EQ(found.params.size(), 1u);
  EXPECT_EQ(found.params[0].second, "a/b");
}

TEST(Router, BindsSeveralParametersInTemplateOrder) {
  Router router;
  router.add(verb::get, "/orgs/{org}/keys/{key}", named("get"));
  const auto m = router.match(verb::get, target("/orgs/o1/keys/k2"));
  const auto& found = expect_found(m);
  ASSERT_EQ(found.params.size(), 2u);
  EXPECT_EQ(found.params[0], (std::pair<std::string, std::string>{"org", "o1"}));
  EXPECT_EQ(found.params[1], (std::pair<std::string, std::string>{"key", "k2"}));
}

TEST(Router, DoesNotBindAParameterToAnEmptySegment) {
  Router router;
  router.add(verb::get, "/things/{name}", named("get"));
  EXPECT_TRUE(std::holds_alternative<Router::NotFound>(router.match(verb::get, target("/things/"))));
}

TEST(Router, AnswersNotFoundForAnUnknownPath) {
  Router router;
  router.add(verb::get, "/health", named("health"));
  router.add(verb::get, "/things/{name}", named("get"));
  EXPECT_TRUE(std::holds_alternative<Router::NotFound>(router.match(verb::get, target("/nope"))));
  EXPECT_TRUE(std::holds_alternative<Router::NotFound>(router.match(verb::get, target("/things/a/b"))));
  EXPECT_TRUE(std::holds_alternative<Router::NotFound>(router.match(verb::get, target("/things"))));
}

TEST(Router, AnswersNotFoundRatherThanMethodNotAllowedWhenNoTemplateMatchesThePath) {
  Router router;
  router.add(verb::post, "/things", named("create"));
  EXPECT_TRUE(std::holds_alternative<Router::NotFound>(router.match(verb::delete_, target("/other"))));
}

TEST(Router, AnswersMethodNotAllowedWithExactlyTheMethodsThePathSupports) {
  Router router;
  router.add(verb::get, "/things/{id}", named("get"));
  router.add(verb::delete_, "/things/{id}", named("delete"));
  router.add(verb::patch, "/things/{id}/archive", named("archive"));  // other path: not allowed here
  router.add(verb::post, "/things", named("create"));                 // other path: not allowed here
  const auto m = router.match(verb::put, target("/things/42"));
  ASSERT_TRUE(std::holds_alternative<Router::MethodNotAllowed>(m));
  EXPECT_EQ(sorted(std::get<Router::MethodNotAllowed>(m).allowed), sorted({verb::get, verb::delete_}));
}

TEST(Router, ListsEachAllowedMethodOnceWhenSeveralTemplatesMatch) {
  Router router;
  router.add(verb::get, "/things/{id}", named("get"));
  router.add(verb::get, "/things/special", named("special"));
  router.add(verb::delete_, "/things/special", named("delete special"));
  const auto m = router.match(verb::post, target("/things/special"));
  ASSERT_TRUE(std::holds_alternative<Router::MethodNotAllowed>(m));
  EXPECT_EQ(sorted(std::get<Router::MethodNotAllowed>(m).allowed), sorted({verb::get, verb::delete_}));
}

TEST(Router, PrefersALiteralSegmentOverAParameterWhenTheLiteralIsAddedLast) {
  Router router;
  router.add(verb::get, "/posts/{id}", named("by id"));
  router.add(verb::get, "/posts/drafts", named("drafts"));
  EXPECT_EQ(template_of(router, verb::get, "/posts/drafts"), "/posts/drafts");
  EXPECT_EQ(template_of(router, verb::get, "/posts/p1"), "/posts/{id}");
}

TEST(Router, PrefersALiteralSegmentOverAParameterWhenTheLiteralIsAddedFirst) {
  Router router;
  router.add(verb::get, "/posts/drafts", named("drafts"));
  router.add(verb::get, "/posts/{id}", named("by id"));
  EXPECT_EQ(template_of(router, verb::get, "/posts/drafts"), "/posts/drafts");
  EXPECT_EQ(template_of(router, verb::get, "/posts/p1"), "/posts/{id}");
}

TEST(Router, PrefersTheTemplateWhoseLiteralComesEarlierInEitherRegistrationOrder) {
  for (bool literal_first : {true, false}) {
    Router router;
    if (literal_first) router.add(verb::get, "/accounts/pending/{token}", named("pending"));
    router.add(verb::get, "/accounts/{id}/{part}", named("part"));
    if (!literal_first) router.add(verb::get, "/accounts/pending/{token}", named("pending"));
    EXPECT_EQ(template_of(router, verb::get, "/accounts/pending/t1"), "/accounts/pending/{token}") << literal_first;
    EXPECT_EQ(template_of(router, verb::get, "/accounts/a1/t1"), "/accounts/{id}/{part}") << literal_first;
  }
}

TEST(Router, TreatsATrailingSlashAsADifferentPath) {
  Router router;
  router.add(verb::get, "/health", named("health"));
  EXPECT_TRUE(std::holds_alternative<Router::NotFound>(router.match(verb::get, target("/health/"))));

  Router slashed;
  slashed.add(verb::get, "/health/", named("slashed"));
  EXPECT_EQ(template_of(slashed, verb::get, "/health/"), "/health/");
  EXPECT_TRUE(std::holds_alternative<Router::NotFound>(slashed.match(verb::get, target("/health"))));
}

TEST(Router, MatchesSegmentsCaseSensitively) {
  Router router;
  router.add(verb::get, "/health", named("health"));
  EXPECT_TRUE(std::holds_alternative<Router::NotFound>(router.match(verb::get, target("/Health"))));
}

TEST(Router, RefusesADuplicateMethodAndTemplate) {
  Router router;
  router.add(verb::get, "/things/{id}", named("a"));
  EXPECT_THROW(router.add(verb::get, "/things/{id}", named("b")), std::invalid_argument);
  EXPECT_NO_THROW(router.add(verb::delete_, "/things/{id}", named("c")));
  EXPECT_EQ(router.routes().size(), 2u);
}

TEST(Router, RefusesATemplateThatDoesNotStartWithASlash) {
  Router router;
  EXPECT_THROW(router.add(verb::get, "health", named("a")), std::invalid_argument);
  EXPECT_THROW(router.add(verb::get, "", named("a")), std::invalid_argument);
  EXPECT_TRUE(router.routes().empty());
}

// --- dispatcher ---

TEST(Dispatcher, CallsTheMatchedHandler) {
  Router router;
  router.add(verb::get, "/health", named("health"));
  router.add(verb::get, "/other", named("other"));
  const Handler dispatch = make_dispatcher(router);
  auto req = request(verb::get, "/health");
  const Response res = run(dispatch, req);
  EXPECT_EQ(res.result(), bhttp::status::ok);
  EXPECT_EQ(res.body(), "health");
}

TEST(Dispatcher, HandsTheDecodedPathParametersToTheHandler) {
  Router router;
  router.add(verb::get, "/orgs/{org}/keys/{key}", echo_params());
  const Handler dispatch = make_dispatcher(router);
  auto req = request(verb::get, "/orgs/o%201/keys/k2");
  const Response res = run(dispatch, req);
  EXPECT_EQ(res.body(), "org=o 1;key=k2;");
  EXPECT_EQ(req.param("org"), "o 1");
  EXPECT_EQ(req.param("key"), "k2");
  EXPECT_EQ(req.param("missing"), "");
}

TEST(Dispatcher, AnswersMethodNotAllowedWithAnAllowHeader) {
  Router router;
  router.add(verb::get, "/things/{id}", named("get"));
  router.add(verb::delete_, "/things/{id}", named("delete"));
  const Handler dispatch = make_dispatcher(router);
  auto req = request(verb::post, "/things/1");
  const Response res = run(dispatch, req);
  EXPECT_EQ(res.result(), bhttp::status::method_not_allowed);
  EXPECT_EQ(res[bhttp::field::allow], "GET, DELETE");
  EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json");
  const auto body = boost::json::parse(res.body()).as_object();
  EXPECT_EQ(body.at("status").as_int64(), 405);
  EXPECT_EQ(body.at("code").as_string(), "method_not_allowed");
  EXPECT_NE(std::string(body.at("detail").as_string()).find("POST"), std::string::npos);
}

TEST(Dispatcher, AnswersNotFoundAsAProblemDocumentWithoutAnAllowHeader) {
  Router router;
  router.add(verb::get, "/health", named("health"));
  const Handler dispatch = make_dispatcher(router);
  auto req = request(verb::get, "/missing");
  const Response res = run(dispatch, req);
  EXPECT_EQ(res.result(), bhttp::status::not_found);
  EXPECT_EQ(res[bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(res.count(bhttp::field::allow), 0u);
  const auto body = boost::json::parse(res.body()).as_object();
  EXPECT_EQ(body.at("status").as_int64(), 404);
  EXPECT_EQ(body.at("code").as_string(), "not_found");
}

}  // namespace
}  // namespace postfuze::http
