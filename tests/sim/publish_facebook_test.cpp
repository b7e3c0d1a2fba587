// The simulator's Facebook Page publishing endpoints driven with plain HTTP:
// feed posts only with that Page's token (JSON, form or query), permalink via
// fields=, Graph's refusals, comments and the feed and comment listings.
#include <boost/json/serialize.hpp>

#include "sim/sim_client.hpp"
#include "support/sim_logins.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;

class FacebookPublishSimTest : public SimTest {
 protected:
  void SetUp() override { pages_ = facebook_pages(sim_, 2); }

  HttpResult post_json(const std::string& target, const json::object& body, const std::string& token) {
    return http_request(port(), verb::post, target, json::serialize(body),
                        {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  }
  std::string feed(std::size_t page) const { return "/facebook/api/" + pages_.at(page).first + "/feed"; }
  const std::string& token(std::size_t page) const { return pages_.at(page).second; }

  std::vector<std::pair<std::string, std::string>> pages_;
};

TEST_F(FacebookPublishSimTest, PagePostAnswersTheIdAndThePermalinkWhenAskedFor) {
  auto r = post_json(feed(0) + "?fields=id,permalink_url", {{"message", "Hello"}, {"link", "https://example.com"}},
                     token(0));
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value doc = r.json();
  const std::string id(doc.at("id").as_string());
  EXPECT_TRUE(id.starts_with(pages_[0].first + "_")) << id;
  EXPECT_TRUE(std::string(doc.at("permalink_url").as_string()).starts_with("https://www.facebook.com/"));
  // Without fields= only the id comes back; a form body works too.
  r = post_form(feed(0), {{"message", "Form post"}, {"access_token", token(0)}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().as_object().size(), 1u);

  r = bearer_get(feed(0) + "?fields=id,message,created_time", token(0));
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value listed = r.json();
  ASSERT_EQ(listed.at("data").as_array().size(), 2u);
  EXPECT_EQ(listed.at("data").at(0).at("message").as_string(), "Form post");  // newest first
  EXPECT_TRUE(std::string(listed.at("data").at(0).at("created_time").as_string()).ends_with("+0000"));
  // since= filters out older posts.
  r = bearer_get(feed(0) + "?since=9999999999", token(0));
  EXPECT_TRUE(r.json().at("data").as_array().empty());
}

TEST_F(FacebookPublishSimTest, OnlyThatPagesTokenMayPost) {
  auto r = post_json(feed(0), {{"message", "x"}}, token(1));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json().at("error").at("code").as_int64(), 200);
  r = post_json(feed(0), {{"message", "x"}}, "not-a-token");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json().at("error").at("code").as_int64(), 190);
  r = post_json("/facebook/api/someone-elses-page/feed", {{"message", "x"}}, token(0));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("error").at("error_subcode").as_int64(), 33);
  r = post_json(feed(0), {}, token(0));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("error").at("code").as_int64(), 100);
  EXPECT_EQ(post_json(feed(0), {{"message", "x"}, {"link", "ftp://x"}}, token(0)).status, 400);
  EXPECT_TRUE(http_request(port(), verb::get, "/_sim/posts?platform=facebook").json().as_array().empty());
}

TEST_F(FacebookPublishSimTest, SameStatusTwiceIsDuplicate506) {
  ASSERT_EQ(post_json(feed(0), {{"message", "again"}}, token(0)).status, 200);
  const auto r = post_json(feed(0), {{"message", "again"}}, token(0));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("error").at("code").as_int64(), 506);
  EXPECT_EQ(post_json(feed(1), {{"message", "again"}}, token(1)).status, 200);  // another Page may
}

TEST_F(FacebookPublishSimTest, CommentsOnAPostAndListsThemInOrder) {
  const std::string id(post_json(feed(0), {{"message", "root"}}, token(0)).json().at("id").as_string());
  const std::string comments = "/facebook/api/" + id + "/comments";
  auto r = post_json(comments, {{"message", "one"}}, token(0));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string first(r.json().at("id").as_string());
  ASSERT_EQ(post_json(comments, {{"message", "two"}}, token(0)).status, 200);
  r = bearer_get(comments + "?fields=id,message,from&limit=1", token(0));
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value page1 = r.json();
  EXPECT_EQ(page1.at("data").at(0).at("id").as_string(), first);
  EXPECT_EQ(page1.at("data").at(0).at("from").at("id").as_string(), pages_[0].first);
  ASSERT_TRUE(page1.at("paging").as_object().contains("next"));
  EXPECT_EQ(post_json("/facebook/api/999_999/comments", {{"message", "x"}}, token(0)).status, 400);
  EXPECT_EQ(post_json(comments, {{"message", ""}}, token(0)).status, 400);
}

}  // namespace
}  // namespace postfuze::test
