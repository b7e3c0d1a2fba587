// The simulator's Google Business local posts driven with plain HTTP: create
// and list under the login's own account and locations, with the LocalPost
// checks Google makes.
#include <boost/json/serialize.hpp>

#include "sim/sim_client.hpp"
#include "support/sim_logins.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;

class GooglePublishSimTest : public SimTest {
 protected:
  void SetUp() override {
    token_ = google_business_login(sim_, 1);
    const json::value accounts = bearer_get("/google_business/api/v1/accounts", token_).json();
    account_ = std::string(accounts.at("accounts").at(0).at("name").as_string());
    const json::value locations =
        bearer_get("/google_business/api/v1/" + account_ + "/locations?readMask=name", token_).json();
    parent_ = account_ + "/" + std::string(locations.at("locations").at(0).at("name").as_string());
  }
  HttpResult create(const json::object& body, const std::string& parent = {}) {
    return http_request(port(), verb::post, "/google_business/api/" + (parent.empty() ? parent_ : parent) + "/localPosts",
                        json::serialize(body),
                        {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}});
  }
  static json::object event(json::object schedule) { return {{"title", "Party"}, {"schedule", std::move(schedule)}}; }
  static json::object day(int d) { return {{"year", 2026}, {"month", 12}, {"day", d}}; }

  std::string token_, account_, parent_;
};

TEST_F(GooglePublishSimTest, CreatesALocalPostAndListsIt) {
  auto r = create({{"languageCode", "en-US"}, {"summary", "Hello"}, {"topicType", "STANDARD"},
                   {"callToAction", {{"actionType", "CALL"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value post = r.json();
  EXPECT_TRUE(std::string(post.at("name").as_string()).starts_with(parent_ + "/localPosts/"));
  EXPECT_EQ(post.at("state").as_string(), "LIVE");
  EXPECT_TRUE(std::string(post.at("searchUrl").as_string()).starts_with("https://local.google.com/place?"));
  EXPECT_TRUE(post.as_object().contains("createTime"));

  r = bearer_get("/google_business/api/" + parent_ + "/localPosts?pageSize=10", token_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("localPosts").at(0).at("name"), post.at("name"));
  EXPECT_EQ(bearer_get("/google_business/api/" + parent_ + "/localPosts?pageSize=101", token_).status, 400);
}

TEST_F(GooglePublishSimTest, RefusesAnotherAccountAnUnknownLocationAndBadPosts) {
  const json::object ok{{"summary", "x"}, {"topicType", "STANDARD"}};
  EXPECT_EQ(create(ok, "accounts/1/" + parent_.substr(parent_.find("locations/"))).status, 403);
  EXPECT_EQ(create(ok, account_ + "/locations/1").status, 404);
  auto r = create({{"summary", "x"}, {"topicType", "STANDARD"}, {"title", "no such field"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("error").at("status").as_string(), "INVALID_ARGUMENT");
  EXPECT_EQ(create({{"summary", "x"}}).status, 400);                                   // topicType required
  EXPECT_EQ(create({{"summary", "x"}, {"topicType", "NEWS"}}).status, 400);
  EXPECT_EQ(create({{"topicType", "STANDARD"}}).status, 400);                          // summary required
  EXPECT_EQ(create({{"summary", std::string(1501, 'a')}, {"topicType", "STANDARD"}}).status, 400);
  EXPECT_EQ(create({{"summary", "x"}, {"topicType", "STANDARD"},
                    {"callToAction", {{"actionType", "CALL"}, {"url", "https://x.example"}}}}).status, 400);
  EXPECT_EQ(create({{"summary", "x"}, {"topicType", "STANDARD"}, {"callToAction", {{"actionType", "BOOK"}}}}).status,
            400);
  EXPECT_EQ(create({{"summary", "x"}, {"topicType", "EVENT"}, {"event", {{"title", "Party"}}}}).status, 400);
  EXPECT_EQ(create({{"summary", "x"}, {"topicType", "EVENT"},
                    {"event", event({{"startDate", day(5)}, {"endDate", day(4)}})}}).status, 400);
  EXPECT_EQ(create({{"summary", "x"}, {"topicType", "STANDARD"}, {"offer", {{"couponCode", "A"}}}}).status, 400);
  EXPECT_EQ(sim_.stat("google_business", "publish"), 12);
  EXPECT_TRUE(http_request(port(), verb::get, "/_sim/posts?platform=google_business").json().as_array().empty());

  r = create({{"summary", "x"}, {"topicType", "EVENT"},
              {"event", event({{"startDate", day(4)}, {"endDate", day(5)}, {"startTime", {{"hours", 9}}}})}});
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace
}  // namespace postfuze::test
