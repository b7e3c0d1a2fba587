// ManualClock: a core::Clock that only moves when a test says so. Wall time
// (now) and monotonic time move together through advance(). Thread-safe, so it
// can be shared with code under test that reads it from other threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

#include "core/clock.hpp"

namespace postfuze::test {

class ManualClock final : public core::Clock {
 public:
  // 2026-06-09T10:00:00.000Z unless told otherwise.
  static constexpr std::int64_t kDefaultStartMs = 1'780'999'200'000;

  explicit ManualClock(core::TimePoint start = core::from_unix_ms(kDefaultStartMs)) : wall_(start) {}

  core::TimePoint now() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }

  std::chrono::steady_clock::time_point monotonic() const override {
    std::lock_guard lock(mu_);
    return std::chrono::steady_clock::time_point(elapsed_);
  }

  // Moves both clocks forward. A negative step is ignored for monotonic time,
  // which never goes back, but applies to wall time (clocks can be reset).
  void advance(std::chrono::milliseconds step) {
    std::lock_guard lock(mu_);
    wall_ += step;
    if (step.count() > 0) elapsed_ += step;
  }
  void advance(std::int64_t ms) { advance(std::chrono::milliseconds(ms)); }

  // Sets wall time only (monotonic time is unaffected).
  void set(core::TimePoint t) {
    std::lock_guard lock(mu_);
    wall_ = t;
  }

 private:
  mutable std::mutex mu_;
  core::TimePoint wall_;
  std::chrono::steady_clock::duration elapsed_{std::chrono::hours(1)};
};

}  // namespace postfuze::test
