// PublishWorker: the delivery engine (contract §17–18, D26). Every
// `poll_interval` — or at once when woken by a new post — it claims due
// targets from the queue (target_queue.hpp) with a lease and runs each as its
// own coroutine (target_run.hpp), so a post to 100 accounts runs its targets
// concurrently; per-account and per-app limits from the catalogue bound the
// creates in flight (KeyedLimiter, per process). Several processes may run
// workers on one database.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "connect/connect_services.hpp"
#include "publish/keyed_limiter.hpp"
#include "publish/retry_policy.hpp"
#include "publish/target_run.hpp"

namespace postfuze::publish {

struct PublishWorkerOptions {
  std::chrono::milliseconds poll_interval{1'000};
  // How long a claim lasts without a write; longer than any one platform call.
  std::chrono::milliseconds lease{60'000};
  int max_in_flight = 512;
  RetryPolicy retry;
  media::ObjectStore* objects = nullptr;  // where media bytes live; null: posts with media fail media_unavailable
  std::chrono::seconds media_url_ttl{6 * 3600};
  std::chrono::milliseconds media_wait{5'000};
};

class PublishWorker {
 public:
  PublishWorker(boost::asio::io_context& io, connect::ConnectDeps deps, PublishWorkerOptions options);
  void start();
  void stop();
  // New due work (a post was created): claim now instead of at the next poll.
  void wake();

  // One pass: claims what is due and returns when every claimed target has
  // finished its turn. Returns how many targets were claimed (tests, benches).
  boost::asio::awaitable<int> drain();

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<int> claim_and_spawn(bool wait_for_all);
  boost::asio::awaitable<void> publish_target(std::string target_id);

  boost::asio::io_context& io_;
  connect::ConnectDeps deps_;
  PublishWorkerOptions options_;
  RunSettings settings_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  KeyedLimiter limiter_;
  std::atomic<int> in_flight_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace postfuze::publish
