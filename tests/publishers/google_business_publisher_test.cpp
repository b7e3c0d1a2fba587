// The Google Business publisher against the platform simulator over loopback:
// STANDARD, EVENT and OFFER local posts built from the config slice, the
// location resolved from the account or the config, failure classes, and
// find() after a lost answer; plus the pure body and location builders.
#include "publishers/google_business_publisher.hpp"

#include "publishers/business_publisher_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using publishers::LookupOutcome;
using publishers::Outcome;

class GoogleBusinessPublisherTest : public BusinessPublisherTest {
 protected:
  const publishers::Publisher& publisher = publishers::google_business_publisher();

  void SetUp() override {
    token_ = google_business_login(sim_, 2);
    const auto auth = Headers{{"Authorization", "Bearer " + token_}};
    account_ = std::string(http_request(sim_.port(), boost::beast::http::verb::get,
                                        "/google_business/api/v1/accounts", "", auth)
                               .json()
                               .at("accounts")
                               .at(0)
                               .at("name")
                               .as_string());
    const json::value listed = http_request(sim_.port(), boost::beast::http::verb::get,
                                            "/google_business/api/v1/" + account_ + "/locations?readMask=name", "", auth)
                                   .json();
    for (const auto& l : listed.at("locations").as_array()) locations_.emplace_back(l.at("name").as_string());
  }

  // Location `i` as connect stores it: id "locations/N", login_id the Google account.
  publishers::PublishContext location(std::size_t i, json::object config = {}) {
    publishers::PublishAccount account;
    account.network_unique_id = locations_.at(i);
    account.account_type = "location";
    account.platform_data["login_id"] = account_;
    return context("google_business", std::move(account), token_, std::move(config));
  }

  json::object stored(const std::string& id) {
    for (const auto& p : posts("google_business"))
      if (p.at("id").as_string() == id) return p.as_object();
    return {};
  }

  std::string token_;
  std::string account_;
  std::vector<std::string> locations_;
};

TEST_F(GoogleBusinessPublisherTest, StandardPostWithDefaultsAndCallToAction) {
  const auto r = create(publisher,
                        location(1, {{"callToAction", {{"actionType", "LEARN_MORE"}, {"url", "https://example.com"}}}}),
                        root("Open late on Friday"));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  EXPECT_EQ(r.ref->id.rfind(account_ + "/" + locations_[1] + "/localPosts/", 0), 0u) << r.ref->id;
  EXPECT_TRUE(r.ref->url.starts_with("https://local.google.com/place?")) << r.ref->url;  // searchUrl
  const auto post = stored(r.ref->id).at("extra").as_object();
  EXPECT_EQ(post.at("topicType").as_string(), "STANDARD");
  EXPECT_EQ(post.at("languageCode").as_string(), "en-US");
  EXPECT_EQ(post.at("summary").as_string(), "Open late on Friday");
  EXPECT_EQ(post.at("callToAction").at("actionType").as_string(), "LEARN_MORE");
}

TEST_F(GoogleBusinessPublisherTest, EventAndOfferCarryGoogleDates) {
  const json::object event{{"title", "Launch party"},
                           {"startDate", "2026-12-01"},
                           {"startTime", "18:30"},
                           {"endDate", "2026-12-02"}};
  auto r = create(publisher, location(0, {{"topicType", "EVENT"}, {"event", event}, {"languageCode", "de"}}),
                  root("Come along"));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  auto post = stored(r.ref->id).at("extra").as_object();
  EXPECT_EQ(post.at("languageCode").as_string(), "de");
  const auto& schedule = post.at("event").at("schedule");
  EXPECT_EQ(schedule.at("startDate"), (json::object{{"year", 2026}, {"month", 12}, {"day", 1}}));
  EXPECT_EQ(schedule.at("startTime").at("hours").as_int64(), 18);
  EXPECT_EQ(schedule.at("startTime").at("minutes").as_int64(), 30);

  r = create(publisher,
             location(0, {{"topicType", "OFFER"},
                          {"event", event},
                          {"offer", {{"couponCode", "SAVE10"}, {"termsConditions", "One per visit"}}}}),
             root("Ten percent off"));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  post = stored(r.ref->id).at("extra").as_object();
  EXPECT_EQ(post.at("offer").at("couponCode").as_string(), "SAVE10");
}

TEST_F(GoogleBusinessPublisherTest, EventWithoutTitleFailsBeforeAnyCall) {
  const long before = sim_.stat("google_business", "publish");
  const auto r = create(publisher, location(0, {{"topicType", "EVENT"}}), root("No title"));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_NE(r.message.find("event.title"), std::string::npos) << r.message;
  EXPECT_EQ(sim_.stat("google_business", "publish"), before);
}

