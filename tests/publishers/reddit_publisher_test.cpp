// The Reddit publisher against the simulator: self and link submissions from
// config, comments chained by fullname, json.errors classification, the
// User-Agent, and find() over the user's listings.
#include "publishers/reddit_publisher.hpp"

#include "publishers/business_publisher_fixture.hpp"
#include "sim/sim_tokens.hpp"

namespace postfuze::test {
namespace {

using publishers::LookupOutcome;
using publishers::Outcome;
using publishers::PublishItem;

class RedditPublisherTest : public BusinessPublisherTest {
 protected:
  publishers::PublishContext ctx(boost::json::object config = {{"subreddit", "test"}}, std::string token = {}) {
    publishers::PublishAccount account;
    account.id = "acc_reddit";
    account.network_unique_id = "reddit-user-1";
    account.username = "reddit_user_1";
    return context("reddit", account, token.empty() ? token_ : token, std::move(config));
  }
  static PublishItem item0(std::string text) { return root(std::move(text)); }
  const publishers::Publisher& reddit = publishers::reddit_publisher();
  std::string token_ = reddit_token(sim_);
};

TEST_F(RedditPublisherTest, SubmitsASelfPostAndChainsComments) {
  ASSERT_EQ(publishers::publisher_for("reddit"), &reddit);
  const auto c = ctx({{"subreddit", "r/test"}, {"title", "My title"}, {"nsfw", true}, {"flair_id", "f1"}});
  auto sub = create(reddit, c, item0("the body"));
  ASSERT_EQ(sub.outcome, Outcome::created) << sub.message;
  EXPECT_EQ(sub.ref->extra.at("fullname").as_string(), "t3_" + sub.ref->id);
  EXPECT_TRUE(sub.ref->url.starts_with("https://www.reddit.com/r/test/comments/" + sub.ref->id + "/"));
  auto c1 = create(reddit, c, PublishItem{1, "first comment", sub.ref, sub.ref});
  ASSERT_EQ(c1.outcome, Outcome::created) << c1.message;
  EXPECT_EQ(c1.ref->extra.at("fullname").as_string(), "t1_" + c1.ref->id);
  EXPECT_TRUE(c1.ref->url.starts_with("https://www.reddit.com/r/test/comments/" + sub.ref->id + "/"));
  auto c2 = create(reddit, c, PublishItem{2, "second comment", sub.ref, c1.ref});
  ASSERT_EQ(c2.outcome, Outcome::created) << c2.message;

  const auto stored = posts("reddit");
  ASSERT_EQ(stored.size(), 3u);
  const auto& e = stored.at(0).at("extra");
  EXPECT_EQ(e.at("title").as_string(), "My title");
  EXPECT_EQ(e.at("kind").as_string(), "self");
  EXPECT_TRUE(e.at("nsfw").as_bool());
  EXPECT_FALSE(e.at("spoiler").as_bool());
  EXPECT_EQ(e.at("flair_id").as_string(), "f1");
  EXPECT_EQ(stored.at(1).at("parent_id").as_string(), "t3_" + sub.ref->id);
  EXPECT_EQ(stored.at(2).at("parent_id").as_string(), "t1_" + c1.ref->id);
  // Every call carried a descriptive User-Agent.
  int publish_calls = 0;
  for (const auto& r : sim_.requests("reddit")) {
    if (!r.at("target").as_string().starts_with("/reddit/api/api/")) continue;  // not the OAuth steps
    ++publish_calls;
    const auto& headers = r.at("headers").as_object();
    ASSERT_TRUE(headers.contains("user-agent"));
    EXPECT_EQ(headers.at("user-agent").as_string(), "server:postfuze:1.0 (by /u/reddit_user_1)");
  }
  EXPECT_EQ(publish_calls, 3);
}

TEST_F(RedditPublisherTest, TitlesDefaultToTheContentAndLinkPostsFindTheirUrl) {
  auto r = create(reddit, ctx(), item0("  Headline here\nand the rest"));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  r = create(reddit, ctx({{"subreddit", "test"}, {"kind", "link"}}), item0("Read https://example.com/a?b=1. Now"));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  std::string long_title;
  for (int i = 0; i < 310; ++i) long_title += "\xC3\xA9";  // é: 310 code points, 620 bytes
  r = create(reddit, ctx(), item0(long_title));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  const auto stored = posts("reddit");
  EXPECT_EQ(stored.at(0).at("extra").at("title").as_string(), "Headline here");
  EXPECT_EQ(stored.at(1).at("extra").at("kind").as_string(), "link");
  EXPECT_EQ(stored.at(1).at("extra").at("url").as_string(), "https://example.com/a?b=1");
  EXPECT_EQ(stored.at(2).at("extra").at("title").as_string().size(), 600u);  // 300 code points
}

TEST_F(RedditPublisherTest, ClassifiesJsonErrorsAndStatuses) {
  auto r = create(reddit, ctx({{"subreddit", "no_such_sub"}}), item0("x"));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "subreddit_not_found");
  EXPECT_NE(r.message.find("SUBREDDIT_NOEXIST"), std::string::npos);

