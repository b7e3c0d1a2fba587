// When a target tries again after a transient failure (D26): an exponential
// schedule (base × 1, 4, 20, 60, 240 — 30 s, 2 min, 10 min, 30 min, 2 h by
// default) with ±20 % jitter, never sooner than the platform's Retry-After;
// after `max_failures` consecutive failures the target fails for good.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "core/random.hpp"

namespace postfuze::publish {

struct RetryPolicy {
  std::chrono::milliseconds base{30'000};
  int max_failures = 5;

  // Delay before the next try after the `failures`-th consecutive failure (1-based).
  std::chrono::milliseconds delay(std::int64_t failures, std::optional<std::chrono::seconds> retry_after,
                                  core::Random& random) const;
  bool exhausted(std::int64_t failures) const { return failures >= max_failures; }
};

}  // namespace postfuze::publish
