// The Instagram publisher against the simulator over loopback, with real
// files the simulator downloads from a loopback media server: an image post,
// a carousel of three, a reel (polled through IN_PROGRESS), a story, comments,
// and the failures — an expired link, a file Instagram cannot process, too
// many items — plus find() after a lost answer.
#include "publishers/instagram_publisher.hpp"

#include "publishers/url_media_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using publishers::LookupOutcome;
using publishers::Outcome;

class InstagramMediaTest : public UrlMediaTest {
 protected:
  const publishers::Publisher& publisher = publishers::instagram_publisher();

  void SetUp() override {
    token_ = access_token_of(sim_login(sim_, "instagram",
                                       {{"response_type", "code"},
                                        {"scope",
                                         "instagram_basic,instagram_content_publish,instagram_manage_comments,"
                                         "pages_show_list,pages_read_engagement"}},
                                       1));
    // The IG professional account as connect finds it: the Page's instagram_business_account.
    const json::value listed =
        checked(http_request(sim_.port(), boost::beast::http::verb::get,
                             "/instagram/api/me/accounts?fields=id,instagram_business_account%7Bid,username%7D", "",
                             {{"Authorization", "Bearer " + token_}}),
                200, "/me/accounts")
            .json();
    const auto& ig = listed.at("data").at(0).at("instagram_business_account");
    ig_id_ = std::string(ig.at("id").as_string());
    ig_username_ = std::string(ig.at("username").as_string());
  }

  publishers::PublishContext account(json::object config = {}) {
    publishers::PublishAccount a;
    a.network_unique_id = ig_id_;
    a.username = ig_username_;
    a.account_type = "business_account";
    return context("instagram", std::move(a), token_, std::move(config));
  }

  std::string token_, ig_id_, ig_username_;
};

