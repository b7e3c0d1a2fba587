// Publishing end to end (issue: publishing): the real server and the real
// platform simulator over loopback, on SQLite and PostgreSQL. Accounts are
// connected through the real connect flow; posts go through POST /posts, the
// durable queue and the publishers; the simulator's post store shows what
// the platforms received.
#include <atomic>
#include <csignal>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "core/time_format.hpp"
#include "integration/publish_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

TEST_P(PublishFlow, XThreadPublishesRootAndChainedRepliesWithOneEventEach) {
  subscribe();
  const auto account = connect("x");
  const auto r = create(R"({"accounts":[")" + account +
                        R"("],"containers":[{"content":"root tweet"},{"content":"first reply"},{"content":"second reply"}]})");
  ASSERT_EQ(r.status, 201) << r.body;
  const json::value created = r.json();
  const std::string id = str(created.at("id"));
  EXPECT_EQ(str(created.at("status")), "queued");
  EXPECT_EQ(str(created.at("containers").at(1).at("role")), "first_comment");
  EXPECT_FALSE(r.header("etag").empty());

  auto post = wait_for(id);
  ASSERT_EQ(str(post.at("status")), "published") << json::serialize(post);
  const auto& target = post.at("targets").at(0).as_object();
  EXPECT_EQ(str(target.at("status")), "published");
  const std::string root = str(target.at("platform_post_id"));
  EXPECT_NE(str(target.at("platform_post_url")).find(root), std::string::npos);
  // Replies are settled shortly after the root is live.
  for (int i = 0; i < 100; ++i) {
    post = wait_for(id);
    const auto& replies = post.at("targets").at(0).at("replies").as_array();
    if (str(replies.at(1).at("status")) == "published") break;
    std::this_thread::sleep_for(50ms);
  }
  const auto& replies = post.at("targets").at(0).at("replies").as_array();
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(str(replies.at(0).at("status")), "published") << json::serialize(post);
  EXPECT_EQ(str(replies.at(1).at("status")), "published") << json::serialize(post);

  const auto tweets = sim_posts("x");
  ASSERT_EQ(tweets.size(), 3u);
  EXPECT_EQ(str(tweets.at(0).at("text")), "root tweet");
  EXPECT_TRUE(tweets.at(0).at("parent_id").is_null());
  EXPECT_EQ(str(tweets.at(1).at("parent_id")), root);
  EXPECT_EQ(str(tweets.at(2).at("parent_id")), str(tweets.at(1).at("id")));  // a chain, not a fan

  EXPECT_EQ(events("post.published", id), 1);
  EXPECT_EQ(events("post.target.published", id), 1);
  EXPECT_EQ(events("post.error", id), 0);
  const auto attempts = call(verb::get, "/api/v1/posts/" + id + "/attempts", key_);
  ASSERT_EQ(attempts.status, 200) << attempts.body;
  EXPECT_EQ(attempts.json().at("data").as_array().size(), 3u) << attempts.body;
}

