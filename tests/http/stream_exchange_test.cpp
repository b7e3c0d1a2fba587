// The server's stream routes (http/stream_exchange.hpp) over real loopback
// sockets: bodies larger than the body limit both ways, a refusal before the
// body (Expect: 100-continue), per-read deadlines instead of one whole-request
// deadline, keep-alive, and answers when a handler fails.
#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/object.hpp>
#include <gtest/gtest.h>

#include "crypto/digest.hpp"
#include "crypto/secure_random.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "support/http_client.hpp"
#include "support/manual_clock.hpp"

namespace postfuze::http {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using tcp = net::ip::tcp;
using test::HttpConnection;

constexpr std::uint64_t kCap = 8 * 1024 * 1024;

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7) % 26);
  return s;
}

// Built outside the coroutines: GCC 12 cannot take these initialisers
// inside a co_await argument.
Response too_big() { return problem_response({core::ErrorCode::payload_too_large, "too big", {}, {}}); }
Response counted(const std::string& all) {
  boost::json::object o;
  o["bytes"] = all.size();
  o["sha256"] = crypto::sha256(all) == crypto::sha256(pattern(all.size()));
  return json_response(bhttp::status::ok, o);
}

// PUT /stream/count: reads the body under kCap (413 first for a larger
// declared length) and answers its size and SHA-256.
net::awaitable<void> count_body(StreamExchange& ex) {
  if (ex.content_length() && *ex.content_length() > kCap) {
    co_await ex.respond(too_big());
    co_return;
  }
  ex.limit_body(kCap);
  std::string all;
  std::array<char, 65536> buf;
  for (;;) {
    auto n = co_await ex.read(buf);
    if (!n) {
      co_await ex.respond(problem_response(n.error()));
      co_return;
    }
    if (*n == 0) break;
    all.append(buf.data(), *n);
  }
  co_await ex.respond(counted(all));
}

// GET /stream/bytes?n=N: N pattern bytes in 64 KiB pieces.
net::awaitable<void> send_bytes(StreamExchange& ex) {
  const std::size_t n = std::stoul(std::string((*ex.target().params().find("n")).value));
  const std::string body = pattern(n);
  bhttp::response_header<> h;
  h.result(bhttp::status::ok);
  h.set(bhttp::field::content_type, "application/octet-stream");
  h.set(bhttp::field::content_length, std::to_string(n));
  if (!co_await ex.begin(std::move(h))) co_return;
  for (std::size_t at = 0; at < n; at += 65536)
    if (!co_await ex.write(std::string_view(body).substr(at, 65536))) co_return;
  co_await ex.finish();
}

