// The simulator's publish endpoints (X, Threads, Reddit, Bluesky) and the
// generic machinery: post store, publish knobs, stats.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>

#include "sim/sim_tokens.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;

class PublishSimTest : public SimTest {
 protected:
  HttpResult post_json(const std::string& target, const std::string& token, const json::value& body,
                       Headers extra = {}) {
    extra.emplace_back("Authorization", "Bearer " + token);
    extra.emplace_back("Content-Type", "application/json");
    return http_request(port(), verb::post, target, json::serialize(body), extra);
  }
  HttpResult post_bearer_form(const std::string& target, const std::string& token, const Pairs& form,
                              const std::string& agent = "server:postfuze-test:1.0 (by /u/tester)") {
    return post_form(target, form, {{"Authorization", "Bearer " + token}, {"User-Agent", agent}});
  }
  json::array posts(const std::string& platform) {
    auto r = get("/_sim/posts?platform=" + platform);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_array();
  }
};

// --- X -----------------------------------------------------------------------

TEST_F(PublishSimTest, XCreatesTweetsWithRealShapeAndRateHeaders) {
  const std::string token = x_token(sim_);
  auto r = post_json("/x/api/2/tweets", token, {{"text", "hello world"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto data = r.json().at("data").as_object();
  const std::string id = str(data.at("id"));
  EXPECT_EQ(id.size(), 19u);
  EXPECT_EQ(str(data.at("text")), "hello world");
  EXPECT_EQ(str(data.at("edit_history_tweet_ids").as_array().at(0)), id);
  EXPECT_EQ(r.header("x-rate-limit-limit"), "100");
  EXPECT_EQ(r.header("x-rate-limit-remaining"), "99");
  EXPECT_FALSE(r.header("x-rate-limit-reset").empty());

  auto reply = post_json("/x/api/2/tweets", token, {{"text", "a reply"}, {"reply", {{"in_reply_to_tweet_id", id}}}});
  ASSERT_EQ(reply.status, 201) << reply.body;
  const auto stored = posts("x");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(str(stored.at(0).at("author")), "x-user-1");
  EXPECT_TRUE(stored.at(0).at("parent_id").is_null());
  EXPECT_EQ(str(stored.at(1).at("parent_id")), id);
  EXPECT_EQ(str(stored.at(1).at("root_id")), id);
  EXPECT_EQ(sim_.stat("x", "publish"), 2);
}

TEST_F(PublishSimTest, XRefusesUnknownFieldsDuplicatesAndMissingParents) {
  const std::string token = x_token(sim_);
  auto r = post_json("/x/api/2/tweets", token, {{"text", "hi"}, {"reply_to", "1"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("additional properties"), std::string::npos);
  r = post_json("/x/api/2/tweets", token, {{"text", "hi"}, {"reply", {{"in_reply_to_tweet_id", "1"}, {"x", 1}}}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = post_json("/x/api/2/tweets", token, {{"text", "orphan"}, {"reply", {{"in_reply_to_tweet_id", "123"}}}});
  EXPECT_EQ(r.status, 403) << r.body;

  ASSERT_EQ(post_json("/x/api/2/tweets", token, {{"text", "same"}}).status, 201);
  r = post_json("/x/api/2/tweets", token, {{"text", "same"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_NE(str(r.json().at("detail")).find("duplicate content"), std::string::npos);
  EXPECT_EQ(posts("x").size(), 1u);
}

TEST_F(PublishSimTest, XNeedsTweetWriteAndALiveToken) {
  const std::string read_only = x_token(sim_, "tweet.read users.read");
  EXPECT_EQ(post_json("/x/api/2/tweets", read_only, {{"text", "x"}}).status, 403);
  EXPECT_EQ(post_json("/x/api/2/tweets", "sim_x_at_bogus", {{"text", "x"}}).status, 401);
}

TEST_F(PublishSimTest, XListsTheUsersTweetsNewestFirst) {
  const std::string token = x_token(sim_);
  const std::string first = str(post_json("/x/api/2/tweets", token, {{"text", "one"}}).json().at("data").at("id"));
  post_json("/x/api/2/tweets", token, {{"text", "two"}, {"reply", {{"in_reply_to_tweet_id", first}}}});
  auto r = bearer_get("/x/api/2/users/x-user-1/tweets?max_results=5&tweet.fields=created_at,referenced_tweets", token);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto data = r.json().at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(str(data.at(0).at("text")), "two");
  EXPECT_EQ(str(data.at(0).at("referenced_tweets").at(0).at("id")), first);
  EXPECT_FALSE(data.at(1).as_object().contains("referenced_tweets"));
  EXPECT_EQ(r.json().at("meta").at("result_count").as_int64(), 2);
  EXPECT_EQ(bearer_get("/x/api/2/users/x-user-1/tweets?max_results=3", token).status, 400);
  EXPECT_EQ(bearer_get("/x/api/2/users/x-user-1/tweets?bogus=1", token).status, 400);
}

// --- knobs ---------------------------------------------------------------------

TEST_F(PublishSimTest, PublishErrorFailsCountCallsInTheEnvelopeThenClears) {
  const std::string token = x_token(sim_);
  auto knobs = sim_.scenario("x", {{"publish_error", {{"status", 429}, {"count", 2}, {"retry_after", 30}}}});
  EXPECT_EQ(knobs.at("publish_error").at("count").as_int64(), 2);
  for (int i = 0; i < 2; ++i) {
    auto r = post_json("/x/api/2/tweets", token, {{"text", "t"}});
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.header("retry-after"), "30");
    EXPECT_EQ(r.header("x-rate-limit-remaining"), "0");
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
  }
  EXPECT_EQ(post_json("/x/api/2/tweets", token, {{"text", "t"}}).status, 201);
  EXPECT_TRUE(sim_.scenario("x", {}).at("publish_error").is_null());
  // Lookups are not failed by publish_error.
  sim_.scenario("x", {{"publish_error", {{"status", 503}}}});
  EXPECT_EQ(bearer_get("/x/api/2/users/x-user-1/tweets", token).status, 200);
  EXPECT_EQ(post_json("/x/api/2/tweets", token, {{"text", "u"}}).status, 503);
  EXPECT_EQ(post_json("/x/api/2/tweets", token, {{"text", "v"}}).status, 503);  // no count: every call
}

TEST_F(PublishSimTest, BadPublishKnobsAreRefusedAndChangeNothing) {
  for (const auto& bad : {json::object{{"publish_error", {{"status", 200}, {"code", "RATELIMIT"}}}},
                          json::object{{"publish_error", {{"status", 500}, {"bogus", 1}}}},
                          json::object{{"publish_error", {{"count", 1}}}},
                          json::object{{"created_then_timeout", {{"count", 1}}}},
                          json::object{{"publish_delay_ms", -1}},
                          json::object{{"publish_delay_ms", 5}, {"token_status", 99}}}) {
    json::object body = bad;
    body["platform"] = "x";
    auto r = http_request(port(), verb::post, "/_sim/scenario", json::serialize(body),
                          {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 422) << json::serialize(bad);
  }
  EXPECT_EQ(sim_.scenario("x", {}).at("publish_delay_ms").as_int64(), 0);
  // Reddit alone takes status 200 (json.errors).
  EXPECT_NO_THROW(sim_.scenario("reddit", {{"publish_error", {{"status", 200}, {"code", "RATELIMIT"}}}}));
}

TEST_F(PublishSimTest, CreatedThenTimeoutStoresThePostBeforeTheLateAnswer) {
  const std::string token = x_token(sim_);
  sim_.scenario("x", {{"created_then_timeout", {{"delay_ms", 400}}}});
  const auto start = std::chrono::steady_clock::now();
  auto r = post_json("/x/api/2/tweets", token, {{"text", "late"}});
  EXPECT_EQ(r.status, 201);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(400));
  EXPECT_EQ(posts("x").size(), 1u);
  EXPECT_TRUE(sim_.scenario("x", {}).at("created_then_timeout").is_null());  // count 1 is used up
  const auto again = std::chrono::steady_clock::now();
  EXPECT_EQ(post_json("/x/api/2/tweets", token, {{"text", "fast"}}).status, 201);
  EXPECT_LT(std::chrono::steady_clock::now() - again, std::chrono::milliseconds(400));
}

// --- Threads -------------------------------------------------------------------

TEST_F(PublishSimTest, ThreadsPublishesContainersAndServesPermalinks) {
  const std::string token = threads_token(sim_);
  const Headers auth{{"Authorization", "Bearer " + token}};
  auto c = post_form("/threads/api/threads-user-1/threads", {{"media_type", "TEXT"}, {"text", "hi threads"}}, auth);
  ASSERT_EQ(c.status, 200) << c.body;
  const std::string container = str(c.json().at("id"));
  EXPECT_TRUE(posts("threads").empty());  // a container is not a post
  auto p = post_form("/threads/api/threads-user-1/threads_publish?creation_id=" + container, {}, auth);
  ASSERT_EQ(p.status, 200) << p.body;
  const std::string id = str(p.json().at("id"));
  EXPECT_EQ(post_form("/threads/api/threads-user-1/threads_publish?creation_id=" + container, {}, auth).status, 400);

  auto link = bearer_get("/threads/api/" + id + "?fields=permalink", token);
  ASSERT_EQ(link.status, 200) << link.body;
  EXPECT_EQ(str(link.json().at("id")), id);
  EXPECT_TRUE(str(link.json().at("permalink")).starts_with("https://www.threads.com/@threads_user_1/post/"));

  auto reply = post_form("/threads/api/me/threads",
                         {{"media_type", "TEXT"}, {"text", "a reply"}, {"reply_to_id", id}, {"access_token", token}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto bad = post_form("/threads/api/me/threads", {{"media_type", "TEXT"}, {"text", "x"}, {"reply_to_id", "999"}}, auth);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json().at("error").at("error_subcode").as_int64(), 33);
  EXPECT_EQ(post_form("/threads/api/me/threads", {{"media_type", "TEXT"}, {"text", std::string(501, 'a')}}, auth).status,
            400);

  const std::string reply_id = str(post_form("/threads/api/me/threads_publish",
                                             {{"creation_id", str(reply.json().at("id"))}}, auth)
                                        .json()
                                        .at("id"));
  auto roots = bearer_get("/threads/api/me/threads?fields=id,text,permalink", token);
  ASSERT_EQ(roots.status, 200) << roots.body;
  ASSERT_EQ(roots.json().at("data").as_array().size(), 1u);
  EXPECT_EQ(str(roots.json().at("data").at(0).at("text")), "hi threads");
  auto replies = bearer_get("/threads/api/me/replies?fields=id,text,replied_to", token);
  ASSERT_EQ(replies.status, 200) << replies.body;
  EXPECT_EQ(str(replies.json().at("data").at(0).at("id")), reply_id);
  EXPECT_EQ(str(replies.json().at("data").at(0).at("replied_to").at("id")), id);
}

TEST_F(PublishSimTest, ThreadsReplyListingNeedsReadReplies) {
  const std::string token = threads_token(sim_, "threads_basic,threads_content_publish");
  EXPECT_EQ(bearer_get("/threads/api/me/replies", token).status, 403);
  auto c = post_form("/threads/api/me/threads", {{"media_type", "TEXT"}, {"text", "x"}, {"reply_to_id", "1"}},
                     {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(c.status, 403);  // replying needs threads_manage_replies
}

// --- Reddit --------------------------------------------------------------------

TEST_F(PublishSimTest, RedditSubmitsAndCommentsWithItsShapes) {
  const std::string token = reddit_token(sim_);
  auto r = post_bearer_form("/reddit/api/api/submit", token,
                            {{"api_type", "json"}, {"sr", "test"}, {"kind", "self"}, {"title", "Hello"}, {"text", "body"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto data = r.json().at("json").at("data").as_object();
  EXPECT_TRUE(r.json().at("json").at("errors").as_array().empty());
  const std::string id = str(data.at("id"));
  EXPECT_EQ(str(data.at("name")), "t3_" + id);
  EXPECT_TRUE(str(data.at("url")).starts_with("https://www.reddit.com/r/test/comments/" + id + "/"));
  EXPECT_FALSE(r.header("x-ratelimit-remaining").empty());

  auto c1 = post_bearer_form("/reddit/api/api/comment", token,
                             {{"api_type", "json"}, {"thing_id", "t3_" + id}, {"text", "first"}});
  ASSERT_EQ(c1.status, 200) << c1.body;
  const auto thing = c1.json().at("json").at("data").at("things").at(0).as_object();
  EXPECT_EQ(str(thing.at("kind")), "t1");
  const std::string c1_name = str(thing.at("data").at("name"));
  EXPECT_EQ(str(thing.at("data").at("parent_id")), "t3_" + id);
  auto c2 = post_bearer_form("/reddit/api/api/comment", token,
                             {{"api_type", "json"}, {"thing_id", c1_name}, {"text", "second"}});
  ASSERT_EQ(c2.status, 200) << c2.body;
  EXPECT_EQ(str(c2.json().at("json").at("data").at("things").at(0).at("data").at("link_id")), "t3_" + id);
  // t1_ of a submission id is not a comment.
  auto bad = post_bearer_form("/reddit/api/api/comment", token,
                              {{"api_type", "json"}, {"thing_id", "t1_" + id}, {"text", "x"}});
  EXPECT_EQ(str(bad.json().at("json").at("errors").at(0).at(0)), "NO_THING_ID");

  auto listing = get("/reddit/api/user/reddit_user_1/submitted?sort=new",
                     {{"Authorization", "Bearer " + token}, {"User-Agent", "server:postfuze-test:1.0"}});
  ASSERT_EQ(listing.status, 200) << listing.body;
  EXPECT_EQ(str(listing.json().at("kind")), "Listing");
  EXPECT_EQ(str(listing.json().at("data").at("children").at(0).at("data").at("selftext")), "body");
  auto comments = get("/reddit/api/user/reddit_user_1/comments",
                      {{"Authorization", "Bearer " + token}, {"User-Agent", "server:postfuze-test:1.0"}});
  EXPECT_EQ(comments.json().at("data").at("children").as_array().size(), 2u);
}

TEST_F(PublishSimTest, RedditRefusesInsideA200AndThrottlesGenericAgents) {
  const std::string token = reddit_token(sim_);
  auto r = post_bearer_form("/reddit/api/api/submit", token,
                            {{"api_type", "json"}, {"sr", "no_such_place"}, {"kind", "self"}, {"title", "t"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(str(r.json().at("json").at("errors").at(0).at(0)), "SUBREDDIT_NOEXIST");
  r = post_bearer_form("/reddit/api/api/submit", token, {{"api_type", "json"}, {"sr", "test"}, {"kind", "self"}});
  EXPECT_EQ(str(r.json().at("json").at("errors").at(0).at(0)), "NO_TEXT");
  r = post_bearer_form("/reddit/api/api/submit", token,
                       {{"api_type", "json"}, {"sr", "test"}, {"kind", "self"}, {"title", "t"}}, "python-requests/2.31");
  EXPECT_EQ(r.status, 429);
  sim_.scenario("reddit", {{"publish_error",
                            {{"status", 200}, {"code", "RATELIMIT"}, {"message", "try again in 2 minutes."}, {"count", 1}}}});
  r = post_bearer_form("/reddit/api/api/submit", token,
                       {{"api_type", "json"}, {"sr", "test"}, {"kind", "self"}, {"title", "t"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(str(r.json().at("json").at("errors").at(0).at(0)), "RATELIMIT");
  EXPECT_TRUE(posts("reddit").empty());
  EXPECT_EQ(get("/reddit/api/user/reddit_user_1/submitted",
                {{"Authorization", "Bearer " + reddit_token(sim_, "identity submit")}, {"User-Agent", "server:x:1.0 (ok)"}})
                .status,
            403);  // listings need history
}

// --- Bluesky -------------------------------------------------------------------

class BlueskyPublishSimTest : public PublishSimTest {
 protected:
  void SetUp() override { jwt_ = bluesky_token(sim_, "alice.test", "did:plc:alice"); }
  HttpResult create(const json::object& record, json::object extra = {}) {
    extra["repo"] = "did:plc:alice";
    extra["collection"] = "app.bsky.feed.post";
    extra["record"] = record;
    return post_json("/bluesky/xrpc/com.atproto.repo.createRecord", jwt_, extra);
  }
  static json::object post(const std::string& text) {
    return {{"$type", "app.bsky.feed.post"}, {"text", text}, {"createdAt", "2026-06-09T10:00:00.000Z"}};
  }
  std::string jwt_;
};

TEST_F(BlueskyPublishSimTest, CreatesRecordsAndRepliesWithStrongRefs) {
  auto r = create(post("root"));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string uri = str(r.json().at("uri"));
  const std::string cid = str(r.json().at("cid"));
  EXPECT_TRUE(uri.starts_with("at://did:plc:alice/app.bsky.feed.post/"));
  EXPECT_TRUE(cid.starts_with("bafyrei"));
  EXPECT_EQ(str(r.json().at("validationStatus")), "valid");
  EXPECT_TRUE(r.json().at("commit").as_object().contains("rev"));

  json::object reply = post("child");
  reply["reply"] = {{"root", {{"uri", uri}, {"cid", cid}}}, {"parent", {{"uri", uri}, {"cid", cid}}}};
  ASSERT_EQ(create(reply).status, 200);
  reply["reply"] = {{"root", {{"uri", uri}, {"cid", "bafyreiwrong"}}}, {"parent", {{"uri", uri}, {"cid", cid}}}};
  EXPECT_EQ(create(reply).status, 400);
  reply["reply"] = {{"root", {{"uri", uri + "x"}, {"cid", cid}}}, {"parent", {{"uri", uri}, {"cid", cid}}}};
  EXPECT_EQ(create(reply).status, 400);

  const auto stored = posts("bluesky");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(str(stored.at(1).at("parent_id")), uri);

  auto list = bearer_get("/bluesky/xrpc/com.atproto.repo.listRecords?repo=did:plc:alice&collection=app.bsky.feed.post",
                         jwt_);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json().at("records").as_array().size(), 2u);
  EXPECT_EQ(str(list.json().at("records").at(0).at("value").at("text")), "child");
  EXPECT_EQ(sim_.bluesky_stats().at("publish").as_int64(), 5);  // four creates and one listRecords
}

TEST_F(BlueskyPublishSimTest, ChecksTextRepoRkeyAndCreatedAt) {
  // "é" as e + combining acute is one grapheme of two code points: 300 pass (600 code points), 301 do not.
  std::string accents;
  for (int i = 0; i < 300; ++i) accents += "e\xCC\x81";
  EXPECT_EQ(create(post(accents)).status, 200);
  EXPECT_EQ(create(post(accents + "e\xCC\x81")).status, 400);
  EXPECT_EQ(create(post(std::string(301, 'a'))).status, 400);
  // 300 family emoji are 300 graphemes but 3300 bytes: the byte limit refuses them.
  std::string family;
  for (int i = 0; i < 300; ++i) family += "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9";  // man ZWJ woman
  EXPECT_EQ(create(post(family)).status, 400);
  EXPECT_EQ(create(post(std::string(3001, 'a'))).status, 400);

  json::object other{{"repo", "did:plc:bob"}, {"collection", "app.bsky.feed.post"}, {"record", post("x")}};
  EXPECT_EQ(post_json("/bluesky/xrpc/com.atproto.repo.createRecord", jwt_, other).status, 400);
  json::object no_date = post("x");
  no_date.erase("createdAt");
  EXPECT_EQ(create(no_date).status, 400);
  EXPECT_EQ(create(post("k1"), {{"rkey", "3kfixed"}}).status, 200);
  EXPECT_EQ(create(post("k2"), {{"rkey", "3kfixed"}}).status, 400);
  EXPECT_EQ(post_json("/bluesky/xrpc/com.atproto.repo.createRecord", "bogus", other).status, 400);  // InvalidToken
}

TEST_F(BlueskyPublishSimTest, FacetsMustBeUtf8ByteRangesOnCharacterBoundaries) {
  const std::string text = "caf\xC3\xA9 https://x.test #tag";  // "café" is 5 bytes
  auto with = [&](int start, int end, json::object feature) {
    json::object r = post(text);
    r["facets"] = json::array{json::object{{"index", {{"byteStart", start}, {"byteEnd", end}}},
                                           {"features", json::array{std::move(feature)}}}};
    return create(r);
  };
  const json::object link{{"$type", "app.bsky.richtext.facet#link"}, {"uri", "https://x.test"}};
  EXPECT_EQ(with(6, 20, link).status, 200);
  EXPECT_EQ(with(4, 20, link).status, 400);   // inside "é"
  EXPECT_EQ(with(6, 200, link).status, 400);  // past the end
  EXPECT_EQ(with(6, 6, link).status, 400);    // empty
  EXPECT_EQ(with(21, 25, {{"$type", "app.bsky.richtext.facet#tag"}, {"tag", "tag"}}).status, 200);
  EXPECT_EQ(with(21, 25, {{"$type", "app.bsky.richtext.facet#tag"}}).status, 400);
  EXPECT_EQ(with(0, 5, {{"$type", "app.bsky.richtext.facet#mention"}, {"did", "alice"}}).status, 400);
  EXPECT_EQ(with(0, 5, {{"$type", "app.bsky.richtext.facet#bold"}}).status, 400);
}

TEST_F(BlueskyPublishSimTest, PublishKnobsApplyToBluesky) {
  sim_.scenario("bluesky", {{"publish_error", {{"status", 429}, {"retry_after", 7}, {"count", 1}}}});
  auto r = create(post("x"));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(str(r.json().at("error")), "RateLimitExceeded");
  EXPECT_EQ(r.header("retry-after"), "7");
  EXPECT_EQ(create(post("x")).status, 200);
}

}  // namespace
}  // namespace postfuze::test