TEST_F(InstagramMediaTest, PublishesAnImageTheSimulatorDownloaded) {
  ASSERT_EQ(publishers::publisher_for("instagram"), &publisher);
  const std::string bytes = sample_jpeg(640, 480);
  const auto image = media("photo.jpg", bytes, "image/jpeg");
  const auto r = create(publisher, account(), with_media("A photo #postfuze", {image}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  EXPECT_TRUE(r.ref->url.starts_with("https://www.instagram.com/p/")) << r.ref->url;
  EXPECT_FALSE(r.ref->extra.at("container_id").as_string().empty());
  const auto post = stored("instagram", r.ref->id);
  EXPECT_EQ(post.at("author").as_string(), ig_id_);
  EXPECT_EQ(post.at("text").as_string(), "A photo #postfuze");
  EXPECT_EQ(post.at("extra").at("media_type").as_string(), "IMAGE");
  EXPECT_EQ(post.at("extra").at("media_product_type").as_string(), "FEED");
  ASSERT_EQ(post.at("extra").at("media").as_array().size(), 1u);
  expect_fetched(post.at("extra").at("media").at(0), image, bytes);
  EXPECT_EQ(files_.hits("/media/photo.jpg"), 1);
}

TEST_F(InstagramMediaTest, CarouselOfThreeMakesChildrenThenTheParent) {
  const std::string a = sample_jpeg(320, 240), b = sample_png(300, 300), c = sample_mp4(1);
  const auto ia = media("a.jpg", a, "image/jpeg"), ib = media("b.png", b, "image/png"), ic = media("c.mp4", c, "video/mp4");
  const auto r = create(publisher, account(), with_media("Three in one", {ia, ib, ic}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  const auto post = stored("instagram", r.ref->id);
  EXPECT_EQ(post.at("extra").at("media_type").as_string(), "CAROUSEL_ALBUM");
  EXPECT_EQ(post.at("extra").at("children").as_array().size(), 3u);
  const auto& fetched = post.at("extra").at("media").as_array();
  ASSERT_EQ(fetched.size(), 3u);  // in the container's order
  expect_fetched(fetched.at(0), ia, a);
  expect_fetched(fetched.at(1), ib, b);
  expect_fetched(fetched.at(2), ic, c);
}

TEST_F(InstagramMediaTest, AVideoIsAReelPublishedOnceProcessingFinishes) {
  const std::string bytes = sample_mp4(2);
  const auto video = media("reel.mp4", bytes, "video/mp4");
  const auto r = create(publisher, account({{"thumb_offset", 500}}), with_media("My reel", {video}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  EXPECT_TRUE(r.ref->url.starts_with("https://www.instagram.com/reel/")) << r.ref->url;
  const auto post = stored("instagram", r.ref->id);
  EXPECT_EQ(post.at("extra").at("media_product_type").as_string(), "REELS");
  expect_fetched(post.at("extra").at("media").at(0), video, bytes);
  // The container answered IN_PROGRESS before FINISHED: at least three status polls.
  int polls = 0;
  for (const auto& req : sim_.requests("instagram"))
    if (req.at("method").as_string() == "GET" &&
        std::string_view(req.at("target").as_string()).find("fields=status_code") != std::string_view::npos)
      ++polls;
  EXPECT_GE(polls, 3);
}

TEST_F(InstagramMediaTest, PublishAsStoryMakesAStoryContainer) {
  const auto image = jpeg("story.jpg", 360, 640);
  const auto r = create(publisher, account({{"publishAsStory", true}}), with_media("", {image}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  EXPECT_TRUE(r.ref->url.starts_with("https://www.instagram.com/stories/")) << r.ref->url;
  EXPECT_EQ(stored("instagram", r.ref->id).at("extra").at("media_product_type").as_string(), "STORY");
  // Stories are not listed with captions: a lost answer cannot be resolved by find().
  EXPECT_EQ(find(publisher, account({{"publishAsStory", true}}), with_media("", {image})).outcome,
            LookupOutcome::unavailable);
}

TEST_F(InstagramMediaTest, CommentsGoUnderThePost) {
  const auto r = create(publisher, account(), with_media("Root", {jpeg("root.jpg")}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  publishers::PublishItem c{1, "first comment", r.ref, r.ref};
  const auto made = create(publisher, account(), c);
  ASSERT_EQ(made.outcome, Outcome::created) << made.message;
  EXPECT_EQ(stored("instagram", made.ref->id).at("parent_id").as_string(), r.ref->id);
  const auto again = find(publisher, account(), c);
  ASSERT_EQ(again.outcome, LookupOutcome::found) << again.message;
  EXPECT_EQ(again.ref->id, made.ref->id);
}

TEST_F(InstagramMediaTest, AnExpiredLinkIsAPermanentFetchFailure) {
  const auto image = jpeg("old.jpg");
  files_.expire("/media/old.jpg");
  const auto r = create(publisher, account(), with_media("Too late", {image}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_fetch_failed");
  EXPECT_NE(r.message.find("403"), std::string::npos) << r.message;
  EXPECT_EQ(files_.hits("/media/old.jpg"), 1);  // Instagram really tried
  EXPECT_TRUE(posts("instagram").empty());
}

TEST_F(InstagramMediaTest, AMissingFileIsAPermanentFetchFailure) {
  auto image = jpeg("here.jpg");
  image.url = files_.url("/media/gone.jpg");  // 404
  const auto r = create(publisher, account(), with_media("Gone", {image}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_fetch_failed");
}

TEST_F(InstagramMediaTest, AVideoInstagramCannotProcessEndsThePostForGood) {
  const auto video = media("broken.mp4", corrupt_mp4(), "video/mp4");
  const auto r = create(publisher, account(), with_media("Broken", {video}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_processing_failed");
  EXPECT_TRUE(posts("instagram").empty());
}

TEST_F(InstagramMediaTest, NoMediaOrElevenItemsAreRefusedBeforeAnyCall) {
  EXPECT_EQ(create(publisher, account(), root("text only")).error_code, "media_not_supported");
  std::vector<publishers::MediaItem> many;
  for (int i = 0; i < 11; ++i) many.push_back(jpeg("m" + std::to_string(i) + ".jpg"));
  const auto r = create(publisher, account(), with_media("Too many", many));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_not_supported");
  EXPECT_EQ(sim_.stat("instagram", "publish"), 0);
}

TEST_F(InstagramMediaTest, FindAdoptsAPostWhoseAnswerWasLost) {
  const auto item = with_media("Lost answer", {jpeg("lost.jpg")});
  EXPECT_EQ(find(publisher, account(), item).outcome, LookupOutcome::absent);
  const auto r = create(publisher, account(), item);
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  const auto again = find(publisher, account(), item);
  ASSERT_EQ(again.outcome, LookupOutcome::found) << again.message;
  EXPECT_EQ(again.ref->id, r.ref->id);
  EXPECT_EQ(again.ref->url, r.ref->url);
}

TEST_F(InstagramMediaTest, AnInvalidTokenIsAuth) {
  auto ctx = account();
  ctx.token = core::Secret("expired");
  const auto r = create(publisher, ctx, with_media("x", {jpeg("t.jpg")}));
  EXPECT_EQ(r.outcome, Outcome::auth);
  EXPECT_EQ(r.error_code, "token_rejected");
}

}  // namespace
}  // namespace postfuze::test
