// The Facebook Pages publisher against the platform simulator over loopback:
// a feed post with the Page token (and the configured link), comments on it,
// Graph's error codes as outcomes, and find() after a lost answer.
#include "publishers/facebook_publisher.hpp"

#include "publishers/business_publisher_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using publishers::LookupOutcome;
using publishers::Outcome;

class FacebookPublisherTest : public BusinessPublisherTest {
 protected:
  const publishers::Publisher& publisher = publishers::facebook_publisher();

  void SetUp() override { pages_ = facebook_pages(sim_, 2); }

  // Page `i` as connect stores it: the Page id, with the Page token as the account's token.
  publishers::PublishContext page(std::size_t i, json::object config = {}) {
    publishers::PublishAccount account;
    account.network_unique_id = pages_.at(i).first;
    account.account_type = "page";
    account.platform_data["login_id"] = "facebook-user-1";
    return context("facebook", std::move(account), pages_.at(i).second, std::move(config));
  }

  json::object stored(const std::string& id) {
    for (const auto& p : posts("facebook"))
      if (p.at("id").as_string() == id) return p.as_object();
    return {};
  }

  std::vector<std::pair<std::string, std::string>> pages_;
};

TEST_F(FacebookPublisherTest, PostsToTheFeedWithTheLinkAndCommentsOnThePost) {
  const auto ctx = page(0, {{"link", "https://example.com/launch"}});
  const auto r = create(publisher, ctx, root("Hello Page"));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  EXPECT_TRUE(r.ref->id.starts_with(pages_[0].first + "_")) << r.ref->id;
  // permalink_url asked for with ?fields= in the same call.
  EXPECT_TRUE(r.ref->url.starts_with("https://www.facebook.com/" + pages_[0].first + "/posts/")) << r.ref->url;
  const auto post = stored(r.ref->id);
  EXPECT_EQ(post.at("author").as_string(), pages_[0].first);
  EXPECT_EQ(post.at("extra").at("link").as_string(), "https://example.com/launch");

  const auto c = create(publisher, ctx, comment(1, "First comment", *r.ref));
  ASSERT_EQ(c.outcome, Outcome::created) << c.message;
  EXPECT_EQ(stored(c.ref->id).at("root_id").as_string(), r.ref->id);
  EXPECT_NE(c.ref->url.find("comment_id="), std::string::npos) << c.ref->url;
  const auto c2 = create(publisher, ctx, comment(2, "Second comment", *r.ref));
  ASSERT_EQ(c2.outcome, Outcome::created) << c2.message;
  EXPECT_EQ(stored(c2.ref->id).at("parent_id").as_string(), r.ref->id);  // comments, not a chain
}

TEST_F(FacebookPublisherTest, AnotherPagesTokenIsPermanent) {
  auto ctx = page(0);
  ctx.token = core::Secret(pages_[1].second);
  const auto r = create(publisher, ctx, root("Wrong token"));
  EXPECT_EQ(r.outcome, Outcome::permanent);  // Graph (#200): reconnecting will not help
  EXPECT_EQ(r.platform_status, 403);
  EXPECT_TRUE(posts("facebook").empty());
}

TEST_F(FacebookPublisherTest, InvalidTokenIsAuth) {
  auto ctx = page(0);
  ctx.token = core::Secret("expired-page-token");
  const auto r = create(publisher, ctx, root("Hello"));
  EXPECT_EQ(r.outcome, Outcome::auth);
  EXPECT_EQ(r.error_code, "token_rejected");
  EXPECT_FALSE(r.platform_request_id.empty());  // fbtrace_id
}

TEST_F(FacebookPublisherTest, ServerErrorTransientThrottleRateLimitedDuplicatePermanent) {
  knobs("facebook", {{"publish_error", {{"status", 500}, {"count", 1}}}});
  EXPECT_EQ(create(publisher, page(0), root("One")).outcome, Outcome::transient);
  knobs("facebook", {{"publish_error", {{"status", 429}, {"count", 1}, {"retry_after", 30}}}});
  const auto limited = create(publisher, page(0), root("One"));
  EXPECT_EQ(limited.outcome, Outcome::rate_limited);
  ASSERT_TRUE(limited.retry_after);
  EXPECT_EQ(limited.retry_after->count(), 30);
  ASSERT_EQ(create(publisher, page(0), root("One")).outcome, Outcome::created);
  const auto dup = create(publisher, page(0), root("One"));  // Graph (#506)
  EXPECT_EQ(dup.outcome, Outcome::permanent);
  EXPECT_EQ(dup.error_code, "duplicate_content");
}

TEST_F(FacebookPublisherTest, LostAnswerIsAmbiguousAndFindAdoptsThePost) {
  knobs("facebook", {{"created_then_timeout", {{"delay_ms", 1500}}}});
  timeout_ = std::chrono::milliseconds(400);
  EXPECT_EQ(create(publisher, page(0), root("Maybe posted")).outcome, Outcome::ambiguous);
  timeout_ = std::chrono::milliseconds(5000);
  const auto found = find(publisher, page(0), root("Maybe posted"));
  ASSERT_EQ(found.outcome, LookupOutcome::found) << found.message;
  EXPECT_EQ(found.ref->id, std::string(posts("facebook")[0].at("id").as_string()));
  EXPECT_EQ(find(publisher, page(0), root("Not posted")).outcome, LookupOutcome::absent);
  EXPECT_EQ(find(publisher, page(1), root("Maybe posted")).outcome, LookupOutcome::absent);  // another Page

  knobs("facebook", {{"created_then_timeout", {{"delay_ms", 1500}}}});
  timeout_ = std::chrono::milliseconds(400);
  EXPECT_EQ(create(publisher, page(0), comment(1, "Lost comment", *found.ref)).outcome, Outcome::ambiguous);
  timeout_ = std::chrono::milliseconds(5000);
  const auto c = find(publisher, page(0), comment(1, "Lost comment", *found.ref));
  ASSERT_EQ(c.outcome, LookupOutcome::found) << c.message;
  EXPECT_EQ(stored(c.ref->id).at("parent_id").as_string(), found.ref->id);
}

TEST(GraphOutcome, CodesDecideTheOutcome) {
  using publishers::graph_outcome;
  EXPECT_EQ(graph_outcome(190, 0)->outcome, Outcome::auth);
  EXPECT_EQ(graph_outcome(100, 463)->outcome, Outcome::auth);
  EXPECT_EQ(graph_outcome(102, 0)->outcome, Outcome::auth);
  EXPECT_EQ(graph_outcome(1, 0)->outcome, Outcome::transient);
  EXPECT_EQ(graph_outcome(2, 0)->outcome, Outcome::transient);
  for (int code : {4, 17, 32, 613}) EXPECT_EQ(graph_outcome(code, 0)->outcome, Outcome::rate_limited) << code;
  EXPECT_EQ(graph_outcome(506, 0)->error_code, "duplicate_content");
  EXPECT_EQ(graph_outcome(368, 0)->outcome, Outcome::permanent);
  EXPECT_EQ(graph_outcome(200, 0)->outcome, Outcome::permanent);
  EXPECT_FALSE(graph_outcome(100, 0));
}

}  // namespace
}  // namespace postfuze::test
