// The Threads publisher against the simulator: container → publish →
// permalink, the reply chain, config, failure classes per step, and find().
#include "publishers/threads_publisher.hpp"

#include "publishers/business_publisher_fixture.hpp"
#include "sim/sim_tokens.hpp"

namespace postfuze::test {
namespace {

using publishers::LookupOutcome;
using publishers::Outcome;
using publishers::PublishItem;

class ThreadsPublisherTest : public BusinessPublisherTest {
 protected:
  publishers::PublishContext ctx(boost::json::object config = {}, std::string token = {}) {
    publishers::PublishAccount account;
    account.id = "acc_threads";
    account.network_unique_id = "threads-user-1";
    account.username = "threads_user_1";
    return context("threads", account, token.empty() ? token_ : token, std::move(config));
  }
  static PublishItem item0(std::string text) { return root(std::move(text)); }
  const publishers::Publisher& threads = publishers::threads_publisher();
  std::string token_ = threads_token(sim_);
};

TEST_F(ThreadsPublisherTest, PublishesARootAndAReplyChainWithPermalinks) {
  ASSERT_EQ(publishers::publisher_for("threads"), &threads);
  const auto c = ctx({{"reply_control", "mentioned_only"}, {"topic_tag", "news"}});
  auto first = create(threads, c, item0("hello threads"));
  ASSERT_EQ(first.outcome, Outcome::created) << first.message;
  EXPECT_TRUE(first.ref->url.starts_with("https://www.threads.com/@threads_user_1/post/")) << first.ref->url;
  EXPECT_TRUE(first.ref->extra.contains("container_id"));
  auto second = create(threads, c, PublishItem{1, "a reply", first.ref, first.ref});
  ASSERT_EQ(second.outcome, Outcome::created) << second.message;
  auto third = create(threads, c, PublishItem{2, "another", first.ref, second.ref});
  ASSERT_EQ(third.outcome, Outcome::created) << third.message;

  const auto stored = posts("threads");
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored.at(0).at("extra").at("fields").at("reply_control").as_string(), "mentioned_only");
  EXPECT_EQ(stored.at(0).at("extra").at("fields").at("topic_tag").as_string(), "news");
  EXPECT_FALSE(stored.at(1).at("extra").at("fields").as_object().contains("reply_control"));
  EXPECT_EQ(stored.at(1).at("parent_id").as_string(), first.ref->id);
  EXPECT_EQ(stored.at(2).at("parent_id").as_string(), second.ref->id);
}

TEST_F(ThreadsPublisherTest, AFailedContainerStepIsTransientAndPublishesNothing) {
  const auto c = ctx();
  knobs("threads", {{"publish_error", {{"status", 500}, {"count", 1}}}});
  auto r = create(threads, c, item0("t"));
  EXPECT_EQ(r.outcome, Outcome::transient);
  EXPECT_TRUE(posts("threads").empty());
  // Graph codes: 190 is the token, 4 a rate limit, whatever the HTTP status.
  knobs("threads", {{"publish_error", {{"status", 400}, {"count", 1}, {"code", "190"}}}});
  EXPECT_EQ(create(threads, c, item0("t")).outcome, Outcome::auth);
  knobs("threads", {{"publish_error", {{"status", 400}, {"count", 1}, {"code", "4"}}}});
  EXPECT_EQ(create(threads, c, item0("t")).outcome, Outcome::rate_limited);
  knobs("threads", {{"publish_error", {{"status", 429}, {"count", 1}, {"retry_after", 12}}}});
  r = create(threads, c, item0("t"));
  EXPECT_EQ(r.outcome, Outcome::rate_limited);
  EXPECT_EQ(r.retry_after->count(), 12);
  EXPECT_EQ(create(threads, ctx({}, "sim_threads_at_bogus"), item0("t")).outcome, Outcome::auth);
  r = create(threads, c, PublishItem{1, "x", publishers::PlatformRef{"999", "", {}}, publishers::PlatformRef{"999", "", {}}});
  EXPECT_EQ(r.outcome, Outcome::permanent);
}

TEST_F(ThreadsPublisherTest, ALostPublishAnswerIsAmbiguousAndFindAdoptsThePost) {
  timeout_ = std::chrono::milliseconds(300);
  const auto first = create(threads, ctx(), item0("root"));
  ASSERT_EQ(first.outcome, Outcome::created);
  // The container call stores nothing, so the delay lands on threads_publish.
  knobs("threads", {{"created_then_timeout", {{"delay_ms", 1500}}}});
  const PublishItem reply{1, "lost", first.ref, first.ref};
  EXPECT_EQ(create(threads, ctx(), reply).outcome, Outcome::ambiguous);
  ASSERT_EQ(posts("threads").size(), 2u);

  timeout_ = std::chrono::milliseconds(5000);
  auto found = find(threads, ctx(), reply);
  ASSERT_EQ(found.outcome, LookupOutcome::found) << found.message;
  EXPECT_EQ(found.ref->id, posts("threads").at(1).at("id").as_string());
  EXPECT_FALSE(found.ref->url.empty());
  EXPECT_EQ(find(threads, ctx(), item0("root")).ref->id, first.ref->id);
  EXPECT_EQ(find(threads, ctx(), item0("lost")).outcome, LookupOutcome::absent);  // a reply, not a root
}

TEST_F(ThreadsPublisherTest, FindingRepliesWithoutReadRepliesIsUnavailable) {
  const std::string limited = threads_token(sim_, "threads_basic,threads_content_publish,threads_manage_replies");
  const auto first = create(threads, ctx({}, limited), item0("root"));
  ASSERT_EQ(first.outcome, Outcome::created);
  EXPECT_EQ(find(threads, ctx({}, limited), PublishItem{1, "x", first.ref, first.ref}).outcome,
            LookupOutcome::unavailable);
}

}  // namespace
}  // namespace postfuze::test
