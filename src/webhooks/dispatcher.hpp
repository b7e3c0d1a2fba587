// Dispatcher: delivers webhook jobs from the outbox (outbox.hpp). One per
// server process; several processes may share a database.
//
// A loop on its own strand claims due jobs (leased for `lease`, so a crashed
// process's jobs come back after the lease runs out), then runs each attempt
// as its own coroutine — at most `concurrency` in flight — through the async
// HTTP client: no thread ever waits on a receiver. Store work goes to the
// blocking pool. Between claims the loop sleeps on a timer for
// `poll_interval`, or less when wake() is called (after an emit in this
// process, or when a slot frees up).
//
// Thread safety: wake() and stop() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "crypto/key_ring.hpp"
#include "net/http_client.hpp"
#include "store/database.hpp"
#include "webhooks/outbox.hpp"
#include "webhooks/retry_policy.hpp"

namespace postfuze::webhooks {

struct DispatcherOptions {
  std::chrono::milliseconds poll_interval{500};
  std::chrono::milliseconds timeout{15'000};        // per attempt
  std::chrono::milliseconds lease{60'000};          // must exceed timeout
  std::chrono::milliseconds disable_after{5LL * 24 * 3600 * 1000};
  int concurrency = 256;
  std::vector<std::chrono::milliseconds> retry_schedule = default_retry_schedule();
};

class Dispatcher {
 public:
  Dispatcher(boost::asio::io_context& io, store::Database& db, boost::asio::thread_pool& blocking,
             const crypto::KeyRing& keys, const core::Clock& clock, core::Random& random, core::Logger& log,
             net::HttpClient& client, DispatcherOptions options);

  void start();
  void wake();
  void stop();
  const std::string& owner() const { return owner_; }

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> deliver(DueDelivery job);
  boost::asio::awaitable<void> finish(const DueDelivery& job, const AttemptOutcome& outcome);

  boost::asio::io_context& io_;
  store::Database& db_;
  boost::asio::thread_pool& blocking_;
  const crypto::KeyRing& keys_;
  const core::Clock& clock_;
  core::Random& random_;
  core::Logger& log_;
  net::HttpClient& client_;
  DispatcherOptions options_;
  RetryPolicy policy_;
  std::string owner_;  // this process's lease owner id

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;  // used on strand_ only
  std::atomic<int> in_flight_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> woken_{false};
};

}  // namespace postfuze::webhooks