TEST_P(PublishFlow, EveryTextPlatformPublishesTheRootAndItsFirstComment) {
  subscribe();
  std::vector<std::string> platforms{"x", "linkedin", "facebook", "threads", "reddit", "google_business"};
  std::vector<std::string> accounts;
  for (const auto& p : platforms) {
    // One choice each, so the login connects directly (LinkedIn offers the member plus its organisations).
    scenario(p, {{"accounts", p == "linkedin" ? 0 : 1}});
    accounts.push_back(connect(p));
  }
  platforms.push_back("bluesky");
  accounts.push_back(connect_bluesky());
  json::array ids;
  for (const auto& a : accounts) ids.emplace_back(a);
  json::object body{{"accounts", ids},
                    {"containers", json::array{json::object{{"content", "Launch day! https://example.com/launch"}},
                                               json::object{{"content", "Details in the first comment"}}}},
                    {"config", json::object{{"reddit", json::object{{"subreddit", "webdev"}}}}}};
  const auto r = create(json::serialize(body));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(r.json().at("id"));
  auto post = wait_for(id);
  // Replies follow the roots: wait until none is pending.
  for (int i = 0; i < 200; ++i) {
    bool pending = false;
    for (const auto& t : post.at("targets").as_array())
      for (const auto& reply : t.at("replies").as_array()) pending = pending || str(reply.at("status")) == "pending";
    if (!pending) break;
    std::this_thread::sleep_for(50ms);
    post = wait_for(id);
  }
  EXPECT_EQ(str(post.at("status")), "published") << json::serialize(post);
  for (const auto& t : post.at("targets").as_array()) {
    const std::string platform = str(t.at("platform"));
    EXPECT_EQ(str(t.at("status")), "published") << platform << " " << json::serialize(t);
    EXPECT_FALSE(t.at("platform_post_url").is_null()) << platform;
    const std::string reply = str(t.at("replies").at(0).at("status"));
    // Google Business has no comment surface (contract §15.1): skipped.
    EXPECT_EQ(reply, platform == "google_business" ? "skipped" : "published") << platform << " " << json::serialize(t);
    const auto stored = sim_posts(platform);
    EXPECT_EQ(stored.size(), platform == "google_business" ? 1u : 2u) << platform;
    if (stored.size() == 2u) {
      EXPECT_FALSE(stored.at(1).at("parent_id").is_null()) << platform;
    }
  }
  EXPECT_EQ(events("post.published", id), 1);
  EXPECT_EQ(events("post.target.published", id), static_cast<std::int64_t>(platforms.size()));
  // Bluesky got the link as a facet with UTF-8 byte offsets.
  const auto bsky = sim_posts("bluesky");
  ASSERT_FALSE(bsky.empty());
  EXPECT_NE(json::serialize(bsky.at(0).at("extra")).find("app.bsky.richtext.facet#link"), std::string::npos)
      << json::serialize(bsky.at(0));
}

TEST_P(PublishFlow, TwoOfThreeLiveIsPartialWithExactlyOnePublishedEvent) {
  subscribe();
  const auto x = connect("x");
  const auto threads = connect("threads");
  const auto reddit = connect("reddit");
  // Reddit refuses the submission for good: a validation error inside a 200.
  sim_->scenario("reddit", {{"publish_error", json::object{{"status", 400}, {"count", 100}}}});
  const auto r = create(R"({"accounts":[")" + x + R"(",")" + threads + R"(",")" + reddit +
                        R"("],"content":"hello everyone","config":{"reddit":{"subreddit":"webdev"}}})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(r.json().at("id"));
  const auto post = wait_for(id);
  EXPECT_EQ(str(post.at("status")), "partial") << json::serialize(post);
  int published = 0, failed = 0;
  for (const auto& t : post.at("targets").as_array()) {
    const auto s = str(t.at("status"));
    published += s == "published";
    failed += s == "error";
    if (s == "error") {
      EXPECT_FALSE(str(t.at("error").at("code")).empty());
    }
  }
  EXPECT_EQ(published, 2);
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(events("post.published", id), 1);
  EXPECT_EQ(events("post.target.published", id), 2);
  EXPECT_EQ(events("post.target.failed", id), 1);
  EXPECT_EQ(events("post.error", id), 0);
  EXPECT_EQ(sim_posts("x").size(), 1u);
  EXPECT_EQ(sim_posts("threads").size(), 1u);
  EXPECT_EQ(sim_posts("reddit").size(), 0u);
}

