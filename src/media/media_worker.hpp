// MediaWorker: finishes what confirm and thumbnail requests queued
// (processing.hpp, media_job_store.hpp), and purges expired media. Every
// `poll_interval` — or at once when woken — it claims due jobs with a lease
// and runs each as a coroutine: download the original from the object store
// into a scratch dir, probe and cut frames with the tools (child processes,
// no thread waits), upload the JPEG, and write the asset and the job's end
// in one transaction under the lease. A crash leaves the job leased; when the
// lease runs out any process claims it again and starts it over (every step
// can be repeated: the thumbnail key is the job's own).
//
// Outcomes: a file the tools cannot read ends the asset failed/corrupt_file
// ("process") or leaves its old thumbnail ("thumbnail"); anything else
// (object store, store, a tool's deadline) is retried with backoff until
// `max_attempts` claims, then gives up the same way with processing_failed.
//
// The purge sweep (at start, then every `purge_interval`) marks assets past
// purge_at that no unsettled post uses as deleted, then removes their
// objects. Media events are not in the contract's event list (§23.1), so
// outcomes are logged only.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "media/media_job_store.hpp"
#include "media/probe.hpp"
#include "media/processing.hpp"

namespace postfuze::media {

struct MediaWorkerOptions {
  std::chrono::milliseconds poll_interval{1'000};
  // How long a claim lasts; renewed between steps, so it only needs to
  // outlast the longest single step (a download or one tool run).
  std::chrono::milliseconds lease{600'000};
  int max_in_flight = 2;  // ffmpeg is CPU-bound: a couple at a time per process
  int max_attempts = 5;
  std::chrono::milliseconds retry_base{5'000};  // doubled per attempt, capped at 10 minutes
  std::chrono::milliseconds purge_interval{600'000};
  int thumbnail_width = 640;
  // Test knob (POSTFUZE_MEDIA_PROCESS_DELAY_MS): wait this long after a claim
  // before working, so a test can kill the process while a job is leased.
  std::chrono::milliseconds process_delay{0};
  ToolOptions tools;
};

class MediaWorker {
 public:
  MediaWorker(boost::asio::io_context& io, MediaDeps deps, MediaWorkerOptions options);
  // Clears the scratch dir a previous run may have left, then starts the
  // claim loop and the purge sweep.
  void start();
  void stop();
  // A job was queued: claim now instead of at the next poll.
  void wake();

  // One pass: claims what is due and returns when every claimed job has
  // ended its turn. Returns how many were claimed (tests).
  boost::asio::awaitable<int> drain();
  // One purge sweep; returns how many assets were purged.
  boost::asio::awaitable<int> purge();

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> purge_loop();
  boost::asio::awaitable<int> claim_and_spawn(bool wait_for_all);
  boost::asio::awaitable<void> run_job(MediaJob job);

  boost::asio::io_context& io_;
  MediaDeps deps_;
  MediaWorkerOptions options_;
  std::string owner_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer purge_timer_;
  std::atomic<int> in_flight_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace postfuze::media
