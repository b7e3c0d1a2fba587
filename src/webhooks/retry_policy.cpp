#include "webhooks/retry_policy.hpp"

#include <charconv>

namespace postfuze::webhooks {

using std::chrono::milliseconds;

const std::vector<milliseconds>& default_retry_schedule() {
  using namespace std::chrono_literals;
  static const std::vector<milliseconds> schedule = {5s, 5min, 30min, 2h, 5h, 10h, 14h, 20h, 24h};
  return schedule;
}

RetryPolicy::RetryPolicy(std::vector<milliseconds> schedule) : schedule_(std::move(schedule)) {}

namespace {

// Longest Retry-After honoured; a receiver cannot park a delivery for longer.
constexpr milliseconds kMaxRetryAfter = std::chrono::hours(24);

milliseconds jitter(milliseconds delay, core::Random& random) {
  if (delay.count() < 10) return delay;
  std::uint32_t r = 0;
  random.fill({reinterpret_cast<unsigned char*>(&r), sizeof r});
  // Uniform in [-10%, +10%].
  const double factor = 0.9 + 0.2 * (static_cast<double>(r) / 4294967295.0);
  return milliseconds(static_cast<std::int64_t>(static_cast<double>(delay.count()) * factor));
}

}  // namespace

AttemptVerdict RetryPolicy::judge(const net::OutboundResult& result, int attempt, core::Random& random) const {
  AttemptVerdict v;
  bool retryable = false;
  std::optional<milliseconds> retry_after;
  if (result.response) {
    const int status = result.response->status;
    if (status >= 200 && status < 300) {
      v.kind = AttemptVerdict::Kind::succeeded;
      return v;
    }
    v.error_class = "http_" + std::to_string(status);
    retryable = status == 408 || status == 429 || status >= 500;
    v.disable_endpoint = status == 410;
    if (retryable) retry_after = parse_retry_after(result.response->header("Retry-After"));
  } else {
    const auto failure = result.failure.value_or(net::FailureClass::protocol);
    v.error_class = std::string(net::to_string(failure));
    // A destination that now resolves to a refused address, or a URL that
    // cannot be parsed, will not fix itself on the next try.
    retryable = failure != net::FailureClass::blocked_address && failure != net::FailureClass::invalid_url;
  }
  if (!retryable || attempt > static_cast<int>(schedule_.size())) {
    v.kind = AttemptVerdict::Kind::failed;
    return v;
  }
  v.kind = AttemptVerdict::Kind::retry;
  v.delay = jitter(schedule_[static_cast<std::size_t>(attempt - 1)], random);
  if (retry_after) v.delay = std::max(v.delay, std::min(*retry_after, kMaxRetryAfter));
  return v;
}

std::optional<std::vector<milliseconds>> parse_retry_schedule(std::string_view text) {
  std::vector<milliseconds> out;
  if (text.ends_with(',')) return std::nullopt;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string item(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    double seconds = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), seconds);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() ||
        !(seconds >= 0 && seconds <= 7 * 86400))
      return std::nullopt;
    out.emplace_back(static_cast<std::int64_t>(seconds * 1000));
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<milliseconds> parse_retry_after(std::string_view value) {
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || seconds < 0) return std::nullopt;
  return seconds > milliseconds::max().count() / 1000 ? milliseconds::max() : milliseconds(seconds * 1000);
}

}  // namespace postfuze::webhooks
