#include "net/http_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "client_harness.hpp"
#include "loopback_server.hpp"
#include "support/manual_clock.hpp"

namespace postfuze::net {
namespace {

using test::ClientHarness;
using test::http_response;
using test::LoopbackServer;
using namespace std::chrono_literals;

HttpClientOptions allow_private() {
  HttpClientOptions o;
  o.allow_private_destinations = true;
  return o;
}

LoopbackServer::Responder always(std::string raw) {
  return [raw = std::move(raw)](const LoopbackServer::Request&) { return std::optional<std::string>(raw); };
}

TEST(HttpClient, ReturnsStatusHeadersAndBody) {
  LoopbackServer server(always(http_response(200, "OK", "hello", "X-Reply: yes\r\nContent-Type: text/plain\r\n")));
  ClientHarness h;
  const auto r = h.get(server.url("/path?q=1"));
  ASSERT_TRUE(r.response) << r.detail;
  EXPECT_FALSE(r.failure);
  EXPECT_EQ(r.response->status, 200);
  EXPECT_EQ(r.response->body, "hello");
  EXPECT_EQ(r.response->header("x-reply"), "yes");
  EXPECT_EQ(r.response->header("CONTENT-TYPE"), "text/plain");
  EXPECT_EQ(r.response->header("X-Absent"), "");
}

TEST(HttpClient, SendsMethodTargetHostUserAgentHeadersAndBody) {
  LoopbackServer server(always(http_response(204, "No Content", "")));
  ClientHarness h;
  OutboundRequest req;
  req.method = boost::beast::http::verb::put;
  req.url = server.url("/hooks/a%20b?x=1&y=2#fragment");
  req.headers = {{"Content-Type", "application/json"}, {"X-Signature", "v1,abc"}};
  req.body = R"({"k":1})";
  const auto r = h.send(req);
  ASSERT_TRUE(r.response) << r.detail;
  EXPECT_EQ(r.response->status, 204);

  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  const auto& m = seen[0];
  EXPECT_EQ(m.method(), boost::beast::http::verb::put);
  EXPECT_EQ(m.target(), "/hooks/a%20b?x=1&y=2");
  EXPECT_EQ(m[boost::beast::http::field::host], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(m[boost::beast::http::field::user_agent], "PostFuze-Server/1.0");
  EXPECT_EQ(m[boost::beast::http::field::content_length], "7");
  EXPECT_EQ(m[boost::beast::http::field::content_type], "application/json");
  EXPECT_EQ(m["X-Signature"], "v1,abc");
  EXPECT_EQ(m.body(), R"({"k":1})");
}

TEST(HttpClient, KeepsFramingHeadersItsOwnAndLetsUserAgentBeReplaced) {
  LoopbackServer server(always(http_response(200, "OK", "")));
  ClientHarness h;
  OutboundRequest req;
  req.url = server.url();
  req.headers = {
      {"Content-Length", "999"}, {"Host", "evil.example"}, {"Connection", "keep-alive"}, {"User-Agent", "custom/2"}};
  req.body = "abc";
  const auto r = h.send(req);
  ASSERT_TRUE(r.response) << r.detail;
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0][boost::beast::http::field::content_length], "3");
  EXPECT_EQ(seen[0][boost::beast::http::field::host], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen[0][boost::beast::http::field::connection], "close");
  EXPECT_EQ(seen[0][boost::beast::http::field::user_agent], "custom/2");
  EXPECT_EQ(seen[0].body(), "abc");
}

TEST(HttpClient, ReturnsARedirectWithoutFollowingIt) {
  LoopbackServer server([](const LoopbackServer::Request& req) -> std::optional<std::string> {
    if (req.target() == "/start") return http_response(302, "Found", "", "Location: /next\r\n");
    return http_response(200, "OK", "followed");
  });
  ClientHarness h;
  const auto r = h.get(server.url("/start"));
  ASSERT_TRUE(r.response) << r.detail;
  EXPECT_EQ(r.response->status, 302);
  EXPECT_EQ(r.response->header("Location"), "/next");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpClient, ReturnsErrorStatusesAsResponses) {
  LoopbackServer server(always(http_response(503, "Service Unavailable", "later", "Retry-After: 7\r\n")));
  ClientHarness h;
  const auto r = h.get(server.url());
  ASSERT_TRUE(r.response) << r.detail;
  EXPECT_FALSE(r.failure);
  EXPECT_EQ(r.response->status, 503);
  EXPECT_EQ(r.response->header("retry-after"), "7");
}

TEST(HttpClient, AcceptsABodyExactlyAtTheCap) {
  LoopbackServer server(always(http_response(200, "OK", std::string(1024, 'x'))));
  ClientHarness h;
  OutboundRequest req;
  req.url = server.url();
  req.max_response_bytes = 1024;
  const auto r = h.send(req);
  ASSERT_TRUE(r.response) << r.detail;
  EXPECT_EQ(r.response->body.size(), 1024u);
}

TEST(HttpClient, RefusesADeclaredBodyOverTheCap) {
  LoopbackServer server(always(http_response(200, "OK", std::string(100 * 1024, 'x'))));
  ClientHarness h;
  OutboundRequest req;
  req.url = server.url();
  req.max_response_bytes = 1024;
  const auto r = h.send(req);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::response_too_large) << r.detail;
  // The status line and headers arrived, so they are kept; the body is not.
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status, 200);
  EXPECT_TRUE(r.response->body.empty());
}

