// The Facebook Pages publisher with media the simulator downloads over
// loopback: one photo (/photos), several photos (unpublished uploads, then
// /feed with attached_media), a video (/videos with file_url), and the
// failures — an expired link, an unreadable video, a video mixed with photos.
#include "publishers/facebook_publisher.hpp"

#include "publishers/url_media_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using publishers::LookupOutcome;
using publishers::Outcome;

class FacebookMediaTest : public UrlMediaTest {
 protected:
  const publishers::Publisher& publisher = publishers::facebook_publisher();

  void SetUp() override { pages_ = facebook_pages(sim_, 1); }

  publishers::PublishContext page(json::object config = {}) {
    publishers::PublishAccount account;
    account.network_unique_id = pages_.at(0).first;
    account.account_type = "page";
    return context("facebook", std::move(account), pages_.at(0).second, std::move(config));
  }

  std::vector<std::pair<std::string, std::string>> pages_;
};

TEST_F(FacebookMediaTest, OnePhotoIsAPhotoPostWithItsCaption) {
  const std::string bytes = sample_jpeg(800, 600);
  const auto image = media("p.jpg", bytes, "image/jpeg");
  const auto r = create(publisher, page(), with_media("A photo for the Page", {image}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  EXPECT_TRUE(r.ref->id.starts_with(pages_[0].first + "_")) << r.ref->id;  // the Page post, not the photo
  EXPECT_FALSE(r.ref->extra.at("photo_id").as_string().empty());
  const auto post = stored("facebook", r.ref->id);
  EXPECT_EQ(post.at("text").as_string(), "A photo for the Page");
  expect_fetched(post.at("extra").at("media").at(0), image, bytes);
  // find() sees the photo post in the feed.
  const auto again = find(publisher, page(), with_media("A photo for the Page", {image}));
  ASSERT_EQ(again.outcome, LookupOutcome::found) << again.message;
  EXPECT_EQ(again.ref->id, r.ref->id);
}

TEST_F(FacebookMediaTest, SeveralPhotosAreUploadedUnpublishedThenAttachedToOnePost) {
  const std::string a = sample_jpeg(320, 240), b = sample_png(200, 200), c = sample_gif();
  const auto ia = media("a.jpg", a, "image/jpeg"), ib = media("b.png", b, "image/png"), ic = media("c.gif", c, "image/gif");
  const auto r = create(publisher, page(), with_media("Three photos", {ia, ib, ic}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  const auto all = posts("facebook");
  ASSERT_EQ(all.size(), 1u);  // the unpublished uploads are not posts
  const auto& fetched = all.at(0).at("extra").at("media").as_array();
  ASSERT_EQ(fetched.size(), 3u);
  expect_fetched(fetched.at(0), ia, a);
  expect_fetched(fetched.at(1), ib, b);
  expect_fetched(fetched.at(2), ic, c);
  EXPECT_TRUE(r.ref->url.starts_with("https://www.facebook.com/" + pages_[0].first + "/posts/")) << r.ref->url;
}

TEST_F(FacebookMediaTest, AVideoIsUploadedByFileUrl) {
  const std::string bytes = sample_mp4(1);
  const auto video = media("v.mp4", bytes, "video/mp4");
  const auto r = create(publisher, page({{"title", "Launch video"}}), with_media("Watch this", {video}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  EXPECT_EQ(r.ref->url, "https://www.facebook.com/" + pages_[0].first + "/videos/" + r.ref->id);
  const auto post = stored("facebook", r.ref->id);
  EXPECT_EQ(post.at("text").as_string(), "Watch this");
  EXPECT_EQ(post.at("extra").at("title").as_string(), "Launch video");
  expect_fetched(post.at("extra").at("media").at(0), video, bytes);
}

TEST_F(FacebookMediaTest, AnExpiredPhotoLinkIsPermanent) {
  const auto image = jpeg("expired.jpg");
  files_.expire("/media/expired.jpg");
  const auto r = create(publisher, page(), with_media("Expired", {image}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_fetch_failed");
  EXPECT_EQ(r.platform_status, 400);
  EXPECT_EQ(files_.hits("/media/expired.jpg"), 1);
  EXPECT_TRUE(posts("facebook").empty());
}

TEST_F(FacebookMediaTest, AVideoFacebookCannotReadIsPermanent) {
  const auto r = create(publisher, page(), with_media("Broken", {media("bad.mp4", corrupt_mp4(), "video/mp4")}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_processing_failed");
}

TEST_F(FacebookMediaTest, AVideoWithPhotosIsRefusedBeforeAnyCall) {
  const auto r = create(publisher, page(), with_media("Mixed", {mp4("m.mp4"), jpeg("m.jpg")}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_not_supported");
  EXPECT_EQ(files_.hits("/media/m.mp4") + files_.hits("/media/m.jpg"), 0);
}

}  // namespace
}  // namespace postfuze::test
