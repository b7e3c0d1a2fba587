// The Bluesky publisher against the simulated PDS: records with link,
// mention and tag facets at UTF-8 byte offsets, reply refs, failure classes,
// and find() through listRecords.
#include "publishers/bluesky_publisher.hpp"

#include "publishers/business_publisher_fixture.hpp"
#include "sim/sim_tokens.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using publishers::FacetSpan;
using publishers::LookupOutcome;
using publishers::Outcome;
using publishers::PublishItem;

class BlueskyPublisherTest : public BusinessPublisherTest {
 protected:
  void SetUp() override {
    jwt_ = bluesky_token(sim_, "alice.test", "did:plc:alice");
    sim_.register_bluesky_account("bob.test", "did:plc:bob", "zzzz-zzzz-zzzz-zzzz");
  }
  publishers::PublishContext ctx(std::string token = {}) {
    publishers::PublishAccount account;
    account.id = "acc_bsky";
    account.network_unique_id = "did:plc:alice";
    account.username = "alice.test";
    account.platform_data["pds"] = sim_.bluesky_service_url();
    return context("bluesky", account, token.empty() ? jwt_ : token, {});
  }
  static PublishItem item0(std::string text) { return root(std::move(text)); }
  const publishers::Publisher& bluesky = publishers::bluesky_publisher();
  std::string jwt_;
};

TEST(BlueskyFacets, DetectsLinksMentionsAndTagsInBytes) {
  const std::string text = "Caf\xC3\xA9 @bob.test: see https://x.test/a?b=1. #t\xC3\xA9st! #123 mail@x.test (https://y.test)";
  const auto spans = publishers::detect_facets(text);
  ASSERT_EQ(spans.size(), 4u);
  EXPECT_EQ(spans[0].kind, FacetSpan::Kind::mention);
  EXPECT_EQ(spans[0].value, "bob.test");
  EXPECT_EQ(spans[0].start, text.find("@bob"));
  EXPECT_EQ(spans[0].end, text.find(':'));
  EXPECT_EQ(spans[1].kind, FacetSpan::Kind::link);
  EXPECT_EQ(spans[1].value, "https://x.test/a?b=1");
  EXPECT_EQ(spans[1].start, text.find("https://x"));
  EXPECT_EQ(spans[2].kind, FacetSpan::Kind::tag);
  EXPECT_EQ(spans[2].value, "t\xC3\xA9st");
  EXPECT_EQ(spans[2].end - spans[2].start, 6u);  // "#tést" is 6 bytes
  EXPECT_EQ(spans[3].value, "https://y.test");    // a digits-only tag and an e-mail are not facets
}

TEST_F(BlueskyPublisherTest, PublishesFacetsAtUtf8ByteOffsets) {
  ASSERT_EQ(publishers::publisher_for("bluesky"), &bluesky);
  // "日本語" is 9 bytes but 3 characters: byte offsets and character offsets differ.
  const std::string text = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E @bob.test @nobody.test https://example.com #tag";
  auto r = create(bluesky, ctx(), item0(text));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  EXPECT_TRUE(r.ref->id.starts_with("at://did:plc:alice/app.bsky.feed.post/"));
  EXPECT_EQ(r.ref->url, "https://bsky.app/profile/alice.test/post/" + r.ref->id.substr(r.ref->id.rfind('/') + 1));
  EXPECT_FALSE(r.ref->extra.at("cid").as_string().empty());

  const auto record = posts("bluesky").at(0).at("extra").at("record").as_object();
  EXPECT_EQ(record.at("text").as_string(), text);
  const auto facets = record.at("facets").as_array();
  ASSERT_EQ(facets.size(), 3u);  // @nobody.test does not resolve: plain text
  auto index = [&](std::size_t i, std::string_view key) { return facets.at(i).at("index").at(key).as_int64(); };
  auto feature = [&](std::size_t i) { return facets.at(i).at("features").at(0).as_object(); };
  EXPECT_EQ(index(0, "byteStart"), 10);
  EXPECT_EQ(index(0, "byteEnd"), 19);
  EXPECT_EQ(feature(0).at("$type").as_string(), "app.bsky.richtext.facet#mention");
  EXPECT_EQ(feature(0).at("did").as_string(), "did:plc:bob");
  EXPECT_EQ(static_cast<std::size_t>(index(1, "byteStart")), text.find("https://"));
  EXPECT_EQ(static_cast<std::size_t>(index(1, "byteEnd")), text.find(" #tag"));
  EXPECT_EQ(feature(1).at("uri").as_string(), "https://example.com");
  EXPECT_EQ(static_cast<std::size_t>(index(2, "byteStart")), text.find("#tag"));
  EXPECT_EQ(static_cast<std::size_t>(index(2, "byteEnd")), text.size());
  EXPECT_EQ(feature(2).at("tag").as_string(), "tag");
}