TEST_F(GoogleBusinessPublisherTest, PlatformValidationIsPermanent) {
  // The simulator insists on a schedule for events, as Google does.
  const auto r = create(publisher, location(0, {{"topicType", "EVENT"}, {"event", {{"title", "No dates"}}}}),
                        root("Event without dates"));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.platform_status, 400);
  EXPECT_NE(r.message.find("schedule"), std::string::npos) << r.message;
}

TEST_F(GoogleBusinessPublisherTest, LocationNameFromConfigWins) {
  const auto r = create(publisher, location(0, {{"locationName", account_ + "/" + locations_[1]}}), root("Elsewhere"));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  EXPECT_EQ(stored(r.ref->id).at("author").as_string(), account_ + "/" + locations_[1]);
  // Another account's location: Google's 403, permanent.
  const auto other = create(publisher, location(0, {{"locationName", "accounts/1/" + locations_[0]}}), root("x"));
  EXPECT_EQ(other.outcome, Outcome::permanent);
  EXPECT_EQ(other.platform_status, 403);
}

TEST_F(GoogleBusinessPublisherTest, FailureClasses) {
  knobs("google_business", {{"publish_error", {{"status", 503}, {"count", 1}}}});
  EXPECT_EQ(create(publisher, location(0), root("a")).outcome, Outcome::transient);
  knobs("google_business", {{"publish_error", {{"status", 429}, {"count", 1}, {"retry_after", 5}}}});
  const auto limited = create(publisher, location(0), root("a"));
  EXPECT_EQ(limited.outcome, Outcome::rate_limited);
  ASSERT_TRUE(limited.retry_after);
  EXPECT_EQ(limited.retry_after->count(), 5);
  // A revoked grant: Google's 401 UNAUTHENTICATED.
  ASSERT_EQ(http_request(sim_.port(), boost::beast::http::verb::post, "/google_business/api/revoke",
                         "token=" + token_, {{"Content-Type", "application/x-www-form-urlencoded"}})
                .status,
            200);
  EXPECT_EQ(create(publisher, location(0), root("a")).outcome, Outcome::auth);
}

TEST_F(GoogleBusinessPublisherTest, LostAnswerIsAmbiguousAndFindAdoptsThePost) {
  knobs("google_business", {{"created_then_timeout", {{"delay_ms", 1500}}}});
  timeout_ = std::chrono::milliseconds(400);
  EXPECT_EQ(create(publisher, location(0), root("Posted?")).outcome, Outcome::ambiguous);
  timeout_ = std::chrono::milliseconds(5000);
  const auto found = find(publisher, location(0), root("Posted?"));
  ASSERT_EQ(found.outcome, LookupOutcome::found) << found.message;
  EXPECT_EQ(found.ref->id, std::string(posts("google_business")[0].at("id").as_string()));
  EXPECT_EQ(find(publisher, location(1), root("Posted?")).outcome, LookupOutcome::absent);
}

TEST(GoogleLocalPost, DefaultsAndValidation) {
  auto post = publishers::google_local_post("Hi", {});
  ASSERT_TRUE(post);
  EXPECT_EQ(*post, (json::object{{"languageCode", "en-US"}, {"summary", "Hi"}, {"topicType", "STANDARD"}}));
  EXPECT_FALSE(publishers::google_local_post("Hi", {{"topicType", "ALERT"}}));
  EXPECT_FALSE(publishers::google_local_post("Hi", {{"callToAction", {{"actionType", "BOOK"}}}}));  // no url
  auto call = publishers::google_local_post("Hi", {{"callToAction", {{"actionType", "CALL"}, {"url", "https://x"}}}});
  ASSERT_TRUE(call);
  EXPECT_FALSE(call->at("callToAction").as_object().contains("url"));
  EXPECT_FALSE(publishers::google_local_post(
      "Hi", {{"topicType", "EVENT"}, {"event", {{"title", "t"}, {"startDate", "2026-13-01"}}}}));
  EXPECT_FALSE(publishers::google_local_post(
      "Hi", {{"topicType", "EVENT"}, {"event", {{"title", "t"}, {"startTime", "25:00"}}}}));
}

TEST(GoogleLocationName, ConfigAccountOrLogin) {
  publishers::PublishAccount a;
  a.network_unique_id = "locations/7";
  a.platform_data["login_id"] = "accounts/3";
  EXPECT_EQ(*publishers::google_location_name(a, {}), "accounts/3/locations/7");
  EXPECT_EQ(*publishers::google_location_name(a, {{"accountId", "9"}}), "accounts/9/locations/7");
  EXPECT_EQ(*publishers::google_location_name(a, {{"locationName", "accounts/1/locations/2"}}),
            "accounts/1/locations/2");
  a.platform_data.erase("login_id");
  EXPECT_FALSE(publishers::google_location_name(a, {}));
}

}  // namespace
}  // namespace postfuze::test
