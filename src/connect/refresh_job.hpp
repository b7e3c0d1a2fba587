// RefreshJob: renews tokens before they expire (docs/decisions.md D22). Every
// `poll_interval` it asks the store for active accounts of refreshable
// platforms whose token expires within the largest platform margin (and that
// are not waiting out a transient failure), and renews each through
// token_service's access_token() — so the single-flight claim, the status
// transitions and the events are the same as on demand. At most
// `concurrency` renewals run at once; each is a coroutine, no thread waits on
// a platform. Several processes may run it against one database.
// Thread safety: start() and stop() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "connect/connect_services.hpp"

namespace postfuze::connect {

struct RefreshJobOptions {
  std::chrono::milliseconds poll_interval{60'000};
  int concurrency = 16;
  int batch = 100;
};

class RefreshJob {
 public:
  RefreshJob(boost::asio::io_context& io, ConnectDeps deps, RefreshJobOptions options);
  void start();
  void stop();

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<int> sweep();

  boost::asio::io_context& io_;
  ConnectDeps deps_;
  RefreshJobOptions options_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopping_{false};
};

}  // namespace postfuze::connect
