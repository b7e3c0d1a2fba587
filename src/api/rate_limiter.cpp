#include "api/rate_limiter.hpp"

#include <algorithm>

namespace postfuze::api {

using boost::beast::http::verb;

const std::vector<BucketRule>& default_bucket_rules() {
  // Contract §6. The first rule is the global bucket and applies to everything.
  static const std::vector<BucketRule> rules = {
      {"global", "/", {}, 600, false},
      {"posts:write", "/api/v1/posts", {verb::post, verb::patch, verb::delete_}, 120, false},
      {"media:write", "/api/v1/media", {verb::post, verb::delete_}, 60, false},
      {"bluesky:connect", "/api/v1/social-accounts/bluesky/connect", {verb::post}, 10, true},
      {"social-accounts:write", "/api/v1/social-accounts", {verb::post, verb::delete_}, 20, false},
      {"scheduling:write", "/api/v1/scheduling", {verb::put}, 60, false},
      {"team:write", "/api/v1/team", {verb::post, verb::delete_}, 30, false},
      {"profiles:write", "/api/v1/profiles", {verb::post, verb::patch, verb::delete_}, 30, false},
      {"webhooks:write", "/api/v1/webhooks", {verb::post, verb::patch, verb::delete_}, 60, false},
  };
  return rules;
}

std::vector<BucketRule> scaled_bucket_rules(int multiplier) {
  auto rules = default_bucket_rules();
  for (auto& r : rules) r.limit *= multiplier;
  return rules;
}

RateLimiter::RateLimiter(const core::Clock& clock, std::vector<BucketRule> rules, std::chrono::seconds window)
    : clock_(clock), rules_(std::move(rules)), window_ms_(window.count() * 1000) {}

namespace {
bool under(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return true;
  return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}
}  // namespace

std::vector<const BucketRule*> RateLimiter::buckets_for(verb method, std::string_view path) const {
  std::vector<const BucketRule*> out;
  const BucketRule* exclusive = nullptr;
  for (const auto& r : rules_) {
    if (!under(path, r.path_prefix)) continue;
    if (!r.methods.empty() && std::find(r.methods.begin(), r.methods.end(), method) == r.methods.end()) continue;
    if (r.exclusive) exclusive = &r;
    out.push_back(&r);
  }
  if (exclusive) {
    // An exclusive bucket replaces the other write buckets but not the global one.
    std::erase_if(out, [&](const BucketRule* r) { return r != exclusive && !r->methods.empty(); });
  }
  return out;
}

RateDecision RateLimiter::check(const core::OrgId& org, verb method, std::string_view path) {
  const auto rules = buckets_for(method, path);
  const std::int64_t now = core::to_unix_ms(clock_.now());
  const std::int64_t window_start = now - now % window_ms_;
  const int reset = static_cast<int>((window_start + window_ms_ - now + 999) / 1000);

  std::lock_guard lock(mu_);
  std::vector<Window*> windows;
  RateDecision tightest{true, 0, INT32_MAX, reset};
  for (const auto* r : rules) {
    auto& w = windows_[{org.value, r->name}];
    if (w.start_ms != window_start) w = Window{window_start, 0};
    windows.push_back(&w);
    const int remaining = r->limit - w.count;
    if (remaining <= 0) return RateDecision{false, r->limit, 0, reset};
    if (remaining - 1 < tightest.remaining) {
      tightest.limit = r->limit;
      tightest.remaining = remaining - 1;
    }
  }
  for (auto* w : windows) ++w->count;
  return tightest;
}

}  // namespace postfuze::api
