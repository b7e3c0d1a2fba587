// RateLimiter: per-organisation fixed 60-second windows over named buckets
// (contract §6). A request is counted against the global bucket and every
// write bucket its method and path belong to, and is refused as soon as any
// one is exhausted — in which case nothing is counted. The bucket table is
// data (rate_buckets.cpp). Counters live in this process; with several
// server processes each enforces the limits on its own share (decisions.md).
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/verb.hpp>

#include "core/clock.hpp"
#include "core/ids.hpp"

namespace postfuze::api {

struct BucketRule {
  std::string name;
  std::string path_prefix;  // matches the path itself and everything below it
  std::vector<boost::beast::http::verb> methods;  // empty: every method
  int limit = 0;            // requests per window
  bool exclusive = false;   // when it matches, other write buckets do not apply
};

const std::vector<BucketRule>& default_bucket_rules();
// The contract's rules with every limit multiplied (POSTFUZE_RATE_LIMIT_MULTIPLIER):
// operators of larger installations raise all buckets in proportion.
std::vector<BucketRule> scaled_bucket_rules(int multiplier);

struct RateDecision {
  bool allowed = true;
  int limit = 0;          // of the tightest bucket
  int remaining = 0;      // after this request
  int reset_seconds = 0;  // until that bucket's window ends
};

class RateLimiter {
 public:
  RateLimiter(const core::Clock& clock, std::vector<BucketRule> rules, std::chrono::seconds window = std::chrono::seconds(60));
  RateDecision check(const core::OrgId& org, boost::beast::http::verb method, std::string_view path);

 private:
  struct Window {
    std::int64_t start_ms = 0;
    int count = 0;
  };
  std::vector<const BucketRule*> buckets_for(boost::beast::http::verb method, std::string_view path) const;

  const core::Clock& clock_;
  std::vector<BucketRule> rules_;
  std::int64_t window_ms_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Window> windows_;  // (org, bucket) -> window; guarded by mu_
};

}  // namespace postfuze::api
