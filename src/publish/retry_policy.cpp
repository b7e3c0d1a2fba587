#include "publish/retry_policy.hpp"

#include <algorithm>
#include <array>

namespace postfuze::publish {

std::chrono::milliseconds RetryPolicy::delay(std::int64_t failures, std::optional<std::chrono::seconds> retry_after,
                                             core::Random& random) const {
  static constexpr std::array<std::int64_t, 5> kFactors{1, 4, 20, 60, 240};
  const auto i = static_cast<std::size_t>(std::clamp<std::int64_t>(failures, 1, kFactors.size()) - 1);
  const auto nominal = base.count() * kFactors[i];
  // Jitter spreads retries of many targets that failed together.
  const auto spread = nominal / 5;
  std::uint64_t r = 0;
  random.fill({reinterpret_cast<unsigned char*>(&r), sizeof r});
  const auto jitter = spread > 0 ? static_cast<std::int64_t>(r % static_cast<std::uint64_t>(2 * spread + 1)) - spread : 0;
  std::chrono::milliseconds d{nominal + jitter};
  if (retry_after) d = std::max<std::chrono::milliseconds>(d, *retry_after);
  return d;
}

}  // namespace postfuze::publish
