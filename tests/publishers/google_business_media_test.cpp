// The Google Business publisher with photos the simulator downloads over
// loopback (LocalPost.media PHOTO sourceUrl), and the refusals: an expired
// link, a video.
#include "publishers/google_business_publisher.hpp"

#include "publishers/url_media_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using publishers::Outcome;

class GoogleBusinessMediaTest : public UrlMediaTest {
 protected:
  const publishers::Publisher& publisher = publishers::google_business_publisher();

  void SetUp() override {
    token_ = google_business_login(sim_, 1);
    const auto auth = Headers{{"Authorization", "Bearer " + token_}};
    const json::value accounts =
        http_request(sim_.port(), boost::beast::http::verb::get, "/google_business/api/v1/accounts", "", auth).json();
    account_ = std::string(accounts.at("accounts").at(0).at("name").as_string());
    const json::value listed = http_request(sim_.port(), boost::beast::http::verb::get,
                                            "/google_business/api/v1/" + account_ + "/locations?readMask=name", "", auth)
                                   .json();
    location_ = std::string(listed.at("locations").at(0).at("name").as_string());
  }

  publishers::PublishContext location() {
    publishers::PublishAccount a;
    a.network_unique_id = location_;
    a.account_type = "location";
    a.platform_data["login_id"] = account_;
    return context("google_business", std::move(a), token_);
  }

  std::string token_, account_, location_;
};

TEST_F(GoogleBusinessMediaTest, APhotoGoesInTheLocalPostMedia) {
  const std::string bytes = sample_jpeg(720, 540);
  const auto image = media("g.jpg", bytes, "image/jpeg");
  const auto r = create(publisher, location(), with_media("New menu", {image}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  const auto post = stored("google_business", r.ref->id);
  const auto& sent = post.at("extra").at("media").at(0);
  EXPECT_EQ(sent.at("mediaFormat").as_string(), "PHOTO");
  EXPECT_EQ(sent.at("sourceUrl").as_string(), image.url);
  expect_fetched(post.at("extra").at("fetched_media").at(0), image, bytes);
}

TEST_F(GoogleBusinessMediaTest, AnExpiredLinkIsAPermanentFetchFailure) {
  const auto image = jpeg("old.jpg");
  files_.expire("/media/old.jpg");
  const auto r = create(publisher, location(), with_media("Expired", {image}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_fetch_failed");
  EXPECT_EQ(r.platform_status, 400);
  EXPECT_EQ(files_.hits("/media/old.jpg"), 1);
  EXPECT_TRUE(posts("google_business").empty());
}

TEST_F(GoogleBusinessMediaTest, AVideoIsRefusedBeforeAnyCall) {
  const auto r = create(publisher, location(), with_media("Video", {mp4("v.mp4")}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_not_supported");
  EXPECT_EQ(files_.hits("/media/v.mp4"), 0);
}

}  // namespace
}  // namespace postfuze::test