  knobs("reddit", {{"publish_error",
                    {{"status", 200}, {"count", 1}, {"code", "RATELIMIT"},
                     {"message", "you are doing that too much. try again in 2 minutes."}}}});
  r = create(reddit, ctx(), item0("x"));
  EXPECT_EQ(r.outcome, Outcome::rate_limited);
  ASSERT_TRUE(r.retry_after);
  EXPECT_EQ(r.retry_after->count(), 120);

  knobs("reddit", {{"publish_error", {{"status", 502}, {"count", 1}}}});
  EXPECT_EQ(create(reddit, ctx(), item0("x")).outcome, Outcome::transient);
  knobs("reddit", {{"publish_error", {{"status", 429}, {"count", 1}, {"retry_after", 9}}}});
  r = create(reddit, ctx(), item0("x"));
  EXPECT_EQ(r.outcome, Outcome::rate_limited);
  EXPECT_EQ(r.retry_after->count(), 9);
  EXPECT_EQ(create(reddit, ctx({{"subreddit", "test"}}, "sim_reddit_at_bogus"), item0("x")).outcome, Outcome::auth);

  // Nothing is sent without a subreddit, or a link post without a link.
  const long before = sim_.stat("reddit", "publish");
  r = create(reddit, ctx({}), item0("x"));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "subreddit_required");
  EXPECT_EQ(create(reddit, ctx({{"subreddit", "test"}, {"kind", "link"}}), item0("no link")).outcome,
            Outcome::permanent);
  EXPECT_EQ(sim_.stat("reddit", "publish"), before);

  const auto first = create(reddit, ctx({{"subreddit", "test"}, {"kind", "link"}, {"url", "https://a.test/"}}), item0("x"));
  ASSERT_EQ(first.outcome, Outcome::created);
  r = create(reddit, ctx({{"subreddit", "test"}, {"kind", "link"}, {"url", "https://a.test/"}}), item0("y"));
  EXPECT_EQ(r.error_code, "duplicate_content");
}

TEST_F(RedditPublisherTest, ALostAnswerIsAmbiguousAndFindAdoptsIt) {
  timeout_ = std::chrono::milliseconds(300);
  const auto sub = create(reddit, ctx(), item0("body one"));
  ASSERT_EQ(sub.outcome, Outcome::created);
  knobs("reddit", {{"created_then_timeout", {{"delay_ms", 1500}, {"count", 2}}}});
  EXPECT_EQ(create(reddit, ctx(), item0("body two")).outcome, Outcome::ambiguous);
  const PublishItem comment{1, "a comment", sub.ref, sub.ref};
  EXPECT_EQ(create(reddit, ctx(), comment).outcome, Outcome::ambiguous);
  timeout_ = std::chrono::milliseconds(5000);

  auto found = find(reddit, ctx(), item0("body two"));
  ASSERT_EQ(found.outcome, LookupOutcome::found) << found.message;
  EXPECT_EQ(found.ref->id, posts("reddit").at(1).at("id").as_string());
  EXPECT_EQ(found.ref->extra.at("fullname").as_string(), "t3_" + found.ref->id);
  found = find(reddit, ctx(), comment);
  ASSERT_EQ(found.outcome, LookupOutcome::found) << found.message;
  EXPECT_EQ(found.ref->id, posts("reddit").at(2).at("id").as_string());
  EXPECT_EQ(find(reddit, ctx(), item0("never")).outcome, LookupOutcome::absent);
  EXPECT_EQ(find(reddit, ctx({{"subreddit", "other"}}), item0("body two")).outcome, LookupOutcome::absent);
  // Without the history scope the listings cannot be read.
  EXPECT_EQ(find(reddit, ctx({{"subreddit", "test"}}, reddit_token(sim_, "identity submit read")), item0("body two"))
                .outcome,
            LookupOutcome::unavailable);
}

}  // namespace
}  // namespace postfuze::test