TEST_P(PublishFlow, TransientFailuresRetryWithBackoffThenPublishOnce) {
  const auto x = connect("x");
  sim_->scenario("x", {{"publish_error", json::object{{"status", 503}, {"count", 2}}}});
  const auto r = create(R"({"accounts":[")" + x + R"("],"content":"third time lucky"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(r.json().at("id"));
  const auto post = wait_for(id);
  EXPECT_EQ(str(post.at("status")), "published") << json::serialize(post);
  EXPECT_EQ(post.at("targets").at(0).at("attempts").as_int64(), 3);
  EXPECT_EQ(sim_posts("x").size(), 1u);
  const auto attempts = call(verb::get, "/api/v1/posts/" + id + "/attempts", key_);
  const json::value a = attempts.json();
  ASSERT_EQ(a.at("data").as_array().size(), 3u) << attempts.body;
  EXPECT_EQ(str(a.at("data").at(0).at("outcome")), "transient");
  EXPECT_EQ(a.at("data").at(0).at("platform_status").as_int64(), 503);
  EXPECT_FALSE(a.at("data").at(0).at("retry_at").is_null());
  EXPECT_EQ(str(a.at("data").at(2).at("outcome")), "created");
}

TEST_P(PublishFlow, ARefusedTokenIsRenewedOnceAndThePostGoesOut) {
  const auto x = connect("x");
  // X answers 401 once: the worker renews the token (X rotates refresh tokens)
  // and sends again with the new one.
  sim_->scenario("x", {{"publish_error", json::object{{"status", 401}, {"count", 1}}}});
  const long refreshes = sim_->stat("x", "refresh");
  const auto r = create(R"({"accounts":[")" + x + R"("],"content":"after a refresh"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto post = wait_for(str(r.json().at("id")));
  EXPECT_EQ(str(post.at("status")), "published") << json::serialize(post);
  EXPECT_EQ(sim_->stat("x", "refresh"), refreshes + 1);
  EXPECT_EQ(sim_posts("x").size(), 1u);

  // A platform that keeps refusing fresh tokens ends the target for good.
  sim_->scenario("x", {{"publish_error", json::object{{"status", 401}, {"count", 2}}}});
  const auto again = create(R"({"accounts":[")" + x + R"("],"content":"refused twice"})");
  const auto failed = wait_for(str(again.json().at("id")));
  EXPECT_EQ(str(failed.at("status")), "failed");
  EXPECT_EQ(str(failed.at("targets").at(0).at("error").at("code")), "token_rejected");
  const auto account = call(verb::get, "/api/v1/social-accounts/" + x, key_);
  EXPECT_EQ(str(account.json().at("status")), "reauth_required") << account.body;
}

TEST_P(PublishFlow, TestKeysMayOnlyCreateDrafts) {
  const auto x = connect("x");
  const auto test_key = issue_key(R"({"name":"t","mode":"test","scopes":["*"]})").second;
  const auto live = api_call(port(), verb::post, "/api/v1/posts", test_key, R"({"accounts":[")" + x + R"("],"content":"no"})");
  EXPECT_EQ(live.status, 403) << live.body;
  EXPECT_EQ(str(live.json().at("code")), "test_mode_restricted");
  const auto draft = api_call(port(), verb::post, "/api/v1/posts", test_key,
                              R"({"accounts":[")" + x + R"("],"content":"ok","is_draft":true})");
  EXPECT_EQ(draft.status, 201) << draft.body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM posts"), 1);
}

TEST_P(PublishFlow, RetryAfterIsHonoured) {
  const auto x = connect("x");
  sim_->scenario("x", {{"publish_error", json::object{{"status", 429}, {"count", 1}, {"retry_after", 2}}}});
  const auto start = std::chrono::steady_clock::now();
  const auto r = create(R"({"accounts":[")" + x + R"("],"content":"slow down"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto post = wait_for(str(r.json().at("id")));
  EXPECT_EQ(str(post.at("status")), "published");
  // The retry base is 200 ms here: only Retry-After explains a 2 s wait.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(sim_posts("x").size(), 1u);
}

TEST_P(PublishFlow, IdempotentCreatesMakeOnePost) {
  const auto x = connect("x");
  const std::string body = R"({"accounts":[")" + x + R"("],"content":"once","is_draft":true,"external_ref":"row-42"})";
  std::vector<int> statuses(20);
  std::vector<std::string> ids(20);
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&, i] {
      const auto r = create(body);
      statuses[i] = r.status;
      if (r.status == 200 || r.status == 201) ids[i] = str(r.json().at("id"));
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 19);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM posts"), 1);

  // The header works the same way; external_ref wins when both are sent.
  const std::string draft = R"({"accounts":[")" + x + R"("],"content":"by header","is_draft":true})";
  const auto first = create(draft, {{"Idempotency-Key", "k-1"}});
  const auto again = create(draft, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(str(first.json().at("id")), str(again.json().at("id")));
  EXPECT_EQ(str(create(body, {{"Idempotency-Key", "k-1"}}).json().at("id")), ids[0]);

  // A repeat whose scheduled_at has passed meanwhile still answers the stored post.
  const auto at = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now() + 1s);
  const std::string scheduled = R"({"accounts":[")" + x + R"("],"content":"later","external_ref":"sched-1",)" +
                                R"("scheduled_at":")" + core::format_timestamp(at) + R"("})";
  const auto original = create(scheduled);
  ASSERT_EQ(original.status, 201) << original.body;
  std::this_thread::sleep_for(1500ms);
  const auto repeat = create(scheduled);
  EXPECT_EQ(repeat.status, 200) << repeat.body;
  EXPECT_EQ(str(repeat.json().at("id")), str(original.json().at("id")));
}

TEST_P(PublishFlow, PreflightRefusesTheWholePostNamingAccountAndRule) {
  const auto x = connect("x");
  const auto reddit = connect("reddit");
  const auto r = create(R"({"accounts":[")" + x + R"(",")" + reddit + R"("],"content":")" + std::string(281, 'a') + R"("})");
  ASSERT_EQ(r.status, 422) << r.body;
  const json::value body = r.json();
  EXPECT_EQ(str(body.at("code")), "platform_requirement");
  std::set<std::string> rules;
  for (const auto& e : body.at("errors").as_array()) {
    rules.insert(str(e.at("platform")) + ":" + str(e.at("code")));
    EXPECT_FALSE(str(e.at("account_id")).empty());
  }
  EXPECT_TRUE(rules.count("x:text_too_long")) << r.body;
  EXPECT_TRUE(rules.count("reddit:missing_field")) << r.body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM posts"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_targets"), 0);

  const auto unknown = create(R"({"accounts":["7d0c2a4e-1f53-4b8e-9a51-0c7f3c7d9e11"],"content":"x"})");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(str(unknown.json().at("detail")), "One or more target accounts were not found.");
  EXPECT_EQ(create(R"({"accounts":[")" + x + R"("],"content":"a","containers":[{"content":"b"}]})").status, 422);
  EXPECT_EQ(create(R"({"accounts":[")" + x + R"("],"content":"a","scheduled_at":"2001-01-01T00:00:00Z"})").status, 422);
}

