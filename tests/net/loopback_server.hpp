// LoopbackServer: a tiny HTTP/1.1 server on 127.0.0.1 (port 0) for the
// outbound client's tests, running on a thread of its own. A Responder turns
// each request into the raw bytes to send back, so tests control the wire
// exactly (chunked bodies, oversized bodies, garbage); returning nullopt keeps
// the connection open without answering. With a TLS context, every
// connection does the server side of a handshake first.
// Header-only: the net_tests binary compiles only *_test.cpp files.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace postfuze::test {

class LoopbackServer {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Responder = std::function<std::optional<std::string>(const Request&)>;

  explicit LoopbackServer(Responder responder, boost::asio::ssl::context* tls = nullptr)
      : responder_(std::move(responder)), tls_(tls), acceptor_(io_) {
    namespace asio = boost::asio;
    const asio::ip::tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), 0};
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~LoopbackServer() {
    io_.stop();
    thread_.join();
  }

  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(std::string_view path = "/") const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  // Connections accepted so far (before any TLS handshake).
  int connections() const { return connections_.load(); }
  std::vector<Request> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  // The SNI name of each completed TLS handshake ("" when none was sent).
  std::vector<std::string> server_names() const {
    std::lock_guard lock(mu_);
    return server_names_;
  }

 private:
  boost::asio::awaitable<void> accept_loop() {
    namespace asio = boost::asio;
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      ++connections_;
      asio::co_spawn(io_, session(std::move(socket)), asio::detached);
    }
  }

  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket) {
    namespace asio = boost::asio;
    if (!tls_) {
      co_await serve(socket);
      co_return;
    }
    asio::ssl::stream<asio::ip::tcp::socket> stream(std::move(socket), *tls_);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    {
      std::lock_guard lock(mu_);
      server_names_.emplace_back(sni ? sni : "");
    }
    co_await serve(stream);
  }

  template <class Stream>
  boost::asio::awaitable<void> serve(Stream& stream) {
    namespace asio = boost::asio;
    constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
    boost::beast::flat_buffer buffer;
    Request request;
    auto [rec, rn] = co_await boost::beast::http::async_read(stream, buffer, request, use_tuple);
    if (rec) co_return;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    std::optional<std::string> reply = responder_(request);
    if (!reply) {
      // Hold the connection open, answering nothing, until the client leaves.
      char sink[512];
      for (;;) {
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
        if (ec) co_return;
      }
    }
    co_await asio::async_write(stream, asio::buffer(*reply), use_tuple);
    boost::system::error_code ignored;
    stream.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    // Wait for the client to close first, so unread bytes never turn into a reset.
    char sink[512];
    for (;;) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
      if (ec) co_return;
    }
  }

  Responder responder_;
  boost::asio::ssl::context* tls_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<int> connections_{0};
  mutable std::mutex mu_;
  std::vector<Request> requests_;
  std::vector<std::string> server_names_;
  std::thread thread_;
};

// A complete response with Content-Length.
inline std::string http_response(int status, std::string_view reason, std::string_view body,
                                 std::string_view extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n" + std::string(extra_headers) +
         "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + std::string(body);
}

}  // namespace postfuze::test