class StreamServer : public testing::Test {
 protected:
  StreamServer() {
    options_.read_timeout = 400ms;
    router_.add(bhttp::verb::post, "/echo", [](Request& req) -> net::awaitable<Response> {
      co_return json_response(bhttp::status::ok, {{"bytes", req.message.body().size()}});
    });
    server_ = std::make_unique<Server>(io_, options_, make_dispatcher(router_), clock_, log_, random_);
    server_->add_stream_route("/stream/", [](StreamExchange& ex) -> net::awaitable<void> {
      const std::string path(ex.target().encoded_path());
      if (path == "/stream/count") co_return co_await count_body(ex);
      if (path == "/stream/bytes") co_return co_await send_bytes(ex);
      if (path == "/stream/throw") throw std::runtime_error("boom");
      // "/stream/silent": answers nothing.
    });
    port_ = server_->listen("127.0.0.1", 0).value().port();
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~StreamServer() override {
    std::promise<void> done;
    server_->shutdown([&] { done.set_value(); });
    done.get_future().wait();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  // A raw client connection for timing-sensitive exchanges.
  struct Raw {
    explicit Raw(std::uint16_t port) { socket.connect({net::ip::make_address("127.0.0.1"), port}); }
    void send(const std::string& bytes) { net::write(socket, net::buffer(bytes)); }
    // Reads until `marker` appears (or the server closes).
    std::string read_until(const std::string& marker) {
      boost::system::error_code ec;
      net::read_until(socket, net::dynamic_buffer(buffer), marker, ec);
      return buffer;
    }
    std::string read_all() {
      boost::system::error_code ec;
      net::read(socket, net::dynamic_buffer(buffer), ec);
      return buffer;
    }
    net::io_context io;
    tcp::socket socket{io};
    std::string buffer;
  };

  ServerOptions options_;
  test::ManualClock clock_;
  core::Logger log_{clock_, core::LogLevel::warn};
  crypto::SecureRandom random_;
  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> work_ = net::make_work_guard(io_);
  Router router_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(StreamServer, AnUploadLargerThanTheBodyLimitStreamsThrough) {
  const std::string body = pattern(5 * 1024 * 1024);
  auto r = test::http_request(port_, bhttp::verb::put, "/stream/count", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("bytes").as_int64(), 5 * 1024 * 1024);
  EXPECT_EQ(r.json().at("sha256"), true);
  EXPECT_FALSE(r.header("x-request-id").empty());
  // The ordinary routes keep their 1 MiB limit.
  EXPECT_EQ(test::http_request(port_, bhttp::verb::post, "/echo", body).status, 413);
  EXPECT_EQ(test::http_request(port_, bhttp::verb::post, "/echo", "{}").status, 200);
}

TEST_F(StreamServer, ADownloadLargerThanTheBodyLimitStreamsOut) {
  auto r = test::http_request(port_, bhttp::verb::get, "/stream/bytes?n=" + std::to_string(5 * 1024 * 1024 + 3));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-length"), std::to_string(5 * 1024 * 1024 + 3));
  EXPECT_EQ(r.body, pattern(5 * 1024 * 1024 + 3));
}

TEST_F(StreamServer, ASlowUploadThatKeepsMovingOutlivesTheReadTimeout) {
  Raw c(port_);
  const std::size_t piece = 1000, pieces = 8;  // 8 pieces 150 ms apart: 1.2 s, three read timeouts
  c.send("PUT /stream/count HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(piece * pieces) +
         "\r\nConnection: close\r\n\r\n");
  const std::string body = pattern(piece * pieces);
  for (std::size_t i = 0; i < pieces; ++i) {
    std::this_thread::sleep_for(150ms);
    c.send(body.substr(i * piece, piece));
  }
  const std::string answer = c.read_all();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  EXPECT_NE(answer.find("\"bytes\":8000"), std::string::npos) << answer;
}

TEST_F(StreamServer, AStalledUploadIsCut) {
  Raw c(port_);
  c.send("PUT /stream/count HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n" + pattern(100));
  const auto start = std::chrono::steady_clock::now();
  c.read_all();  // the server gives up after the read timeout and closes
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(StreamServer, ADeclaredLengthOverTheCapIsRefusedInsteadOfContinue) {
  Raw c(port_);
  c.send("PUT /stream/count HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\nExpect: 100-continue\r\n\r\n");
  const std::string answer = c.read_all();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer;
  EXPECT_EQ(answer.find("100 Continue"), std::string::npos);
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);
}

TEST_F(StreamServer, ExpectContinueIsAnsweredWhenTheHandlerReads) {
  Raw c(port_);
  c.send("PUT /stream/count HTTP/1.1\r\nHost: x\r\nContent-Length: 26\r\nExpect: 100-continue\r\n"
         "Connection: close\r\n\r\n");
  EXPECT_TRUE(c.read_until("\r\n\r\n").starts_with("HTTP/1.1 100 Continue"));
  c.send(pattern(26));
  const std::string answer = c.read_all();
  EXPECT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"bytes\":26"), std::string::npos);
}

TEST_F(StreamServer, KeepAliveCarriesStreamAndOrdinaryRequests) {
  HttpConnection conn(port_);
  EXPECT_EQ(conn.request(bhttp::verb::put, "/stream/count", pattern(70000)).status, 200);
  EXPECT_EQ(conn.request(bhttp::verb::get, "/stream/bytes?n=100000").body, pattern(100000));
  EXPECT_EQ(conn.request(bhttp::verb::post, "/echo", "{}").status, 200);
  EXPECT_EQ(conn.request(bhttp::verb::put, "/stream/count", pattern(10)).status, 200);
  EXPECT_FALSE(conn.closed_by_server(50ms));
}

TEST_F(StreamServer, AHandlerThatFailsOrAnswersNothingGets500) {
  for (const char* path : {"/stream/throw", "/stream/silent"}) {
    auto r = test::http_request(port_, bhttp::verb::get, path);
    EXPECT_EQ(r.status, 500) << path;
    EXPECT_EQ(r.json().at("code"), "internal") << path;
    EXPECT_FALSE(r.header("x-request-id").empty());
  }
}

TEST_F(StreamServer, AClientRequestIdIsEchoed) {
  auto r = test::http_request(port_, bhttp::verb::get, "/stream/bytes?n=5", "", {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(r.header("x-request-id"), "abc-123");
}

}  // namespace
}  // namespace postfuze::http
