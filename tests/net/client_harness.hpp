// Runs HttpClient calls to completion from a test body: the client gets its
// own io_context, driven on the test's thread until the call finishes.
// Header-only: the net_tests binary compiles only *_test.cpp files.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <utility>

#include "core/clock.hpp"
#include "net/http_client.hpp"

namespace postfuze::test {

template <class T>
T run_to_completion(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
  auto result = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.restart();
  io.run();
  return result.get();
}

class ClientHarness {
 public:
  explicit ClientHarness(net::HttpClientOptions options = {}, const core::Clock* clock = nullptr)
      : client_(io_.get_executor(), clock ? *clock : system_clock_, std::move(options)) {}

  net::OutboundResult send(net::OutboundRequest request) {
    return run_to_completion(io_, client_.send(std::move(request)));
  }

  net::OutboundResult get(std::string url, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    net::OutboundRequest request;
    request.method = boost::beast::http::verb::get;
    request.url = std::move(url);
    request.timeout = timeout;
    return send(std::move(request));
  }

  boost::asio::io_context& io() { return io_; }
  net::HttpClient& client() { return client_; }

 private:
  boost::asio::io_context io_;
  core::SystemClock system_clock_;
  net::HttpClient client_;
};

}  // namespace postfuze::test
