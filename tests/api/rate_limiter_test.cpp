#include "api/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "support/manual_clock.hpp"

namespace postfuze::api {
namespace {

using boost::beast::http::verb;

const core::OrgId kOrgA{"org-a"};
const core::OrgId kOrgB{"org-b"};

class RateLimiterTest : public ::testing::Test {
 protected:
  // The manual clock starts exactly on a window boundary (a multiple of 60 s).
  test::ManualClock clock;
  RateLimiter limiter{clock, default_bucket_rules()};

  // Makes `n` calls and returns how many were allowed.
  int allowed_of(int n, verb method, std::string_view path, const core::OrgId& org = kOrgA) {
    int allowed = 0;
    for (int i = 0; i < n; ++i) allowed += limiter.check(org, method, path).allowed ? 1 : 0;
    return allowed;
  }
};

TEST_F(RateLimiterTest, TheClockStartsOnAWindowBoundary) {
  ASSERT_EQ(core::to_unix_ms(clock.now()) % 60000, 0);
  EXPECT_EQ(limiter.check(kOrgA, verb::get, "/api/v1/posts").reset_seconds, 60);
}

TEST_F(RateLimiterTest, TheGlobalBucketRefusesThe601stCallInAWindow) {
  EXPECT_EQ(allowed_of(600, verb::get, "/api/v1/posts"), 600);
  const auto refused = limiter.check(kOrgA, verb::get, "/api/v1/posts");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.limit, 600);
  EXPECT_EQ(refused.remaining, 0);
}

TEST_F(RateLimiterTest, TheGlobalBucketCountsEveryPathAndMethodTogether) {
  EXPECT_EQ(allowed_of(300, verb::get, "/api/v1/api-keys"), 300);
  EXPECT_EQ(allowed_of(299, verb::get, "/health"), 299);
  EXPECT_TRUE(limiter.check(kOrgA, verb::delete_, "/anything/else").allowed);
  EXPECT_FALSE(limiter.check(kOrgA, verb::get, "/api/v1/api-keys").allowed);
}

TEST_F(RateLimiterTest, AnExhaustedBucketStaysRefusedUntilTheLastMillisecondOfTheWindow) {
  EXPECT_EQ(allowed_of(600, verb::get, "/api/v1/posts"), 600);
  clock.advance(59'999);
  const auto refused = limiter.check(kOrgA, verb::get, "/api/v1/posts");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.reset_seconds, 1);
}

TEST_F(RateLimiterTest, TheGlobalBucketAllowsAgainOnceTheWindowHasPassed) {
  EXPECT_EQ(allowed_of(601, verb::get, "/api/v1/posts"), 600);
  clock.advance(60'000);
  const auto next = limiter.check(kOrgA, verb::get, "/api/v1/posts");
  EXPECT_TRUE(next.allowed);
  EXPECT_EQ(next.remaining, 599);
  EXPECT_EQ(allowed_of(600, verb::get, "/api/v1/posts"), 599);
}

TEST_F(RateLimiterTest, ReadingPostsDoesNotUseThePostsWriteBucket) {
  const auto get = limiter.check(kOrgA, verb::get, "/api/v1/posts");
  EXPECT_EQ(get.limit, 600);
  EXPECT_EQ(get.remaining, 599);
  EXPECT_EQ(allowed_of(199, verb::get, "/api/v1/posts"), 199);
  // All 120 writes are still available after 200 reads.
  EXPECT_EQ(allowed_of(120, verb::post, "/api/v1/posts"), 120);
  EXPECT_FALSE(limiter.check(kOrgA, verb::post, "/api/v1/posts").allowed);
}

TEST_F(RateLimiterTest, CreatingPostsUsesThePostsWriteBucketOf120) {
  const auto first = limiter.check(kOrgA, verb::post, "/api/v1/posts");
  EXPECT_TRUE(first.allowed);
  EXPECT_EQ(first.limit, 120);
  EXPECT_EQ(first.remaining, 119);
  EXPECT_EQ(allowed_of(119, verb::post, "/api/v1/posts"), 119);
  const auto refused = limiter.check(kOrgA, verb::post, "/api/v1/posts");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.limit, 120);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.reset_seconds, 60);
}

TEST_F(RateLimiterTest, EditingAndDeletingPostsShareThePostsWriteBucket) {
  EXPECT_EQ(allowed_of(40, verb::post, "/api/v1/posts"), 40);
  EXPECT_EQ(allowed_of(40, verb::patch, "/api/v1/posts/p1"), 40);
  EXPECT_EQ(allowed_of(40, verb::delete_, "/api/v1/posts/p2"), 40);
  EXPECT_FALSE(limiter.check(kOrgA, verb::patch, "/api/v1/posts/p3").allowed);
  EXPECT_TRUE(limiter.check(kOrgA, verb::get, "/api/v1/posts/p3").allowed);
}

