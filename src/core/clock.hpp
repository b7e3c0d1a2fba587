// Clock: the only door to wall-clock time. Production code takes a Clock&
// and never reads the system clock itself (tools/check_style.sh enforces
// it), so tests can drive expiry and windows with a manual clock.
// Implementations must be safe to call from any thread.
#pragma once

#include <chrono>

namespace postfuze::core {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // Monotonic time for measuring durations and deadlines; never goes back.
  virtual std::chrono::steady_clock::time_point monotonic() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
  std::chrono::steady_clock::time_point monotonic() const override;
};

inline std::int64_t to_unix_ms(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_unix_ms(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

}  // namespace postfuze::core