TEST_F(BlueskyPublisherTest, RepliesCarryRootAndParentRefs) {
  const auto c = ctx();
  auto first = create(bluesky, c, item0("root"));
  ASSERT_EQ(first.outcome, Outcome::created) << first.message;
  auto second = create(bluesky, c, PublishItem{1, "two", first.ref, first.ref});
  ASSERT_EQ(second.outcome, Outcome::created) << second.message;
  auto third = create(bluesky, c, PublishItem{2, "three", first.ref, second.ref});
  ASSERT_EQ(third.outcome, Outcome::created) << third.message;
  const auto stored = posts("bluesky");
  const auto reply = stored.at(2).at("extra").at("record").at("reply").as_object();
  EXPECT_EQ(reply.at("root").at("uri").as_string(), first.ref->id);
  EXPECT_EQ(reply.at("root").at("cid").as_string(), first.ref->extra.at("cid").as_string());
  EXPECT_EQ(reply.at("parent").at("uri").as_string(), second.ref->id);
  // A reply without refs is refused before anything is sent.
  auto r = create(bluesky, c, PublishItem{1, "x", std::nullopt, std::nullopt});
  EXPECT_EQ(r.outcome, Outcome::permanent);
}

TEST_F(BlueskyPublisherTest, ClassifiesXrpcFailures) {
  auto r = create(bluesky, ctx("not-a-session"), item0("x"));
  EXPECT_EQ(r.outcome, Outcome::auth);  // 400 InvalidToken
  EXPECT_EQ(r.platform_status, 400);
  sim_.advance_clock(std::chrono::hours(3));  // the access JWT (2 h) expires
  r = create(bluesky, ctx(), item0("x"));
  EXPECT_EQ(r.outcome, Outcome::auth);  // 400 ExpiredToken
  EXPECT_NE(r.message.find("ExpiredToken"), std::string::npos);
  jwt_ = bluesky_token(sim_, "alice.test", "did:plc:alice");

  knobs("bluesky", {{"publish_error", {{"status", 429}, {"count", 1}, {"retry_after", 40}}}});
  r = create(bluesky, ctx(), item0("x"));
  EXPECT_EQ(r.outcome, Outcome::rate_limited);
  EXPECT_EQ(r.retry_after->count(), 40);
  knobs("bluesky", {{"publish_error", {{"status", 502}, {"count", 1}}}});
  EXPECT_EQ(create(bluesky, ctx(), item0("x")).outcome, Outcome::transient);
  r = create(bluesky, ctx(), item0(std::string(301, 'a')));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "platform_rejected");
}

TEST_F(BlueskyPublisherTest, ALostAnswerIsAmbiguousAndFindAdoptsIt) {
  timeout_ = std::chrono::milliseconds(300);
  const auto first = create(bluesky, ctx(), item0("root"));
  ASSERT_EQ(first.outcome, Outcome::created);
  knobs("bluesky", {{"created_then_timeout", {{"delay_ms", 1500}}}});
  const PublishItem reply{1, "lost", first.ref, first.ref};
  EXPECT_EQ(create(bluesky, ctx(), reply).outcome, Outcome::ambiguous);
  timeout_ = std::chrono::milliseconds(5000);
  auto found = find(bluesky, ctx(), reply);
  ASSERT_EQ(found.outcome, LookupOutcome::found) << found.message;
  EXPECT_EQ(found.ref->id, posts("bluesky").at(1).at("id").as_string());
  EXPECT_EQ(found.ref->extra.at("cid").as_string(), posts("bluesky").at(1).at("extra").at("cid").as_string());
  EXPECT_EQ(find(bluesky, ctx(), item0("lost")).outcome, LookupOutcome::absent);  // it is a reply
  EXPECT_EQ(find(bluesky, ctx(), item0("root")).ref->id, first.ref->id);
}

}  // namespace
}  // namespace postfuze::test