TEST_F(RateLimiterTest, ARefusedRequestConsumesNothingFromAnyBucket) {
  EXPECT_EQ(allowed_of(120, verb::post, "/api/v1/posts"), 120);
  // 100 refused writes: had they counted against global, only 380 reads would remain.
  EXPECT_EQ(allowed_of(100, verb::post, "/api/v1/posts"), 0);
  EXPECT_EQ(allowed_of(480, verb::get, "/api/v1/posts"), 480);
  EXPECT_FALSE(limiter.check(kOrgA, verb::get, "/api/v1/posts").allowed);
}

TEST_F(RateLimiterTest, OrganisationsHaveIndependentBuckets) {
  EXPECT_EQ(allowed_of(121, verb::post, "/api/v1/posts", kOrgA), 120);
  const auto b = limiter.check(kOrgB, verb::post, "/api/v1/posts");
  EXPECT_TRUE(b.allowed);
  EXPECT_EQ(b.remaining, 119);
  EXPECT_EQ(allowed_of(480, verb::get, "/api/v1/posts", kOrgA), 480);
  EXPECT_FALSE(limiter.check(kOrgA, verb::get, "/api/v1/posts").allowed);
  EXPECT_TRUE(limiter.check(kOrgB, verb::get, "/api/v1/posts").allowed);
}

TEST_F(RateLimiterTest, BlueskyConnectUsesItsOwnBucketOf10) {
  const auto first = limiter.check(kOrgA, verb::post, "/api/v1/social-accounts/bluesky/connect");
  EXPECT_TRUE(first.allowed);
  EXPECT_EQ(first.limit, 10);
  EXPECT_EQ(first.remaining, 9);
  EXPECT_EQ(allowed_of(9, verb::post, "/api/v1/social-accounts/bluesky/connect"), 9);
  const auto refused = limiter.check(kOrgA, verb::post, "/api/v1/social-accounts/bluesky/connect");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.limit, 10);
}

TEST_F(RateLimiterTest, BlueskyConnectDoesNotUseTheSocialAccountsWriteBucket) {
  EXPECT_EQ(allowed_of(10, verb::post, "/api/v1/social-accounts/bluesky/connect"), 10);
  const auto write = limiter.check(kOrgA, verb::delete_, "/api/v1/social-accounts/acc1");
  EXPECT_EQ(write.limit, 20);
  EXPECT_EQ(write.remaining, 19);
  EXPECT_EQ(allowed_of(19, verb::post, "/api/v1/social-accounts"), 19);
  EXPECT_FALSE(limiter.check(kOrgA, verb::post, "/api/v1/social-accounts").allowed);
}

TEST_F(RateLimiterTest, BlueskyConnectIsNotBlockedByAnExhaustedSocialAccountsWriteBucket) {
  EXPECT_EQ(allowed_of(21, verb::post, "/api/v1/social-accounts"), 20);
  EXPECT_TRUE(limiter.check(kOrgA, verb::post, "/api/v1/social-accounts/bluesky/connect").allowed);
}

TEST_F(RateLimiterTest, BlueskyConnectStillCountsAgainstTheGlobalBucket) {
  EXPECT_EQ(allowed_of(10, verb::post, "/api/v1/social-accounts/bluesky/connect"), 10);
  EXPECT_EQ(allowed_of(591, verb::get, "/api/v1/posts"), 590);
}

TEST_F(RateLimiterTest, BlueskyConnectIsRefusedWhenTheGlobalBucketIsExhausted) {
  EXPECT_EQ(allowed_of(600, verb::get, "/api/v1/posts"), 600);
  const auto refused = limiter.check(kOrgA, verb::post, "/api/v1/social-accounts/bluesky/connect");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.limit, 600);
}

TEST_F(RateLimiterTest, OtherMethodsOnTheBlueskyConnectPathUseTheSocialAccountsWriteBucket) {
  const auto del = limiter.check(kOrgA, verb::delete_, "/api/v1/social-accounts/bluesky/connect");
  EXPECT_EQ(del.limit, 20);
  EXPECT_EQ(del.remaining, 19);
}