TEST(HttpClient, RefusesAChunkedBodyOverTheCap) {
  std::string raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 8; ++i) raw += "200\r\n" + std::string(512, 'y') + "\r\n";
  raw += "0\r\n\r\n";
  LoopbackServer server(always(raw));
  ClientHarness h;
  OutboundRequest req;
  req.url = server.url();
  req.max_response_bytes = 2000;
  const auto r = h.send(req);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::response_too_large) << r.detail;
}

TEST(HttpClient, RefusesAnOversizedHeaderAsProtocolFailure) {
  LoopbackServer server(always(http_response(200, "OK", "", "X-Big: " + std::string(20 * 1024, 'h') + "\r\n")));
  ClientHarness h;
  const auto r = h.get(server.url());
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::protocol) << r.detail;
}

TEST(HttpClient, ReadsNoBodyForHead) {
  // A HEAD answer carries the GET's Content-Length but no body.
  LoopbackServer server(always("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n"));
  ClientHarness h;
  OutboundRequest req;
  req.method = boost::beast::http::verb::head;
  req.url = server.url();
  const auto r = h.send(req);
  ASSERT_TRUE(r.response) << r.detail;
  EXPECT_EQ(r.response->status, 200);
  EXPECT_EQ(r.response->body, "");
}

TEST(HttpClient, SkipsInterimResponses) {
  LoopbackServer server(always("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n" +
                               http_response(201, "Created", "made")));
  ClientHarness h;
  const auto r = h.get(server.url());
  ASSERT_TRUE(r.response) << r.detail;
  EXPECT_EQ(r.response->status, 201);
  EXPECT_EQ(r.response->body, "made");
}

TEST(HttpClient, TimesOutWhenTheServerNeverAnswers) {
  LoopbackServer server([](const LoopbackServer::Request&) { return std::optional<std::string>(); });
  ClientHarness h;
  const auto started = std::chrono::steady_clock::now();
  const auto r = h.get(server.url(), 300ms);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(r.response);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::timeout) << r.detail;
  EXPECT_NE(r.detail.find("reading the response"), std::string::npos) << r.detail;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
  EXPECT_GE(r.elapsed, 300ms);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpClient, ClosedPortIsAConnectFailure) {
  // Bound but not listening: the port is ours and refuses connections.
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket holder(io);
  holder.open(boost::asio::ip::tcp::v4());
  holder.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = holder.local_endpoint().port();
  ClientHarness h;
  const auto r = h.get("http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::connect) << r.detail;
}

TEST(HttpClient, UnresolvableHostIsADnsFailure) {
  ClientHarness h;
  // A label over 63 octets cannot be encoded in a DNS query, so the resolver
  // fails locally: the test sends nothing beyond this machine.
  const auto r = h.get("http://" + std::string(70, 'a') + ".invalid/");
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::dns) << r.detail;
}

