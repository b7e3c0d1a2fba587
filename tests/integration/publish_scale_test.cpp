// Two server processes on one PostgreSQL database publish 2,000 scheduled
// posts: every target is claimed by exactly one worker at a time and
// published exactly once — the platform simulator holds 2,000 distinct posts,
// and both processes did part of the work.
#include <atomic>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "core/time_format.hpp"
#include "integration/connect_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class PublishScale : public ConnectTest {
 protected:
  Env extra_env() const override {
    Env env = ConnectTest::extra_env();
    env["POSTFUZE_PUBLISH_POLL_MS"] = "100";
    env["POSTFUZE_RATE_LIMIT_MULTIPLIER"] = "1000";
    return env;
  }
};

TEST_P(PublishScale, TwoProcessesPublishTwoThousandScheduledPostsExactlyOnce) {
  if (GetParam() != "postgres") GTEST_SKIP() << "several processes share a database only on PostgreSQL";
  // 80 posts per account: X (and the simulator) allows 100 per user per 15 minutes.
  constexpr int kAccounts = 25, kPosts = 2000;
  register_app("x");
  std::vector<std::string> accounts;
  for (int i = 0; i < kAccounts; ++i) {
    scenario("x", {{"user", json::object{{"id", "scale-" + std::to_string(i)}}}});
    const auto r = round_trip("x", R"({"redirect_uri":")" + std::string(kAppOrigin) + R"(/connected"})");
    const auto params = query_params(r.header("location"));
    ASSERT_EQ(params.count("account_id"), 1u) << r.header("location");
    accounts.push_back(params.at("account_id"));
  }
  ServerProcess second(db_->url(), extra_env());
  const std::array<std::uint16_t, 2> ports{port(), second.port()};

  // Each post is due 2 s after it is created, so both workers claim while
  // creation is still going on.
  std::atomic<int> next{0}, created{0};
  std::vector<std::thread> senders;
  for (int s = 0; s < 8; ++s)
    senders.emplace_back([&, s] {
      for (int i = next++; i < kPosts; i = next++) {
        const auto at = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now() + 2s);
        const std::string body = R"({"accounts":[")" + accounts[i % kAccounts] + R"("],"content":"scheduled post )" +
                                 std::to_string(i) + R"(","scheduled_at":")" + core::format_timestamp(at) + R"("})";
        const auto r = api_call(ports[(i + s) % 2], verb::post, "/api/v1/posts", key_, body);
        if (r.status == 201) ++created;
        else ADD_FAILURE() << r.status << " " << r.body;
      }
    });
  for (auto& t : senders) t.join();
  ASSERT_EQ(created.load(), kPosts);

  const auto deadline = std::chrono::steady_clock::now() + 240s;
  std::int64_t published = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    published = count("SELECT COUNT(*) FROM post_targets WHERE status = 'published'");
    if (published == kPosts) break;
    std::this_thread::sleep_for(250ms);
  }
  ASSERT_EQ(published, kPosts) << rows("SELECT status, COUNT(*) FROM post_targets GROUP BY status");
  EXPECT_EQ(count("SELECT COUNT(*) FROM posts WHERE status = 'published'"), kPosts);

  const auto r = http_request(sim_->port(), verb::get, "/_sim/posts?platform=x");
  const json::value tweets = r.json();
  std::set<std::string> texts;
  for (const auto& t : tweets.as_array()) texts.insert(std::string(t.at("text").as_string()));
  EXPECT_EQ(tweets.as_array().size(), static_cast<std::size_t>(kPosts));
  EXPECT_EQ(texts.size(), static_cast<std::size_t>(kPosts));
  // One create per target, and both processes took part.
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_attempts WHERE outcome = 'created'"), kPosts);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT worker) FROM post_attempts"), 2);
  // And one post.published per post, though two processes rolled them up.
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events WHERE type = 'post.published'"), kPosts);
}

INSTANTIATE_TEST_SUITE_P(Backends, PublishScale, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
