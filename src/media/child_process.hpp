// Child processes (ffprobe, ffmpeg) awaited without blocking a thread: the
// child is spawned with posix_spawnp, its stdout and stderr are read through
// pipes and its exit is awaited on a pidfd (Linux ≥ 5.3), all as Asio
// operations on the caller's executor. A deadline kills the child (SIGKILL
// through the pidfd, so a recycled pid is never signalled). No SIGCHLD
// handler is installed: the server's own signal handling is untouched.
//
// Safe to call from any number of coroutines at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/result.hpp"

namespace postfuze::media {

struct ProcessOptions {
  std::chrono::milliseconds timeout{60'000};
  // Output kept per stream; the rest is read and dropped (the child never
  // stalls on a full pipe).
  std::size_t max_output = 4 * 1024 * 1024;
};

struct ProcessResult {
  int exit_code = -1;     // the exit status; -1 when a signal ended the child
  int signal = 0;         // the signal that ended it, if any
  bool timed_out = false;  // the deadline passed and the child was killed
  std::string out;
  std::string err;
  bool ok() const { return exit_code == 0 && !timed_out; }
};

// Runs argv[0] (looked up on PATH) with argv, stdin from /dev/null. An error
// only when the child could not be started (internal: the tool is missing or
// the system refused); a child that fails or times out is a ProcessResult.
boost::asio::awaitable<core::Result<ProcessResult>> run_process(std::vector<std::string> argv,
                                                                ProcessOptions options);
inline boost::asio::awaitable<core::Result<ProcessResult>> run_process(std::vector<std::string> argv) {
  return run_process(std::move(argv), ProcessOptions{});
}

}  // namespace postfuze::media
