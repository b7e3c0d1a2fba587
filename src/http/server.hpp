// Server: the HTTP/1.1 listener and its connections (Boost.Beast, one
// coroutine per connection on its own strand; the io_context is run by one
// thread per core, outside this class).
//
// Per connection: an idle deadline while waiting for a request, a read deadline
// for the whole request (so a slow client cannot hold a connection), header
// and body limits (431 / 413 without reading the excess), keep-alive, an
// X-Request-Id on every response, and one JSON access-log line per request
// (method, path without query, status, duration, request id — never a body or
// header value). The handler never sees the socket; an exception escaping it
// becomes a 500 problem carrying the request id.
//
// Stream routes (add_stream_route): requests under a path prefix skip the
// body limit and the whole-request deadline and go, right after the header,
// to a StreamHandler that reads the body and writes the response in pieces
// under per-read and per-write deadlines (stream_exchange.hpp). They keep the
// access log, X-Request-Id, keep-alive and shutdown rules.
//
// Shutdown: stop accepting, close idle connections, let in-flight requests
// finish (their responses close the connection), and call `done` once every
// connection has ended or the grace period has passed, whichever is first.
//
// Thread safety: listen/start/shutdown may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "http/stream_exchange.hpp"

namespace postfuze::http {

struct ServerOptions {
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds read_timeout{10'000};   // first byte to complete request
  std::chrono::milliseconds idle_timeout{60'000};   // between requests on one connection
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_grace{10'000};
};

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, Handler handler, const core::Clock& clock,
         core::Logger& log, core::Random& random);
  ~Server();

  // Requests whose path starts with `prefix` (e.g. "/media-files/") go to
  // `handler`. Call before start(); the first matching prefix wins.
  void add_stream_route(std::string prefix, StreamHandler handler);

  // Binds and listens; port 0 picks a free port. Returns the bound endpoint.
  core::Result<boost::asio::ip::tcp::endpoint> listen(const std::string& address, std::uint16_t port);
  void start();
  void shutdown(std::function<void()> done);

 private:
  struct Connection;
  struct ReadOutcome {
    std::optional<Request> request;
    std::optional<core::Error> reject;
    std::string method, path;  // for the access log, when the header was read
    std::chrono::steady_clock::time_point started;
    // Set for a stream route: the header is read, the body is not.
    std::unique_ptr<StreamExchange::Parser> stream;
    const StreamHandler* stream_handler = nullptr;
    boost::urls::url target;
  };
  struct StreamRoute {
    std::string prefix;
    StreamHandler handler;
  };
  boost::asio::awaitable<ReadOutcome> read_request(Connection& conn, boost::beast::flat_buffer& buffer);
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<Response> respond(Request& req);
  // Runs a stream route; true when the connection may serve another request.
  boost::asio::awaitable<bool> serve_stream(Connection& conn, boost::beast::flat_buffer& buffer, ReadOutcome& in);
  // Stops sending, then discards what the client still sends, briefly.
  boost::asio::awaitable<void> linger(Connection& conn);
  boost::asio::awaitable<void> reject(Connection& conn, const core::Error& error, std::string_view method,
                                      std::string_view path);
  void access_log(std::string_view method, std::string_view path, unsigned status, std::string_view request_id,
                  std::chrono::steady_clock::time_point started);
  std::string new_request_id();

  boost::asio::io_context& io_;
  ServerOptions options_;
  Handler handler_;
  std::vector<StreamRoute> stream_routes_;  // fixed before start()
  const core::Clock& clock_;
  core::Logger& log_;
  core::Random& random_;
  boost::asio::ip::tcp::acceptor acceptor_;

  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::uint64_t next_id_ = 0;                                                // guarded by mu_
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections_;  // guarded by mu_
  std::function<void()> on_drained_;                                        // guarded by mu_
};

}  // namespace postfuze::http
