// The X publisher against the simulator over loopback: the reply chain, post
// URLs, every failure class, and find() after a lost answer.
#include "publishers/x_publisher.hpp"

#include "publishers/business_publisher_fixture.hpp"
#include "sim/sim_tokens.hpp"

namespace postfuze::test {
namespace {

using publishers::LookupOutcome;
using publishers::Outcome;
using publishers::PublishItem;

class XPublisherTest : public BusinessPublisherTest {
 protected:
  publishers::PublishContext ctx(boost::json::object config = {}) {
    publishers::PublishAccount account;
    account.id = "acc_x";
    account.network_unique_id = "x-user-1";
    account.username = "x_user_1";
    return context("x", account, token_, std::move(config));
  }
  static PublishItem item0(std::string text) { return root(std::move(text)); }
  const publishers::Publisher& x = publishers::x_publisher();
  std::string token_ = x_token(sim_);
};

TEST_F(XPublisherTest, PublishesARootAndAReplyChain) {
  ASSERT_EQ(publishers::publisher_for("x"), &x);
  const auto c = ctx();
  auto root = create(x, c, item0("first"));
  ASSERT_EQ(root.outcome, Outcome::created) << root.message;
  EXPECT_EQ(root.ref->url, "https://x.com/x_user_1/status/" + root.ref->id);
  auto second = create(x, c, PublishItem{1, "second", root.ref, root.ref});
  ASSERT_EQ(second.outcome, Outcome::created) << second.message;
  auto third = create(x, c, PublishItem{2, "third", root.ref, second.ref});
  ASSERT_EQ(third.outcome, Outcome::created) << third.message;

  const auto stored = posts("x");
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored.at(1).at("parent_id").as_string(), root.ref->id);
  EXPECT_EQ(stored.at(2).at("parent_id").as_string(), second.ref->id);
  EXPECT_EQ(stored.at(2).at("root_id").as_string(), root.ref->id);
  // The request carried exactly text and reply (X refuses anything else).
  EXPECT_EQ(stored.at(2).at("extra").at("request").as_object().size(), 2u);
}

TEST_F(XPublisherTest, ConfigUsernameWinsInTheUrlThenTheIdWithoutAHandle) {
  auto r = create(x, ctx({{"username", "brand"}}), item0("a"));
  EXPECT_EQ(r.ref->url, "https://x.com/brand/status/" + r.ref->id);
  auto c = ctx();
  c.account.username.reset();
  r = create(x, c, item0("b"));
  EXPECT_EQ(r.ref->url, "https://x.com/x-user-1/status/" + r.ref->id);
}

TEST_F(XPublisherTest, ClassifiesEveryFailure) {
  const auto c = ctx();
  knobs("x", {{"publish_error", {{"status", 503}, {"count", 1}}}});
  auto r = create(x, c, item0("t"));
  EXPECT_EQ(r.outcome, Outcome::transient);
  EXPECT_EQ(r.platform_status, 503);

  knobs("x", {{"publish_error", {{"status", 429}, {"count", 1}, {"retry_after", 30}}}});
  r = create(x, c, item0("t"));
  EXPECT_EQ(r.outcome, Outcome::rate_limited);
  ASSERT_TRUE(r.retry_after);
  EXPECT_EQ(r.retry_after->count(), 30);

  knobs("x", {{"publish_error", {{"status", 403}, {"count", 1}, {"message", "Unsupported Authentication"}}}});
  EXPECT_EQ(create(x, c, item0("t")).outcome, Outcome::auth);

  knobs("x", {{"publish_error", {{"status", 429}, {"count", 1}, {"code", "usage-capped"}}}});
  EXPECT_EQ(create(x, c, item0("t")).outcome, Outcome::rate_limited);

  ASSERT_EQ(create(x, c, item0("same")).outcome, Outcome::created);
  r = create(x, c, item0("same"));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "duplicate_content");
  EXPECT_NE(r.message.find("duplicate content"), std::string::npos);

  auto expired = ctx();
  expired.token = core::Secret(std::string("sim_x_at_expired"));
  r = create(x, expired, item0("t"));
  EXPECT_EQ(r.outcome, Outcome::auth);
  EXPECT_EQ(r.message.find("sim_x_at"), std::string::npos);  // never echoes a token

  r = create(x, c, PublishItem{1, "orphan", publishers::PlatformRef{"1", "", {}}, publishers::PlatformRef{"1", "", {}}});
  EXPECT_EQ(r.outcome, Outcome::permanent);
}

TEST_F(XPublisherTest, NothingSentIsTransient) {
  providers::ProviderSpec dead = spec("x");
  dead.api_base_url = "http://127.0.0.1:1";  // nothing listens on port 1
  publishers::PublishContext c{dead, http_, timeout_, clock_, ctx().account, core::Secret(token_), {}};
  EXPECT_EQ(create(x, c, item0("t")).outcome, Outcome::transient);
}

TEST_F(XPublisherTest, ALostAnswerIsAmbiguousAndFindAdoptsThePost) {
  timeout_ = std::chrono::milliseconds(300);
  const auto c = ctx();
  const auto root = create(x, c, item0("root"));
  knobs("x", {{"created_then_timeout", {{"delay_ms", 1500}}}});
  const PublishItem reply{1, "lost reply", root.ref, root.ref};
  auto r = create(x, c, reply);
  EXPECT_EQ(r.outcome, Outcome::ambiguous);
  const auto stored = posts("x");
  ASSERT_EQ(stored.size(), 2u);  // the platform has it

  timeout_ = std::chrono::milliseconds(5000);
  const auto found = find(x, ctx(), reply);
  ASSERT_EQ(found.outcome, LookupOutcome::found) << found.message;
  EXPECT_EQ(found.ref->id, stored.at(1).at("id").as_string());
  // Same text under another parent, or another text: absent.
  EXPECT_EQ(find(x, ctx(), PublishItem{1, "lost reply", root.ref, found.ref}).outcome, LookupOutcome::absent);
  EXPECT_EQ(find(x, ctx(), item0("never sent")).outcome, LookupOutcome::absent);
  EXPECT_EQ(find(x, ctx(), item0("root")).ref->id, root.ref->id);
}

TEST_F(XPublisherTest, FindIsUnavailableWhenXCannotBeAsked) {
  auto c = ctx();
  c.token = core::Secret(std::string("sim_x_at_bogus"));
  EXPECT_EQ(find(x, c, item0("x")).outcome, LookupOutcome::unavailable);
}

}  // namespace
}  // namespace postfuze::test
