// End to end over loopback against the real binary: the HTTP core — health,
// request ids, routing errors, limits, timeouts, keep-alive, shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "support/server_fixture.hpp"

namespace postfuze::test {
namespace {

class HttpCore : public ServerTest {
  Env extra_env() const override {
    return {{"POSTFUZE_READ_TIMEOUT_MS", "400"}, {"POSTFUZE_IDLE_TIMEOUT_MS", "800"}};
  }
};

void expect_problem(const HttpResult& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  const auto j = r.json().as_object();
  EXPECT_EQ(j.at("type").as_string(), "about:blank");
  EXPECT_EQ(j.at("status").as_int64(), status);
  EXPECT_FALSE(j.at("title").as_string().empty());
  EXPECT_TRUE(j.contains("detail"));
  EXPECT_EQ(j.at("code").as_string(), code);
}

TEST_P(HttpCore, HealthAnswersWithoutAKey) {
  const auto r = http_request(port(), verb::get, "/api/v1/health");
  ASSERT_EQ(r.status, 200);
  const auto j = r.json().as_object();
  EXPECT_EQ(j.at("ok").as_bool(), true);
  EXPECT_EQ(j.at("service").as_string(), "PostFuze");
  const std::string time(j.at("time").as_string());
  EXPECT_EQ(time.size(), 24u);
  EXPECT_EQ(time.back(), 'Z');
}

TEST_P(HttpCore, EveryResponseCarriesARequestIdAndSaneClientIdsAreEchoed) {
  const auto generated = http_request(port(), verb::get, "/api/v1/health");
  EXPECT_GE(generated.header("x-request-id").size(), 16u);
  const auto echoed = http_request(port(), verb::get, "/api/v1/health", "", {{"X-Request-Id", "client-abc.123"}});
  EXPECT_EQ(echoed.header("x-request-id"), "client-abc.123");
  const auto insane =
      http_request(port(), verb::get, "/api/v1/health", "", {{"X-Request-Id", "bad id with spaces\"<>"}});
  EXPECT_NE(insane.header("x-request-id"), "bad id with spaces\"<>");
  EXPECT_FALSE(insane.header("x-request-id").empty());
  const auto not_found = http_request(port(), verb::get, "/nope");
  EXPECT_FALSE(not_found.header("x-request-id").empty());
}

TEST_P(HttpCore, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  expect_problem(http_request(port(), verb::get, "/api/v1/no-such-thing"), 404, "not_found");
  expect_problem(http_request(port(), verb::get, "/api/v1/health/"), 404, "not_found");
  const auto r = http_request(port(), verb::post, "/api/v1/health", "{}", {{"Content-Type", "application/json"}});
  expect_problem(r, 405, "method_not_allowed");
  EXPECT_EQ(r.header("allow"), "GET");
  const auto keys = call(verb::put, "/api/v1/api-keys", key_, "{}");
  expect_problem(keys, 405, "method_not_allowed");
  EXPECT_EQ(keys.header("allow"), "GET, POST");
}

TEST_P(HttpCore, MalformedJsonIs400AndWrongContentTypeIs415) {
  expect_problem(call(verb::post, "/api/v1/api-keys", key_, "{\"name\": "), 400, "invalid_json");
  expect_problem(call(verb::post, "/api/v1/api-keys", key_, "[1,2]"), 422, "validation_failed");
  std::string deep(100, '[');
  deep += std::string(100, ']');
  expect_problem(call(verb::post, "/api/v1/api-keys", key_, deep), 400, "invalid_json");
  const auto r = http_request(port(), verb::post, "/api/v1/api-keys", "name=x",
                              {{"Authorization", "Bearer " + key_}, {"Content-Type", "application/x-www-form-urlencoded"}});
  expect_problem(r, 415, "unsupported_media_type");
  const auto missing = http_request(port(), verb::post, "/api/v1/api-keys", "{}", {{"Authorization", "Bearer " + key_}});
  expect_problem(missing, 415, "unsupported_media_type");
}

TEST_P(HttpCore, BodyOverTheLimitIs413WithoutReadingIt) {
  const std::string big(1024 * 1024 + 1, 'x');
  const auto r = call(verb::post, "/api/v1/api-keys", key_, big);
  expect_problem(r, 413, "payload_too_large");
  // Declared but never sent: the answer comes from the header alone.
  const auto raw = raw_exchange(port(),
                                "POST /api/v1/api-keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                "Content-Length: 1073741824\r\n\r\n{");
  EXPECT_NE(raw.find("HTTP/1.1 413"), std::string::npos) << raw;
  // Chunked bodies are held to the same limit.
  std::string chunked =
      "POST /api/v1/api-keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(64 * 1024, 'a');
  for (int i = 0; i < 20; ++i) chunked += "10000\r\n" + chunk + "\r\n";
  chunked += "0\r\n\r\n";
  const auto raw_chunked = raw_exchange(port(), chunked);
  EXPECT_NE(raw_chunked.find("HTTP/1.1 413"), std::string::npos) << raw_chunked.substr(0, 200);
  // The server is still fine.
  EXPECT_EQ(http_request(port(), verb::get, "/api/v1/health").status, 200);
}

TEST_P(HttpCore, OversizedHeadersAre431) {
  const auto raw = raw_exchange(port(), "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                            std::string(32 * 1024, 'h') + "\r\n\r\n");
  EXPECT_NE(raw.find("HTTP/1.1 431"), std::string::npos) << raw.substr(0, 200);
}

TEST_P(HttpCore, GarbageIs400AndTheConnectionCloses) {
  const auto raw = raw_exchange(port(), "THIS IS NOT HTTP\r\n\r\n");
  EXPECT_NE(raw.find("HTTP/1.1 400"), std::string::npos) << raw;
  EXPECT_NE(raw.find("application/problem+json"), std::string::npos);
}

TEST_P(HttpCore, ASlowClientIsCutOffByTheReadTimeout) {
  // Half a request, then silence: the server must close within its 400 ms read
  // timeout, not wait for the rest.
  const auto started = std::chrono::steady_clock::now();
  const auto raw = raw_exchange(port(), "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: 1",
                                std::chrono::milliseconds(5000));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(raw.empty()) << raw;
  EXPECT_LT(took, std::chrono::milliseconds(4000));
  EXPECT_EQ(http_request(port(), verb::get, "/api/v1/health").status, 200);
}

TEST_P(HttpCore, KeepAliveServesSeveralRequestsOnOneConnectionThenIdlesOut) {
  HttpConnection conn(port());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(conn.request(verb::get, "/api/v1/health").status, 200);
  EXPECT_TRUE(conn.closed_by_server(std::chrono::milliseconds(4000)));
}

TEST_P(HttpCore, SigtermWithAnIdleConnectionOpenExitsCleanly) {
  HttpConnection conn(port());
  EXPECT_EQ(conn.request(verb::get, "/api/v1/health").status, 200);
  EXPECT_EQ(server_->stop(SIGTERM, std::chrono::milliseconds(5000)), 0);
  EXPECT_NE(server_->log_text().find("\"msg\":\"stopped\""), std::string::npos);
}

TEST_P(HttpCore, SigtermLetsARequestInFlightFinish) {
  // Half a request is on the wire when SIGTERM arrives; the rest follows. The
  // server must answer it, close that connection, and then exit cleanly.
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port()});
  const std::string body = R"({"name":"in flight"})";
  const std::string head = "POST /api/v1/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key_ +
                           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\n\r\n";
  // One whole request first, so the server has surely accepted this connection.
  boost::asio::write(socket, boost::asio::buffer(std::string("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")));
  boost::beast::flat_buffer buffer;
  boost::beast::http::response<boost::beast::http::string_body> health;
  boost::beast::http::read(socket, buffer, health);
  ASSERT_EQ(health.result_int(), 200);
  boost::asio::write(socket, boost::asio::buffer(head + body.substr(0, 5)));
  ::kill(server_->pid(), SIGTERM);
  ASSERT_TRUE(wait_until([&] { return server_->log_text().find("\"msg\":\"shutting down\"") != std::string::npos; }));
  boost::asio::write(socket, boost::asio::buffer(body.substr(5)));
  std::string response;
  boost::system::error_code ec;
  for (char buf[4096];;) {
    const auto n = socket.read_some(boost::asio::buffer(buf), ec);
    if (ec) break;
    response.append(buf, n);
  }
  EXPECT_NE(response.find("HTTP/1.1 201"), std::string::npos) << response;
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
  EXPECT_EQ(server_->stop(0, std::chrono::milliseconds(5000)), 0);  // already told: just wait for the exit
}

TEST_P(HttpCore, AccessLogHasOneLinePerRequestAndNoSecretsOrQuery) {
  const auto r = call(verb::get, "/api/v1/api-keys?limit=5&token=supersecretvalue", key_);
  ASSERT_EQ(r.status, 200);
  const auto created = issue_key(R"({"name":"logged","scopes":["posts:write"]})");
  // Access lines are written after the response, each by its own connection's
  // thread, so wait for both (the GET's may land after the POST's).
  ASSERT_TRUE(wait_until([&] {
    const std::string text = server_->log_text();
    return text.find("\"method\":\"POST\"") != std::string::npos && text.find("\"status\":200") != std::string::npos;
  }));
  const std::string log = server_->log_text();
  EXPECT_NE(log.find("\"path\":\"/api/v1/api-keys\""), std::string::npos);
  EXPECT_NE(log.find("\"request_id\""), std::string::npos);
  EXPECT_NE(log.find("\"status\":200"), std::string::npos);
  EXPECT_EQ(log.find("supersecretvalue"), std::string::npos);
  EXPECT_EQ(log.find(key_), std::string::npos);
  EXPECT_EQ(log.find(created.second), std::string::npos);
  EXPECT_EQ(log.find(kTestEncryptionKeys), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, HttpCore, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