TEST(HttpClient, ServerClosingWithoutAnAnswerIsAProtocolFailure) {
  LoopbackServer server(always(""));
  ClientHarness h;
  const auto r = h.get(server.url());
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::protocol) << r.detail;
}

TEST(HttpClient, GarbageIsAProtocolFailure) {
  LoopbackServer server(always("SMTP ready\r\n\r\n"));
  ClientHarness h;
  const auto r = h.get(server.url());
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::protocol) << r.detail;
}

TEST(HttpClient, TruncatedBodyIsAProtocolFailure) {
  LoopbackServer server(always("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a little"));
  ClientHarness h;
  const auto r = h.get(server.url());
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::protocol) << r.detail;
}

TEST(HttpClient, AddressPolicyBlocksLoopbackBeforeConnecting) {
  LoopbackServer server(always(http_response(200, "OK", "should not be reached")));
  ClientHarness h;  // allow_private_destinations = false
  OutboundRequest req;
  req.url = server.url();
  req.enforce_address_policy = true;
  const auto r = h.send(req);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::blocked_address) << r.detail;
  EXPECT_NE(r.detail.find("loopback"), std::string::npos) << r.detail;
  EXPECT_EQ(server.connections(), 0);
}

TEST(HttpClient, AddressPolicyChecksResolvedNamesToo) {
  LoopbackServer server(always(http_response(200, "OK", "should not be reached")));
  ClientHarness h;
  OutboundRequest req;
  req.url = "http://localhost:" + std::to_string(server.port()) + "/";
  req.enforce_address_policy = true;
  const auto r = h.send(req);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::blocked_address) << r.detail;
  EXPECT_EQ(server.connections(), 0);
}

TEST(HttpClient, AddressPolicyAllowsLoopbackWhenPrivateDestinationsAreAllowed) {
  LoopbackServer server(always(http_response(200, "OK", "ok")));
  ClientHarness h(allow_private());
  OutboundRequest req;
  req.url = server.url();
  req.enforce_address_policy = true;
  const auto r = h.send(req);
  ASSERT_TRUE(r.response) << r.detail;
  EXPECT_EQ(r.response->status, 200);
}

TEST(HttpClient, AddressPolicyStillRefusesUnspecifiedWhenPrivateIsAllowed) {
  ClientHarness h(allow_private());
  OutboundRequest req;
  req.url = "http://0.0.0.0:9/";
  req.enforce_address_policy = true;
  const auto r = h.send(req);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::blocked_address) << r.detail;
}

TEST(HttpClient, AddressPolicyIsNotAppliedToTrustedRequests) {
  LoopbackServer server(always(http_response(200, "OK", "ok")));
  ClientHarness h;  // private not allowed, but the request does not ask for the policy
  const auto r = h.get(server.url());
  ASSERT_TRUE(r.response) << r.detail;
  EXPECT_EQ(r.response->status, 200);
}

TEST(HttpClient, RefusesInvalidUrlsWithoutConnecting) {
  LoopbackServer server(always(http_response(200, "OK", "")));
  const std::string port = std::to_string(server.port());
  ClientHarness h;
  for (const std::string& url :
       std::vector<std::string>{"ftp://127.0.0.1:" + port + "/", "http:///path", "http://", "/relative/only",
                                "not a url", "http://user:pw@127.0.0.1:" + port + "/",
                                "http://user@127.0.0.1:" + port + "/", "http://@127.0.0.1:" + port + "/",
                                "http://127.0.0.1:0/", "http://127.0.0.1:99999/", "mailto:a@b.example", ""}) {
    const auto r = h.get(url);
    ASSERT_TRUE(r.failure) << url;
    EXPECT_EQ(*r.failure, FailureClass::invalid_url) << url << ": " << r.detail;
  }
  EXPECT_EQ(server.connections(), 0);
}