TEST_P(PublishFlow, DraftsEditAndScheduledPostsCancelBeforePublishing) {
  const auto x = connect("x");
  const auto r = create(R"({"accounts":[")" + x + R"("],"content":"draft v1","is_draft":true})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(r.json().at("id"));
  const std::string etag = r.header("etag");
  const auto patch = [&](const std::string& body, const std::string& if_match) {
    return http_request(port(), verb::patch, "/api/v1/posts/" + id, body,
                        {{"Authorization", "Bearer " + key_}, {"Content-Type", "application/json"}, {"If-Match", if_match}});
  };
  const auto edited = patch(R"({"content":"draft v2"})", etag);
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(str(edited.json().at("containers").at(0).at("content")), "draft v2");
  EXPECT_EQ(patch(R"({"content":"stale"})", etag).status, 412);  // the old ETag

  // A scheduled post waits, can be canceled, and is hidden afterwards.
  const std::string later = core::format_timestamp(std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now() + std::chrono::hours(24 * 30)));
  const auto scheduled =
      create(R"({"accounts":[")" + x + R"("],"content":"later","scheduled_at":")" + later + R"("})");
  ASSERT_EQ(scheduled.status, 201) << scheduled.body;
  const std::string sid = str(scheduled.json().at("id"));
  EXPECT_EQ(str(scheduled.json().at("status")), "scheduled");
  EXPECT_EQ(str(scheduled.json().at("targets").at(0).at("status")), "pending");
  const auto canceled = call(verb::delete_, "/api/v1/posts/" + sid, key_);
  ASSERT_EQ(canceled.status, 200) << canceled.body;
  EXPECT_EQ(str(canceled.json().at("status")), "canceled");
  EXPECT_EQ(call(verb::get, "/api/v1/posts/" + sid, key_).status, 404);

  // Publishing the draft now; once published it can be neither edited nor canceled.
  ASSERT_EQ(patch(R"({"is_draft":false})", edited.header("etag")).status, 200);
  const auto post = wait_for(id);
  EXPECT_EQ(str(post.at("status")), "published");
  EXPECT_EQ(str(sim_posts("x").at(0).at("text")), "draft v2");
  EXPECT_EQ(call(verb::delete_, "/api/v1/posts/" + id, key_).status, 409);
  EXPECT_EQ(patch(R"({"content":"too late"})", "*").status, 409);

  // Lists: filters and another org's view.
  const auto listed = call(verb::get, "/api/v1/posts?status=published&platform=x", key_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json().at("data").as_array().size(), 1u);
  const std::string other = cli_key("other-org");
  EXPECT_EQ(call(verb::get, "/api/v1/posts/" + id, other).status, 404);
  EXPECT_EQ(call(verb::get, "/api/v1/posts", other).json().at("data").as_array().size(), 0u);
}