TEST_F(RateLimiterTest, ReportsTheWriteBucketWhenItIsTheTightest) {
  clock.advance(15'500);
  const auto d = limiter.check(kOrgA, verb::post, "/api/v1/posts");
  EXPECT_EQ(d.limit, 120);
  EXPECT_EQ(d.remaining, 119);
  EXPECT_EQ(d.reset_seconds, 45);  // 44.5 s left, rounded up
}

TEST_F(RateLimiterTest, ReportsTheGlobalBucketWhenItHasLessLeftThanTheWriteBucket) {
  EXPECT_EQ(allowed_of(590, verb::get, "/api/v1/posts"), 590);
  const auto d = limiter.check(kOrgA, verb::post, "/api/v1/posts");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.limit, 600);
  EXPECT_EQ(d.remaining, 9);
}

TEST_F(RateLimiterTest, ReportsTheSecondsUntilTheWindowEndsRoundedUp) {
  clock.advance(1);
  EXPECT_EQ(limiter.check(kOrgA, verb::get, "/x").reset_seconds, 60);
  clock.advance(999);
  EXPECT_EQ(limiter.check(kOrgA, verb::get, "/x").reset_seconds, 59);
  clock.advance(58'000);
  EXPECT_EQ(limiter.check(kOrgA, verb::get, "/x").reset_seconds, 1);
  clock.advance(1'000);
  EXPECT_EQ(limiter.check(kOrgA, verb::get, "/x").reset_seconds, 60);
}

TEST_F(RateLimiterTest, APathThatOnlySharesAPrefixIsNotUnderTheBucket) {
  EXPECT_EQ(limiter.check(kOrgA, verb::post, "/api/v1/postsX").limit, 600);
  EXPECT_EQ(allowed_of(120, verb::post, "/api/v1/posts"), 120);
  EXPECT_TRUE(limiter.check(kOrgA, verb::post, "/api/v1/postsX").allowed);
  EXPECT_TRUE(limiter.check(kOrgA, verb::post, "/api/v1/posts-archive").allowed);
}

TEST_F(RateLimiterTest, PathsBelowTheBucketPrefixAreUnderIt) {
  EXPECT_EQ(limiter.check(kOrgA, verb::post, "/api/v1/posts/").limit, 120);
  EXPECT_EQ(limiter.check(kOrgA, verb::post, "/api/v1/posts/p1/retry").limit, 120);
}

TEST_F(RateLimiterTest, CountsExactlyTheLimitUnderConcurrentCalls) {
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i)
        if (limiter.check(kOrgA, verb::get, "/api/v1/posts").allowed) ++allowed;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 600);
}

TEST(RateLimiterRules, ARequestRefusedByItsFirstBucketConsumesNothingFromTheOthers) {
  test::ManualClock clock;
  RateLimiter limiter(clock, {{"narrow", "/x/y", {}, 2, false}, {"wide", "/x", {}, 5, false}});
  const core::OrgId org{"o"};
  EXPECT_TRUE(limiter.check(org, verb::get, "/x/y").allowed);
  EXPECT_TRUE(limiter.check(org, verb::get, "/x/y").allowed);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.check(org, verb::get, "/x/y").allowed);
  // "wide" has had 2 of its 5: three more fit.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.check(org, verb::get, "/x").allowed) << i;
  EXPECT_FALSE(limiter.check(org, verb::get, "/x").allowed);
}

TEST(RateLimiterRules, AnExclusiveBucketKeepsBucketsThatApplyToEveryMethod) {
  test::ManualClock clock;
  RateLimiter limiter(clock, {{"all", "/", {}, 3, false},
                              {"writes", "/a", {verb::post}, 100, false},
                              {"special", "/a/b", {verb::post}, 50, true}});
  const core::OrgId org{"o"};
  const auto d = limiter.check(org, verb::post, "/a/b");
  EXPECT_EQ(d.limit, 3);
  EXPECT_EQ(d.remaining, 2);
  EXPECT_EQ(limiter.check(org, verb::post, "/a").remaining, 1);  // "all" is the tightest
  EXPECT_TRUE(limiter.check(org, verb::post, "/a/b").allowed);
  EXPECT_FALSE(limiter.check(org, verb::post, "/a/b").allowed);
}

TEST(RateLimiterWindow, UsesTheConfiguredWindowLength) {
  test::ManualClock clock;
  RateLimiter limiter(clock, {{"global", "/", {}, 2, false}}, std::chrono::seconds(10));
  const core::OrgId org{"o"};
  EXPECT_TRUE(limiter.check(org, verb::get, "/").allowed);
  EXPECT_TRUE(limiter.check(org, verb::get, "/").allowed);
  const auto refused = limiter.check(org, verb::get, "/");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.reset_seconds, 10);
  clock.advance(10'000);
  EXPECT_TRUE(limiter.check(org, verb::get, "/").allowed);
}

}  // namespace
}  // namespace postfuze::api
