// RetryPolicy: what one delivery attempt's outcome means (docs/webhooks.md).
// Success is any 2xx, whatever the size of the body (it is not read past the cap). Network errors, timeouts, 408, 429 and 5xx are retried
// on the schedule (delays measured from the attempt that failed), with ±10%
// jitter, and later when the receiver's Retry-After asks for more; 410 Gone
// ends the delivery and disables the endpoint; any other status (3xx
// included — redirects are never followed) ends the delivery. After the last
// scheduled retry the delivery has failed. Immutable: thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "net/http_client.hpp"

namespace postfuze::webhooks {

// Delay before attempt 2, 3, …: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (≈ 3 days in all).
const std::vector<std::chrono::milliseconds>& default_retry_schedule();

struct AttemptVerdict {
  enum class Kind { succeeded, retry, failed };
  Kind kind = Kind::failed;
  std::chrono::milliseconds delay{0};  // for retry
  bool disable_endpoint = false;       // 410 Gone
  std::string error_class;             // empty on success; "http_<status>" or a net::FailureClass name
};

class RetryPolicy {
 public:
  explicit RetryPolicy(std::vector<std::chrono::milliseconds> schedule = default_retry_schedule());

  // `attempt` is the number of the attempt that just ran (1 = first).
  AttemptVerdict judge(const net::OutboundResult& result, int attempt, core::Random& random) const;
  int max_attempts() const { return static_cast<int>(schedule_.size()) + 1; }

 private:
  std::vector<std::chrono::milliseconds> schedule_;
};

// Parses "0,5,300" (seconds, decimals allowed) into delays.
std::optional<std::vector<std::chrono::milliseconds>> parse_retry_schedule(std::string_view text);
// Retry-After as delta-seconds (HTTP-dates are treated as absent).
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value);

}  // namespace postfuze::webhooks
