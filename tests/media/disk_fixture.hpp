// DiskFixture: a real DiskStore under a temp dir, served by a real
// http::Server on a loopback port with the /media-files/ stream route, on
// its own io_context thread; time from a ManualClock. Also helpers to run a
// store coroutine to completion and to send a presigned request with the
// test HTTP client. Header-only, for tests/media.
#pragma once

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/url/parse.hpp>
#include <gtest/gtest.h>

#include "core/log.hpp"
#include "crypto/secure_random.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "media/disk_store.hpp"
#include "media/media_file_routes.hpp"
#include "support/http_client.hpp"
#include "support/manual_clock.hpp"
#include "support/temp_dir.hpp"

namespace postfuze::test {

// Runs `op` on `io` (already running on another thread) and waits for it.
template <typename T>
boost::asio::awaitable<std::optional<T>> as_optional(boost::asio::awaitable<T> op) {
  co_return co_await std::move(op);
}
template <typename T>
T run_on(boost::asio::io_context& io, boost::asio::awaitable<T> op) {
  // Through optional: use_future needs a default-constructible result.
  return *boost::asio::co_spawn(io, as_optional(std::move(op)), boost::asio::use_future).get();
}

// Sends `req` (method, absolute loopback URL, its headers) plus `extra`
// headers and `body` with the test client.
inline HttpResult send_presigned(const media::PresignedRequest& req, const std::string& body = "",
                                 Headers extra = {}) {
  auto url = boost::urls::parse_absolute_uri(req.url);
  if (!url) throw std::runtime_error("not an absolute URL: " + req.url);
  Headers headers = req.headers;
  // Host with the port: SigV4 signs it.
  headers.emplace_back("Host", std::string(url->encoded_host_and_port()));
  for (auto& h : extra) headers.push_back(std::move(h));
  std::string target(url->encoded_path());
  if (url->has_query()) target += "?" + std::string(url->encoded_query());
  const auto method = boost::beast::http::string_to_verb(req.method);
  return http_request(static_cast<std::uint16_t>(url->port_number()), method, target, body, headers);
}

class DiskFixture {
 public:
  explicit DiskFixture(http::ServerOptions options = {})
      : log_(clock_, core::LogLevel::warn),
        store_(dir_.path() / "media", "http://127.0.0.1:0", media::UrlSigner(std::string(32, 'k')), clock_, random_),
        server_(io_, options, http::make_dispatcher(router_), clock_, log_, random_) {
    server_.add_stream_route(std::string(media::kMediaFilesPrefix), media::media_file_handler(store_, log_));
    auto bound = server_.listen("127.0.0.1", 0);
    if (!bound) throw std::runtime_error("listen failed");
    port_ = bound->port();
    store_.set_public_url("http://127.0.0.1:" + std::to_string(port_));
    server_.start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~DiskFixture() {
    std::promise<void> done;
    server_.shutdown([&] { done.set_value(); });
    done.get_future().wait();
    work_.reset();
    io_.stop();
    thread_.join();
  }

  template <typename T>
  T run(boost::asio::awaitable<T> op) {
    return run_on(io_, std::move(op));
  }

  boost::asio::io_context& io() { return io_; }
  ManualClock& clock() { return clock_; }
  media::DiskStore& store() { return store_; }
  std::uint16_t port() const { return port_; }
  std::filesystem::path media_root() const { return dir_.path() / "media"; }

 private:
  TempDir dir_{"postfuze-disk-store"};
  ManualClock clock_;
  crypto::SecureRandom random_;
  core::Logger log_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  media::DiskStore store_;
  http::Router router_;
  http::Server server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace postfuze::test
