// RetryPolicy::judge: success, retry with the schedule's delay ±10% jitter,
// Retry-After (larger wins, capped at 24 h), 410 disabling the endpoint,
// final statuses, network failure classes, schedule exhaustion; and the two
// parsers behind configuration and Retry-After.
#include "webhooks/retry_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/secure_random.hpp"

namespace postfuze::webhooks {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using Kind = AttemptVerdict::Kind;

// A Random that returns one fixed byte forever: 0x00 draws the lowest jitter
// factor (0.9), 0xFF the highest (1.1).
class ConstantRandom final : public core::Random {
 public:
  explicit ConstantRandom(unsigned char b) : b_(b) {}
  void fill(std::span<unsigned char> out) override {
    for (auto& c : out) c = b_;
    ++calls;
  }
  int calls = 0;

 private:
  unsigned char b_;
};

net::OutboundResult response(int status, std::vector<std::pair<std::string, std::string>> headers = {}) {
  net::OutboundResult r;
  r.response = net::OutboundResponse{status, std::move(headers), ""};
  r.elapsed = 12ms;
  return r;
}

net::OutboundResult failure(net::FailureClass f) {
  net::OutboundResult r;
  r.failure = f;
  r.detail = "test";
  return r;
}

net::OutboundResult retry_after(int status, std::string value) {
  return response(status, {{"Retry-After", std::move(value)}});
}

// |a - b| <= 1 ms (the jitter truncates to whole milliseconds).
::testing::AssertionResult about(milliseconds actual, double expected_ms) {
  if (std::abs(static_cast<double>(actual.count()) - expected_ms) <= 1.0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << actual.count() << " ms, expected about " << expected_ms << " ms";
}

double ms(milliseconds d) { return static_cast<double>(d.count()); }

// ---------------------------------------------------------------------------
// The default schedule

TEST(RetryPolicy, DefaultScheduleIsNineDelaysOfAboutThreeDays) {
  const auto& s = default_retry_schedule();
  const std::vector<milliseconds> expected = {5s, 5min, 30min, 2h, 5h, 10h, 14h, 20h, 24h};
  EXPECT_EQ(s, expected);
  milliseconds total{0};
  for (auto d : s) total += d;
  EXPECT_GT(total, 72h);
  EXPECT_LT(total, 84h);
  EXPECT_EQ(RetryPolicy().max_attempts(), 10);
}

// ---------------------------------------------------------------------------
// Success and final statuses

TEST(RetryPolicy, Any2xxSucceeds) {
  const RetryPolicy p;
  ConstantRandom r(0x55);
  for (int status : {200, 201, 202, 204, 226, 299}) {
    const auto v = p.judge(response(status), 1, r);
    EXPECT_EQ(v.kind, Kind::succeeded) << status;
    EXPECT_TRUE(v.error_class.empty()) << status;
    EXPECT_FALSE(v.disable_endpoint) << status;
    EXPECT_EQ(v.delay, 0ms) << status;
  }
  // Even on the last attempt, and with a Retry-After header.
  EXPECT_EQ(p.judge(response(200, {{"Retry-After", "60"}}), p.max_attempts(), r).kind, Kind::succeeded);
  EXPECT_EQ(r.calls, 0) << "success draws no jitter";
}

TEST(RetryPolicy, GoneFailsAndDisablesTheEndpoint) {
  const RetryPolicy p;
  ConstantRandom r(0x55);
  const auto v = p.judge(response(410), 1, r);
  EXPECT_EQ(v.kind, Kind::failed);
  EXPECT_TRUE(v.disable_endpoint);
  EXPECT_EQ(v.error_class, "http_410");
  // A Retry-After does not change that.
  const auto w = p.judge(retry_after(410, "5"), 3, r);
  EXPECT_EQ(w.kind, Kind::failed);
  EXPECT_TRUE(w.disable_endpoint);
}

TEST(RetryPolicy, OtherClientErrorsAndRedirectsFailAtOnce) {
  const RetryPolicy p;
  ConstantRandom r(0x55);
  for (int status : {100, 199, 300, 301, 302, 304, 307, 308, 400, 401, 403, 404, 405, 409, 413, 415, 422, 451, 499}) {
    const auto v = p.judge(response(status), 1, r);
    EXPECT_EQ(v.kind, Kind::failed) << status;
    EXPECT_FALSE(v.disable_endpoint) << status;
    EXPECT_EQ(v.error_class, "http_" + std::to_string(status));
  }
  // Retry-After on a non-retryable status is ignored.
  EXPECT_EQ(p.judge(retry_after(400, "10"), 1, r).kind, Kind::failed);
  EXPECT_EQ(p.judge(retry_after(301, "10"), 1, r).kind, Kind::failed);
}

// ---------------------------------------------------------------------------
// Retryable statuses and the jittered schedule

TEST(RetryPolicy, RetryableStatusesWaitTheScheduledDelayWithDeterministicJitter) {
  const RetryPolicy p;
  const auto& schedule = default_retry_schedule();
  ConstantRandom low(0x00), high(0xFF);
  for (int status : {408, 429, 500, 502, 503, 504, 599}) {
    for (int attempt = 1; attempt <= static_cast<int>(schedule.size()); ++attempt) {
      const auto base = ms(schedule[static_cast<std::size_t>(attempt - 1)]);
      const auto lo = p.judge(response(status), attempt, low);
      const auto hi = p.judge(response(status), attempt, high);
      ASSERT_EQ(lo.kind, Kind::retry) << status << " attempt " << attempt;
      ASSERT_EQ(hi.kind, Kind::retry) << status << " attempt " << attempt;
      EXPECT_TRUE(about(lo.delay, base * 0.9)) << status << " attempt " << attempt;
      EXPECT_TRUE(about(hi.delay, base * 1.1)) << status << " attempt " << attempt;
      EXPECT_EQ(lo.error_class, "http_" + std::to_string(status));
      EXPECT_FALSE(lo.disable_endpoint);
    }
  }
  // The same draw gives the same delay.
  ConstantRandom a(0x3C), b(0x3C);
  EXPECT_EQ(p.judge(response(500), 4, a).delay, p.judge(response(500), 4, b).delay);
}

TEST(RetryPolicy, JitterFromARealRandomStaysWithinTenPercentAndSpreads) {
  const RetryPolicy p;
  crypto::SecureRandom random;
  constexpr int kDraws = 4000;
  for (int attempt : {1, 2, 9}) {
    const auto base = ms(default_retry_schedule()[static_cast<std::size_t>(attempt - 1)]);
    double min = 1e300, max = 0, sum = 0;
    for (int i = 0; i < kDraws; ++i) {
      const auto v = p.judge(response(503), attempt, random);
      ASSERT_EQ(v.kind, Kind::retry);
      const double d = ms(v.delay);
      ASSERT_GE(d, std::floor(base * 0.9) - 1) << "attempt " << attempt;
      ASSERT_LE(d, std::ceil(base * 1.1)) << "attempt " << attempt;
      min = std::min(min, d);
      max = std::max(max, d);
      sum += d;
    }
    // Both ends of the band are reached (each end's 2.5% slice is missed by
    // all 4000 draws with probability 0.975^4000 ≈ 1e-44), and the mean sits in the middle.
    EXPECT_LT(min, base * 0.905) << "attempt " << attempt;
    EXPECT_GT(max, base * 1.095) << "attempt " << attempt;
    EXPECT_NEAR(sum / kDraws, base, base * 0.01) << "attempt " << attempt;
  }
}

TEST(RetryPolicy, TinyDelaysAreNotJittered) {
  const RetryPolicy p({0ms, 5ms, 9ms, 10ms});
  ConstantRandom high(0xFF);
  EXPECT_EQ(p.judge(response(500), 1, high).delay, 0ms);
  EXPECT_EQ(p.judge(response(500), 2, high).delay, 5ms);
  EXPECT_EQ(p.judge(response(500), 3, high).delay, 9ms);
  EXPECT_EQ(p.judge(response(500), 4, high).delay, 11ms);
}

// ---------------------------------------------------------------------------
// Retry-After

TEST(RetryPolicy, LargerRetryAfterWinsWithoutJitter) {
  const RetryPolicy p;
  ConstantRandom high(0xFF);
  // Attempt 1: schedule 5 s (≤ 5.5 s jittered); the receiver asks for 60 s.
  for (int status : {429, 503, 500, 408}) {
    const auto v = p.judge(retry_after(status, "60"), 1, high);
    EXPECT_EQ(v.kind, Kind::retry) << status;
    EXPECT_EQ(v.delay, 60s) << status;
    EXPECT_EQ(v.error_class, "http_" + std::to_string(status));
  }
  // The header name is matched case-insensitively.
  EXPECT_EQ(p.judge(response(429, {{"retry-after", "120"}}), 1, high).delay, 120s);
  EXPECT_EQ(p.judge(response(429, {{"RETRY-AFTER", "120"}}), 1, high).delay, 120s);
}

TEST(RetryPolicy, SmallerRetryAfterDoesNotShortenTheSchedule) {
  const RetryPolicy p;
  ConstantRandom low(0x00);
  // Attempt 2: schedule 5 min (4.5 min at the low end); the receiver asks for 1 s or 0 s.
  EXPECT_TRUE(about(p.judge(retry_after(503, "1"), 2, low).delay, ms(5min) * 0.9));
  EXPECT_TRUE(about(p.judge(retry_after(503, "0"), 2, low).delay, ms(5min) * 0.9));
  // Equal to the jittered delay: unchanged.
  EXPECT_TRUE(about(p.judge(retry_after(503, "270"), 2, low).delay, ms(5min) * 0.9));
}

TEST(RetryPolicy, RetryAfterIsCappedAtOneDay) {
  const RetryPolicy p;
  ConstantRandom low(0x00);
  EXPECT_EQ(p.judge(retry_after(503, "86400"), 1, low).delay, 24h);
  EXPECT_EQ(p.judge(retry_after(503, "86401"), 1, low).delay, 24h);
  EXPECT_EQ(p.judge(retry_after(429, "31536000"), 1, low).delay, 24h);  // a year
  EXPECT_EQ(p.judge(retry_after(429, "86399"), 1, low).delay, 86399s);
}

TEST(RetryPolicy, AnAbsurdlyLargeRetryAfterIsCappedNotWrapped) {
  const RetryPolicy p;
  ConstantRandom low(0x00);
  // Still a valid int64 as seconds, but not as milliseconds.
  for (const std::string v : {"9223372036854775807", "9223372036854776", "100000000000000000"}) {
    const auto verdict = p.judge(retry_after(503, v), 1, low);
    EXPECT_EQ(verdict.kind, Kind::retry) << v;
    EXPECT_EQ(verdict.delay, 24h) << v;
  }
}

TEST(RetryPolicy, TheCapNeverShortensTheScheduledDelay) {
  // Attempt 9 waits 24 h ±10%; at the high end that is 26.4 h. A Retry-After
  // beyond the 24 h cap asks for *more*, so it must not bring the wait down
  // below the schedule's own delay.
  const RetryPolicy p;
  ConstantRandom high(0xFF);
  const auto scheduled = p.judge(response(503), 9, high).delay;
  ASSERT_TRUE(about(scheduled, ms(24h) * 1.1));
  const auto v = p.judge(retry_after(503, "100000"), 9, high);  // 27.8 h
  EXPECT_EQ(v.kind, Kind::retry);
  EXPECT_GE(v.delay, scheduled);
}

TEST(RetryPolicy, NonNumericRetryAfterIsIgnored) {
  const RetryPolicy p;
  ConstantRandom low(0x00);
  const auto expected = ms(5s) * 0.9;
  for (const std::string v : {"", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", "-60", "60.5", " 60", "60 ", "1e3", "0x3c",
                              "+60", "99999999999999999999999"}) {
    const auto verdict = p.judge(retry_after(503, v), 1, low);
    EXPECT_EQ(verdict.kind, Kind::retry) << "'" << v << "'";
    EXPECT_TRUE(about(verdict.delay, expected)) << "'" << v << "'";
  }
}

// ---------------------------------------------------------------------------
// Network failures

TEST(RetryPolicy, NetworkFailuresAreRetriedExceptBlockedAddressAndInvalidUrl) {
  const RetryPolicy p;
  ConstantRandom low(0x00);
  using F = net::FailureClass;
  for (auto f : {F::dns, F::connect, F::tls, F::timeout, F::protocol, F::response_too_large}) {
    const auto v = p.judge(failure(f), 1, low);
    EXPECT_EQ(v.kind, Kind::retry) << net::to_string(f);
    EXPECT_TRUE(about(v.delay, ms(5s) * 0.9)) << net::to_string(f);
    EXPECT_EQ(v.error_class, net::to_string(f));
    EXPECT_FALSE(v.disable_endpoint);
  }
  for (auto f : {F::blocked_address, F::invalid_url}) {
    const auto v = p.judge(failure(f), 1, low);
    EXPECT_EQ(v.kind, Kind::failed) << net::to_string(f);
    EXPECT_EQ(v.error_class, net::to_string(f));
    EXPECT_FALSE(v.disable_endpoint);
  }
  EXPECT_EQ(p.judge(failure(F::timeout), 1, low).error_class, "timeout");
  EXPECT_EQ(p.judge(failure(F::blocked_address), 1, low).error_class, "blocked_address");
}

TEST(RetryPolicy, AResultWithNeitherResponseNorFailureCountsAsProtocolError) {
  const RetryPolicy p;
  ConstantRandom low(0x00);
  const auto v = p.judge(net::OutboundResult{}, 1, low);
  EXPECT_EQ(v.kind, Kind::retry);
  EXPECT_EQ(v.error_class, "protocol");
}

// ---------------------------------------------------------------------------
// Exhaustion

TEST(RetryPolicy, AfterTheLastScheduledRetryTheDeliveryFails) {
  const RetryPolicy p;
  ConstantRandom low(0x00);
  EXPECT_EQ(p.max_attempts(), 10);
  EXPECT_EQ(p.judge(response(503), 9, low).kind, Kind::retry);
  for (int attempt : {10, 11, 50}) {
    const auto v = p.judge(retry_after(503, "5"), attempt, low);
    EXPECT_EQ(v.kind, Kind::failed) << attempt;
    EXPECT_EQ(v.error_class, "http_503");
    EXPECT_EQ(v.delay, 0ms);
    EXPECT_EQ(p.judge(failure(net::FailureClass::timeout), attempt, low).kind, Kind::failed);
  }
}

TEST(RetryPolicy, ACustomScheduleSetsMaxAttemptsAndDelays) {
  const RetryPolicy p({1s, 2s});
  ConstantRandom low(0x00);
  EXPECT_EQ(p.max_attempts(), 3);
  EXPECT_TRUE(about(p.judge(response(500), 1, low).delay, 900));
  EXPECT_TRUE(about(p.judge(response(500), 2, low).delay, 1800));
  EXPECT_EQ(p.judge(response(500), 3, low).kind, Kind::failed);

  const RetryPolicy none(std::vector<milliseconds>{});
  EXPECT_EQ(none.max_attempts(), 1);
  EXPECT_EQ(none.judge(response(500), 1, low).kind, Kind::failed);
  EXPECT_EQ(none.judge(response(200), 1, low).kind, Kind::succeeded);
}

// ---------------------------------------------------------------------------
// parse_retry_schedule

TEST(RetryPolicyParse, ScheduleAcceptsCommaSeparatedSeconds) {
  EXPECT_EQ(parse_retry_schedule("0,5,300"), (std::vector<milliseconds>{0ms, 5s, 300s}));
  EXPECT_EQ(parse_retry_schedule("5"), (std::vector<milliseconds>{5s}));
  EXPECT_EQ(parse_retry_schedule("1.5,0.25,0.001"), (std::vector<milliseconds>{1500ms, 250ms, 1ms}));
  EXPECT_EQ(parse_retry_schedule("604800"), (std::vector<milliseconds>{604800s}));  // 7 days: the upper bound
  EXPECT_EQ(parse_retry_schedule("0"), (std::vector<milliseconds>{0ms}));
}

TEST(RetryPolicyParse, ScheduleRejectsMalformedItems) {
  for (const std::string_view bad : {"",    ",",  ",5", "5,,6", "a",   "5,a",  "-1", "5,-0.5", "604800.5", "604801",
                                     "1e9", " 5", "5 ", "5, 6", "5;6", "0x10", "+5", "inf",    "infinity", "-inf"}) {
    EXPECT_FALSE(parse_retry_schedule(bad)) << "'" << bad << "'";
  }
}

TEST(RetryPolicyParse, ScheduleRejectsNotANumber) {
  // NaN fails every comparison, so a check written as `x < 0 || x > max`
  // lets it through (and the cast to an integer is then undefined).
  for (const std::string_view bad : {"nan", "NaN", "5,nan", "nan(123)", "-nan"}) {
    EXPECT_FALSE(parse_retry_schedule(bad)) << "'" << bad << "'";
  }
}

// ---------------------------------------------------------------------------
// parse_retry_after

TEST(RetryPolicyParse, RetryAfterTakesNonNegativeDeltaSeconds) {
  EXPECT_EQ(parse_retry_after("0"), 0ms);
  EXPECT_EQ(parse_retry_after("1"), 1s);
  EXPECT_EQ(parse_retry_after("120"), 120s);
  EXPECT_EQ(parse_retry_after("86400"), 86400s);
  EXPECT_EQ(parse_retry_after("0007"), 7s);
}

TEST(RetryPolicyParse, RetryAfterRejectsEverythingElse) {
  for (const std::string_view bad :
       {"", "-1", "+1", "1.5", " 1", "1 ", "1s", "abc", "0x10", "1e3", "Wed, 21 Oct 2015 07:28:00 GMT",
        "Fri, 31 Dec 1999 23:59:59 GMT", "99999999999999999999"}) {
    EXPECT_FALSE(parse_retry_after(bad)) << "'" << bad << "'";
  }
}

TEST(RetryPolicyParse, RetryAfterNeverOverflowsIntoANegativeDelay) {
  // Values that parse as int64 seconds but overflow as milliseconds.
  for (const std::string_view v : {"9223372036854775807", "9223372036854776"}) {
    const auto r = parse_retry_after(v);
    if (r) {
      EXPECT_GE(*r, 24h) << v;  // either rejected or a (very) long delay, never negative or small
    }
  }
}

}  // namespace
}  // namespace postfuze::webhooks