TEST(HttpClient, RefusesHeadersThatWouldInjectLines) {
  LoopbackServer server(always(http_response(200, "OK", "")));
  ClientHarness h;
  const std::vector<std::pair<std::string, std::string>> bad[] = {
      {{"X-Ok", "a\r\nX-Injected: 1"}}, {{"X-Bad Name", "v"}}, {{"", "v"}}, {{"X-Nul", std::string("a\0b", 3)}}};
  for (const auto& headers : bad) {
    OutboundRequest req;
    req.url = server.url();
    req.headers = headers;
    const auto r = h.send(req);
    ASSERT_TRUE(r.failure);
    EXPECT_EQ(*r.failure, FailureClass::invalid_url) << r.detail;
    EXPECT_EQ(r.detail.find("Injected"), std::string::npos);  // the detail never echoes headers
  }
  EXPECT_EQ(server.connections(), 0);
}

TEST(HttpClient, DetailNeverContainsTheRequestBody) {
  LoopbackServer server(always(""));
  ClientHarness h;
  OutboundRequest req;
  req.url = server.url();
  req.headers = {{"Authorization", "Bearer secret-token"}};
  req.body = "secret-body";
  const auto r = h.send(req);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.detail.find("secret"), std::string::npos) << r.detail;
}

TEST(HttpClient, MeasuresElapsedTimeWithTheInjectedClock) {
  test::ManualClock clock;
  LoopbackServer server([&clock](const LoopbackServer::Request&) -> std::optional<std::string> {
    clock.advance(1234ms);
    return http_response(200, "OK", "");
  });
  ClientHarness h({}, &clock);
  const auto r = h.get(server.url());
  ASSERT_TRUE(r.response) << r.detail;
  EXPECT_EQ(r.elapsed, 1234ms);
}

TEST(HttpClient, ServesManyConcurrentCallsOnAMultiThreadedExecutor) {
  LoopbackServer server([](const LoopbackServer::Request& req) -> std::optional<std::string> {
    return http_response(200, "OK", std::string(req.target()));
  });
  boost::asio::io_context io;
  core::SystemClock clock;
  HttpClient client(io.get_executor(), clock, {});
  constexpr int kCalls = 24;
  std::vector<std::future<OutboundResult>> results;
  for (int i = 0; i < kCalls; ++i) {
    OutboundRequest req;
    req.method = boost::beast::http::verb::get;
    req.url = server.url("/n/" + std::to_string(i));
    results.push_back(boost::asio::co_spawn(io, client.send(req), boost::asio::use_future));
  }
  std::thread second([&io] { io.run(); });
  io.run();
  second.join();
  for (int i = 0; i < kCalls; ++i) {
    const auto r = results[static_cast<std::size_t>(i)].get();
    ASSERT_TRUE(r.response) << r.detail;
    EXPECT_EQ(r.response->body, "/n/" + std::to_string(i));
  }
}

TEST(FailureClassNames, AreTheirWireForms) {
  EXPECT_EQ(to_string(FailureClass::invalid_url), "invalid_url");
  EXPECT_EQ(to_string(FailureClass::dns), "dns");
  EXPECT_EQ(to_string(FailureClass::blocked_address), "blocked_address");
  EXPECT_EQ(to_string(FailureClass::connect), "connect");
  EXPECT_EQ(to_string(FailureClass::tls), "tls");
  EXPECT_EQ(to_string(FailureClass::timeout), "timeout");
  EXPECT_EQ(to_string(FailureClass::protocol), "protocol");
  EXPECT_EQ(to_string(FailureClass::response_too_large), "response_too_large");
}

}  // namespace
}  // namespace postfuze::net
