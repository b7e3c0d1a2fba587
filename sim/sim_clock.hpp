// SimClock: the simulator's wall clock — the system clock plus an offset that
// tests move forward through POST /_sim/clock, so code and token expiry can be
// exercised without waiting (X's 30-second codes, for instance). Monotonic
// time is not shifted: it only measures durations. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/clock.hpp"

namespace postfuze::sim {

class SimClock final : public core::Clock {
 public:
  core::TimePoint now() const override { return system_.now() + std::chrono::milliseconds(offset_ms_.load()); }
  std::chrono::steady_clock::time_point monotonic() const override { return system_.monotonic(); }

  // Moves "now" forward (never back); returns the total offset.
  std::chrono::milliseconds advance(std::chrono::milliseconds by) {
    return std::chrono::milliseconds(offset_ms_ += by.count());
  }
  void reset() { offset_ms_ = 0; }

 private:
  core::SystemClock system_;
  std::atomic<std::int64_t> offset_ms_{0};
};

}  // namespace postfuze::sim