TEST_P(PublishFlow, AScheduledPostGoesOutAtItsTimeNotBefore) {
  const auto x = connect("x");
  const auto at = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now() + 2s);
  const auto r = create(R"({"accounts":[")" + x + R"("],"content":"on time","scheduled_at":")" +
                        core::format_timestamp(at) + R"("})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(str(r.json().at("status")), "scheduled");
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(sim_posts("x").size(), 0u);  // not before its time
  const auto post = wait_for(str(r.json().at("id")));
  EXPECT_EQ(str(post.at("status")), "published");
  const auto published = core::parse_timestamp(str(post.at("targets").at(0).at("published_at")));
  ASSERT_TRUE(published);
  EXPECT_GE(*published, at);
  EXPECT_LE(*published, at + 30s);  // contract §18: within about 30 s
}

TEST_P(PublishFlow, SigtermWhilePostsWaitExitsCleanlyAndARestartFinishesThem) {
  const auto x = connect("x");
  // One create at a time per account, each taking a second: most targets
  // wait in the per-account limiter when the server is told to stop.
  sim_->scenario("x", {{"publish_delay_ms", 1000}});
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    const auto r = create(R"({"accounts":[")" + x + R"("],"content":"queued )" + std::to_string(i) + R"("})");
    ASSERT_EQ(r.status, 201) << r.body;
    ids.push_back(str(r.json().at("id")));
  }
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(server_->stop(SIGTERM), 0) << server_->log_text().substr(0, 4000);

  sim_->scenario("x", {{"publish_delay_ms", 0}});
  server_ = std::make_unique<ServerProcess>(db_->url(), extra_env());
  for (const auto& id : ids) EXPECT_EQ(str(wait_for(id, {"published", "partial", "failed"}, 30s).at("status")), "published");
  EXPECT_EQ(sim_posts("x").size(), 5u);  // the one in flight at the stop was found, not posted twice
}

TEST_P(PublishFlow, KillDuringCreateThenRestartLeavesExactlyOnePostAtThePlatform) {
  const auto x = connect("x");
  // The simulator stores the tweet, then answers only after 60 s: the server is
  // killed while the create is in flight.
  sim_->scenario("x", {{"created_then_timeout", json::object{{"delay_ms", 60000}, {"count", 1}}}});
  const auto r = create(R"({"accounts":[")" + x + R"("],"content":"exactly once"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(r.json().at("id"));
  for (int i = 0; i < 100 && sim_posts("x").empty(); ++i) std::this_thread::sleep_for(50ms);
  ASSERT_EQ(sim_posts("x").size(), 1u);
  server_->stop(SIGKILL);

  server_ = std::make_unique<ServerProcess>(db_->url(), extra_env());
  const auto post = wait_for(id, {"published", "partial", "failed"}, 30s);
  EXPECT_EQ(str(post.at("status")), "published") << json::serialize(post);
  EXPECT_EQ(sim_posts("x").size(), 1u);
  EXPECT_EQ(str(post.at("targets").at(0).at("platform_post_id")), str(sim_posts("x").at(0).at("id")));
  const auto attempts = call(verb::get, "/api/v1/posts/" + id + "/attempts", key_);
  EXPECT_NE(attempts.body.find("\"found\""), std::string::npos) << attempts.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, PublishFlow, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
